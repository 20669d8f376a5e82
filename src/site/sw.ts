/**
 * The site's service worker: once a page of the course has loaded, the course works offline.
 * Built after the site by src/site/build/service-worker.ts into dist/sw.js (a classic script at
 * the site's root, so its scope is the whole site), with the list of files to keep and a version
 * that changes whenever one of them does.
 *
 * - install: caches the site's shell (pages, scripts, styles, WebAssembly, fonts, the MNIST
 *   subset and the shipped checkpoint), then takes over at once.
 * - pages (navigations): network first, so a reader online always gets the current page; the
 *   cached copy when offline.
 * - everything else from this origin: cache first (the build's file names carry hashes; assets
 *   change only with a new version, which empties the old cache), and anything fetched while
 *   online (the reference classifier, say) is kept for later.
 *
 * Written against a few local interfaces: the project compiles with the DOM library, which has
 * no service-worker types.
 */

/** Paths of the files to cache on install, relative to this script. Set by the build. */
declare const __PRECACHE__: readonly string[];
/** Changes whenever a cached file changes. Set by the build. */
declare const __CACHE_VERSION__: string;

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

interface FetchEventLike extends ExtendableEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}

interface ServiceWorkerScopeLike {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
}

const scope = self as unknown as ServiceWorkerScopeLike;
const CACHE_PREFIX = 'diffusion-lab-';
const CACHE_NAME = `${CACHE_PREFIX}${__CACHE_VERSION__}`;

scope.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // `cache: 'reload'`: fresh copies, not whatever the HTTP cache holds from an older build.
      await cache.addAll(__PRECACHE__.map((path) => new Request(new URL(path, scope.location.href), { cache: 'reload' })));
      await scope.skipWaiting();
    })(),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      // Control the pages already open, so the first visit is served by the cache from now on.
      await scope.clients.claim();
    })(),
  );
});

/** The cached copy of a page: its URL as asked, or with `.html` / `index.html` added as static hosts do. */
async function cachedPage(cache: Cache, url: URL): Promise<Response | undefined> {
  const bare = `${url.origin}${url.pathname}`;
  const candidates = url.pathname.endsWith('/') ? [bare, `${bare}index.html`] : [bare, `${bare}.html`];
  for (const candidate of candidates) {
    const hit = await cache.match(candidate);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Stores a copy of `response` after the page has its answer. A failed store (quota, a cache being
 * deleted by a newer version) is only a missed copy: awaiting it would turn a good download into
 * a network error for the page, and hold the page back until the whole body is written.
 */
function keepCopy(event: FetchEventLike, key: RequestInfo, response: Response): void {
  const copy = response.clone();
  event.waitUntil(
    caches
      .open(CACHE_NAME)
      .then((cache) => cache.put(key, copy))
      .catch(() => undefined),
  );
}

async function networkFirstPage(event: FetchEventLike): Promise<Response> {
  const { request } = event;
  let response: Response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await cachedPage(await caches.open(CACHE_NAME), new URL(request.url));
    if (cached) return cached;
    throw error;
  }
  // Kept under the address without query or fragment: one copy per page, whatever its settings.
  const url = new URL(request.url);
  if (response.ok && response.type === 'basic') keepCopy(event, `${url.origin}${url.pathname}`, response);
  return response;
}

async function cacheFirst(event: FetchEventLike): Promise<Response> {
  const { request } = event;
  let cached: Response | undefined;
  try {
    cached = await (await caches.open(CACHE_NAME)).match(request, { ignoreSearch: true });
  } catch {
    // Storage the browser refuses or has cleared: the network can still answer.
  }
  if (cached) return cached;
  const response = await fetch(request);
  // Only whole, same-origin answers: a partial (206) or failed one must not stand in later.
  if (response.status === 200 && response.type === 'basic') keepCopy(event, request, response);
  return response;
}

scope.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  event.respondWith(request.mode === 'navigate' ? networkFirstPage(event) : cacheFirst(event));
});

// A module for the type checker (its names stay out of the global scope); the build emits a classic script.
export {};
