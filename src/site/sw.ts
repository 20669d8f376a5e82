/**
 * The site's service worker: the course keeps what a reader uses, as it is used, and works offline
 * for every page read once; "Keep this course offline" (src/site/offline-panel.ts) asks it for the
 * rest. Built after the site by src/site/build/service-worker.ts into dist/sw.js: bundled with its
 * Workbox modules into one classic script, and given the build's list of course files (url,
 * revision, size) at `self.__WB_MANIFEST`, so the script changes whenever a file does.
 *
 * - install: nothing is downloaded; the worker takes over at once.
 * - pages (navigations): network first, so a reader online always gets the current page; the kept
 *   copy when offline.
 * - the other files of the course: cache first. A file's cache key carries its revision (or its
 *   name carries a hash), so a kept copy is never older than the build this worker belongs to.
 * - activate: drops copies whose revision this build no longer lists, and the caches of older
 *   versions of this worker; kept files that did not change stay kept across updates.
 * - messages (./offline/messages.ts): `keep` stores given files (the first page's own files, loaded
 *   before the worker controlled it, come from the HTTP cache), `status` lists what is missing,
 *   `claim` takes over a page that the claim on activation missed.
 *
 * Written against a few local interfaces: the project compiles with the DOM library, which has no
 * service-worker types.
 */
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { clientsClaim } from 'workbox-core';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { COURSE_CACHE, CourseIndex, obsoleteCaches, type CourseFile } from './offline/course-files';
import { isOfflineMessage, type ClaimReply, type KeepMessage, type KeepReply, type StatusReply } from './offline/messages';

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

interface MessageEventLike extends ExtendableEventLike {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}

interface ServiceWorkerScopeLike {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  readonly registration: { readonly scope: string };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
}

const scope = self as unknown as ServiceWorkerScopeLike;
/** The course's files; the build replaces this expression with the list (Workbox's injectManifest). */
const courseFiles = (self as unknown as { __WB_MANIFEST: CourseFile[] }).__WB_MANIFEST;
const course = new CourseIndex(courseFiles, scope.registration.scope);

scope.addEventListener('install', () => {
  void scope.skipWaiting();
});
// Control the pages already open, so the rest of a first visit is kept as it loads.
clientsClaim();

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of obsoleteCaches(await caches.keys())) await caches.delete(name);
      const cache = await caches.open(COURSE_CACHE);
      for (const request of await cache.keys()) {
        if (!course.isCurrentKey(request.url)) await cache.delete(request);
      }
    })(),
  );
});

/** Reads and writes each course file's copy under its revisioned key. */
const revisionedKeys = {
  cacheKeyWillBeUsed: async ({ request }: { request: Request }): Promise<Request | string> => {
    const file = course.fileFor(request.url);
    return file ? course.cacheKey(file) : request;
  },
};
/** Only whole answers: a partial (206) or failed one must never stand in for the file later. */
const wholeAnswers = new CacheableResponsePlugin({ statuses: [200] });
const plugins = [revisionedKeys, wholeAnswers];

const isCourseRequest = (request: Request, url: URL): boolean =>
  request.method === 'GET' && url.origin === scope.location.origin && course.fileFor(url) !== undefined;

registerRoute(({ request, url }) => request.mode === 'navigate' && isCourseRequest(request, url), new NetworkFirst({ cacheName: COURSE_CACHE, plugins }));
registerRoute(({ request, url }) => request.mode !== 'navigate' && isCourseRequest(request, url), new CacheFirst({ cacheName: COURSE_CACHE, plugins }));

async function keep({ urls, fromHttpCache }: KeepMessage): Promise<KeepReply> {
  const cache = await caches.open(COURSE_CACHE);
  const reply: KeepReply = { kept: 0, bytes: 0, failed: [] };
  await Promise.all(
    urls.map(async (url) => {
      const file = course.fileFor(url);
      if (!file) {
        reply.failed.push({ url, reason: 'not a file of this version of the course' });
        return;
      }
      const key = course.cacheKey(file);
      try {
        if (await cache.match(key)) {
          reply.kept++;
          return;
        }
        const response = await fetch(course.address(file), { cache: fromHttpCache ? 'force-cache' : 'no-cache' });
        if (response.status !== 200) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
        await cache.put(key, response);
        reply.kept++;
        reply.bytes += file.bytes;
      } catch (error) {
        reply.failed.push({ url, reason: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  return reply;
}

async function status(): Promise<StatusReply> {
  const cache = await caches.open(COURSE_CACHE);
  const keys = new Set((await cache.keys()).map((request) => request.url));
  const missing = course.missing(keys).map((file) => ({ url: course.address(file), bytes: file.bytes }));
  return { files: course.files.length, bytes: courseFiles.reduce((sum, file) => sum + file.bytes, 0), missing };
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (!isOfflineMessage(message)) return;
  const answer: Promise<KeepReply | StatusReply | ClaimReply> =
    message.type === 'keep' ? keep(message) : message.type === 'status' ? status() : scope.clients.claim().then(() => ({ claimed: true }));
  event.waitUntil(answer.then((reply) => event.ports[0]?.postMessage(reply)));
});

// A module for the type checker (its names stay out of the global scope); the build emits a classic script.
export {};
