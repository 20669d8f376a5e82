/**
 * The npm package's files beside the widget kit: dist/lib/ (the library entry, ES modules with
 * .d.ts) and dist/custom-elements.json. The last step of `npm run build`, which `npm pack` and
 * `npm publish` run first (prepack).
 *
 *   tsx scripts/build-package.ts
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_PATHS, writePackageFiles } from '../src/site/build/package-files';

async function main(): Promise<void> {
  const root = resolve(fileURLToPath(import.meta.url), '..', '..');
  const started = performance.now();
  const { libraryFiles } = await writePackageFiles(root);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Package files: ${libraryFiles.length} files in ${PACKAGE_PATHS.library}/ and ${PACKAGE_PATHS.manifest} (${seconds} s, from ${relative(process.cwd(), root) || '.'})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
