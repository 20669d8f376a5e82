/**
 * Bytes a reader's first visit of a page transfers: the production site served by the plain
 * static server of the examples, one fresh Chromium profile per page, every response counted
 * (the page's and the service worker's own) from the server's log. A visit ends once the service
 * worker controls the page and nothing has been requested for a few seconds.
 *
 *   npx tsx scripts/first-visit-bytes.ts --build /tmp/site          # build this tree there first
 *   npx tsx scripts/first-visit-bytes.ts /tmp/site lessons/forward-process.html lessons/conditioning.html
 *
 * Pages default to lesson 2 (forward-process) and lesson 11 (conditioning).
 */
import { existsSync } from 'node:fs';
import { cp, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { startStaticServer } from '../examples/serve';
import { buildWidgetBundle } from '../src/site/build/widget-bundle';
import { launchBrowser, repoRoot } from '../test/e2e/harness';

const QUIET_MS = 4000;

/** Builds the site as a deployment has it: pages, assets/ beside them, the widget kit and sw.js. */
async function buildSite(siteDir: string): Promise<void> {
  process.env.NODE_ENV = 'production';
  await build({ root: repoRoot, configFile: join(repoRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: siteDir, emptyOutDir: true } });
  // The site build copies assets/ into the folder it builds; a build elsewhere may lack it.
  if (!existsSync(join(siteDir, 'assets'))) await cp(join(repoRoot, 'assets'), join(siteDir, 'assets'), { recursive: true });
  await buildWidgetBundle(repoRoot, join(siteDir, 'widgets'));
}

/** Size of the file a served path names ('/' is index.html). */
async function servedBytes(siteDir: string, path: string): Promise<number> {
  const file = join(siteDir, path.endsWith('/') ? `${path}index.html` : path);
  return (await stat(file)).size;
}

interface Visit {
  page: string;
  requests: number;
  /** Paths answered more than once in this visit. */
  repeated: string[];
  bytes: number;
  byFolder: Record<string, number>;
}

async function firstVisit(siteDir: string, pagePath: string): Promise<Visit> {
  const server = await startStaticServer({ mounts: { '/': siteDir } });
  const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}${pagePath}`, { waitUntil: 'load' });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000, polling: 250 });
    // Quiet: no new request for QUIET_MS (lazy widgets, the worker's own downloads).
    let seen = -1;
    while (seen !== server.requests.length) {
      seen = server.requests.length;
      await new Promise((r) => setTimeout(r, QUIET_MS));
    }
    const missing = new Set(server.missing);
    let bytes = 0;
    let requests = 0;
    const byFolder: Record<string, number> = {};
    for (const path of server.requests) {
      if (missing.has(path)) continue;
      const size = await servedBytes(siteDir, path);
      bytes += size;
      requests++;
      const folder = path.split('/').slice(0, -1).slice(0, 3).join('/') || '/';
      byFolder[folder] = (byFolder[folder] ?? 0) + size;
    }
    return { page: pagePath, requests, repeated: server.requests.filter((path, i) => server.requests.indexOf(path) !== i), bytes, byFolder };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const buildFirst = args[0] === '--build';
  const [siteDir, ...pages] = buildFirst ? args.slice(1) : args;
  if (!siteDir) throw new Error('usage: first-visit-bytes.ts [--build] <site folder> [page paths...]');
  if (buildFirst) {
    await buildSite(siteDir);
    console.log(`built ${siteDir}`);
    if (pages.length === 0) return;
  }
  for (const pagePath of pages.length > 0 ? pages : ['lessons/forward-process.html', 'lessons/conditioning.html']) {
    const visit = await firstVisit(siteDir, pagePath);
    const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
    console.log(`${visit.page}: ${visit.requests} responses (${visit.repeated.length} for a path asked before${visit.repeated.length > 0 && visit.repeated.length <= 8 ? `: ${visit.repeated.join(', ')}` : ''}), ${visit.bytes} bytes (${(visit.bytes / 2 ** 20).toFixed(2)} MiB)`);
    for (const [folder, bytes] of Object.entries(visit.byFolder).sort((a, b) => b[1] - a[1])) console.log(`  ${folder.padEnd(28)} ${kib(bytes)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
