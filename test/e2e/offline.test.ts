/**
 * "The site works offline once it is loaded": the production build (site, then the widget bundle
 * step, which writes sw.js) in a temporary folder, served by a plain static server. A lesson page
 * is loaded once with the service worker registered; then the server is shut down and the browser
 * set offline, and the lesson still reloads with its widget and digits, and another lesson never
 * opened before loads and samples the shipped checkpoint.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { buildWidgetBundle } from '../../src/site/build/widget-bundle';
import { recordEvents, sampleShipped } from './embed-fixture';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, type LaunchedBrowser } from './harness';

let root: string;
let siteDir: string;
let server: StaticServer;
let browser: LaunchedBrowser;

declare const window: Window & { widgetEvents: { type: string }[] };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'diffusion-lab-offline-'));
  siteDir = join(root, 'site');
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: repoRoot, configFile: join(repoRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: siteDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  // The site build copies assets/ to the repository's dist/; a deployment has them next to the pages.
  await cp(join(repoRoot, 'assets'), join(siteDir, 'assets'), { recursive: true });
  // The last step of `npm run build`: the widget bundle, and with it the service worker.
  await buildWidgetBundle(repoRoot, join(siteDir, 'widgets'));
  server = await startStaticServer({ mounts: { '/': siteDir } });
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await recordEvents(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the site offline', () => {
  it('the build writes sw.js with the pages, scripts and assets to keep', async () => {
    const sw = await readFile(join(siteDir, 'sw.js'), 'utf8');
    for (const path of ['./', 'lessons/forward-process.html', 'lessons/ddim.html', 'assets/mnist/index.json', 'assets/checkpoints/mnist-small/weights.bin']) {
      expect(sw).toContain(JSON.stringify(path));
    }
    expect(sw).not.toMatch(/\.map"|"widgets\//);
    expect(sw).not.toMatch(/^\s*(import|export)\b/m);
  });

  it('a lesson loaded once reloads offline, and an unvisited lesson samples offline', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.url}lessons/forward-process.html`, { waitUntil: 'load' });
    // Registering again is harmless when the page has registered the worker itself.
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });

    // No network at all from here on: the server is gone and the browser is offline.
    await server.close();
    await browser.context.setOffline(true);

    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy();
    await page.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'diffusion-ready'), null, { timeout: 60_000 });
    const forwardDrawn = await page.evaluate(() => (document.querySelector('diffusion-forward')?.shadowRoot?.querySelectorAll('canvas').length ?? 0) > 0);
    expect(forwardDrawn).toBe(true);
    await screenshot(page, 'offline-forward-process');

    await page.goto(`${server.url}lessons/ddim.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => !!customElements.get('diffusion-sampler') && !!document.querySelector('diffusion-sampler')?.shadowRoot?.querySelector('.panel'));
    const sampled = await sampleShipped(page.mainFrame());
    expect(sampled.detail).toMatchObject({ nfe: 4, count: 2, source: 'shipped' });
    expect(sampled.greys).toBeGreaterThan(10);
    await screenshot(page, 'offline-ddim');
    expect(errors).toEqual([]);
    await page.close();
  });
});
