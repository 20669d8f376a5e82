/**
 * <diffusion-trainer> in headless Chromium on the wasm backend: renders with defaults, trains a
 * live run (batch 8) with loss curve, preview grid, pause and resume and no long task on the page,
 * applies a setting to the running run and explains why a new preset needs a reset, runs the
 * default ("auto") batch as 32 with one worker (2 workers: widget-trainer-lost-worker), saves and loads
 * checkpoints (files, IndexedDB, the shipped model or its absence), asks before a reset, explains
 * bad attributes and keeps keyboard focus in order. Screenshots: test-results/screenshots/widget-trainer-*.png.
 */
import { describeUNet } from '../../src/model/describe';
import { PRESETS } from '../../src/model/config';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainProgress } from '../../src/lab/lab-api';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-trainer.html';
const BAD_PAGE = 'test/e2e/pages/widget-trainer-bad.html';
const ONE_WORKER_PAGE = 'test/e2e/pages/widget-trainer-one-worker.html';
const DOWNLOADS = join(repoRoot, 'test-results', 'trainer-e2e');
const SHIPPED = existsSync(join(repoRoot, 'assets/checkpoints/mnist-small/model.json'));
// The default run's model: the live preset, counted from its layer list.
const LIVE_PARAMS = describeUNet(PRESETS.live).params;

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

interface TrainerWindow {
  widgetEvents: RecordedEvent[];
  longTasks: number[];
  watchLongTasks(): void;
  getLab(): { trainProgress(): Promise<TrainProgress | null>; numTensors(): Promise<number> };
}
declare const window: Window & TrainerWindow;

let server: RunningServer;
let browser: LaunchedBrowser;
/** The page of the training tests, shared in order: train → checkpoints → reset. */
let page: Page;
let errors: string[];

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const p = await browser.newPage();
  const errs = collectConsoleErrors(p);
  await p.goto(url, { waitUntil: 'load' });
  await p.waitForFunction(() => document.querySelector('diffusion-trainer')?.backendStatus != null, null, { timeout: 120_000 });
  return { page: p, errors: errs };
}

const trainer = (p: Page, selector: string) => p.locator(`diffusion-trainer ${selector}`);

async function text(p: Page, selector: string): Promise<string> {
  return ((await trainer(p, selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function errorMessages(p: Page): Promise<Record<string, string>> {
  return p.evaluate(() => {
    const out: Record<string, string> = {};
    for (const m of document.querySelector('diffusion-trainer')!.shadowRoot!.querySelectorAll('.error-message')) {
      out[m.getAttribute('data-attribute') ?? ''] = (m.textContent ?? '').trim();
    }
    return out;
  });
}

function events(p: Page, type: string): Promise<RecordedEvent[]> {
  return p.evaluate((name) => window.widgetEvents.filter((e) => e.type === name), type);
}

function labProgress(p: Page): Promise<TrainProgress | null> {
  return p.evaluate(() => window.getLab().trainProgress());
}

/** Polls the page's lab until `test` holds for its progress (page.waitForFunction does not await promises). */
async function waitForLab(p: Page, test: (progress: TrainProgress | null) => boolean, timeout = 120_000): Promise<TrainProgress | null> {
  const start = Date.now();
  for (;;) {
    const progress = await labProgress(p);
    if (test(progress)) return progress;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for the lab; last progress: ${JSON.stringify(progress)}`);
    await p.waitForTimeout(100);
  }
}

/** Sets a number control the way a person does: type, then leave the field. */
async function setControl(p: Page, selector: string, value: string): Promise<void> {
  const input = trainer(p, selector);
  await input.fill(value);
  await input.press('Tab');
}

async function distinctGreys(p: Page, selector: string): Promise<number> {
  return p.evaluate((sel) => {
    const canvas = document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector(sel) as HTMLCanvasElement | null;
    if (!canvas) return 0;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const greys = new Set<number>();
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) greys.add(data[i]);
    return greys.size;
  }, selector);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await rm(DOWNLOADS, { recursive: true, force: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(DOWNLOADS, { recursive: true, force: true });
});

describe('<diffusion-trainer>', () => {
  it('renders with defaults: settings, backend, an empty loss chart with a text alternative, nothing running', async () => {
    const { page: p, errors: errs } = await open(server.url + PAGE);
    expect(await text(p, '.backend-name')).toBe('wasm');
    expect(await text(p, '.backend-reason')).toContain('wasm as requested');
    expect(await trainer(p, 'select.preset').inputValue()).toBe('live');
    // The batch is "auto" (32 per worker): an empty field that says so, in its hint and its description.
    expect(await trainer(p, 'input.batch-size').inputValue()).toBe('');
    expect(await trainer(p, 'input.batch-size').getAttribute('placeholder')).toBe('auto');
    expect(await trainer(p, 'input.batch-size').evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent)).toBe('auto: 32 per worker');
    expect(await trainer(p, '#batch-size-hint').isVisible()).toBe(true);
    expect(await trainer(p, 'input.learning-rate').inputValue()).toBe('0.008');
    expect(await trainer(p, 'input.steps').inputValue()).toBe('2000');
    expect(await text(p, 'button.main')).toBe('Start training');
    expect(await trainer(p, 'button.main').isEnabled()).toBe(true);
    expect(await trainer(p, 'button.reset').isDisabled()).toBe(true);
    expect(await trainer(p, 'button.save-download').isDisabled()).toBe(true);
    expect(await trainer(p, 'svg.loss-chart > title').textContent()).toContain('Training loss');
    expect(await trainer(p, 'svg.loss-chart > desc').textContent()).toContain('No loss yet');
    expect(await trainer(p, 'progress').getAttribute('max')).toBe('2000');
    expect(await text(p, '.step-readout')).toBe('step 0 of 2,000');
    expect(await text(p, '[part~="status"]')).toBe('Ready to train.');
    expect(await errorMessages(p)).toEqual({});
    // No autoplay: nothing trains until asked.
    expect(await labProgress(p)).toBeNull();
    await screenshot(p, 'widget-trainer-default');

    // Theming reaches inside; parts are stylable.
    await p.addStyleTag({ content: 'diffusion-trainer { --dl-accent: rgb(200, 0, 90); } diffusion-trainer::part(title) { color: rgb(0, 120, 0); }' });
    expect(await trainer(p, 'button.main').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(200, 0, 90)');
    expect(await trainer(p, 'h2').evaluate((h) => getComputedStyle(h).color)).toBe('rgb(0, 120, 0)');

    await p.setViewportSize({ width: 390, height: 844 });
    await p.emulateMedia({ colorScheme: 'dark' });
    await screenshot(p, 'widget-trainer-phone-dark');
    expect(errs).toEqual([]);
    await p.close();
  });

  it('trains the default live run with batch 8: loss, samples and speed appear, pause and resume, no long task on the page', async () => {
    ({ page, errors } = await open(server.url + PAGE));
    await page.evaluate(() => {
      const w = document.querySelector('diffusion-trainer')!;
      w.setAttribute('steps', '400');
      w.setAttribute('sample-every', '10');
    });
    await setControl(page, 'input.batch-size', '8');
    expect(await page.locator('diffusion-trainer').getAttribute('batch-size')).toBe('8');
    expect((await events(page, 'diffusion-change')).map((e) => e.detail)).toContainEqual({ name: 'batch-size', value: 8 });

    await page.evaluate(() => window.watchLongTasks());
    await trainer(page, 'button.main').click();
    await waitForLab(page, (p) => p?.state === 'running' && p.step >= 12);
    await page.waitForFunction(() => !!document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector('canvas.samples'));
    const running = (await labProgress(page))!;
    expect(running.settings).toMatchObject({ preset: 'live', batchSize: 8, steps: 400, sampleEvery: 10, sampleCount: 10 });
    await page.waitForTimeout(300); // one more frame of drawing

    expect(await text(page, 'button.main')).toBe('Pause');
    expect(Number((await text(page, 'dd.loss')).replace('−', '-'))).toBeGreaterThan(0);
    expect(await text(page, 'dd.speed')).toMatch(/steps\/s$/);
    // The workers sharing each batch, as the lab reports them (the page's lab has one per core).
    expect(await text(page, 'dd.workers')).toBe(String((await labProgress(page))!.workers));
    expect(Number(await trainer(page, 'progress').evaluate((el) => (el as HTMLProgressElement).value))).toBeGreaterThan(0);
    const path = await trainer(page, 'svg.loss-chart path.chart-line[data-series="loss per step"]').getAttribute('d');
    expect((path ?? '').split('L').length).toBeGreaterThan(8);
    expect(await trainer(page, 'svg.loss-chart > desc').textContent()).toMatch(/^Loss per training step on a log scale, from [\d.]+ at step 1 to/);
    expect(await distinctGreys(page, 'canvas.samples')).toBeGreaterThan(10);
    expect(await trainer(page, 'canvas.samples').getAttribute('aria-label')).toMatch(/^Samples of the model at step \d+/);
    const progress = await events(page, 'diffusion-progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.detail).toMatchObject({ state: 'running', totalSteps: 400 });
    await screenshot(page, 'widget-trainer-training');

    // A setting changed during the run applies to the same run.
    const before = (await labProgress(page))!.step;
    await setControl(page, 'input.learning-rate', '0.001');
    await waitForLab(page, (p) => p?.settings.learningRate === 0.001);
    expect((await labProgress(page))!.step).toBeGreaterThanOrEqual(before);

    // Another preset needs a new model: the lab's message, and nothing is thrown away.
    await trainer(page, 'select.preset').selectOption('small');
    await page.waitForFunction(() => document.querySelector('diffusion-trainer')!.errors.has('preset-conflict'));
    expect((await errorMessages(page))['preset-conflict']).toMatch(/reset training first to start a "small" run/);
    expect((await labProgress(page))!.settings.preset).toBe('live');
    await trainer(page, 'select.preset').selectOption('live');
    await page.waitForFunction(() => !document.querySelector('diffusion-trainer')!.errors.has('preset-conflict'));

    await trainer(page, 'button.main').click(); // pause
    await waitForLab(page, (p) => p?.state === 'paused');
    const paused = (await labProgress(page))!.step;
    await page.waitForTimeout(400);
    expect((await labProgress(page))!.step).toBe(paused);
    expect(await text(page, 'button.main')).toBe('Resume');

    await trainer(page, 'button.main').click(); // resume
    await waitForLab(page, (p) => p?.state === 'running' && p.step >= paused + 2);
    await trainer(page, 'button.main').click(); // pause again
    await waitForLab(page, (p) => p?.state === 'paused');

    // The lab trains in its worker: no task on the page took more than 100 ms.
    expect((await page.evaluate(() => window.longTasks)).filter((d) => d > 100)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('with workers="1", the default ("auto") batch is 32, shown in the run summary; emptying the field brings "auto" back', async () => {
    const { page: p, errors: errs } = await open(server.url + ONE_WORKER_PAGE);
    await trainer(p, 'button.main').click();
    const running = await waitForLab(p, (q) => q?.state === 'running' && q.step >= 2);
    expect(running!.workers).toBe(1);
    expect(running!.settings.batchSize).toBe(32);
    await p.waitForFunction(() => /batch 32,/.test(document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector('.run-summary')?.textContent ?? ''));
    expect(await text(p, '#batch-size-hint')).toBe('auto: 32 per worker → 32');
    await trainer(p, 'button.main').click(); // pause
    await waitForLab(p, (q) => q?.state === 'paused');
    // A number and back to "auto" by emptying the field: the attribute and the event say "auto".
    await setControl(p, 'input.batch-size', '16');
    expect(await p.locator('diffusion-trainer').getAttribute('batch-size')).toBe('16');
    expect(await text(p, '#batch-size-hint')).toBe('empty for auto: 32 per worker → 32');
    await setControl(p, 'input.batch-size', '');
    expect(await p.locator('diffusion-trainer').getAttribute('batch-size')).toBe('auto');
    expect((await events(p, 'diffusion-change')).map((e) => e.detail).slice(-2)).toEqual([{ name: 'batch-size', value: 16 }, { name: 'batch-size', value: 'auto' }]);
    expect(errs).toEqual([]);
    await p.close();
  });

  it('saves checkpoints as files and in the browser, and loads them back after asking', async () => {
    const steps = (await labProgress(page))!.step;
    const downloads: Array<{ name: string; path: string }> = [];
    await mkdir(DOWNLOADS, { recursive: true });
    page.on('download', async (d) => {
      const path = join(DOWNLOADS, d.suggestedFilename());
      await d.saveAs(path);
      downloads.push({ name: d.suggestedFilename(), path });
    });
    await trainer(page, 'button.save-download').click();
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
    expect(downloads.map((d) => d.name).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(DOWNLOADS, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata.manifest.training.steps).toBe(steps);
    expect((await readFile(join(DOWNLOADS, 'weights.bin'))).length).toBe(LIVE_PARAMS * 4);

    // One file alone is refused before the lab is asked.
    await trainer(page, 'input.checkpoint-files').setInputFiles([join(DOWNLOADS, 'model.json')]);
    expect((await errorMessages(page)).checkpoint).toMatch(/^Pick the two files of a checkpoint together/);

    // Loading over a trained model asks first; the reader's "no" is the focused choice.
    await trainer(page, 'input.checkpoint-files').setInputFiles([join(DOWNLOADS, 'model.json'), join(DOWNLOADS, 'weights.bin')]);
    await trainer(page, '[part~="confirm"]').waitFor();
    expect(await text(page, '[part~="confirm"] p')).toMatch(/^Loading the picked files replaces the live model trained for \d+ steps/);
    expect(await page.evaluate(() => document.querySelector('diffusion-trainer')!.shadowRoot!.activeElement?.className)).toBe('confirm-no');
    await trainer(page, 'button.confirm-yes').click();
    await page.waitForFunction(() => /^Loaded the picked files/.test(document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));
    expect(await text(page, '[part~="status"]')).toBe(`Loaded the picked files: a live model trained for ${steps} steps. Sample from it, or raise Steps and continue training.`);
    // The run has reached its target: the button says what to do next.
    await page.evaluate(() => document.querySelector('diffusion-trainer')!.setAttribute('steps', '10'));
    expect(await text(page, 'button.main')).toBe('Finished: raise Steps to go on');
    expect(await trainer(page, 'button.main').isDisabled()).toBe(true);
    await page.evaluate(() => document.querySelector('diffusion-trainer')!.setAttribute('steps', '400'));
    expect(await text(page, 'button.main')).toBe('Continue to 400 steps');
    expect(await labProgress(page)).toMatchObject({ state: 'done', step: steps });
    expect(await errorMessages(page)).toEqual({});

    await trainer(page, 'button.save-browser').click();
    await page.waitForFunction(() => /^Saved in this browser/.test(document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));
    expect(await text(page, '[part~="status"]')).toBe(`Saved in this browser: the live model at step ${steps}.`);
    await trainer(page, 'button.load-browser').click();
    await trainer(page, 'button.confirm-yes').click();
    await page.waitForFunction(() => /^Loaded the checkpoint saved/.test(document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));

    // The shipped model: loaded when it is in the assets folder, else a clear message and the model stays.
    await trainer(page, 'button.load-shipped').click();
    await trainer(page, 'button.confirm-yes').click();
    if (SHIPPED) {
      await page.waitForFunction(() => /^Loaded the shipped model/.test(document.querySelector('diffusion-trainer')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));
      expect(await page.locator('diffusion-trainer').getAttribute('preset')).toBe('small');
    } else {
      await page.waitForFunction(() => document.querySelector('diffusion-trainer')!.errors.has('checkpoint'));
      const message = (await errorMessages(page)).checkpoint;
      expect(message).toMatch(/^The shipped model is not available yet: No checkpoint at http:\/\/.*\/assets\/checkpoints\/mnist-small\/model\.json\./);
      expect(message).toContain('The model on the page is unchanged.');
      expect(await labProgress(page)).toMatchObject({ step: steps });
    }
    await screenshot(page, 'widget-trainer-checkpoints');
    expect(errors).toEqual([]);
  });

  it('asks before a reset: Escape keeps the model, "Reset the model" throws it away', async () => {
    const steps = (await labProgress(page))!.step;
    await trainer(page, 'button.reset').click();
    await trainer(page, '[part~="confirm"]').waitFor();
    expect(await text(page, '[part~="confirm"] p')).toContain('Reset throws away');
    expect(await page.evaluate(() => document.querySelector('diffusion-trainer')!.shadowRoot!.activeElement?.className)).toBe('confirm-no');
    await screenshot(page, 'widget-trainer-confirm-reset');
    await page.keyboard.press('Escape');
    await trainer(page, '[part~="confirm"]').waitFor({ state: 'detached' });
    expect(await text(page, '[part~="status"]')).toBe('Nothing was thrown away.');
    expect(await page.evaluate(() => document.querySelector('diffusion-trainer')!.shadowRoot!.activeElement?.className)).toBe('reset');
    expect((await labProgress(page))!.step).toBe(steps);

    await trainer(page, 'button.reset').click();
    await trainer(page, 'button.confirm-yes').click();
    await waitForLab(page, (p) => p === null);
    await page.waitForFunction(() => document.querySelector('diffusion-trainer')!.trainProgress === null);
    await page.waitForTimeout(100);
    expect(await text(page, 'button.main')).toBe('Start training');
    expect(await trainer(page, 'button.reset').isDisabled()).toBe(true);
    expect(await trainer(page, '.chart-empty').count()).toBe(1);
    expect(await trainer(page, 'canvas.samples').count()).toBe(0);
    expect(await text(page, '[part~="status"]')).toBe('The model was reset. Start trains a new one from scratch.');

    // Divergence reported by the lab: its message, and what to do.
    await page.evaluate(() => {
      const lab = window.getLab() as unknown as { events: EventTarget };
      lab.events.dispatchEvent(new CustomEvent('train-error', { detail: { message: 'Training diverged: the loss became NaN at step 5.' } }));
    });
    const diverged = (await errorMessages(page)).training;
    expect(diverged).toBe('Training diverged: the loss became NaN at step 5. The model is kept: lower the learning rate and press Resume, or reset.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains every bad attribute inside the widget and keeps working with defaults', async () => {
    const { page: p, errors: errs } = await open(server.url + BAD_PAGE);
    const messages = await errorMessages(p);
    expect(messages.preset).toBe(
      'preset="base" is not valid: use one of "live", "tiny" or "small". The "base" preset needs a GPU and hours of training; the widget offers "live", "tiny" and "small". Keeping "live".',
    );
    expect(messages['batch-size']).toBe('batch-size="0" is not valid: use "auto" (32 per worker) or a whole number from 1 to 512. Keeping "auto".');
    expect(messages['learning-rate']).toContain('a number greater than 0 and less than 1');
    expect(messages.steps).toContain('a whole number from 1 to 20000');
    expect(messages['label-dropout']).toContain('at least 0 and at most 1');
    expect(messages['sample-every']).toContain('a whole number from 0 to 20000');
    expect(messages.seed).toContain('seed="x" is not valid');
    expect(messages.backend).toContain('"webgpu" or "webgl"');
    expect(await trainer(p, '[part~="error"]').getAttribute('role')).toBe('alert');
    // Defaults in use, and the widget works.
    expect(await trainer(p, 'input.batch-size').inputValue()).toBe('');
    expect(await trainer(p, 'input.steps').inputValue()).toBe('2000');
    expect(await trainer(p, 'button.main').isEnabled()).toBe(true);
    await screenshot(p, 'widget-trainer-bad-attributes');

    // Fixing a value clears its message and applies it.
    await p.evaluate(() => document.querySelector('diffusion-trainer')!.setAttribute('steps', '300'));
    await p.evaluate(() => document.querySelector('diffusion-trainer')!.updateComplete);
    expect((await errorMessages(p)).steps).toBeUndefined();
    expect(await trainer(p, 'input.steps').inputValue()).toBe('300');
    const reported = (await events(p, 'diffusion-error')).map((e) => e.detail.attribute);
    expect(reported).toEqual(expect.arrayContaining(['preset', 'batch-size', 'learning-rate', 'steps', 'label-dropout', 'sample-every', 'seed', 'backend']));
    expect(errs).toEqual([]);
    await p.close();
  });

  it('keyboard focus follows the controls in order', async () => {
    const { page: p, errors: errs } = await open(server.url + PAGE);
    await p.locator('h1').click();
    const hasAdvice = (await trainer(p, '[part~="advice"]').count()) > 0;
    const order: string[] = [];
    for (let i = 0; i < (hasAdvice ? 10 : 9); i++) {
      await p.keyboard.press('Tab');
      order.push(await p.evaluate(() => (document.querySelector('diffusion-trainer')!.shadowRoot!.activeElement as HTMLElement | null)?.className.split(' ')[0] ?? 'outside'));
    }
    expect(order).toEqual([
      'embed-button',
      'preset',
      'batch-size',
      'learning-rate',
      'steps',
      'main',
      ...(hasAdvice ? ['load-shipped-advice'] : []),
      'load-files',
      'load-browser',
      'load-shipped',
    ]);
    expect(errs).toEqual([]);
    await p.close();
  });
});
