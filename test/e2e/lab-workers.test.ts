/**
 * Data-parallel training in the page lab (headless Chromium, wasm): the lab's worker shares each
 * batch with replica workers it starts (nested Web Workers), and a run with 2 workers gives the
 * losses of a run with 1 worker within float32 rounding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, TrainProgress, TrainSettings } from '../../src/lab/lab-api';
import { collectConsoleErrors, launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from './harness';

/** What lab-page.ts puts on window. */
interface LabWindow {
  lab: Lab;
  progress: TrainProgress[];
  trainErrors: string[];
}
declare const window: Window & LabWindow;

const PAGE = 'test/e2e/pages/lab-page.html';

const RUN: TrainSettings = {
  preset: 'tiny',
  batchSize: 9,
  learningRate: 2e-3,
  steps: 4,
  labelDropout: 0.1,
  seed: 5,
  sampleEvery: 0,
  sampleCount: 4,
};

let server: RunningServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Trains RUN in a fresh page with `workers` workers; its progress events. */
async function train(workers: number): Promise<TrainProgress[]> {
  const page: Page = await browser.newPage();
  try {
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    await page.goto(`${server.url}${PAGE}?backend=wasm&workers=${workers}`);
    await page.waitForSelector('body[data-ready="true"]');
    // As in lab.test.ts: errors from here on (the page's own load may miss a favicon).
    const errors = collectConsoleErrors(page);
    expect((await page.evaluate(() => window.lab.ready())).backend).toBe('wasm');
    await page.evaluate((s) => window.lab.startTraining(s), RUN);
    await page.waitForFunction(() => window.progress.at(-1)?.state === 'done' || window.progress.at(-1)?.state === 'error', null, {
      timeout: 120_000,
      polling: 50,
    });
    expect(await page.evaluate(() => window.trainErrors)).toEqual([]);
    expect(errors, missing.join(', ')).toEqual([]);
    return await page.evaluate(() => window.progress);
  } finally {
    await page.close();
  }
}

describe('page lab, data-parallel (wasm)', () => {
  it('trains with 2 workers: the 1-worker losses within float32 rounding, and the count in progress', async () => {
    const one = await train(1);
    const two = await train(2);
    expect(one.at(-1)!.workers).toBe(1);
    expect(two.at(-1)!.workers).toBe(2);
    expect(two.every((p) => p.notice === undefined)).toBe(true);
    const lossesOne = one.flatMap((p) => p.newLosses);
    const lossesTwo = two.flatMap((p) => p.newLosses);
    expect(lossesTwo.map(([step]) => step)).toEqual([1, 2, 3, 4]);
    expect(lossesOne.map(([step]) => step)).toEqual([1, 2, 3, 4]);
    // Float32 means of B × 784 squared errors summed in another order (per share, then combined).
    for (let i = 0; i < 4; i++) {
      const [, a] = lossesOne[i];
      const [, b] = lossesTwo[i];
      expect(Math.abs(b - a) / a, `step ${i + 1}: ${a} vs ${b}`).toBeLessThan(2e-5);
    }
  }, 300_000);
});
