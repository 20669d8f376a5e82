/**
 * What of the project's assets/ a page may load: all of it but the folders only the build reads,
 * whose figures are quoted into the lessons (src/site/build/lesson-source.ts): the measurement
 * reports and the lesson figures' data. The site's build (vite.config.ts) and the widget kit's
 * (vite.bundle.config.ts) copy what this module lets through, so neither the offline download nor
 * the npm package carries the build's inputs.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

/** Folders of assets/ read at build time only. */
export const BUILD_TIME_ASSET_FOLDERS: readonly string[] = ['figures', 'measurements'];

/** Whether `path` (relative to assets/, either separator) is something a page may load. */
export function isRuntimeAsset(path: string): boolean {
  const top = path.split(/[\\/]/).find((part) => part !== '' && part !== '.');
  return top === undefined || !BUILD_TIME_ASSET_FOLDERS.includes(top);
}

/**
 * Copies `from` (the project's assets/) to `to`, leaving out the build-time folders. Links are
 * followed: the copy goes to other hosts and into npm's package, which skips links.
 */
export async function copyRuntimeAssets(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    dereference: true,
    filter: (source) => isRuntimeAsset(relative(from, source).split(sep).join('/')),
  });
}

/**
 * A Vite plugin that copies `<projectRoot>/assets/` (what pages load of it) to `assets/` in the
 * build's output folder once the build is written: the site's pages and the widget kit load the
 * digits, checkpoints and classifier from beside themselves.
 */
export function copyRuntimeAssetsBesideBuild(projectRoot: string): Plugin {
  let outDir = '';
  return {
    name: 'diffusion-lab-runtime-assets',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const from = resolve(projectRoot, 'assets');
      if (existsSync(from)) await copyRuntimeAssets(from, resolve(outDir, 'assets'));
    },
  };
}
