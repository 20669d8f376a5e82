/**
 * Where a page loads the published widget kit from: the package's name and version are read from
 * package.json when the site or the kit is built (Vite keeps only these two fields), so a release
 * changes the version in one place and every Embed snippet follows.
 */
import { name, version } from '../../../package.json';

export const KIT_PACKAGE: string = name;
export const KIT_VERSION: string = version;

/**
 * The kit's ES module inside the package: `npm pack` ships dist/widgets/ as `npm run build` writes
 * it (package.json `files`; test/e2e/package.test.ts checks this path is in the tarball).
 */
export const KIT_MODULE_PATH = 'dist/widgets/diffusion-lab.js';

/** The kit's module on a public CDN, pinned to one version so a course page never changes under it. */
export function kitModuleUrl(packageName = KIT_PACKAGE, packageVersion = KIT_VERSION): string {
  return `https://cdn.jsdelivr.net/npm/${packageName}@${packageVersion}/${KIT_MODULE_PATH}`;
}
