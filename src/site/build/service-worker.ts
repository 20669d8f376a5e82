/**
 * Builds the site's service worker (src/site/sw.ts) into `<site>/sw.js` once the site is built:
 * lists the files to cache on install, derives a cache version from their contents, and compiles
 * the worker to one classic script. Runs as a plugin of the widget bundle's build
 * (vite.bundle.config.ts), the last step of `npm run build`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { transformWithEsbuild, type Plugin } from 'vite';

/**
 * Which built files a reader needs offline, as paths relative to the site root. Left out: source
 * maps, the widget kit (widgets/, for other sites), fonts in formats a current browser never asks
 * for (it takes woff2), and the reference classifier (kept once a reader uses it online).
 */
export function isPrecached(path: string): boolean {
  if (path.endsWith('.map') || path === 'sw.js') return false;
  if (path.startsWith('widgets/') || path.startsWith('assets/classifier/')) return false;
  if (/\.(ttf|woff)$/.test(path)) return false;
  return true;
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

export interface ServiceWorkerBuild {
  precache: string[];
  version: string;
  bytes: number;
}

/** Writes `<siteDir>/sw.js` from `source` (src/site/sw.ts). */
export async function writeServiceWorker(source: string, siteDir: string): Promise<ServiceWorkerBuild> {
  const precache = (await listFiles(siteDir)).filter(isPrecached);
  const hash = createHash('sha256');
  let bytes = 0;
  for (const path of precache) {
    const body = await readFile(join(siteDir, path));
    bytes += body.length;
    hash.update(path).update('\0').update(body);
  }
  const version = hash.digest('hex').slice(0, 16);
  // Paths relative to sw.js; the site's root page is './', the address readers open.
  const urls = precache.map((p) => (p === 'index.html' ? './' : p));
  const { code } = await transformWithEsbuild(await readFile(source, 'utf8'), source, {
    loader: 'ts',
    format: 'iife',
    target: 'es2022',
    define: { __PRECACHE__: JSON.stringify(urls), __CACHE_VERSION__: JSON.stringify(version) },
  });
  await writeFile(join(siteDir, 'sw.js'), code);
  return { precache, version, bytes };
}

/**
 * After the bundle is written to `<site>/widgets/`, builds `<site>/sw.js`, when `<site>` holds a
 * built site (a bundle built on its own, e.g. into a temporary folder, has none).
 */
export function siteServiceWorker(projectRoot: string): Plugin {
  let siteDir = '';
  let quiet = false;
  return {
    name: 'diffusion-lab-service-worker',
    apply: 'build',
    configResolved(config) {
      siteDir = resolve(config.root, config.build.outDir, '..');
      quiet = config.logLevel === 'warn' || config.logLevel === 'error' || config.logLevel === 'silent';
    },
    async closeBundle() {
      if (!existsSync(join(siteDir, 'index.html'))) return;
      const built = await writeServiceWorker(resolve(projectRoot, 'src/site/sw.ts'), siteDir);
      if (!quiet) {
        const mib = (built.bytes / 2 ** 20).toFixed(1);
        console.log(`Service worker ${relative(process.cwd(), join(siteDir, 'sw.js'))}: ${built.precache.length} files (${mib} MiB) cached on install, version ${built.version}\n`);
      }
    },
  };
}
