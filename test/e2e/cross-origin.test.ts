/**
 * The kit loaded from another origin, as from a CDN: the course page is served from
 * `localhost:<port A>`, the kit (the bundle of embed-fixture.ts) from `127.0.0.1:<port B>` with
 * `Access-Control-Allow-Origin: *`. The lab's worker must start through a same-origin blob
 * (src/lab/browser/module-worker.ts), and its WebAssembly and the assets, like those of the 2-D
 * widgets, must come from the kit's host. Checks: the forward widget draws its digits, the
 * sampler samples the shipped checkpoint on wasm, a 2-D widget builds its model; every file but
 * the page comes from port B; no console error. Then the same page under the Content-Security-
 * Policy that examples/README.md gives for a cross-origin embed: no violation. Last, a trainer
 * with two workers: the lab's worker (itself started from a blob) starts its replica the same way.
 * Screenshot: test-results/screenshots/cross-origin.png.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { backendLine, buildKit, cspViolations, recordEvents, sampleShipped, type BuiltKit } from './embed-fixture';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, type LaunchedBrowser } from './harness';

declare const window: Window & { widgetEvents: Array<{ type: string; detail: unknown }> };

let kit: BuiltKit;
let kitHost: StaticServer;
let pageHost: StaticServer;
let pageDir: string;
let browser: LaunchedBrowser;

/** The course page: the kit's script from the other origin, three widgets, nothing else. */
function coursePage(kitUrl: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A course page that loads the kit from another origin</title>
    <link rel="icon" type="image/svg+xml" href="favicon.svg" />
    <script type="module" src="${kitUrl}widgets/diffusion-lab.js"></script>
  </head>
  <body>
    <main>
      <h1>The kit from another origin</h1>
      <diffusion-forward t="250"></diffusion-forward>
      <diffusion-sampler panels="ddim:4:eta=0" count="2" backend="wasm"></diffusion-sampler>
      <diffusion-score-field dataset="ring" steps="20"></diffusion-score-field>
    </main>
  </body>
</html>
`;
}

/** A trainer sharing each batch with a replica worker, which the lab's worker starts in turn. */
function trainingPage(kitUrl: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Training with the kit from another origin</title>
    <link rel="icon" type="image/svg+xml" href="favicon.svg" />
    <script type="module" src="${kitUrl}widgets/diffusion-lab.js"></script>
  </head>
  <body>
    <main><diffusion-trainer preset="tiny" steps="4" batch-size="8" workers="2" sample-every="0" backend="wasm"></diffusion-trainer></main>
  </body>
</html>
`;
}

/** The policy examples/README.md gives for a page that loads the kit from `kitOrigin`. */
function crossOriginPolicy(kitOrigin: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${kitOrigin} 'wasm-unsafe-eval'`,
    `worker-src 'self' blob: ${kitOrigin}`,
    `connect-src 'self' ${kitOrigin}`,
  ].join('; ');
}

beforeAll(async () => {
  const started = performance.now();
  kit = await buildKit();
  console.log(`widget bundle ${kit.built ? 'built' : 'reused'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  kitHost = await startStaticServer({ mounts: { '/widgets/': kit.dir }, allowOrigin: '*' });
  const kitOrigin = kitHost.url.slice(0, -1);
  pageDir = await mkdtemp(join(tmpdir(), 'diffusion-lab-course-'));
  await writeFile(join(pageDir, 'index.html'), coursePage(kitHost.url));
  await writeFile(join(pageDir, 'train.html'), trainingPage(kitHost.url));
  await copyFile(join(repoRoot, 'examples', 'favicon.svg'), join(pageDir, 'favicon.svg'));
  pageHost = await startStaticServer({ mounts: { '/course/': pageDir } });
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await recordEvents(browser.context);
  expect(kitOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

afterAll(async () => {
  await browser?.close();
  await pageHost?.close();
  await kitHost?.close();
  if (pageDir) await rm(pageDir, { recursive: true, force: true });
});

/** The page at `localhost` (the page host listens on 127.0.0.1; the name makes it another origin). */
const onLocalhost = (server: StaticServer, path: string): string => server.url.replace('127.0.0.1', 'localhost') + path;

async function openCoursePage(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

/** Forward draws its digits, the score field builds its model, the sampler samples on wasm. */
async function expectKitWorks(page: Page): Promise<void> {
  const frame = page.mainFrame();
  // Ready events: the forward widget's digits ({ count }) and the score field's model ({ parameters }).
  await frame.waitForFunction(
    () => {
      const ready = window.widgetEvents.filter((e) => e.type === 'diffusion-ready').map((e) => e.detail as Record<string, unknown>);
      return (ready.some((d) => 'count' in d) && ready.some((d) => 'parameters' in d)) || window.widgetEvents.some((e) => e.type === 'diffusion-error');
    },
    null,
    { timeout: 120_000 },
  );
  expect(await frame.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error'))).toEqual([]);
  const forward = await frame.evaluate(() => {
    const root = document.querySelector('diffusion-forward')!.shadowRoot!;
    const canvas = root.querySelector<HTMLCanvasElement>('canvas.xt')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const levels = new Set<number>();
    for (let i = 0; i < data.length; i += 4) levels.add(data[i]);
    return { upgraded: customElements.get('diffusion-forward') !== undefined, text: (root.textContent ?? '').trim().length > 0, greys: levels.size };
  });
  expect(forward.upgraded).toBe(true);
  expect(forward.text).toBe(true);
  expect(forward.greys).toBeGreaterThan(10);
  const sampled = await sampleShipped(frame);
  expect(sampled.detail).toMatchObject({ spec: 'ddim:4:eta=0', nfe: 4, count: 2, source: 'shipped' });
  expect(sampled.greys).toBeGreaterThan(10);
  expect(await backendLine(frame)).toMatch(/^Backend: wasm/);
}

describe('the kit loaded from another origin', () => {
  it('renders, samples, and builds a 2-D model on a page of another origin, every file from the kit host, no console error', async () => {
    const before = kitHost.requests.length;
    const { page, errors } = await openCoursePage(onLocalhost(pageHost, 'course/index.html'));
    expect(new URL(page.url()).hostname).toBe('localhost');
    await expectKitWorks(page);
    const fromKit = kitHost.requests.slice(before);
    expect(fromKit).toEqual(expect.arrayContaining(['/widgets/diffusion-lab.js', '/widgets/assets/mnist/index.json', '/widgets/assets/checkpoints/mnist-small/model.json']));
    // The lab's worker, its WebAssembly, and the 2-D widget's tfjs chunk all came from the kit's host.
    expect(fromKit.some((p) => /^\/widgets\/lab-worker-[\w-]+\.js$/.test(p))).toBe(true);
    expect(fromKit.some((p) => /^\/widgets\/tfjs-backend-wasm[\w-]*\.wasm$/.test(p))).toBe(true);
    expect(fromKit.some((p) => /^\/widgets\/toy-diffusion-[\w-]+\.js$/.test(p))).toBe(true);
    expect(kitHost.missing).toEqual([]);
    // The page's host served the page and nothing else (no worker, wasm or asset looked up next to the page).
    expect(pageHost.requests.filter((p) => p !== '/course/index.html' && p !== '/course/favicon.svg')).toEqual([]);
    await screenshot(page, 'cross-origin');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("works under the README's policy for a cross-origin embed, with no violation", async () => {
    const kitOrigin = kitHost.url.slice(0, -1);
    const strict = await startStaticServer({ mounts: { '/course/': pageDir }, csp: crossOriginPolicy(kitOrigin) });
    try {
      const { page, errors } = await openCoursePage(onLocalhost(strict, 'course/index.html'));
      await expectKitWorks(page);
      expect(await cspViolations(page.mainFrame())).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await strict.close();
    }
  });

  it('trains with two workers: the lab worker starts its replica from the kit host too', async () => {
    const before = kitHost.requests.length;
    const { page, errors } = await openCoursePage(onLocalhost(pageHost, 'course/train.html'));
    await page.locator('diffusion-trainer button.main').click();
    await page.waitForFunction(
      () => window.widgetEvents.some((e) => e.type === 'diffusion-error' || (e.type === 'diffusion-progress' && (e.detail as { state: string }).state === 'done')),
      null,
      { timeout: 120_000 },
    );
    expect(await page.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error'))).toEqual([]);
    const done = await page.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-progress').at(-1)!.detail as { step: number; loss: number });
    expect(done.step).toBe(4);
    expect(Number.isFinite(done.loss)).toBe(true);
    expect(await page.locator('diffusion-trainer').evaluate((el) => el.shadowRoot!.querySelector('dd.workers')?.textContent?.trim())).toBe('2');
    expect(kitHost.requests.slice(before).some((p) => /^\/widgets\/replica-worker-[\w-]+\.js$/.test(p))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
