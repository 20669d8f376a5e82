/**
 * Registers the site's service worker (src/site/sw.ts, built to sw.js at the site's root), which
 * keeps the course working offline once a page has loaded. Production builds only: in
 * development the worker would serve stale modules to Vite's dev server.
 *
 *   import { registerServiceWorker } from './offline';
 *   registerServiceWorker();
 */

/** Starts the registration after the page has loaded, so it never competes with the page's own downloads. */
export function registerServiceWorker(scriptUrl = `${import.meta.env.BASE_URL}sw.js`): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const register = (): void => {
    navigator.serviceWorker.register(scriptUrl).catch((error: unknown) => {
      // Offline use is a convenience: the page works without it, so a warning is enough.
      console.warn(`The offline copy of the course is unavailable: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
