/**
 * The npm package's files beside the widget kit (dist/widgets/, from vite.bundle.config.ts):
 * the library entry in dist/lib/ (./library.ts) and dist/custom-elements.json
 * (./custom-elements-manifest.ts). package.json's `exports` and `files` name these paths.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { customElementsManifest } from './custom-elements-manifest';
import { buildLibrary } from './library';
import { BUNDLE_FILE } from './widget-bundle';

/** Paths inside the package (and under the project root after `npm run build`). */
export const PACKAGE_PATHS = {
  library: 'dist/lib',
  widgets: 'dist/widgets',
  kitModule: `dist/widgets/${BUNDLE_FILE}`,
  manifest: 'dist/custom-elements.json',
} as const;

/**
 * Writes the library and the manifest under `packageRoot` (the project root, or a test's copy of
 * the package), reading the sources from `projectRoot`. The kit must be built there first: the
 * manifest describes its module.
 */
export async function writePackageFiles(projectRoot: string, packageRoot = projectRoot): Promise<{ libraryFiles: string[] }> {
  const kitModule = join(packageRoot, PACKAGE_PATHS.kitModule);
  if (!existsSync(kitModule)) throw new Error(`${kitModule} is missing: build the widget kit first (vite build --config vite.bundle.config.ts)`);
  const libraryFiles = await buildLibrary(projectRoot, join(packageRoot, PACKAGE_PATHS.library));
  const manifest = customElementsManifest(PACKAGE_PATHS.kitModule);
  await mkdir(join(packageRoot, 'dist'), { recursive: true });
  await writeFile(join(packageRoot, PACKAGE_PATHS.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { libraryFiles };
}
