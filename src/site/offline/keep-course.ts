/**
 * "Keep this course offline": asks the service worker to store the files it does not have yet,
 * a few at a time, reporting files and bytes as they are stored. It stops at the first file that
 * fails or when cancelled; what was stored stays, so pressing again continues from there.
 */
import type { KeepReply } from './messages';

export interface MissingFile {
  url: string;
  bytes: number;
}

export interface KeepProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export type KeepOutcome =
  | { kind: 'done'; progress: KeepProgress }
  | { kind: 'cancelled'; progress: KeepProgress }
  | { kind: 'failed'; progress: KeepProgress; url: string; reason: string };

export interface KeepCourseOptions {
  keep(urls: string[]): Promise<KeepReply>;
  onProgress(progress: KeepProgress): void;
  signal?: AbortSignal;
  /** Files asked for in one message: a few, so progress moves and cancelling is quick. */
  batchSize?: number;
}

export async function keepCourse(missing: readonly MissingFile[], options: KeepCourseOptions): Promise<KeepOutcome> {
  const batchSize = options.batchSize ?? 4;
  const progress: KeepProgress = {
    files: 0,
    totalFiles: missing.length,
    bytes: 0,
    totalBytes: missing.reduce((sum, file) => sum + file.bytes, 0),
  };
  options.onProgress({ ...progress });
  for (let start = 0; start < missing.length; start += batchSize) {
    if (options.signal?.aborted) return { kind: 'cancelled', progress };
    const batch = missing.slice(start, start + batchSize);
    let reply: KeepReply;
    try {
      reply = await options.keep(batch.map((file) => file.url));
    } catch (error) {
      return { kind: 'failed', progress, url: batch[0].url, reason: error instanceof Error ? error.message : String(error) };
    }
    const failed = new Set(reply.failed.map((failure) => failure.url));
    for (const file of batch) {
      if (failed.has(file.url)) continue;
      progress.files++;
      progress.bytes += file.bytes;
    }
    options.onProgress({ ...progress });
    if (reply.failed.length > 0) return { kind: 'failed', progress, url: reply.failed[0].url, reason: reply.failed[0].reason };
  }
  return { kind: 'done', progress };
}
