/**
 * <diffusion-latent> and <diffusion-bias> in headless Chromium on the wasm backend, with the
 * shipped checkpoints (autoencoder, latent model, skewed latent model, pixel model, reference
 * classifier). The latent widget draws test digits, their latents and reconstructions, samples both
 * models ("Sample both") and fills its comparison table; the bias widget samples the skewed model,
 * classifies the samples and draws the histogram against the training distribution; tensors stay
 * flat over repeated runs; bad attributes explain themselves; phone width and dark scheme render.
 * Screenshots: test-results/screenshots/widget-latent-*.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab-api';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-latent.html';
const BAD_PAGE = 'test/e2e/pages/widget-latent-bad.html';
/** Whether the pixel model's eval.json was measured on the pixel checkpoint shipped now (else the widget must not quote it). */
const PIXEL_EVAL_CURRENT = (() => {
  const dir = join(repoRoot, 'assets/checkpoints/mnist-small');
  const shipped = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.manifest.contentHash;
  return JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')).checkpoint.contentHash === shipped;
})();

interface RecordedEvent {
  type: string;
  target: string;
  detail: Record<string, unknown>;
}

declare const window: Window & { widgetEvents: RecordedEvent[]; getLab(): Lab };

let server: RunningServer;
let browser: LaunchedBrowser;
let page: Page;
let errors: string[];

const latent = (p: Page, selector: string) => p.locator(`diffusion-latent ${selector}`);
const bias = (p: Page, selector: string) => p.locator(`diffusion-bias ${selector}`);

async function open(url: string, opts: { colorScheme?: 'dark' | 'light' } = {}): Promise<{ page: Page; errors: string[] }> {
  const p = await browser.newPage();
  if (opts.colorScheme) await p.emulateMedia({ colorScheme: opts.colorScheme });
  const errs = collectConsoleErrors(p);
  await p.goto(url, { waitUntil: 'load' });
  await p.waitForFunction(() => !!document.querySelector('diffusion-latent')?.shadowRoot?.querySelector('[part~="controls"]'));
  return { page: p, errors: errs };
}

/** Rendered text (innerText: what CSS shows, so the phone-only comparison lines stay out on a desktop). */
async function text(locator: ReturnType<Page['locator']>): Promise<string> {
  return (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
}

function errorMessages(p: Page, tag: string): Promise<Record<string, string>> {
  return p.evaluate((t) => {
    const out: Record<string, string> = {};
    for (const m of document.querySelector(t)!.shadowRoot!.querySelectorAll('.error-message')) out[m.getAttribute('data-attribute') ?? ''] = (m.textContent ?? '').trim();
    return out;
  }, tag);
}

/** Distinct grey levels drawn in a canvas of a widget (a blank or flat canvas has ≤ 1). */
function greys(p: Page, tag: string, selector: string): Promise<number> {
  return p.evaluate(
    ([t, sel]) => {
      const canvas = document.querySelector(t)!.shadowRoot!.querySelector(sel) as HTMLCanvasElement | null;
      if (!canvas || canvas.width === 0) return 0;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) seen.add(data[i]);
      return seen.size;
    },
    [tag, selector],
  );
}

function canvasData(p: Page, tag: string, selector: string): Promise<string> {
  return p.evaluate(([t, sel]) => (document.querySelector(t)!.shadowRoot!.querySelector(sel) as HTMLCanvasElement).toDataURL(), [tag, selector]);
}

function sampledEvents(p: Page, target: string): Promise<RecordedEvent[]> {
  return p.evaluate((t) => window.widgetEvents.filter((e) => e.type === 'diffusion-sampled' && e.target === t), target);
}

async function sampleBoth(p: Page): Promise<void> {
  const before = (await sampledEvents(p, 'diffusion-latent')).length;
  await latent(p, 'button.sample').click();
  await p.waitForFunction((n) => window.widgetEvents.filter((e) => e.type === 'diffusion-sampled' && e.target === 'diffusion-latent').length >= n, before + 2, {
    timeout: 120_000,
  });
  await p.waitForFunction(() => !document.querySelector('diffusion-latent')!.shadowRoot!.querySelector('button.sample')!.hasAttribute('disabled'));
}

async function sampleBias(p: Page): Promise<void> {
  const before = (await sampledEvents(p, 'diffusion-bias')).length;
  await bias(p, 'button.sample').click();
  await p.waitForFunction((n) => window.widgetEvents.filter((e) => e.type === 'diffusion-sampled' && e.target === 'diffusion-bias').length >= n, before + 1, {
    timeout: 120_000,
  });
  await p.waitForFunction(() => !document.querySelector('diffusion-bias')!.shadowRoot!.querySelector('button.sample')!.hasAttribute('disabled'));
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  ({ page, errors } = await open(server.url + PAGE));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('<diffusion-latent>', () => {
  it('renders the autoencoder (digits, latents, reconstructions) and the measured table before any sampling', async () => {
    await page.waitForFunction(() => !!document.querySelector('diffusion-latent')!.shadowRoot!.querySelector('tr[data-row="flops-step"]'), undefined, { timeout: 60_000 });
    await page.waitForFunction(() => /Mean squared error/.test(document.querySelector('diffusion-latent')!.shadowRoot!.querySelector('.recon-line')?.textContent ?? ''), undefined, {
      timeout: 60_000,
    });
    expect(await text(latent(page, '[part~="title"]'))).toBe('Latent diffusion: denoising 7×7×4 latents instead of 28×28 pixels');
    for (const c of ['canvas.originals', 'canvas.latents', 'canvas.reconstructions']) expect(await greys(page, 'diffusion-latent', c)).toBeGreaterThan(10);
    const line = await text(latent(page, '.recon-line'));
    const mse = Number(/reconstructions: ([\d.]+)/.exec(line)![1]);
    expect(mse).toBeGreaterThan(0);
    expect(mse).toBeLessThan(0.05);
    expect(line).toMatch(/On the whole MNIST test split: 0\.\d{4} \(PSNR \d+\.\d dB\)/);
    // FLOPs from the layer shapes: the shipped pixel U-Net and the latent U-Net.
    expect(await text(latent(page, 'tr[data-row="flops-step"] td.pixel'))).toBe('28.1 M');
    expect(await text(latent(page, 'tr[data-row="flops-step"] td.latent'))).toBe('12.2 M');
    expect(await text(latent(page, 'tr[data-row="values"] td.latent'))).toBe('7×7×4 = 196');
    if (PIXEL_EVAL_CURRENT) {
      expect(await text(latent(page, 'tr[data-row="accuracy"] td.pixel'))).toMatch(/^\d+(\.\d)? % \(w = 1, DDIM 50, n = \d+\)$/);
    } else {
      expect(await text(latent(page, 'tr[data-row="accuracy"] td.pixel'))).toBe('not measured for this checkpoint');
      expect(await text(latent(page, '.stale-note'))).toMatch(/eval\.json was measured on another checkpoint/);
    }
    expect(await text(latent(page, 'tr[data-row="accuracy"] td.latent'))).toMatch(/^\d+(\.\d)? % \(w = 1, DDIM 50, n = 400\)$/);
    expect(await text(latent(page, 'tr[data-row="fid"] td.latent'))).toMatch(/^\d+\.\d \(w = 1/);
    expect(await latent(page, 'tr[data-row="wall"]').count()).toBe(0);
    expect(await text(latent(page, '.backend'))).toBe('Backend: wasm · wasm as requested');
    expect(await errorMessages(page, 'diffusion-latent')).toEqual({});
    await screenshot(page, 'widget-latent-default');
  });

  it('"Sample both" samples the pixel and the latent model with the same settings and times each', async () => {
    await sampleBoth(page);
    const events = await sampledEvents(page, 'diffusion-latent');
    expect(events.map((e) => e.detail.space)).toEqual(['pixel', 'latent']);
    // 5 DDIM steps with guidance (label "cycle", w = 1): two evaluations a step.
    for (const e of events) expect(e.detail).toMatchObject({ nfe: 10, count: 4, seed: 0 });
    expect(await greys(page, 'diffusion-latent', 'canvas.pixel-samples')).toBeGreaterThan(10);
    expect(await greys(page, 'diffusion-latent', 'canvas.latent-samples')).toBeGreaterThan(10);
    const wall = await text(latent(page, 'tr[data-row="wall"]'));
    expect(wall).toMatch(/\d+ (ms|s) \([\d.]+ (ms|s) per image\).*decoding \d+ ms/);
    expect(await text(latent(page, 'tr[data-row="flops-run"] td.pixel'))).toBe('281 M');
    const runs = await page.evaluate(() => {
      const r = document.querySelector('diffusion-latent')!.runs;
      return { pixel: r.pixel!.images.length, latent: r.latent!.images.length };
    });
    expect(runs).toEqual({ pixel: 4 * 784, latent: 4 * 784 });
    await screenshot(page, 'widget-latent-sampled');
  });

  it('shows other digits and follows its controls', async () => {
    const before = await canvasData(page, 'diffusion-latent', 'canvas.originals');
    await latent(page, 'button.next-digits').click();
    await page.waitForFunction((b) => (document.querySelector('diffusion-latent')!.shadowRoot!.querySelector('canvas.originals') as HTMLCanvasElement).toDataURL() !== b, before);
    await latent(page, 'select.label').selectOption('none');
    expect(await page.locator('diffusion-latent').getAttribute('label')).toBe('none');
    const change = await page.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-change').at(-1));
    expect(change?.detail).toEqual({ name: 'label', value: 'none' });
    await sampleBoth(page);
    const last = (await sampledEvents(page, 'diffusion-latent')).slice(-2);
    for (const e of last) expect(e.detail.nfe).toBe(5);
    await latent(page, 'select.label').selectOption('cycle');
  });

  it('keeps the lab’s tensor count flat over repeated sampling', async () => {
    const count = () => page.evaluate(() => window.getLab().numTensors());
    const start = await count();
    await sampleBoth(page);
    await sampleBoth(page);
    expect(await count()).toBe(start);
  });
});

describe('<diffusion-bias>', () => {
  it('shows the training distribution of the skewed model with the histogram measured when it was shipped', async () => {
    await page.waitForFunction(() => !!document.querySelector('diffusion-bias')!.shadowRoot!.querySelector('.class-bars'), undefined, { timeout: 60_000 });
    expect(await bias(page, '.bar-training').count()).toBe(10);
    expect(await bias(page, '.bar-samples').count()).toBe(10);
    expect(await text(bias(page, '.summary'))).toMatch(/^Digits 0–4 are 8\d % of the training images and \d+ % of 400 samples measured when the model was shipped\.$/);
  });

  it('samples the skewed model, classifies the samples and draws their histogram', async () => {
    const count = () => page.evaluate(() => window.getLab().numTensors());
    await sampleBias(page);
    const start = await count();
    const [event] = (await sampledEvents(page, 'diffusion-bias')).slice(-1);
    const counts = event.detail.counts as number[];
    expect(counts).toHaveLength(10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(await text(bias(page, '.summary'))).toMatch(/^Digits 0–4 are 8\d % of the training images and \d+ % of these 20 samples\.$/);
    expect(await text(bias(page, 'tr.samples th'))).toBe('these 20 samples');
    expect(await greys(page, 'diffusion-bias', 'canvas.samples')).toBeGreaterThan(10);
    await sampleBias(page);
    expect(await count()).toBe(start);
    expect(await errorMessages(page, 'diffusion-bias')).toEqual({});
    await page.locator('diffusion-bias').scrollIntoViewIfNeeded();
    await screenshot(page, 'widget-latent-bias');
    expect(errors).toEqual([]);
  });
});

describe('bad attributes, phone width and dark scheme', () => {
  it('explains every bad attribute and still works with the defaults', async () => {
    const { page: p, errors: errs } = await open(server.url + BAD_PAGE);
    await p.waitForFunction(() => !!document.querySelector('diffusion-latent')!.shadowRoot!.querySelector('tr[data-row="flops-step"]'), undefined, { timeout: 60_000 });
    const messages = await errorMessages(p, 'diffusion-latent');
    expect(Object.keys(messages).sort()).toEqual(['count', 'guidance', 'label', 'seed', 'steps']);
    expect(messages.count).toMatch(/^count="0"/);
    expect(messages.count).toContain('Keeping 8.');
    expect(messages.steps).toMatch(/^steps="many"/);
    expect(messages.guidance).toMatch(/^guidance="-1"/);
    expect(messages.label).toBe('label="eleven" is not valid: use a digit 0 … 9, "cycle" (0, 1, …, 9 in turn) or "none" (no label, unconditional samples). Keeping "cycle".');
    expect(messages.seed).toMatch(/^seed="-3"/);
    const bad = await errorMessages(p, 'diffusion-bias');
    expect(Object.keys(bad).sort()).toEqual(['count', 'seed', 'steps']);
    expect(bad.count).toMatch(/^count="5"/);
    const fired = await p.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error').map((e) => `${e.target}:${String(e.detail.attribute)}`));
    expect(fired).toEqual(expect.arrayContaining(['diffusion-latent:count', 'diffusion-latent:label', 'diffusion-bias:count']));
    // Defaults in use: 8 digits, and the controls show them.
    expect(await latent(p, 'input.count').inputValue()).toBe('8');
    await p.waitForFunction(() => /Mean squared error/.test(document.querySelector('diffusion-latent')!.shadowRoot!.querySelector('.recon-line')?.textContent ?? ''), undefined, {
      timeout: 60_000,
    });
    await screenshot(p, 'widget-latent-bad');
    expect(errs).toEqual([]);
    await p.close();
  });

  it('fits a phone in the dark scheme', async () => {
    await browser.context.pages()[0]?.setViewportSize({ width: 375, height: 800 });
    const p = await browser.newPage();
    await p.setViewportSize({ width: 375, height: 800 });
    await p.emulateMedia({ colorScheme: 'dark' });
    const errs = collectConsoleErrors(p);
    await p.goto(server.url + PAGE, { waitUntil: 'load' });
    await p.waitForFunction(() => /Mean squared error/.test(document.querySelector('diffusion-latent')?.shadowRoot?.querySelector('.recon-line')?.textContent ?? ''), undefined, {
      timeout: 60_000,
    });
    await p.waitForFunction(() => !!document.querySelector('diffusion-bias')!.shadowRoot!.querySelector('.class-bars'), undefined, { timeout: 60_000 });
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(p, 'widget-latent-phone-dark');
    expect(errs).toEqual([]);
    await p.close();
  });
});
