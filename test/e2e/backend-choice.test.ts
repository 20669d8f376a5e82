/**
 * The trainer's "auto" backend, chosen by timing a real training step on each backend this
 * headless Chromium offers (wasm with 1 and 2 workers; WebGPU and WebGL on SwiftShader): the
 * widget shows the figures behind the choice, the choice is the quickest figure (so the software
 * GPUs lose on their figures), and the next visit reuses it unless it was measured on another device.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStatus } from '../../src/lab/lab-api';
import { CHOICE_STORAGE_KEY } from '../../src/lab/browser/choice-store';
import { collectConsoleErrors, launchBrowser, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-trainer-auto.html';

let server: RunningServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function statusOf(page: Page): Promise<LabStatus> {
  await page.waitForFunction(() => (document.querySelector('diffusion-trainer') as unknown as { backendStatus?: unknown })?.backendStatus != null, null, {
    timeout: 120_000,
  });
  return page.evaluate(() => (document.querySelector('diffusion-trainer') as unknown as { backendStatus: LabStatus }).backendStatus);
}

const figuresLine = async (page: Page): Promise<string> =>
  ((await page.locator('diffusion-trainer .backend-figures').textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('the measured backend choice', () => {
  it('times each backend, trains on the quickest, shows the figures and reuses them on the next visit', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.url}${PAGE}`);
    const status = await statusOf(page);
    const choice = status.choice!;
    expect(choice).toBeDefined();
    expect(choice.remembered).toBe(false);
    expect(status.backend).toBe(choice.backend);
    // wasm (1 worker) always gets a figure; each candidate has a figure or says why it has none.
    expect(choice.timings[0]).toMatchObject({ backend: 'wasm', workers: 1 });
    expect(choice.timings[0].msPerStep).toBeGreaterThan(0);
    for (const t of choice.timings) expect(t.msPerStep !== null || (t.note ?? '').length > 0).toBe(true);
    // The winner is the quickest figure: SwiftShader's WebGPU and WebGL lose on their numbers.
    const measured = choice.timings.filter((t) => t.msPerStep !== null);
    const quickest = Math.min(...measured.map((t) => t.msPerStep!));
    expect(choice.timings.find((t) => t.backend === choice.backend && t.workers === choice.workers)?.msPerStep).toBe(quickest);
    expect(choice.timings.map((t) => t.backend)).toEqual(expect.arrayContaining(['webgpu', 'webgl']));
    const line = await figuresLine(page);
    expect(line).toMatch(/^Timed training step: wasm \d+ ms\/step .*→ \S+/);
    expect(line.endsWith(`→ ${choice.workers > 1 ? `${choice.backend} ×${choice.workers} workers` : choice.backend}`)).toBe(true);
    expect(line).toContain('webgpu');
    expect(await page.locator('diffusion-trainer .backend-reason').textContent()).toContain('chosen by a timed training step');
    await screenshot(page, 'backend-choice-measured');

    // The next visit starts at once with the same choice.
    await page.reload();
    const again = await statusOf(page);
    expect(again.choice).toMatchObject({ remembered: true, backend: choice.backend, workers: choice.workers, summary: choice.summary });
    expect(await figuresLine(page)).toBe(`Measured here before: ${choice.summary}`);

    // A choice measured on another device is not trusted: the lab measures again.
    await page.evaluate((key) => {
      const stored = JSON.parse(localStorage.getItem(key)!);
      localStorage.setItem(key, JSON.stringify({ ...stored, device: 'another device', backend: 'webgl' }));
    }, CHOICE_STORAGE_KEY);
    await page.reload();
    const third = await statusOf(page);
    expect(third.choice?.remembered).toBe(false);
    expect(third.backend).not.toBe('webgl');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
