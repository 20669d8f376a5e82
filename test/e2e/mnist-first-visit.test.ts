/**
 * The MNIST digits of a production page load on a reader's first visit, while the service worker
 * installs and takes over the page, and on later visits that the worker answers from what it kept. The site is
 * built once (site, then the widget bundle step that writes sw.js; site-fixture.ts) and
 * served by a plain static server. Lesson 11 has two <diffusion-inpaint> widgets sharing one
 * download of the test split; each visit is a fresh browser, and every widget must report its
 * digits with no error banner and no console error.
 *
 * A connection that drops for a moment just as the page first asks for the digits must not
 * leave the widgets without them (the digits are retried over a few seconds).
 *
 * Also checks the preview server that the build test uses: it must send the `.gz` files of the
 * folder it serves as raw bytes, or the loader's size and hash checks fail (the widgets then show
 * "Could not load the MNIST digits ... it arrived unzipped").
 */
import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, type LaunchedBrowser } from './harness';
import { buildSite } from './site-fixture';

const LESSON = 'lessons/conditioning.html';
const configFile = join(repoRoot, 'vite.config.ts');

let siteDir: string;
let server: StaticServer;

interface WidgetState {
  id: string;
  ready: boolean;
  errors: string[];
  caption: string;
}

declare const window: Window & { mnistReady: string[]; mnistErrors: string[] };

beforeAll(async () => {
  siteDir = (await buildSite()).dir;
  server = await startStaticServer({ mounts: { '/': siteDir } });
  // Two builds when none is kept (the site, then the widget kit and sw.js): minutes on a busy two-core machine.
}, 600_000);

afterAll(async () => {
  await server?.close();
});

/** A fresh browser whose pages record which widgets announced their digits. */
async function freshBrowser(): Promise<LaunchedBrowser> {
  const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await browser.context.addInitScript(() => {
    const w = window as unknown as { mnistReady: string[]; mnistErrors: string[] };
    w.mnistReady = [];
    w.mnistErrors = [];
    document.addEventListener('diffusion-ready', (event) => w.mnistReady.push((event.target as Element).id));
    // Recorded as they fire: the widget may clear its banner on a later update.
    document.addEventListener('diffusion-error', (event) => {
      w.mnistErrors.push(`${(event.target as Element).id}: ${(event as CustomEvent<{ message: string }>).detail.message}`);
    });
  });
  return browser;
}

/** Waits until each inpaint widget has its digits or an error, and returns what each shows. */
async function settledWidgets(page: Page): Promise<WidgetState[]> {
  await page.waitForFunction(
    () => {
      const widgets = [...document.querySelectorAll('diffusion-inpaint')];
      return widgets.length === 2 && widgets.every((w) => window.mnistReady.includes(w.id) || window.mnistErrors.some((e) => e.startsWith(`${w.id}:`)));
    },
    null,
    { timeout: 90_000, polling: 250 },
  );
  return page.evaluate(() =>
    ([...document.querySelectorAll('diffusion-inpaint')] as (Element & { errors: ReadonlyMap<string, string> })[]).map((w) => ({
      id: w.id,
      ready: window.mnistReady.includes(w.id),
      errors: [...new Set([...window.mnistErrors.filter((e) => e.startsWith(`${w.id}:`)), ...[...w.errors.values()].map((m) => `${w.id}: ${m}`)])],
      caption: w.shadowRoot?.textContent?.match(/MNIST test #\d+, a \d/)?.[0] ?? '',
    })),
  );
}

function expectDigits(widgets: WidgetState[]): void {
  expect(widgets.map((w) => ({ id: w.id, ready: w.ready, errors: w.errors }))).toEqual([
    { id: 'inpaint', ready: true, errors: [] },
    { id: 'sdedit', ready: true, errors: [] },
  ]);
  // The inpaint widget starts from an MNIST test digit, named in its caption.
  expect(widgets[0].caption).toMatch(/^MNIST test #\d+, a \d$/);
}

const waitForController = (page: Page): Promise<unknown> =>
  page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 90_000, polling: 250 });

/**
 * Waits until the worker holds both MNIST test files. A first visit loads them before the worker
 * controls the page; the page hands them over half a second later, and the worker copies them
 * from the HTTP cache. A visit that comes sooner still downloads them.
 */
const waitForKeptDigits = (page: Page): Promise<void> =>
  expect
    .poll(
      () =>
        page.evaluate(async () => {
          const kept = new Set<string>();
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) {
              const file = /\/assets\/mnist\/(test-(images|labels)-[\w-]+\.gz)/.exec(request.url)?.[1];
              if (file) kept.add(file);
            }
          }
          return kept.size;
        }),
      { timeout: 30_000, interval: 250 },
    )
    .toBe(2);

const mnistRequests = (): number => server.requests.filter((path) => path.startsWith('/assets/mnist/test-')).length;

/**
 * Runs `visit` on a page of a fresh browser, expects no console error from it (but those matching
 * `expected`, the failures a test causes on purpose), and closes the browser.
 */
async function onFreshPage(visit: (page: Page, browser: LaunchedBrowser) => Promise<void>, expected?: RegExp): Promise<void> {
  const browser = await freshBrowser();
  try {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await visit(page, browser);
    expect(errors.filter((error) => !expected?.test(error))).toEqual([]);
  } finally {
    await browser.close();
  }
}

describe('MNIST digits on a first visit to a production page', () => {
  it('load while the service worker installs, then come from its cache on the next visit', () =>
    onFreshPage(async (page) => {
      await page.goto(`${server.url}${LESSON}`, { waitUntil: 'load' });
      expectDigits(await settledWidgets(page));
      await waitForController(page);
      await waitForKeptDigits(page);

      // Second visit: the worker answers with the copies it kept; the MNIST files are not downloaded again.
      const before = mnistRequests();
      await page.reload({ waitUntil: 'load' });
      expectDigits(await settledWidgets(page));
      expect(mnistRequests()).toBe(before);
      await screenshot(page, 'mnist-first-visit-controlled');
    }));

  it('load when the page is reloaded at once, while the worker installs', () =>
    onFreshPage(async (page) => {
      await page.goto(`${server.url}${LESSON}`, { waitUntil: 'load' });
      // The worker registers on `load`: these reloads land in the middle of its install. The first
      // waits for its document to be parsed: a reload sent the moment a navigation commits can
      // reach Chromium before the new document is attached, and the protocol refuses it.
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.reload({ waitUntil: 'load' });
      const installing = await page.evaluate(() => navigator.serviceWorker.controller === null);
      expectDigits(await settledWidgets(page));
      await waitForController(page);
      await page.reload({ waitUntil: 'load' });
      expectDigits(await settledWidgets(page));
      console.log(`reload during install: page uncontrolled at reload = ${installing}`);
    }));

  it('load on a slow machine and a slow network (CPU ×6, 1 MB/s, 150 ms)', () =>
    onFreshPage(async (page, browser) => {
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1_000_000, uploadThroughput: 500_000 });
      const start = Date.now();
      await page.goto(`${server.url}${LESSON}`, { waitUntil: 'load', timeout: 90_000 });
      expectDigits(await settledWidgets(page));
      console.log(`throttled first visit: digits after ${Date.now() - start} ms`);
      // A reload while the worker may still be installing, under the same throttling.
      await page.reload({ waitUntil: 'load', timeout: 90_000 });
      expectDigits(await settledWidgets(page));
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    }));

  it('load when the connection drops for a moment as the page first asks for them', () =>
    onFreshPage(async (page, browser) => {
      // Every request for the test images fails for OUTAGE_MS from the first one: what a reader
      // meets when a first visit's downloads hit a dropped connection or a swamped server. A
      // second try made at once lands in the same moment; the digits must still arrive.
      const OUTAGE_MS = 1500;
      let outageFrom = 0;
      const failed: number[] = [];
      await browser.context.route('**/assets/mnist/test-images-idx3-ubyte.gz', (route) => {
        outageFrom ||= Date.now();
        if (Date.now() - outageFrom < OUTAGE_MS) {
          failed.push(Date.now() - outageFrom);
          return route.abort('connectionreset');
        }
        return route.continue();
      });
      await page.goto(`${server.url}${LESSON}`, { waitUntil: 'load' });
      expectDigits(await settledWidgets(page));
      expect(failed.length).toBeGreaterThan(0);
      console.log(`connection drop: ${failed.length} tries failed (at ${failed.join(', ')} ms), then the digits loaded`);
    }, /Failed to load resource: net::ERR_(CONNECTION_RESET|FAILED)$/));

  it('the preview server sends the .gz files of the folder it serves as raw bytes', async () => {
    // A name only this file writes: the answer cannot come from the repository's dist/, and
    // removing it afterwards leaves the kept site as it was built.
    const body = gzipSync(Buffer.from('probe'));
    const name = `only-in-this-build-${process.pid}-${Date.now()}.gz`;
    const probe = join(siteDir, 'assets', 'mnist', name);
    await writeFile(probe, body);
    const previewServer = await preview({
      root: repoRoot,
      configFile,
      logLevel: 'warn',
      build: { outDir: siteDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    try {
      const { port } = previewServer.httpServer.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/assets/mnist/${name}`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
    } finally {
      await previewServer.close();
      // The site is kept for other test files: leave it as it was built.
      await rm(probe, { force: true });
    }
  });
});
