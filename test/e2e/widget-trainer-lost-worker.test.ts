/**
 * <diffusion-trainer> training with 2 wasm workers in headless Chromium when its replica worker
 * dies mid-run: the lab's worker computes the lost share itself, training goes on with 1 worker,
 * the widget says which worker stopped and why, and nothing trained is lost (every step's loss is
 * there once, and a checkpoint saved afterwards has all the steps).
 *
 * The replica is a Web Worker nested in the lab's worker; Chromium reports it to playwright like
 * any worker, so the test reaches it with page.workers() and the page needs no hook. Three ways
 * of dying:
 *  - a wasm memory growth that fails (a real RangeError from WebAssembly.Memory.grow) inside the
 *    gradient computation: the replica reports the error;
 *  - the same error thrown outside any message (uncaught): the Worker's 'error' event;
 *  - self.close(): the worker ends without a word, and only the coordinator's watchdog notices.
 * Screenshots: test-results/screenshots/widget-trainer-lost-worker-*.png.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainProgress } from '../../src/lab/lab-api';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-trainer-workers.html';
const DOWNLOADS = join(repoRoot, 'test-results', 'trainer-lost-worker-e2e');

interface LostWorkerWindow {
  getLab(): {
    trainProgress(): Promise<TrainProgress | null>;
    addEventListener(type: string, listener: (event: CustomEvent<TrainProgress>) => void): void;
  };
  lossSteps: number[];
  losses: number[];
}
declare const window: Window & LostWorkerWindow;

let server: RunningServer;
let browser: LaunchedBrowser;

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

const trainer = (p: Page, selector: string) => p.locator(`diffusion-trainer ${selector}`);

async function text(p: Page, selector: string): Promise<string> {
  return ((await trainer(p, selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

function labProgress(p: Page): Promise<TrainProgress | null> {
  return p.evaluate(() => window.getLab().trainProgress());
}

async function waitForLab(p: Page, test: (progress: TrainProgress | null) => boolean, timeout = 60_000): Promise<TrainProgress> {
  const start = Date.now();
  for (;;) {
    const progress = await labProgress(p);
    if (progress && test(progress)) return progress;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for the lab; last progress: ${JSON.stringify(progress)}`);
    await p.waitForTimeout(100);
  }
}

/** Opens the page, starts training with 2 workers and records every loss the lab reports. */
async function startTwoWorkerRun(): Promise<{ page: Page; errors: string[]; replica: Worker }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(server.url + PAGE);
  await page.waitForFunction(() => document.querySelector('diffusion-trainer')?.backendStatus != null, null, { timeout: 60_000 });
  await page.evaluate(() => {
    window.lossSteps = [];
    window.losses = [];
    window.getLab().addEventListener('train-progress', (e) => {
      for (const [step, loss] of e.detail.newLosses) {
        window.lossSteps.push(step);
        window.losses.push(loss);
      }
    });
  });
  await trainer(page, 'button.main').click();
  await waitForLab(page, (p) => p?.state === 'running' && p.step >= 10 && p.workers === 2);
  expect(await text(page, 'dd.workers')).toBe('2');
  // The default ("auto") batch: 32 per worker.
  expect((await labProgress(page))!.settings.batchSize).toBe(64);
  expect(await text(page, '.run-summary')).toContain('batch 64,');
  expect(await text(page, '#batch-size-hint')).toBe('auto: 32 per worker → 64');
  const replicas = page.workers().filter((w) => w.url().includes('replica-worker'));
  expect(replicas).toHaveLength(1);
  return { page, errors, replica: replicas[0] };
}

/**
 * After the replica died at step `diedAfter`: the widget's message, training on 1 worker, every
 * step's loss once, and a checkpoint with every step. Returns the message.
 */
async function expectTrainingWentOn(page: Page, diedAfter: number, name: string): Promise<string> {
  await trainer(page, '.notice').waitFor({ timeout: 60_000 });
  const notice = await text(page, '.notice');
  expect(await trainer(page, '.notice').isVisible()).toBe(true);
  expect(await trainer(page, '.notice').getAttribute('role')).toBe('status');
  const lost = await waitForLab(page, (p) => p?.workers === 1);
  // Training goes on with the lab's worker alone.
  await waitForLab(page, (p) => p?.state === 'running' && p.step >= lost.step + 15);
  expect(await text(page, 'dd.workers')).toBe('1');
  expect(await text(page, '#batch-size-hint')).toBe('auto: 32 per worker → 64');
  await screenshot(page, `widget-trainer-lost-worker-${name}`);

  await trainer(page, 'button.main').click(); // pause
  const paused = await waitForLab(page, (p) => p?.state === 'paused');
  expect(paused.step).toBeGreaterThan(diedAfter + 15);
  // Every step's loss once, in order, finite: none was skipped or repeated around the loss.
  const steps = await page.evaluate(() => window.lossSteps);
  expect(steps).toEqual(Array.from({ length: paused.step }, (_, i) => i + 1));
  expect((await page.evaluate(() => window.losses)).every((l) => Number.isFinite(l) && l > 0)).toBe(true);

  // A checkpoint saved after the loss has every step trained, those before it included.
  const dir = join(DOWNLOADS, name);
  await mkdir(dir, { recursive: true });
  const saved: string[] = [];
  page.on('download', async (d) => {
    await d.saveAs(join(dir, d.suggestedFilename()));
    saved.push(d.suggestedFilename());
  });
  await trainer(page, 'button.save-download').click();
  await expect.poll(() => saved.length, { timeout: 30_000 }).toBe(2);
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.manifest;
  expect(manifest.training.steps).toBe(paused.step);
  // The run keeps the batch it started with, though one worker now computes it all.
  expect(manifest.training.batchSize).toBe(64);
  expect(paused.settings.batchSize).toBe(64);
  expect(manifest.training.finalLoss).toBe((await page.evaluate(() => window.losses)).at(-1));
  return notice;
}

describe('<diffusion-trainer> with 2 workers, when the replica worker dies mid-run', () => {
  it('a wasm memory growth that fails inside the replica: it reports the error and training goes on', async () => {
    const { page, errors, replica } = await startTwoWorkerRun();
    const before = (await labProgress(page))!.step;
    // The replica's next kernel call grows wasm memory past its maximum, as running out of it does.
    await replica.evaluate(() => {
      const engine = (self as unknown as { _tfengine: { runKernel: (...args: unknown[]) => unknown } })._tfengine;
      engine.runKernel = () => new WebAssembly.Memory({ initial: 1, maximum: 1 }).grow(1);
    });
    const notice = await expectTrainingWentOn(page, before, 'crash');
    expect(notice).toBe(
      'Worker 1 of 2 stopped (it reported: WebAssembly.Memory.grow(): Maximum memory size exceeded); training goes on with 1 worker, and no step was lost.',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the same error thrown outside any message: the Worker\'s error event, and training goes on', async () => {
    const { page, errors, replica } = await startTwoWorkerRun();
    const before = (await labProgress(page))!.step;
    await replica.evaluate(() => {
      setTimeout(() => new WebAssembly.Memory({ initial: 1, maximum: 1 }).grow(1), 0);
    });
    const notice = await expectTrainingWentOn(page, before, 'uncaught');
    expect(notice).toMatch(/^Worker 1 of 2 stopped \(.*RangeError.*Maximum memory size exceeded\); training goes on with 1 worker, and no step was lost\.$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a replica that closes itself without a word: the watchdog drops it and training goes on', async () => {
    const { page, errors, replica } = await startTwoWorkerRun();
    const before = (await labProgress(page))!.step;
    const closed = new Promise<void>((resolve) => replica.once('close', () => resolve()));
    // The evaluation may not answer once the worker is gone.
    void replica.evaluate(() => self.close()).catch(() => undefined);
    await closed;
    const notice = await expectTrainingWentOn(page, before, 'silent');
    const limit = /^Worker 1 of 2 stopped \(it sent no gradient within (\d+) s\); training goes on with 1 worker, and no step was lost\.$/.exec(notice);
    expect(limit, notice).not.toBeNull();
    // The live preset's shares take well under a second here, so the 10 s floor is the limit, or
    // a little more when a busy machine slowed a recent answer past 1 s.
    expect(Number(limit![1])).toBeGreaterThanOrEqual(10);
    expect(Number(limit![1])).toBeLessThan(30);
    expect(errors).toEqual([]);
    await page.close();
  });
});
