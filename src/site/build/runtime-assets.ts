/**
 * What of the project's assets/ a page may load: all of it but the folders only the build reads,
 * whose figures are quoted into the lessons (src/site/build/lesson-source.ts): the measurement
 * reports and the lesson figures' data. The site (vite.config.ts) and the widget kit
 * (src/site/build/widget-bundle.ts) copy what this module lets through, so neither the offline
 * download nor the npm package carries the build's inputs.
 */
import { cp } from 'node:fs/promises';
import { relative, sep } from 'node:path';

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
