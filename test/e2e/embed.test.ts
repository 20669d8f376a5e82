/**
 * The teacher's kit: the widget bundle (vite.bundle.config.ts) used by plain pages with no build
 * tool. The bundle is built into a temporary folder and served with examples/ by a tiny static
 * server (node:http on 127.0.0.1, .gz as raw bytes); examples/embed.html and examples/iframe.html
 * load it by a relative <script type="module">; examples/assets-base.html reads the assets from
 * another folder. Checks: the bundle's files, every widget defined and drawn, assets, worker and
 * WebAssembly fetched next to the bundle (not next to the page), the sampler sampling the shipped
 * checkpoint on wasm, the assets-base attribute, the same inside an iframe, no console errors.
 * Screenshots: test-results/screenshots/embed-*.png.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { firstLoadFiles, formatSizes } from '../../src/site/build/widget-bundle';
import { backendLine, buildKit, expectWidgetsRendered, recordEvents, sampleShipped, serveKit, WIDGET_TAGS, type BuiltKit } from './embed-fixture';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, type LaunchedBrowser } from './harness';

declare const window: Window & { widgetEvents: Array<{ type: string; detail: unknown }> };

let kit: BuiltKit;
let server: StaticServer;
let browser: LaunchedBrowser;

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(server.url + path, { waitUntil: 'load' });
  return { page, errors };
}

beforeAll(async () => {
  const started = performance.now();
  kit = await buildKit();
  console.log(`widget bundle ${kit.built ? 'built' : 'reused'} in ${((performance.now() - started) / 1000).toFixed(1)} s:\n${formatSizes(kit.sizes)}`);
  server = await serveKit(kit);
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await recordEvents(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the widget bundle', () => {
  it('is one ES module with its chunks, its worker, the WebAssembly files and the assets next to it', async () => {
    const files = (await readdir(kit.dir)).sort();
    const scripts = files.filter((f) => f.endsWith('.js'));
    expect(scripts).toEqual(expect.arrayContaining(['diffusion-lab.js', expect.stringMatching(/^lab-worker-[\w-]+\.js$/), expect.stringMatching(/^toy-diffusion-[\w-]+\.js$/)]));
    // What a page fetches up front is the entry and its static imports; tfjs of the 2-D widgets
    // (toy-diffusion) and the lab's worker load only when a widget needs them.
    const upFront = await firstLoadFiles(kit.dir);
    expect(upFront[0]).toBe('diffusion-lab.js');
    expect(upFront.filter((f) => /toy-diffusion|lab-worker/.test(f))).toEqual([]);
    const upFrontGzip = kit.sizes.filter((s) => upFront.includes(s.file)).reduce((t, s) => t + s.gzip, 0);
    const toyGzip = kit.sizes.find((s) => s.file.startsWith('toy-diffusion-'))!.gzip;
    console.log(`loaded up front: ${(upFrontGzip / 1024).toFixed(1)} KiB gzip (${upFront.join(' + ')}); toy-diffusion chunk ${(toyGzip / 1024).toFixed(1)} KiB gzip`);
    expect(upFrontGzip).toBeLessThan(200 * 1024);
    expect(files.filter((f) => f.endsWith('.wasm'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.css'))).toEqual([]);
    const assets = await readdir(join(kit.dir, 'assets'), { recursive: true });
    expect(assets).toEqual(expect.arrayContaining(['mnist/index.json', 'checkpoints/mnist-small/model.json']));
    // A production build: Lit without its dev-mode checks and warnings.
    expect(await readFile(join(kit.dir, 'diffusion-lab.js'), 'utf8')).not.toContain('Lit is in dev mode');
    const bundle = kit.sizes.find((s) => s.file === 'diffusion-lab.js')!;
    expect(bundle.gzip).toBeGreaterThan(0);
    expect(bundle.gzip).toBeLessThan(bundle.raw);
  });

  it('embed.html: every widget is defined and drawn, and the sampler samples the shipped checkpoint on wasm', async () => {
    const { page, errors } = await open('examples/embed.html');
    const frame = page.mainFrame();
    await expectWidgetsRendered(frame);
    // The module's exports, imported again by URL (the same module instance). Passed as a string:
    // the test runner would rewrite a dynamic import() inside a function.
    const bundleUrl = JSON.stringify(`${server.url}dist/widgets/diffusion-lab.js`);
    const exported = await page.evaluate(
      `import(${bundleUrl}).then((m) => ({ tags: m.WIDGET_TAGS, sampler: m.DiffusionSampler === customElements.get('diffusion-sampler') }))`,
    );
    // The bundle defines at least the widgets this page shows (later widgets join the list).
    expect(exported).toEqual({ tags: expect.arrayContaining([...WIDGET_TAGS]), sampler: true });

    const sampled = await sampleShipped(frame);
    expect(sampled.detail).toMatchObject({ spec: 'ddim:4:eta=0', nfe: 4, count: 2, source: 'shipped' });
    expect(sampled.greys).toBeGreaterThan(10);
    expect(await backendLine(frame)).toMatch(/^Backend: wasm/);

    // Everything came from next to the bundle; nothing from the page's folder or the host's root.
    const fetched = server.requests;
    expect(fetched).toEqual(expect.arrayContaining(['/dist/widgets/assets/mnist/index.json', '/dist/widgets/assets/checkpoints/mnist-small/model.json']));
    expect(fetched.some((p) => /^\/dist\/widgets\/lab-worker-[\w-]+\.js$/.test(p))).toBe(true);
    expect(fetched.some((p) => /^\/dist\/widgets\/tfjs-backend-wasm[\w-]*\.wasm$/.test(p))).toBe(true);
    expect(fetched.filter((p) => !p.startsWith('/dist/widgets/') && !p.startsWith('/examples/'))).toEqual([]);
    // None of these widgets needs tfjs on the page: its chunk is never fetched.
    expect(fetched.filter((p) => p.includes('toy-diffusion'))).toEqual([]);
    expect(server.missing).toEqual([]);
    await screenshot(page, 'embed-page');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('assets-base.html: the assets-base attribute points every widget and the lab at another folder', async () => {
    const elsewhere = await startStaticServer({
      mounts: { '/examples/': join(repoRoot, 'examples'), '/dist/widgets/': kit.dir, '/course-assets/': join(repoRoot, 'assets') },
    });
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    try {
      await page.goto(`${elsewhere.url}examples/assets-base.html`, { waitUntil: 'load' });
      await expectWidgetsRendered(page.mainFrame());
      const sampled = await sampleShipped(page.mainFrame());
      expect(sampled.detail).toMatchObject({ nfe: 4, count: 2, source: 'shipped' });
      expect(elsewhere.requests).toEqual(expect.arrayContaining(['/course-assets/mnist/index.json', '/course-assets/checkpoints/mnist-small/model.json']));
      expect(elsewhere.requests.filter((p) => p.startsWith('/dist/widgets/assets/'))).toEqual([]);
      expect(elsewhere.missing).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await elsewhere.close();
    }
  });

  it('score-field.html: a 2-D widget fetches its tfjs chunk and WebAssembly from beside the bundle, and trains', async () => {
    const before = server.requests.length;
    const { page, errors } = await open('examples/score-field.html');
    await page.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'diffusion-ready'), null, { timeout: 120_000 });
    await page.locator('diffusion-score-field button.train').click();
    await page.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'score-field-trained'), null, { timeout: 180_000 });
    const trained = await page.evaluate(() => window.widgetEvents.find((e) => e.type === 'score-field-trained')!.detail as { step: number; loss: number });
    expect(trained.step).toBe(300);
    expect(Number.isFinite(trained.loss)).toBe(true);
    const fetched = server.requests.slice(before);
    expect(fetched.some((p) => /^\/dist\/widgets\/toy-diffusion-[\w-]+\.js$/.test(p))).toBe(true);
    expect(fetched.some((p) => /^\/dist\/widgets\/tfjs-backend-wasm[\w-]*\.wasm$/.test(p))).toBe(true);
    expect(fetched.filter((p) => !p.startsWith('/dist/widgets/') && !p.startsWith('/examples/'))).toEqual([]);
    expect(server.missing).toEqual([]);
    expect(await page.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error'))).toEqual([]);
    await screenshot(page, 'embed-score-field');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('iframe.html: the same page inside an iframe works, sampling included', async () => {
    const { page, errors } = await open('examples/iframe.html');
    await page.waitForFunction(() => !!document.querySelector('iframe')?.contentDocument?.querySelector('diffusion-sampler'));
    const frame = page.frames().find((f) => f.url().endsWith('/examples/embed.html'));
    expect(frame).toBeDefined();
    await expectWidgetsRendered(frame!);
    const sampled = await sampleShipped(frame!);
    expect(sampled.detail).toMatchObject({ nfe: 4, count: 2, source: 'shipped' });
    expect(sampled.greys).toBeGreaterThan(10);
    await screenshot(page, 'embed-iframe');
    expect(errors).toEqual([]);
    await page.close();
  });
});
