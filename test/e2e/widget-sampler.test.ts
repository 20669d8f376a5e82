/**
 * <diffusion-sampler> in headless Chromium on the wasm backend. A tiny model is trained for a few
 * steps through the page's lab first (the shipped checkpoint may not exist yet), and the widget
 * samples it with source="trained": two panels at few steps draw their grids and NFE, every panel
 * starts from the same x_T, the scrubber and Play move through the reverse process, Stop aborts,
 * the quality check answers (or says the classifier is missing), tensors stay flat over repeated
 * sampling, panel controls rewrite the `panels` attribute, and bad attributes explain themselves.
 * A CFG panel and a classifier-guided panel sample from the same x_T and report accuracy and
 * diversity each; the guidance controls rewrite the attribute.
 * Screenshots: test-results/screenshots/widget-sampler-*.png.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab-api';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-sampler.html';
const BAD_PAGE = 'test/e2e/pages/widget-sampler-bad.html';
const SHIPPED = existsSync(join(repoRoot, 'assets/checkpoints/mnist-small/model.json'));
const CLASSIFIER = existsSync(join(repoRoot, 'assets/classifier/model.json'));
const NOISY_CLASSIFIER = existsSync(join(repoRoot, 'assets/checkpoints/noisy-classifier/model.json'));

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

declare const window: Window & { widgetEvents: RecordedEvent[]; getLab(): Lab; longTasks: number[]; watchLongTasks(): void };

let server: RunningServer;
let browser: LaunchedBrowser;
/** The page of the sampling tests, shared in order (its lab holds the tiny model). */
let page: Page;
let errors: string[];

const sampler = (p: Page, selector: string) => p.locator(`diffusion-sampler ${selector}`);

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const p = await browser.newPage();
  const errs = collectConsoleErrors(p);
  await p.goto(url, { waitUntil: 'load' });
  await p.waitForFunction(() => !!document.querySelector('diffusion-sampler')?.shadowRoot?.querySelector('.panel'));
  return { page: p, errors: errs };
}

async function text(p: Page, selector: string): Promise<string> {
  return ((await sampler(p, selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function errorMessages(p: Page): Promise<Record<string, string>> {
  return p.evaluate(() => {
    const out: Record<string, string> = {};
    for (const m of document.querySelector('diffusion-sampler')!.shadowRoot!.querySelectorAll('.error-message')) {
      out[m.getAttribute('data-attribute') ?? ''] = (m.textContent ?? '').trim();
    }
    return out;
  });
}

function events(p: Page, type: string): Promise<RecordedEvent[]> {
  return p.evaluate((name) => window.widgetEvents.filter((e) => e.type === name), type);
}

/** Pixels of a canvas in the widget (RGBA), to compare what is drawn. */
function pixels(p: Page, selector: string): Promise<number[]> {
  return p.evaluate((sel) => {
    const canvas = document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector(sel) as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  }, selector);
}

function distinctGreys(data: number[]): number {
  const greys = new Set<number>();
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) greys.add(data[i]);
  return greys.size;
}

async function setAttr(p: Page, name: string, value: string): Promise<void> {
  await p.evaluate(([n, v]) => document.querySelector('diffusion-sampler')!.setAttribute(n, v), [name, value]);
  await p.evaluate(() => document.querySelector('diffusion-sampler')!.updateComplete);
}

async function sampledCount(p: Page): Promise<number> {
  return (await events(p, 'diffusion-sampled')).length;
}

/** Clicks "Sample all" and waits until `panels` more panels have finished. */
async function sampleAll(p: Page, panels: number): Promise<void> {
  const before = await sampledCount(p);
  await sampler(p, 'button.sample-all').click();
  await p.waitForFunction((n) => window.widgetEvents.filter((e) => e.type === 'diffusion-sampled').length >= n, before + panels, { timeout: 120_000 });
  await p.waitForFunction(() => !!document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('button.sample-all'));
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('<diffusion-sampler>', () => {
  it('renders with defaults: three panels, the model it would use (or why it is missing), nothing sampled yet', async () => {
    const { page: p, errors: errs } = await open(server.url + PAGE);
    const headings = await sampler(p, '.panel h3').allTextContents();
    expect(headings.map((h) => h.trim())).toEqual(['1. DDPM · 100 steps', '2. DDIM · 20 steps', '3. DDIM · 20 steps · guided']);
    expect(await sampler(p, '.panel h3').nth(2).getAttribute('title')).toBe('DDIM · 20 steps · η = 0 · w = 2 (guidance_scale 3) · label 3');
    expect(await text(p, '.panel:nth-child(3) .scale-note')).toContain('guidance_scale=3');
    expect(await text(p, '.panel:nth-child(3) .scale-note')).toContain('40 network evaluations per image');
    expect(await sampler(p, 'input.seed').inputValue()).toBe('0');
    expect(await sampler(p, 'input.count').inputValue()).toBe('16');
    expect(await sampler(p, 'select.source').inputValue()).toBe('shipped');
    expect(await sampler(p, 'input.scrub').isDisabled()).toBe(true);
    expect(await sampler(p, '.placeholder').count()).toBe(3);
    expect(await text(p, '[part~="status"]')).toBe('Press “Sample all” to run every panel from the same noise.');
    await p.waitForFunction(() => !/looking for/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('[part~="model"]')!.textContent ?? ''));
    if (SHIPPED) {
      expect(await text(p, '.model-line')).toMatch(/^Model: the shipped small U-Net, 163,881 parameters, trained for [\d,]+ steps\.$/);
    } else {
      const problem = await text(p, '[part~="model"] .problem');
      expect(problem).toMatch(/^No shipped checkpoint at http:\/\/.*\/assets\/checkpoints\/mnist-small\/model\.json/);
      expect(problem).toContain('train a model with <diffusion-trainer> on this page');
    }
    expect(await text(p, '[part~="model"] .backend')).toBe('Backend: wasm · wasm as requested');
    expect(await sampler(p, '.backend-details').count()).toBe(0);
    expect(await errorMessages(p)).toEqual({});
    expect(await events(p, 'diffusion-sampled')).toEqual([]);
    await screenshot(p, 'widget-sampler-default');
    expect(errs).toEqual([]);
    await p.close();
  });

  it('samples two panels at few steps: grids, NFE and wall time, the same x_T everywhere, and a scrubber that moves', async () => {
    ({ page, errors } = await open(server.url + PAGE));
    // A model to sample: a few steps of the tiny preset in the page's lab (the widget's lab).
    await page.evaluate(() =>
      window.getLab().startTraining({ preset: 'tiny', batchSize: 8, learningRate: 2e-3, steps: 4, labelDropout: 0.1, seed: 1, sampleEvery: 0, sampleCount: 1 }),
    );
    await expect.poll(() => page.evaluate(async () => (await window.getLab().trainProgress())?.state), { timeout: 120_000, interval: 100 }).toBe('done');

    await sampler(page, 'select.source').selectOption('trained');
    expect(await page.locator('diffusion-sampler').getAttribute('source')).toBe('trained');
    await page.waitForFunction(() => /page’s tiny U-Net/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.model-line')?.textContent ?? ''));
    expect(await text(page, '.model-line')).toBe('Model: the page’s tiny U-Net, 39,289 parameters, 4 training steps so far.');
    await setAttr(page, 'panels', 'ddpm:6; ddim:4:w=2:label=3');
    await setAttr(page, 'count', '4');
    expect(await sampler(page, '.panel').count()).toBe(2);

    await sampleAll(page, 2);
    const sampled = await events(page, 'diffusion-sampled');
    expect(sampled.map((e) => [e.detail.spec, e.detail.nfe, e.detail.count, e.detail.seed, e.detail.source])).toEqual([
      ['ddpm:6', 6, 4, 0, 'trained'],
      ['ddim:4:eta=0:w=2:label=3', 8, 4, 0, 'trained'],
    ]);
    expect(sampled.every((e) => (e.detail.wallMs as number) > 0)).toBe(true);
    expect(await sampler(page, 'dd.nfe').allTextContents()).toEqual(['6', '8']);
    expect(await text(page, '.panel:nth-child(1) dd.wall')).toMatch(/^\d+ ms$|^[\d.]+ s$/);
    for (const index of [0, 1]) {
      const grid = await pixels(page, `canvas.grid[data-panel="${index}"]`);
      expect(distinctGreys(grid)).toBeGreaterThan(10);
    }
    // Every panel started from the same x_T: the lab's arrays and the drawn first frames agree.
    const sameXt = await page.evaluate(() => {
      const [a, b] = document.querySelector('diffusion-sampler')!.results;
      return !!a && !!b && a.xT.length === 4 * 784 && a.xT.every((v, i) => v === b.xT[i]);
    });
    expect(sameXt).toBe(true);
    expect(await text(page, '[part~="status"]')).toMatch(/^Sampled DDPM 6 steps in .*, DDIM 4 steps in .*\.$/);
    await screenshot(page, 'widget-sampler-sampled');

    // Scrubbing: the start shows x_T (identical across panels), the end the samples.
    const scrub = sampler(page, 'input.scrub');
    expect(await scrub.getAttribute('max')).toBe('6');
    const atEnd = await pixels(page, 'canvas.xt[data-panel="0"]');
    await scrub.focus();
    await page.keyboard.press('Home');
    await page.waitForTimeout(50);
    const start0 = await pixels(page, 'canvas.xt[data-panel="0"]');
    const start1 = await pixels(page, 'canvas.xt[data-panel="1"]');
    expect(start0).toEqual(start1);
    expect(start0).not.toEqual(atEnd);
    expect(await text(page, '.panel:nth-child(1) .frame-caption')).toMatch(/^x_T \(step 1 of 6, t = \d+\)$/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await text(page, '.panel:nth-child(1) .frame-caption')).toMatch(/^step 3 of 6, t = \d+$/);
    expect(await pixels(page, 'canvas.xt[data-panel="0"]')).not.toEqual(start0);
    const steps = await events(page, 'diffusion-step');
    expect(steps.at(-1)!.detail).toMatchObject({ position: 2, max: 6, panels: [{ index: 0, frame: 2, total: 6 }, { index: 1, frame: 1, total: 4 }] });
    await screenshot(page, 'widget-sampler-scrubbed');

    // Play runs to the end on its own, frame by frame.
    const before = steps.length;
    await sampler(page, 'button.play').click();
    await page.waitForFunction(() => document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('button.play')!.textContent!.trim() === 'Play', null, { timeout: 20_000 });
    const played = (await events(page, 'diffusion-step')).slice(before).map((e) => e.detail.position);
    expect(played.at(-1)).toBe(6);
    expect(played.length).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
  });

  it('checks quality with the reference classifier, or says clearly that it is missing', async () => {
    await sampler(page, '.panel:nth-child(2) button.quality').click();
    await page.waitForFunction(() => !/Asking/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.panel:nth-child(2) [part~="quality"]')?.textContent ?? 'Asking'));
    const quality = await text(page, '.panel:nth-child(2) [part~="quality"]');
    if (CLASSIFIER) {
      expect(quality).toMatch(/^The reference classifier reads \d of 4 as a 3 \(\d+ %\); mean confidence [01]\.\d\d; diversity \d\.\d{3} \(mean pairwise RMS pixel distance\)\.$/);
    } else {
      expect(quality).toMatch(/^No reference classifier at http:\/\/.*\/assets\/classifier\//);
      expect((await events(page, 'diffusion-error')).at(-1)!.detail.attribute).toBe('quality');
    }
    await screenshot(page, 'widget-sampler-quality');
    expect(errors).toEqual([]);
  });

  it('compares classifier-free with classifier guidance on the same seed: accuracy and diversity per panel', async () => {
    await setAttr(page, 'panels', 'ddim:4:w=2:label=3; ddim:4:guide=classifier:s=2:label=3');
    expect((await sampler(page, '.panel h3').allTextContents()).map((h) => h.trim())).toEqual(['1. DDIM · 4 steps · guided', '2. DDIM · 4 steps · classifier-guided']);
    expect(await sampler(page, '.panel h3').nth(1).getAttribute('title')).toBe('DDIM · 4 steps · η = 0 · classifier guidance s = 2 · label 3');
    expect(await text(page, '.panel:nth-child(2) .scale-note')).toContain('4 network evaluations + 4 classifier gradients per image');
    expect(await sampler(page, '.panel:nth-child(2) select.guide').inputValue()).toBe('classifier');
    expect(await sampler(page, '.panel:nth-child(2) input.classifier-scale').inputValue()).toBe('2');
    expect(await sampler(page, '.panel:nth-child(2) input.guidance').count()).toBe(0);
    if (!NOISY_CLASSIFIER) {
      await sampler(page, '.panel:nth-child(2) button.sample').click();
      await page.waitForFunction(() => !!document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.error-message[data-attribute="sampling"]'));
      expect((await errorMessages(page)).sampling).toMatch(/no noise-aware classifier at/i);
      return;
    }
    // The noise-aware classifier was trained on the shipped model's schedule (linear). The model
    // trained on this page follows the live recipe (cosine), so its classifier-guided panel
    // explains why it cannot run, and the comparison runs on the shipped model.
    await sampler(page, '.panel:nth-child(2) button.sample').click();
    await page.waitForFunction(() => !!document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.error-message[data-attribute="sampling"]'));
    expect((await errorMessages(page)).sampling).toMatch(/^Panel 2 could not sample: The noise-aware classifier was trained on another noise schedule/);
    if (!SHIPPED) return;
    await sampler(page, 'select.source').selectOption('shipped');
    await page.waitForFunction(() => /shipped/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.model-line')?.textContent ?? ''));
    await sampleAll(page, 2);
    const sampled = (await events(page, 'diffusion-sampled')).slice(-2);
    expect(sampled.map((e) => [e.detail.spec, e.detail.nfe])).toEqual([
      ['ddim:4:eta=0:w=2:label=3', 8],
      ['ddim:4:eta=0:guide=classifier:s=2:label=3', 4],
    ]);
    // Same x_T, different guidance: different samples.
    const compared = await page.evaluate(() => {
      const [a, b] = document.querySelector('diffusion-sampler')!.results;
      return { sameXt: a!.xT.every((v, i) => v === b!.xT[i]), sameImages: a!.images.every((v, i) => v === b!.images[i]) };
    });
    expect(compared).toEqual({ sameXt: true, sameImages: false });
    // The classifier loads once; after that repeated classifier-guided sampling leaves no tensors behind.
    const afterFirst = await page.evaluate(() => window.getLab().numTensors());
    await sampleAll(page, 2);
    expect(await page.evaluate(() => window.getLab().numTensors())).toBe(afterFirst);

    // One button asks the reference classifier about every panel, to compare them side by side.
    await sampler(page, 'button.quality-all').click();
    for (const n of [1, 2]) {
      await page.waitForFunction(
        (i) => !/Asking/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector(`.panel:nth-child(${i}) [part~="quality"]`)?.textContent ?? 'Asking'),
        n,
      );
      const quality = await text(page, `.panel:nth-child(${n}) [part~="quality"]`);
      if (CLASSIFIER) {
        expect(quality).toMatch(/^The reference classifier reads \d of 4 as a 3 \(\d+ %\); mean confidence [01]\.\d\d; diversity \d\.\d{3} \(mean pairwise RMS pixel distance\)\.$/);
      }
    }
    await screenshot(page, 'widget-sampler-classifier-guidance');
    await page.setViewportSize({ width: 375, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await sampler(page, '.panel:nth-child(2)').scrollIntoViewIfNeeded();
    await screenshot(page, 'widget-sampler-classifier-guidance-phone-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });

    // The guidance controls write the attribute: switch panel 1 to the classifier, set s, and back.
    await sampler(page, '.panel:nth-child(1) select.guide').selectOption('classifier');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:4:eta=0:guide=classifier:s=1:label=3; ddim:4:eta=0:guide=classifier:s=2:label=3');
    const scale = sampler(page, '.panel:nth-child(1) input.classifier-scale');
    await scale.fill('3.5');
    await scale.press('Tab');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:4:eta=0:guide=classifier:s=3.5:label=3; ddim:4:eta=0:guide=classifier:s=2:label=3');
    await sampler(page, '.panel:nth-child(1) select.guide').selectOption('cfg');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:4:eta=0:label=3; ddim:4:eta=0:guide=classifier:s=2:label=3');
    // Without a label there is nothing to steer towards: classifier guidance goes with it.
    await sampler(page, '.panel:nth-child(2) select.label').selectOption('none');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:4:eta=0:label=3; ddim:4:eta=0');
    expect(await sampler(page, '.panel:nth-child(2) select.guide').isDisabled()).toBe(true);
    await setAttr(page, 'panels', 'ddpm:6; ddim:4:w=2:label=3');
    expect(errors).toEqual([]);
  });

  it('frees its tensors: lab.numTensors() is flat over repeated sampling, and after Stop; the page never blocks', async () => {
    await page.evaluate(() => window.watchLongTasks());
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sampleAll(page, 2);
      counts.push(await page.evaluate(() => window.getLab().numTensors()));
    }
    expect(new Set(counts).size).toBe(1);
    // Sampling runs in the lab's worker and the widget draws once per frame: no task over 100 ms.
    expect((await page.evaluate(() => window.longTasks)).filter((d) => d > 100)).toEqual([]);

    // Stop: the run is cancelled between steps and its tensors are freed.
    await setAttr(page, 'panels', 'ddpm:300');
    await sampler(page, 'button.sample-all').click();
    await page.waitForFunction(() => (document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.run-progress')?.textContent ?? '').includes('step 2'));
    await sampler(page, 'button.stop').click();
    await page.waitForFunction(() => /^Stopped/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));
    expect(await text(page, '[part~="status"]')).toBe('Stopped. 0 of 1 panel finished.');
    expect(await text(page, '.panel .placeholder')).toBe('Stopped before the end.');
    await expect.poll(() => page.evaluate(() => window.getLab().numTensors()), { timeout: 10_000 }).toBe(counts[0]);
    expect(errors).toEqual([]);
  });

  it('panel controls rewrite the panels attribute; a stale result says so', async () => {
    await setAttr(page, 'panels', 'ddpm:3; ddim:3');
    await sampleAll(page, 2);
    await sampler(page, '.panel:nth-child(1) select.sampler').selectOption('ddim');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:3:eta=0; ddim:3:eta=0');
    expect(await text(page, '.panel:nth-child(1) .stale-note')).toBe('Settings changed since this was sampled: press Sample.');
    expect(await sampler(page, '.panel:nth-child(2) .stale-note').count()).toBe(0);

    await sampler(page, '.panel:nth-child(2) select.label').selectOption('7');
    const guidance = sampler(page, '.panel:nth-child(2) input.guidance');
    expect(await guidance.isEnabled()).toBe(true);
    await guidance.fill('1.5');
    await guidance.press('Tab');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:3:eta=0; ddim:3:eta=0:w=1.5:label=7');
    expect(await text(page, '.panel:nth-child(2) .scale-note')).toContain('guidance_scale=2.5');
    // Back to no label: guidance goes with it (it needs a class to push towards).
    await sampler(page, '.panel:nth-child(2) select.label').selectOption('none');
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:3:eta=0; ddim:3:eta=0');
    expect(await guidance.isDisabled()).toBe(true);

    await sampler(page, 'button.add-panel').click();
    await sampler(page, 'button.add-panel').click();
    expect(await sampler(page, '.panel').count()).toBe(4);
    expect(await sampler(page, 'button.add-panel').isDisabled()).toBe(true);
    await sampler(page, '.panel:nth-child(1) button.remove').click();
    expect(await page.locator('diffusion-sampler').getAttribute('panels')).toBe('ddim:3:eta=0; ddim:20:eta=0; ddim:20:eta=0');
    // The panel that moved up kept its samples.
    expect(await sampler(page, '.panel:nth-child(1) canvas.grid').count()).toBe(1);
    const changes = (await events(page, 'diffusion-change')).map((e) => e.detail.name);
    expect(changes).toEqual(expect.arrayContaining(['source', 'panels']));

    // Reduced motion: Play jumps in a few coarse steps instead of moving smoothly.
    await setAttr(page, 'panels', 'ddim:20');
    await sampleAll(page, 1);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const before = (await events(page, 'diffusion-step')).length;
    await sampler(page, 'button.play').click();
    await page.waitForFunction(() => document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('button.play')!.textContent!.trim() === 'Play', null, { timeout: 20_000 });
    const positions = (await events(page, 'diffusion-step')).slice(before).map((e) => e.detail.position as number);
    expect(positions.every((pos) => pos % 2 === 0)).toBe(true);
    expect(positions.at(-1)).toBe(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains bad attributes inside the widget and keeps working with defaults', async () => {
    const { page: p, errors: errs } = await open(server.url + BAD_PAGE);
    const messages = await errorMessages(p);
    expect(messages.panels).toContain('panels="ddpm:100; euler:20" is not valid: panel 2 ("euler:20"): "euler" is not a sampler: use "ddpm" or "ddim".');
    expect(messages.panels).toContain('Keeping "ddpm:100; ddim:20:eta=0; ddim:20:eta=0:w=2:label=3".');
    expect(messages.seed).toBe('seed="-1" is not valid: use a whole number from 0 to 4294967295. Keeping seed 0.');
    expect(messages.count).toBe('count="500" is not valid: use a whole number from 1 to 64. Keeping 16.');
    expect(messages.source).toContain('The model trained on this page is "trained".');
    expect(await sampler(p, '.panel').count()).toBe(3);
    expect(await sampler(p, 'button.sample-all').isEnabled()).toBe(true);
    await screenshot(p, 'widget-sampler-bad-attributes');

    await setAttr(p, 'panels', 'ddim:20:w=2');
    expect((await errorMessages(p)).panels).toContain('w=2 needs a label');
    await setAttr(p, 'panels', 'ddim:20:guide=classifier:w=2:label=5');
    expect((await errorMessages(p)).panels).toContain('a classifier-guided panel samples the unconditional model and takes s=… instead');
    await setAttr(p, 'panels', 'ddim:20:s=500:label=5');
    expect((await errorMessages(p)).panels).toContain('s "500" must be a number from 0 to 100');
    await setAttr(p, 'panels', 'ddim:10:w=2:label=5');
    expect((await errorMessages(p)).panels).toBeUndefined();
    expect(await sampler(p, '.panel').count()).toBe(1);
    expect(errs).toEqual([]);
    await p.close();
  });
});
