/**
 * The whole site as `npm run build` leaves it, built once for the test files that serve it
 * (lessons-build, offline, mnist-first-visit) and kept by build-cache.ts: the pages (vite.config.ts),
 * the MNIST assets beside them as in a deployment, the widget bundle in widgets/ and the service
 * worker, sw.js. The bundle is the one the embed tests build (embed-fixture.ts), copied: it finds
 * its chunks beside itself, so it is the same wherever it lies, and one bundle build is saved. The
 * service worker is then written by the same function as the bundle build's last step.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { copyRuntimeAssets } from '../../src/site/build/runtime-assets';
import { writeServiceWorker } from '../../src/site/build/service-worker';
import { withProductionEnv } from '../../src/site/build/widget-bundle';
import { keptBuild } from './build-cache';
import { buildKit } from './embed-fixture';
import { repoRoot } from './harness';

/** Everything the pages and the bundle are built from. */
const SITE_INPUTS = [
  'src',
  'assets',
  'lessons',
  'examples',
  'demo',
  'public',
  'index.html',
  'vite.config.ts',
  'vite.bundle.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  // How it is built.
  'test/e2e/site-fixture.ts',
  'test/e2e/build-cache.ts',
];

export interface BuiltSite {
  /** The folder to serve: what dist/ holds after `npm run build`. */
  dir: string;
  /** Whether this call built it (false: an earlier test file's build of the same inputs). */
  built: boolean;
}

export async function buildSite(): Promise<BuiltSite> {
  const { root, built } = await keptBuild('site', SITE_INPUTS, async (folder) => {
    const siteDir = join(folder, 'site');
    await withProductionEnv(() =>
      build({ root: repoRoot, configFile: join(repoRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: siteDir, emptyOutDir: true } }),
    );
    if (!existsSync(join(siteDir, 'assets'))) await copyRuntimeAssets(join(repoRoot, 'assets'), join(siteDir, 'assets'));
    const kit = await buildKit();
    await cp(kit.dir, join(siteDir, 'widgets'), { recursive: true });
    await writeServiceWorker(join(repoRoot, 'src/site/sw.ts'), siteDir);
  });
  return { dir: join(root, 'site'), built };
}
