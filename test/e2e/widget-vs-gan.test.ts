/**
 * <diffusion-vs-gan> in headless Chromium: renders the ring without loading tfjs, Train runs both
 * models and measures their coverage (the numbers shown are the ones the event reports, and they
 * agree with the points drawn), Pause and Reset work from the keyboard, bad attributes explain
 * themselves, the page's tensor count stays flat, and the phone layout stacks the two plots.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ringOfGaussians } from '../../src/toy2d/datasets';
import { modeCoverage } from '../../src/toy2d/mode-coverage';
import { RING } from '../../src/toy2d/duel-setup';
import {
  collectConsoleErrors,
  launchBrowser,
  screenshot,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
} from './harness';

const PAGE = 'test/e2e/pages/widget-vs-gan.html';
const BAD_PAGE = 'test/e2e/pages/widget-vs-gan-bad.html';

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

interface Numbers {
  modesHit: number;
  shares: number[];
  highQuality: number;
  effectiveModes: number;
}

interface Progress {
  state: string;
  step: number;
  totalSteps: number;
  modes: number;
  gan: Numbers & { discriminatorLoss: number; generatorLoss: number };
  diffusion: Numbers & { loss: number };
}

async function open(browser: LaunchedBrowser, url: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('diffusion-vs-gan')?.shadowRoot?.querySelector('button.train'));
  return { page, errors, requests };
}

function events(page: Page, type: string): Promise<RecordedEvent[]> {
  return page.evaluate(
    (name) => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents.filter((e) => e.type === name),
    type,
  );
}

async function progress(page: Page): Promise<Progress[]> {
  return (await events(page, 'vs-gan-progress')).map((e) => e.detail as unknown as Progress);
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(`diffusion-vs-gan ${selector}`).first().textContent()) ?? '').trim();
}

async function widgetState(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('diffusion-vs-gan')!.state);
}

async function waitForState(page: Page, state: string, timeout = 120_000): Promise<void> {
  try {
    await page.waitForFunction((s) => document.querySelector('diffusion-vs-gan')!.state === s, state, { timeout, polling: 100 });
  } catch (error) {
    const now = await page.evaluate(() => {
      const w = document.querySelector('diffusion-vs-gan')!;
      return { state: w.state, step: w.step, slices: w.sliceStats.slices, errors: [...w.errors.values()] };
    });
    throw new Error(`Waited for state "${state}"; the widget is at ${JSON.stringify(now)}: ${String(error)}`);
  }
}

async function setAttr(page: Page, name: string, value: string): Promise<void> {
  await page.evaluate(([n, v]) => document.querySelector('diffusion-vs-gan')!.setAttribute(n, v), [name, value]);
  await page.evaluate(() => document.querySelector('diffusion-vs-gan')!.updateComplete);
}

async function errorMessages(page: Page): Promise<string[]> {
  return (await page.locator('diffusion-vs-gan [part~="error"] .error-message').allTextContents()).map((t) => t.trim());
}

/** Distinct colours in a scatter canvas, and how many pixels differ from the corner (background). */
function canvasInk(page: Page, model: 'gan' | 'diffusion'): Promise<{ colors: number; ink: number }> {
  return page.evaluate((m) => {
    const canvas = document.querySelector('diffusion-vs-gan')!.shadowRoot!.querySelector(`canvas.scatter.${m}`) as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const colors = new Set<number>();
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      const c = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      colors.add(c);
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) ink++;
    }
    return { colors: colors.size, ink };
  }, model);
}

function numTensors(page: Page): Promise<number | null> {
  return page.evaluate(() => document.querySelector('diffusion-vs-gan')!.numTensors());
}

describe('<diffusion-vs-gan>', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the ring and both panels with defaults, without loading tfjs', async () => {
    const { page, errors, requests } = await open(browser, server.url + PAGE);
    expect(await text(page, 'h2')).toContain('8 Gaussians');
    expect(await page.locator('diffusion-vs-gan section.panel').count()).toBe(2);
    for (const model of ['gan', 'diffusion'] as const) {
      // The mode circles are drawn before any sample exists.
      expect((await canvasInk(page, model)).ink).toBeGreaterThan(200);
      expect(await text(page, `section.${model} .modes-hit`)).toBe('–');
      expect(await page.locator(`diffusion-vs-gan svg.shares.${model} rect.share-bar`).count()).toBe(8);
    }
    expect(await text(page, 'button.train')).toBe('Train');
    expect(await page.locator('diffusion-vs-gan button.reset').isDisabled()).toBe(true);
    expect(await text(page, '.progress')).toMatch(/Step 0 \/ 300/);
    expect(await errorMessages(page)).toEqual([]);
    expect(await numTensors(page)).toBeNull();
    expect(requests.filter((url) => url.includes('tensorflow'))).toEqual([]);
    await screenshot(page, 'widget-vs-gan-idle');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Train runs both models, measures coverage live and shows the measured numbers', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await page.locator('diffusion-vs-gan button.train').click();
    await waitForState(page, 'done');

    const reports = await progress(page);
    expect(reports.map((r) => r.step)).toEqual([0, 100, 200, 300]);
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ state: 'done', totalSteps: 300, modes: 8 });
    for (const r of reports) {
      for (const model of [r.gan, r.diffusion]) {
        expect(model.shares).toHaveLength(8);
        expect(model.modesHit).toBeGreaterThanOrEqual(0);
        expect(model.modesHit).toBeLessThanOrEqual(8);
        // Shares on the modes add up to the fraction on any mode.
        expect(model.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(model.highQuality, 6);
      }
    }
    expect(Number.isFinite(last.gan.discriminatorLoss) && Number.isFinite(last.gan.generatorLoss)).toBe(true);
    expect(Number.isFinite(last.diffusion.loss)).toBe(true);
    // The models moved: the GAN's samples at step 300 differ from those before training.
    expect(reports[0].gan.shares).not.toEqual(last.gan.shares);

    // The numbers shown are the measured ones, and they follow from the points drawn.
    const shown = await page.evaluate(() => {
      const m = document.querySelector('diffusion-vs-gan')!.measurement!;
      return { step: m.step, gan: Array.from(m.gan.points), diffusion: Array.from(m.diffusion.points) };
    });
    expect(shown.step).toBe(300);
    const ring = ringOfGaussians({ modes: 8, ...RING });
    for (const model of ['gan', 'diffusion'] as const) {
      const points = Float32Array.from(shown[model]);
      expect(points.length).toBe(2 * 300);
      const recomputed = modeCoverage(points, ring);
      expect(recomputed.modesHit).toBe(last[model].modesHit);
      expect(recomputed.shares).toEqual(last[model].shares);
      expect(await text(page, `section.${model} .modes-hit`)).toBe(String(last[model].modesHit));
      expect(await text(page, `section.${model} .high-quality`)).toBe(`${Math.round(last[model].highQuality * 100)}%`);
      expect(await page.locator(`diffusion-vs-gan svg.shares.${model} rect.share-bar.hit`).count()).toBe(last[model].modesHit);
      expect((await canvasInk(page, model)).colors).toBeGreaterThan(3);
      // Charts: the modes-hit line and the loss lines are drawn.
      expect(await page.locator(`diffusion-vs-gan svg.modes-chart.${model} path.chart-line`).getAttribute('d')).toMatch(/^M/);
    }
    expect(await page.locator('diffusion-vs-gan svg.loss-chart.gan path.chart-line').count()).toBe(2);
    expect(await text(page, '.progress')).toMatch(/Step 300 \/ 300/);
    expect(await text(page, 'button.train')).toBe('Finished');
    expect(await text(page, '[part~="status"]')).toContain('Finished 300 steps');

    const states = (await events(page, 'vs-gan-state')).map((e) => e.detail.state);
    expect(states).toEqual(['loading', 'training', 'done']);
    expect(await page.evaluate(() => document.querySelector('diffusion-vs-gan')!.backend)).toBe('wasm');
    // Training ran in short slices: most well under a frame.
    const slices = await page.evaluate(() => document.querySelector('diffusion-vs-gan')!.sliceStats);
    const sorted = [...slices.recentMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    expect(slices.slices).toBeGreaterThan(50);
    expect(median).toBeLessThan(30);
    console.log(`vs-gan slices: ${slices.slices}, median ${median.toFixed(1)} ms, longest ${slices.longestMs.toFixed(1)} ms; at step 300 GAN ${last.gan.modesHit}/8, diffusion ${last.diffusion.modesHit}/8`);

    await screenshot(page, 'widget-vs-gan-trained');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(100);
    await screenshot(page, 'widget-vs-gan-dark');

    // More steps after the end: the run goes on from where it stopped.
    await setAttr(page, 'steps', '400');
    expect(await text(page, 'button.train')).toBe('Resume');
    await page.locator('diffusion-vs-gan button.train').click();
    await waitForState(page, 'done');
    expect((await progress(page)).map((r) => r.step)).toEqual([0, 100, 200, 300, 400]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pauses, resumes and resets from the keyboard; the tensor count stays flat', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await setAttr(page, 'steps', '2000');
    await setAttr(page, 'speed', '200');
    await page.locator('diffusion-vs-gan button.train').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('diffusion-vs-gan')!.step >= 40, null, { timeout: 120_000 });
    await page.keyboard.press('Space'); // the focused button is now Pause
    expect(await widgetState(page)).toBe('paused');
    const pausedAt = await page.evaluate(() => document.querySelector('diffusion-vs-gan')!.step);
    const first = await numTensors(page);
    expect(first).toBeGreaterThan(0);
    await page.waitForTimeout(400);
    expect(await page.evaluate(() => document.querySelector('diffusion-vs-gan')!.step)).toBe(pausedAt);
    expect(await text(page, 'button.train')).toBe('Resume');

    // Train on (through at least one measurement), pause again: the same number of tensors.
    await page.keyboard.press('Enter');
    await page.waitForFunction((s) => document.querySelector('diffusion-vs-gan')!.step >= s + 120, pausedAt, { timeout: 120_000 });
    await page.keyboard.press('Enter');
    expect(await widgetState(page)).toBe('paused');
    expect((await progress(page)).length).toBeGreaterThanOrEqual(2);
    expect(await numTensors(page)).toBe(first);

    // Reset frees both models; a new run holds as many tensors as the first.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('diffusion-vs-gan')!.shadowRoot!.activeElement?.className)).toBe('reset');
    const baseline = await page.evaluate(() => {
      const w = document.querySelector('diffusion-vs-gan')!;
      return w.numTensors().then((n) => n);
    });
    await page.keyboard.press('Enter');
    expect(await widgetState(page)).toBe('idle');
    const afterReset = await numTensors(page);
    expect(afterReset).toBeLessThan(baseline!);
    expect(await text(page, 'section.gan .modes-hit')).toBe('–');
    expect(await text(page, '.progress')).toMatch(/Step 0 \//);
    await page.locator('diffusion-vs-gan button.train').click();
    await page.waitForFunction(() => document.querySelector('diffusion-vs-gan')!.step >= 10, null, { timeout: 120_000 });
    await page.locator('diffusion-vs-gan button.train').click();
    expect(await numTensors(page)).toBe(first);

    // The speed control writes the speed attribute and says so.
    await page.locator('diffusion-vs-gan select.speed').selectOption('20');
    expect(await page.locator('diffusion-vs-gan').getAttribute('speed')).toBe('20');
    expect((await events(page, 'diffusion-change')).at(-1)?.detail).toEqual({ name: 'speed', value: 20 });

    // A new seed starts a new run: the old models are freed at once.
    await setAttr(page, 'seed', '7');
    expect(await widgetState(page)).toBe('idle');
    expect(await numTensors(page)).toBe(afterReset);

    // Removing the widget frees everything too.
    await page.locator('diffusion-vs-gan button.train').click();
    await page.waitForFunction(() => document.querySelector('diffusion-vs-gan')!.step >= 5, null, { timeout: 120_000 });
    const count = await page.evaluate(async () => {
      const w = document.querySelector('diffusion-vs-gan')!;
      w.remove();
      return w.numTensors();
    });
    expect(count).toBe(afterReset);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bad attributes give clear messages inside the widget, which still works with defaults', async () => {
    const { page, errors } = await open(browser, server.url + BAD_PAGE);
    const messages = await errorMessages(page);
    const byStart = (prefix: string): string | undefined => messages.find((m) => m.startsWith(prefix));
    expect(byStart('seed="-1"')).toContain('a whole number from 0 to 4294967295');
    expect(byStart('modes="2"')).toContain('a whole number from 3 to 16');
    expect(byStart('steps="abc"')).toContain('a whole number from 1 to 20000');
    expect(byStart('speed="fast"')).toContain('a whole number from 0 to 1000');
    expect(byStart('measure-every="5"')).toContain('a whole number from 10 to 2000');
    expect(byStart('samples="1e9"')).toContain('a whole number from 100 to 2000');
    expect(byStart('autoplay="maybe"')).toContain('"true" or "false"');
    expect(messages).toHaveLength(7);
    expect(await page.locator('diffusion-vs-gan [part~="error"]').getAttribute('role')).toBe('alert');
    // Defaults are in use.
    expect(await text(page, 'h2')).toContain('8 Gaussians');
    expect(await text(page, '.progress')).toMatch(/Step 0 \/ 3000/);
    const reported = await events(page, 'diffusion-error');
    expect(reported.map((e) => e.detail.attribute).sort()).toEqual(
      ['autoplay', 'measure-every', 'modes', 'samples', 'seed', 'speed', 'steps'].sort(),
    );
    await screenshot(page, 'widget-vs-gan-bad-attributes');

    // Fixing a value clears its message and applies it.
    await setAttr(page, 'modes', '5');
    await setAttr(page, 'steps', '50');
    expect(byStartIn(await errorMessages(page), 'modes=')).toBeUndefined();
    expect(await text(page, 'h2')).toContain('5 Gaussians');
    expect(await page.locator('diffusion-vs-gan svg.shares.gan rect.share-bar').count()).toBe(5);
    expect(await text(page, '.progress')).toMatch(/Step 0 \/ 50/);
    // A bad value later keeps the good one.
    await setAttr(page, 'modes', '17');
    expect(byStartIn(await errorMessages(page), 'modes="17"')).toContain('Keeping 5');
    expect(await text(page, 'h2')).toContain('5 Gaussians');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('autoplay starts training by itself, except for readers who prefer reduced motion', async () => {
    for (const reduced of [false, true]) {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      if (reduced) await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.goto(server.url + PAGE, { waitUntil: 'load' });
      await page.evaluate(() => {
        const w = document.createElement('diffusion-vs-gan');
        w.id = 'auto';
        w.setAttribute('steps', '20');
        w.setAttribute('autoplay', '');
        document.querySelector('#widget')!.replaceWith(w);
      });
      if (reduced) {
        await page.waitForTimeout(1000);
        expect(await widgetState(page)).toBe('idle');
      } else {
        await waitForState(page, 'done');
        expect((await progress(page)).map((r) => r.step)).toEqual([0, 20]);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('stacks the two plots at phone width', async () => {
    const phone = await launchBrowser({ viewport: { width: 375, height: 800 } });
    try {
      const { page, errors } = await open(phone, server.url + PAGE);
      const boxes = await Promise.all(
        ['gan', 'diffusion'].map((m) => page.locator(`diffusion-vs-gan canvas.scatter.${m}`).boundingBox()),
      );
      expect(boxes[0] && boxes[1]).toBeTruthy();
      expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y + boxes[0]!.height);
      // Nothing is wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(overflow).toBeLessThanOrEqual(375);
      await page.locator('diffusion-vs-gan button.train').click();
      await waitForState(page, 'done');
      await screenshot(page, 'widget-vs-gan-phone');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await phone.close();
    }
  });
});

function byStartIn(messages: string[], prefix: string): string | undefined {
  return messages.find((m) => m.startsWith(prefix));
}
