/**
 * "A page read once works offline; Keep this course offline makes the rest work too": the
 * production build (site, then the widget bundle step, which writes sw.js; site-fixture.ts),
 * served by a plain static server. A fresh browser reads one lesson: only that page's files are
 * downloaded, the footer's panel, not yet scrolled to, counts them as kept once they are, and
 * the lesson then reloads offline with its widget and digits. The footer's
 * "Keep this course offline" states the size, survives a failed file with a message, then fetches
 * the rest with a progress bar; with the server gone and the browser offline, a lesson never
 * opened before loads and samples the shipped checkpoint. A page reloaded past the worker
 * (Shift+Reload) is taken over again and its panel answers.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { recordEvents, sampleShipped } from './embed-fixture';
import { collectConsoleErrors, launchBrowser, screenshot, type LaunchedBrowser } from './harness';
import { buildSite } from './site-fixture';

let siteDir: string;
let server: StaticServer;
let browser: LaunchedBrowser;

declare const window: Window & { widgetEvents: { type: string }[] };

beforeAll(async () => {
  const site = await buildSite();
  siteDir = site.dir;
  server = await startStaticServer({ mounts: { '/': siteDir } });
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await recordEvents(browser.context);
  // Two builds when none is kept (the site, then the widget kit and sw.js): minutes on a busy two-core machine.
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations inside the "Keep this course offline" panel, as "rule: selectors" lines. */
async function panelViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe.run({ include: [['[data-keep-offline]']] }, { resultTypes: ['violations'] }),
  );
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Waits until the server has had no new request for `quietMs`. */
async function quiet(quietMs = 2500): Promise<void> {
  let seen = -1;
  while (seen !== server.requests.length) {
    seen = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

describe('the site offline', () => {
  it('the build writes sw.js, a classic script listing the course files it may keep', async () => {
    const sw = await readFile(join(siteDir, 'sw.js'), 'utf8');
    for (const path of ['index.html', 'lessons/forward-process.html', 'lessons/ddim.html', 'assets/mnist/index.json', 'assets/checkpoints/mnist-small/weights.bin']) {
      expect(sw).toContain(`"url":${JSON.stringify(path)}`);
    }
    expect(sw).not.toMatch(/\.map"|"widgets\//);
    // What only the build reads is not part of the site (src/site/build/runtime-assets.ts).
    expect(sw).not.toMatch(/"url":"assets\/(measurements|figures)\//);
    expect(sw).not.toContain('__WB_MANIFEST');
    expect(sw).not.toMatch(/^\s*(import|export)\b/m);
  });

  it('a page reloaded past the worker (Shift+Reload) is taken over again, and its panel tells the size', async () => {
    // Its own browser and server: the next test counts every request of the first visit.
    const own = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    const ownServer = await startStaticServer({ mounts: { '/': siteDir } });
    try {
      // Whether each document began controlled, read before any of the page's scripts run.
      await own.context.addInitScript(() => {
        (window as unknown as { controlledAtStart: boolean }).controlledAtStart = navigator.serviceWorker.controller !== null;
      });
      const page = await own.newPage();
      const errors = collectConsoleErrors(page);
      await page.goto(`${ownServer.url}lessons/forward-process.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
      // A reload that bypasses the caches and the worker: the page starts uncontrolled, with the
      // worker already active, so no install or activation follows to take it over.
      const cdp = await own.context.newCDPSession(page);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), cdp.send('Page.reload', { ignoreCache: true })]);
      const controlledAtStart = await page.evaluate(() => (window as unknown as { controlledAtStart: boolean }).controlledAtStart);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      const intro = page.locator('[data-keep-offline] p').first();
      await expect.poll(() => intro.textContent(), { timeout: 30_000 }).toMatch(/^Pages you read are kept .* \d+ files, [\d.]+ MB in all, of which [\d.]+ MB \(\d+ files\) are still to download\.$/);
      expect(await page.locator('[data-keep-offline]').getByRole('button', { name: 'Keep this course offline' }).isEnabled()).toBe(true);
      // The scenario itself: were the page controlled from the start, this test would prove nothing.
      expect(controlledAtStart).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await own.close();
      await ownServer.close();
    }
  });

  it('a first visit downloads that page alone and reads offline; Keep offline fetches the rest, and an unvisited lesson samples offline', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.url}lessons/forward-process.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    await page.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'diffusion-ready'), null, { timeout: 60_000 });
    await quiet();
    // Only this page's files: no other lesson, no checkpoint, each file once (the browser asks
    // for the site's icon on its own, besides the page's <img> of it).
    const firstVisit = server.requests.filter((path) => path !== '/favicon.svg');
    expect(firstVisit.filter((path) => path.startsWith('/lessons/'))).toEqual(['/lessons/forward-process.html']);
    expect(firstVisit.filter((path) => path.includes('/checkpoints/'))).toEqual([]);
    expect(new Set(firstVisit).size).toBe(firstVisit.length);
    // The panel, not scrolled to yet, tells the size again once this page's own files are kept:
    // fewer files are left to download than the course has.
    const filesKept = async (): Promise<number> => {
      const told = /(\d+) files, [\d.]+ MB in all, of which [\d.]+ MB \((\d+) files\)/.exec((await page.locator('[data-keep-offline] p').first().textContent()) ?? '');
      return told ? Number(told[1]) - Number(told[2]) : -1;
    };
    expect(await page.locator('[data-keep-offline]').evaluate((panel) => panel.getBoundingClientRect().top > innerHeight)).toBe(true);
    await expect.poll(filesKept, { timeout: 30_000 }).toBeGreaterThan(0);

    // Offline: the page read once reloads with its widget and digits.
    await browser.context.setOffline(true);
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy();
    await page.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'diffusion-ready'), null, { timeout: 60_000 });
    const forwardDrawn = await page.evaluate(() => (document.querySelector('diffusion-forward')?.shadowRoot?.querySelectorAll('canvas').length ?? 0) > 0);
    expect(forwardDrawn).toBe(true);
    await screenshot(page, 'offline-forward-process');
    await browser.context.setOffline(false);

    // Keep this course offline: the size first, then one failed file, then the rest.
    const panel = page.locator('[data-keep-offline]');
    const button = panel.getByRole('button', { name: 'Keep this course offline' });
    await expect.poll(() => panel.locator('p').first().textContent(), { timeout: 30_000 }).toMatch(/^Pages you read are kept .* \d+ files, [\d.]+ MB in all, of which [\d.]+ MB \(\d+ files\) are still to download\.$/);
    expect(await panelViolations(page)).toEqual([]);
    let failedOnce = false;
    await browser.context.route('**/assets/mnist/train-images-idx3-ubyte.gz', (route) => {
      if (failedOnce) return route.continue();
      failedOnce = true;
      return route.abort('connectionreset');
    });
    await button.focus();
    await page.keyboard.press('Enter');
    const message = panel.getByRole('status');
    await expect.poll(() => message.textContent(), { timeout: 120_000 }).toMatch(/^Stopped: \/assets\/mnist\/train-images-idx3-ubyte\.gz could not be downloaded \(.+\)\. \d+ of \d+ files were kept and stay kept; check the connection/);
    expect(await panel.getByRole('progressbar', { name: /^Downloading: \d+ of \d+ files, / }).count()).toBe(1);
    expect(await panelViolations(page)).toEqual([]);
    await screenshot(page, 'offline-keep-failed');

    await button.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => message.textContent(), { timeout: 120_000 }).toMatch(/^Done: the whole course \(\d+ files, [\d.]+ MB\) now works offline in this browser\.$/);
    await expect.poll(() => panel.locator('p').first().textContent()).toMatch(/^The whole course \(\d+ files, [\d.]+ MB\) works offline in this browser\.$/);
    expect(await panelViolations(page)).toEqual([]);
    await screenshot(page, 'offline-keep-done');

    // No network at all from here on: the server is gone and the browser is offline.
    await server.close();
    await browser.context.setOffline(true);
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
