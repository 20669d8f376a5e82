/**
 * Starts a module Web Worker whose script may live on another origin than the code starting it,
 * as when a course page loads the widget kit from a CDN. A browser starts a worker only from a
 * script of the starter's own origin (HTML, "Dedicated workers": the Worker constructor throws a
 * SecurityError otherwise), so a cross-origin script is started through a same-origin `blob:`
 * module whose one line imports it; module imports are fetched with CORS, which the kit's host
 * allows. The imported module keeps its own URL as `import.meta.url`, so everything it finds
 * relative to itself (chunks, .wasm files, assets/) still comes from the kit's host.
 * A same-origin script starts directly, as before, so a page whose policy allows only
 * `script-src 'self'` (no `blob:`) keeps working.
 */

/** Who starts the worker: its origin and the URL that relative script URLs resolve against. */
export interface WorkerStarter {
  origin: string;
  baseUrl: string;
}

/** How a worker script is started: from its own URL, or from a blob that imports it. */
export type WorkerStart = { kind: 'direct'; url: string } | { kind: 'blob'; url: string; source: string };

/** The page (or the worker) running this code. */
export function currentStarter(): WorkerStarter {
  const g = globalThis as { origin?: string; document?: { baseURI: string }; location?: { href: string; origin: string } };
  const baseUrl = g.document?.baseURI ?? g.location?.href ?? '';
  // In a worker started from a blob, location is the blob URL: its origin is the page's.
  return { origin: g.origin ?? g.location?.origin ?? new URL(baseUrl).origin, baseUrl };
}

/** The source of a module that imports `absoluteUrl` and nothing else. */
export function blobImportSource(absoluteUrl: string): string {
  return `import ${JSON.stringify(absoluteUrl)};\n`;
}

/** How to start `scriptUrl` (absolute, or relative to the starter's base) from `starter`. */
export function planWorkerStart(scriptUrl: string, starter: WorkerStarter): WorkerStart {
  let url: URL;
  try {
    url = new URL(scriptUrl, starter.baseUrl);
  } catch {
    throw new Error(`cannot start a worker from "${scriptUrl}": it is not a URL relative to ${starter.baseUrl}`);
  }
  if (url.origin === starter.origin) return { kind: 'direct', url: scriptUrl };
  return { kind: 'blob', url: url.href, source: blobImportSource(url.href) };
}

/** What starting needs from the platform (tests pass stand-ins). */
export interface WorkerPlatform<W> {
  starter: WorkerStarter;
  createWorker(url: string, options: WorkerOptions): W;
  createObjectUrl(blob: Blob): string;
  revokeObjectUrl(url: string): void;
}

const browserPlatform = (): WorkerPlatform<Worker> => ({
  starter: currentStarter(),
  createWorker: (url, options) => new Worker(url, options),
  createObjectUrl: (blob) => URL.createObjectURL(blob),
  revokeObjectUrl: (url) => URL.revokeObjectURL(url),
});

/** Starts the module worker `scriptUrl` (see the file's header for how). */
export function startModuleWorker<W = Worker>(scriptUrl: string, name: string, platform?: WorkerPlatform<W>): W {
  const host = platform ?? (browserPlatform() as unknown as WorkerPlatform<W>);
  const plan = planWorkerStart(scriptUrl, host.starter);
  const options: WorkerOptions = { type: 'module', name };
  if (plan.kind === 'direct') return host.createWorker(plan.url, options);
  const blobUrl = host.createObjectUrl(new Blob([plan.source], { type: 'text/javascript' }));
  try {
    return host.createWorker(blobUrl, options);
  } finally {
    // The constructor has already taken hold of the blob (URL parsing resolves a blob URL's entry).
    host.revokeObjectUrl(blobUrl);
  }
}
