/**
 * The course's files as the offline copy sees them: which built files belong to the course, the
 * cache key of each (its address, plus its revision when the name carries no hash), and how a
 * page's address maps to its file. Shared by the build (src/site/build/service-worker.ts), the
 * service worker (src/site/sw.ts) and the page's "Keep this course offline" control, so all three
 * agree on names. No DOM and no service-worker APIs here.
 */

/** One file of the course, as the build lists it (Workbox's manifest entry, plus its size). */
export interface CourseFile {
  /** Path relative to the site root, e.g. "lessons/ddim.html" or "static/lesson-page-Ab12Cd34.js". */
  url: string;
  /** Hash of the contents, or null when the name already carries one (it then never changes). */
  revision: string | null;
  /** Size in bytes as served. */
  bytes: number;
}

/** Every cache this site writes starts with this; others on the same origin are left alone. */
export const CACHE_PREFIX = 'diffusion-lab-';
/** The one cache of the course's files. Entries stay across versions while their revision holds. */
export const COURSE_CACHE = `${CACHE_PREFIX}course`;
/** Query parameter that puts a file's revision in its cache key (never sent to the server). */
export const REVISION_PARAM = '__revision';

/**
 * Which built files a reader needs offline, as paths relative to the site root. Left out: source
 * maps, the service worker itself, the widget kit (widgets/, for other sites) and fonts in formats
 * a current browser never asks for (it takes woff2).
 */
export function isCourseFile(path: string): boolean {
  if (path.endsWith('.map') || path === 'sw.js') return false;
  if (path.startsWith('widgets/')) return false;
  if (/\.(ttf|woff)$/.test(path)) return false;
  return true;
}

/**
 * Vite's output names carry a content hash ("lesson-page-Ab12Cd34.js"): such a file never changes
 * under its name, so it needs no revision.
 */
export const HASHED_NAME = /^static\/.+-[\w-]{8}\.\w+$/;

/** The cache names of this site that a version no longer uses. */
export function obsoleteCaches(names: readonly string[]): string[] {
  return names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== COURSE_CACHE);
}

/** Sum of the files' sizes. */
export function totalBytes(files: readonly Pick<CourseFile, 'bytes'>[]): number {
  return files.reduce((sum, file) => sum + file.bytes, 0);
}

/** "640 kB", "9.6 MB": decimal units, as download sizes are usually written. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * Finds the course file an address names and the key its copy is cached under. `scope` is the
 * site root's absolute URL (the service worker's scope), ending in '/'.
 */
export class CourseIndex {
  private readonly byPath = new Map<string, CourseFile>();

  constructor(
    readonly files: readonly CourseFile[],
    private readonly scope: string,
  ) {
    for (const file of files) this.byPath.set(file.url, file);
  }

  /**
   * The file behind `address`, ignoring its query and fragment (a lesson's settings live there).
   * A folder's address names its index.html, and an address without an extension names the
   * `.html` page of that name, as static hosts serve them.
   */
  fileFor(address: string | URL): CourseFile | undefined {
    const url = new URL(address, this.scope);
    if (!url.href.startsWith(this.scope) && `${url.origin}${url.pathname}/` !== this.scope) return undefined;
    let path = decodeURIComponent(url.pathname).slice(new URL(this.scope).pathname.length);
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const exact = this.byPath.get(path);
    if (exact) return exact;
    return /\.[^/]*$/.test(path) ? undefined : this.byPath.get(`${path}.html`);
  }

  /** The absolute address a file's copy is cached under: its own, plus its revision if it has one. */
  cacheKey(file: CourseFile): string {
    const url = new URL(file.url, this.scope);
    if (file.revision !== null) url.searchParams.set(REVISION_PARAM, file.revision);
    return url.href;
  }

  /** The absolute address to download a file from. */
  address(file: CourseFile): string {
    return new URL(file.url, this.scope).href;
  }

  /** Whether a cached key belongs to a file of this version (older revisions do not). */
  isCurrentKey(key: string): boolean {
    const file = this.fileFor(key);
    return file !== undefined && this.cacheKey(file) === key;
  }

  /** The files whose current copy is not among `cachedKeys`. */
  missing(cachedKeys: ReadonlySet<string>): CourseFile[] {
    return this.files.filter((file) => !cachedKeys.has(this.cacheKey(file)));
  }
}
