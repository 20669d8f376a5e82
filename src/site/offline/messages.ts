/**
 * What a page and the service worker say to each other (postMessage, with the answer on a
 * MessageChannel port, as workbox-window's messageSW expects).
 *
 * - `keep`: store these files of the course (absolute addresses). `fromHttpCache` takes the
 *   browser's HTTP-cache copy when it has one: the page loaded these files a moment ago, before the
 *   worker controlled it, so they need not be downloaded again.
 * - `status`: how big the course is and which files are not kept yet.
 * - `claim`: take over the page that asks. A page whose navigation began just as the worker
 *   activated, or one reloaded bypassing the worker (Shift+Reload), is left uncontrolled by the
 *   worker's own claim on activation; it asks once the worker is active.
 */
export interface KeepMessage {
  type: 'keep';
  urls: string[];
  fromHttpCache: boolean;
}

export interface StatusMessage {
  type: 'status';
}

export interface ClaimMessage {
  type: 'claim';
}

export type OfflineMessage = KeepMessage | StatusMessage | ClaimMessage;

export interface ClaimReply {
  claimed: true;
}

export interface KeepReply {
  /** Files now kept (stored now or already there). */
  kept: number;
  /** Bytes of the files stored by this message (not those already there). */
  bytes: number;
  failed: { url: string; reason: string }[];
}

export interface StatusReply {
  files: number;
  bytes: number;
  /** Files not kept yet, by absolute address, with their sizes. */
  missing: { url: string; bytes: number }[];
}

export function isOfflineMessage(data: unknown): data is OfflineMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as { type?: unknown; urls?: unknown; fromHttpCache?: unknown };
  if (message.type === 'status' || message.type === 'claim') return true;
  return message.type === 'keep' && Array.isArray(message.urls) && message.urls.every((url) => typeof url === 'string') && typeof message.fromHttpCache === 'boolean';
}
