/**
 * Builds the site's service worker (src/site/sw.ts) into `<site>/sw.js` once the site is built:
 * bundles the worker and its Workbox modules into one classic script, then lets Workbox's
 * injectManifest list the course's files (url, revision, size) into it. Nothing is downloaded on
 * install: the list tells the worker which files it may keep and under which revision. Runs as a
 * plugin of the widget bundle's build (vite.bundle.config.ts), the last step of `npm run build`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Plugin, Rollup } from 'vite';
import type { ManifestTransform } from 'workbox-build';
import { formatBytes, HASHED_NAME, isCourseFile, type CourseFile } from '../offline/course-files';

/** Workbox's file list → the course's files: only those a reader needs, each with its size. */
export const courseManifest: ManifestTransform = (entries) => ({
  manifest: entries
    .filter((entry) => isCourseFile(entry.url))
    // `size` is Workbox's own (it sums and then drops it); `bytes` stays in the worker's list.
    .map((entry) => ({ url: entry.url, revision: entry.revision, bytes: entry.size, size: entry.size }) satisfies CourseFile & { size: number }),
});

export interface ServiceWorkerBuild {
  /** Files listed for the worker, none of which is downloaded on install. */
  files: number;
  bytes: number;
}

/** src/site/sw.ts and its imports as one classic script. */
async function bundleWorker(source: string): Promise<string> {
  const { build } = await import('vite');
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    publicDir: false,
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      emptyOutDir: false,
      copyPublicDir: false,
      lib: { entry: source, formats: ['iife'], name: 'diffusionLabServiceWorker', fileName: () => 'sw.js' },
    },
  })) as Rollup.RollupOutput[] | Rollup.RollupOutput;
  const chunk = (Array.isArray(output) ? output[0] : output).output.find((item): item is Rollup.OutputChunk => item.type === 'chunk');
  if (!chunk) throw new Error(`Bundling ${source} gave no script`);
  return chunk.code;
}

/** Writes `<siteDir>/sw.js` from `source` (src/site/sw.ts). */
export async function writeServiceWorker(source: string, siteDir: string): Promise<ServiceWorkerBuild> {
  const { injectManifest } = await import('workbox-build');
  const work = await mkdtemp(join(tmpdir(), 'diffusion-lab-sw-'));
  try {
    const bundled = join(work, 'sw.js');
    await writeFile(bundled, await bundleWorker(source));
    const result = await injectManifest({
      swSrc: bundled,
      swDest: join(siteDir, 'sw.js'),
      globDirectory: siteDir,
      globPatterns: ['**/*'],
      // Not hashed at all: the widget kit (for other sites, with its own copy of assets/) and source maps.
      globIgnores: ['widgets/**', '**/*.map', 'sw.js'],
      // Vite's hashed names change with their contents: the name is the revision.
      dontCacheBustURLsMatching: HASHED_NAME,
      // Nothing is downloaded on install, so no file is too big to list (the default drops > 2 MiB).
      maximumFileSizeToCacheInBytes: 512 * 2 ** 20,
      manifestTransforms: [courseManifest],
    });
    return { files: result.count, bytes: result.size };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
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
        console.log(
          `Service worker ${relative(process.cwd(), join(siteDir, 'sw.js'))}: nothing downloaded on install; ` +
            `${built.files} course files (${formatBytes(built.bytes)}) kept as pages use them, or all on "Keep this course offline"\n`,
        );
      }
    },
  };
}
