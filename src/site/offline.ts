/**
 * Registers the site's service worker (src/site/sw.ts, built to sw.js at the site's root) through
 * workbox-window. The worker keeps each file of the course as a page uses it; the files this page
 * loaded before the worker controlled it (a reader's first visit) are handed to it here, so the
 * page reads offline afterwards without downloading them twice. Production builds only: in
 * development the worker would serve stale modules to Vite's dev server.
 *
 *   import { registerServiceWorker } from './offline';
 *   const worker = registerServiceWorker();   // null where there is none
 */
import { messageSW, Workbox } from 'workbox-window';
import type { ClaimMessage, KeepMessage, KeepReply, StatusMessage, StatusReply } from './offline/messages';

/** The page's side of the worker: what "Keep this course offline" needs. */
export interface OfflineWorker {
  status(): Promise<StatusReply>;
  keep(urls: string[], fromHttpCache: boolean): Promise<KeepReply>;
  /**
   * Calls `listener` each time the worker has stored files that this page loaded before it took
   * over (a first visit's own files), so what the panel says is still to download can be told again.
   */
  onPageKept(listener: () => void): void;
}

/** Registers after the page has loaded, so it never competes with the page's own downloads. */
export function registerServiceWorker(scriptUrl = `${import.meta.env.BASE_URL}sw.js`): OfflineWorker | null {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  const workbox = new Workbox(scriptUrl);
  let unavailable: (reason: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (unavailable = reject));
  failed.catch(() => undefined);
  workbox.register().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    // Offline use is a convenience: the page works without it, so a warning is enough.
    console.warn(`The offline copy of the course is unavailable: ${reason}`);
    unavailable(new Error(`its service worker could not be registered (${reason})`));
  });
  /**
   * The site's active worker; fails where it could not be registered, instead of waiting forever.
   * Asked of the registration, not of workbox-window: its `active` waits for a worker that this
   * page controls or saw install, so a page that is neither (one opened as the worker activated,
   * or reloaded with Shift) would wait for ever.
   */
  const active = (): Promise<ServiceWorker> =>
    Promise.race([
      navigator.serviceWorker.ready.then((registration) => {
        if (!registration.active) throw new Error('its service worker is not active');
        return registration.active;
      }),
      failed,
    ]);
  const pageKept: Array<() => void> = [];
  const worker: OfflineWorker = {
    status: async () => (await messageSW(await active(), { type: 'status' } satisfies StatusMessage)) as StatusReply,
    keep: async (urls, fromHttpCache) => (await messageSW(await active(), { type: 'keep', urls, fromHttpCache } satisfies KeepMessage)) as KeepReply,
    onPageKept: (listener) => pageKept.push(listener),
  };
  if (navigator.serviceWorker.controller === null) {
    keepWhatThisPageLoaded(worker, () => {
      for (const listener of pageKept) listener();
    });
    // Taken over, this page's later downloads are kept as they load, and it reloads offline.
    active()
      .then((sw) => (navigator.serviceWorker.controller === null ? messageSW(sw, { type: 'claim' } satisfies ClaimMessage) : undefined))
      .catch(() => undefined);
  }
  return worker;
}

/**
 * Hands the worker this page and every same-origin file it has loaded, and keeps doing so for
 * files that finish loading later (a widget's module asked for before the worker took over). The
 * worker takes them from the HTTP cache and skips those it already has.
 */
function keepWhatThisPageLoaded(worker: OfflineWorker, stored: () => void): void {
  const sent = new Set<string>();
  let pending: string[] = [location.href.replace(/[?#].*$/, '')];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    const urls = pending.filter((url) => !sent.has(url));
    pending = [];
    if (urls.length === 0) return;
    for (const url of urls) sent.add(url);
    // Keeping these is a bonus for later offline reading; a file it misses is kept on its next use.
    worker
      .keep(urls, true)
      .then((reply) => {
        if (reply.bytes > 0) stored();
      })
      .catch(() => undefined);
  };
  const add = (entries: readonly PerformanceEntry[]): void => {
    for (const entry of entries) {
      if (entry.name.startsWith(`${location.origin}/`)) pending.push(entry.name.replace(/#.*$/, ''));
    }
    timer ??= setTimeout(flush, 500);
  };
  add(performance.getEntriesByType('resource'));
  if (typeof PerformanceObserver !== 'undefined') new PerformanceObserver((list) => add(list.getEntries())).observe({ type: 'resource' });
}
