/**
 * Vite plugins of the widget bundle (vite.bundle.config.ts): one ES module that defines all
 * Diffusion Lab widgets, for pages that use no build tool. The bundle, its lab worker, tfjs's
 * WebAssembly files and a copy of the project's assets/ sit in one folder (dist/widgets/), and
 * everything is found relative to the bundle itself, never to the page that loads it, so the
 * folder can be copied to any host and path.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

/** File name of the bundle inside its folder. */
export const BUNDLE_FILE = 'diffusion-lab.js';

/**
 * The folder of the module this expression is evaluated in, as an absolute URL ending in '/'.
 * Written without `new URL('…', import.meta.url)`, which Vite would read as an asset to emit.
 */
const MODULE_FOLDER = `import.meta.url.replace(/[?#].*$/, '').replace(/[^/]*$/, '')`;

/** The site's default assets folder, which the bundle must not use (it is relative to the page). */
const SITE_ASSETS_DEFAULT = /export const DEFAULT_ASSETS_BASE = '\/assets\/';/;

/**
 * In the site, `import.meta.env.BASE_URL` (the site's root on its host) and the default assets
 * folder '/assets/' are relative to the page. In the bundle both become the bundle's own folder,
 * so `assets/` is looked up next to the bundle unless a widget's `assets-base` says otherwise.
 * Runs before Vite's own replacement of `import.meta.env`.
 */
export function bundleRelativeBase(): Plugin {
  return {
    name: 'diffusion-lab-bundle-relative-base',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0];
      if (!file.includes('/src/') || file.includes('/node_modules/') || !/\.ts$/.test(file)) return null;
      let out = code;
      if (out.includes('import.meta.env.BASE_URL')) out = out.replaceAll('import.meta.env.BASE_URL', MODULE_FOLDER);
      if (file.endsWith('/src/components/base/mnist-cache.ts')) {
        if (!SITE_ASSETS_DEFAULT.test(out)) {
          // Fail the build rather than ship a bundle that reads digits from the page's /assets/.
          this.error(`${file}: DEFAULT_ASSETS_BASE changed; update bundleRelativeBase() in src/site/build/widget-bundle.ts`);
        }
        out = out.replace(SITE_ASSETS_DEFAULT, `export const DEFAULT_ASSETS_BASE = ${MODULE_FOLDER} + 'assets/';`);
      }
      return out === code ? null : { code: out, map: null };
    },
  };
}

/** The build's output folder, absolute. */
const outDirOf = (config: ResolvedConfig): string => resolve(config.root, config.build.outDir);

export interface FileSize {
  /** Path relative to the bundle folder. */
  file: string;
  raw: number;
  gzip: number;
}

/** Raw and gzip (level 9) sizes of the code and WebAssembly files in `dir` (not assets/ nor source maps). */
export async function measureBundle(dir: string): Promise<FileSize[]> {
  const sizes: FileSize[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile() || name.endsWith('.map')) continue;
    const body = await readFile(path);
    sizes.push({ file: relative(dir, path), raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  return sizes;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

/**
 * The files a page fetches before any widget is used: the entry and, transitively, its static
 * imports, read from Vite's build manifest (dist/widgets/.vite/manifest.json). Dynamically
 * imported chunks (tfjs of the 2-D widgets) and the worker are left out: they load on demand.
 */
export async function firstLoadFiles(dir: string, entryFile = BUNDLE_FILE): Promise<string[]> {
  const manifestPath = join(dir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: the bundle must be built with build.manifest`);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry && chunk.file === entryFile);
  if (!entry) throw new Error(`${manifestPath} has no entry chunk ${entryFile}`);
  const seen = new Set<string>();
  const files: string[] = [];
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${manifestPath}: a chunk imports "${key}", which the manifest does not list`);
    files.push(chunk.file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  visit(entry[0]);
  return files;
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** A small table of `sizes` with a total line. */
export function formatSizes(sizes: readonly FileSize[]): string {
  const width = Math.max(5, ...sizes.map((s) => s.file.length));
  const line = (file: string, raw: number, gzip: number) => `  ${file.padEnd(width)}  ${kib(raw).padStart(11)}  ${kib(gzip).padStart(11)}`;
  const total = sizes.reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip }), { raw: 0, gzip: 0 });
  return [
    `  ${'file'.padEnd(width)}  ${'raw'.padStart(11)}  ${'gzip'.padStart(11)}`,
    ...sizes.map((s) => line(s.file, s.raw, s.gzip)),
    line('total', total.raw, total.gzip),
  ].join('\n');
}

/** Prints the sizes of the bundle's files once they are written. */
export function reportBundleSizes(): Plugin {
  let outDir = '';
  let quiet = false;
  return {
    name: 'diffusion-lab-bundle-sizes',
    apply: 'build',
    configResolved(config) {
      outDir = outDirOf(config);
      quiet = config.logLevel === 'warn' || config.logLevel === 'error' || config.logLevel === 'silent';
    },
    async closeBundle() {
      if (quiet) return;
      const sizes = await measureBundle(outDir);
      const first = new Set(await firstLoadFiles(outDir));
      const upFront = sizes.filter((s) => first.has(s.file));
      const gzip = upFront.reduce((t, s) => t + s.gzip, 0);
      console.log(
        `\nWidget bundle (${relative(process.cwd(), outDir) || '.'}/, assets/ not counted):\n${formatSizes(sizes)}\n` +
          `Loaded by a page up front: ${kib(gzip)} gzip (${upFront.map((s) => s.file).join(' + ')}); the rest on demand\n`,
      );
    },
  };
}

/**
 * Runs `task` with NODE_ENV set to 'production', then puts NODE_ENV back: Vite picks production
 * builds of dependencies (Lit without its dev-mode checks) only then, and a test runner sets 'test'.
 */
export async function withProductionEnv<T>(task: () => Promise<T>): Promise<T> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await task();
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * Builds the widget bundle with vite.bundle.config.ts into `outDir` (tests use a temporary folder)
 * and returns its files' sizes.
 */
export async function buildWidgetBundle(projectRoot: string, outDir: string): Promise<FileSize[]> {
  const { build } = await import('vite');
  await withProductionEnv(() =>
    build({
      root: projectRoot,
      configFile: resolve(projectRoot, 'vite.bundle.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    }),
  );
  return measureBundle(outDir);
}
