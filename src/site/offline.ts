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
import { Workbox } from 'workbox-window';
import type { KeepMessage, KeepReply, StatusMessage, StatusReply } from './offline/messages';

/** The page's side of the worker: what "Keep this course offline" needs. */
export interface OfflineWorker {
  status(): Promise<StatusReply>;
  keep(urls: string[], fromHttpCache: boolean): Promise<KeepReply>;
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
  /** The worker once active; fails where it could not be registered, instead of waiting forever. */
  const active = (): Promise<unknown> => Promise.race([workbox.active, failed]);
  const worker: OfflineWorker = {
    status: async () => {
      await active();
      return (await workbox.messageSW({ type: 'status' } satisfies StatusMessage)) as StatusReply;
    },
    keep: async (urls, fromHttpCache) => {
      await active();
      return (await workbox.messageSW({ type: 'keep', urls, fromHttpCache } satisfies KeepMessage)) as KeepReply;
    },
  };
  if (navigator.serviceWorker.controller === null) keepWhatThisPageLoaded(worker);
  return worker;
}

/**
 * Hands the worker this page and every same-origin file it has loaded, and keeps doing so for
 * files that finish loading later (a widget's module asked for before the worker took over). The
 * worker takes them from the HTTP cache and skips those it already has.
 */
function keepWhatThisPageLoaded(worker: OfflineWorker): void {
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
    worker.keep(urls, true).catch(() => undefined);
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
