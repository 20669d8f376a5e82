/**
 * <diffusion-score-field> in headless Chromium: renders the quiver plot (learned and true score)
 * with defaults; training runs in chunks, lowers the loss and turns the learned field toward the
 * true one (numbers measured live and printed); particles follow the probability-flow ODE and
 * annealed Langevin dynamics with their paths drawn; VP and VE switch; the drawn data set takes
 * pointer and keyboard input; bad attributes explain themselves; the tensor count stays flat.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectConsoleErrors, launchBrowser, repoRoot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-score-field.html';
const BAD_PAGE = 'test/e2e/pages/widget-score-field-bad.html';
const TAG = 'diffusion-score-field';
const shotDir = join(repoRoot, 'tmp', 'shots');

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(shotDir, { recursive: true });
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}

function events(page: Page, type: string): Promise<RecordedEvent[]> {
  return page.evaluate((name) => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents.filter((e) => e.type === name), type);
}

async function waitForEvents(page: Page, type: string, count: number, timeout = 200_000): Promise<RecordedEvent[]> {
  await page.waitForFunction(
    ([name, n]) => (window as unknown as { widgetEvents?: RecordedEvent[] }).widgetEvents!.filter((e) => e.type === name).length >= (n as number),
    [type, count] as const,
    { timeout },
  );
  return events(page, type);
}

async function open(browser: LaunchedBrowser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(url, { waitUntil: 'load' });
  await waitForEvents(page, 'diffusion-ready', 1, 120_000);
  return { page, errors };
}

async function setAttr(page: Page, name: string, value: string): Promise<void> {
  await page.evaluate(([tag, n, v]) => document.querySelector('diffusion-score-field')!.setAttribute(n, v), [TAG, name, value] as const);
  await page.evaluate((tag) => document.querySelector('diffusion-score-field')!.updateComplete, TAG);
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(`${TAG} ${selector}`).first().textContent()) ?? '').trim();
}

async function errorMessages(page: Page): Promise<string[]> {
  return (await page.locator(`${TAG} [part~="error"] .error-message`).allTextContents()).map((t) => t.trim());
}

function tensorCount(page: Page): Promise<number | null> {
  return page.evaluate((tag) => document.querySelector('diffusion-score-field')!.tensorCount, TAG);
}

function count(page: Page, selector: string): Promise<number> {
  return page.locator(`${TAG} ${selector}`).count();
}

/** Clicks Train and waits for the `n`-th score-field-trained event. */
async function train(page: Page, n: number): Promise<Record<string, unknown>> {
  await page.locator(`${TAG} button.train`).click();
  const trained = await waitForEvents(page, 'score-field-trained', n);
  return trained[n - 1].detail;
}

describe('<diffusion-score-field>', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ viewport: { width: 1280, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the learned and true score fields, the data and the VP/VE chart with defaults', async () => {
    const requests: string[] = [];
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(server.url + PAGE, { waitUntil: 'load' });
    const ready = await waitForEvents(page, 'diffusion-ready', 1, 120_000);
    expect(ready[0].detail.backend).toBe('wasm');
    expect(ready[0].detail.parameters).toBeGreaterThan(1000);
    // tfjs arrives through the widget's lazy runtime module (src/toy2d), not with the widget itself.
    const engineAt = requests.findIndex((url) => url.includes('toy2d/score-field-runtime'));
    const tfjsAt = requests.findIndex((url) => url.includes('tensorflow'));
    expect(engineAt).toBeGreaterThan(-1);
    expect(tfjsAt).toBeGreaterThan(engineAt);

    expect(await count(page, 'svg.quiver .arrows-learned path')).toBe(400);
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(400);
    expect(await count(page, 'svg.quiver .data-points circle')).toBe(600);
    expect(await count(page, 'svg.quiver .particles circle')).toBe(0);
    expect(await page.locator(`${TAG} svg.quiver > title`).textContent()).toContain('t = 0.10');
    expect(await page.locator(`${TAG} svg.quiver > desc`).textContent()).toContain('true score of the noised Gaussian mixture');
    expect(await count(page, 'svg.noising-chart path')).toBeGreaterThan(3);
    expect(await text(page, '.step')).toBe('0 / 1000');
    expect(await text(page, '.model-info')).toMatch(/^\d+ weights, wasm$/);
    // An untrained network already has a cosine similarity, measured, not a placeholder.
    expect(await text(page, '.cos-grid')).toMatch(/^−?\d\.\d{3}$/);
    expect(await errorMessages(page)).toEqual([]);
    await shot(page, 'widget-score-field-default');

    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'widget-score-field-dark');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains in chunks: the loss falls, the learned field turns toward the true one, tensors stay flat', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await setAttr(page, 'steps', '800');
    const before = await tensorCount(page);
    expect(before).toBeGreaterThan(0);
    const cosineBefore = Number((await text(page, '.cos-data')).replace('−', '-'));
    const learnedBefore = await page.evaluate((tag) => Array.from(document.querySelector('diffusion-score-field')!.learnedVectors!), TAG);

    const detail = await train(page, 1);
    expect(detail.step).toBe(800);
    expect(detail.dataset).toBe('ring');
    expect(detail.noising).toBe('vp');
    const speed = detail.stepsPerSecond as number;
    expect(Number.isFinite(speed) && speed > 5).toBe(true);
    const progress = await events(page, 'diffusion-progress');
    expect(progress.length).toBeGreaterThan(2);
    const firstLoss = progress[0].detail.smoothedLoss as number;
    expect(detail.smoothedLoss as number).toBeLessThan(firstLoss);
    // Near the data the learned score points where the true one does.
    expect(detail.cosineData as number).toBeGreaterThan(0.85);
    expect(detail.cosineData as number).toBeGreaterThan(cosineBefore);
    expect(detail.cosineGrid as number).toBeGreaterThan(0.8);
    const learnedAfter = await page.evaluate((tag) => Array.from(document.querySelector('diffusion-score-field')!.learnedVectors!), TAG);
    expect(learnedAfter).not.toEqual(learnedBefore);
    // The shown numbers are the measured ones.
    expect(await text(page, '.step')).toBe('800 / 800');
    expect(await text(page, '.cos-data')).toBe((detail.cosineData as number).toFixed(3).replace('-', '−'));
    expect(await text(page, '.speed')).toMatch(/^\d+ steps\/s$/);
    expect(await text(page, '.status')).toBe('Trained 800 steps.');
    console.info(
      `score-field: ${speed.toFixed(0)} steps/s, ${(detail.trainingSeconds as number).toFixed(1)} s of training for 800 steps, ` +
        `loss ${firstLoss.toFixed(3)} → ${(detail.smoothedLoss as number).toFixed(3)}, cosine ${(detail.cosineGrid as number).toFixed(3)} (grid), ` +
        `${(detail.cosineData as number).toFixed(3)} (near data) at t = 0.1`,
    );
    expect(await tensorCount(page)).toBe(before);

    // Training gave the thread back again and again (chunks of about 12 ms of work; their wall
    // time is printed, not asserted, since a busy machine stretches it).
    const chunks = await page.evaluate(() => document.querySelector('diffusion-score-field')!.trainingChunks);
    expect(chunks.chunks).toBeGreaterThanOrEqual(20);
    console.info(`score-field: ${chunks.chunks} chunks for 800 steps, longest ${chunks.longestMs.toFixed(0)} ms wall time`);

    // Moving the noise level recomputes the arrows without leaking.
    const slider = page.locator(`${TAG} #t-slider`);
    await slider.focus();
    await page.keyboard.press('End');
    expect(await page.locator(TAG).getAttribute('t')).toBe('1');
    expect(await text(page, '.t-control .readout')).toContain('t = 1.00');
    const changes = await events(page, 'diffusion-change');
    expect(changes.some((e) => e.detail.name === 't' && e.detail.value === 1)).toBe(true);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    expect(await page.locator(TAG).getAttribute('t')).toBe('0.95');
    await page.keyboard.press('Home');
    expect(await page.locator(TAG).getAttribute('t')).toBe('0.01');
    expect(await tensorCount(page)).toBe(before);

    // Pause really pauses; raising steps lets it go on.
    await setAttr(page, 'steps', '100000');
    await page.locator(`${TAG} button.train`).click();
    await page.waitForFunction((tag) => document.querySelector('diffusion-score-field')!.trainingStep > 820, TAG, { timeout: 60_000 });
    await page.locator(`${TAG} button.train`).click();
    const paused = await page.evaluate((tag) => document.querySelector('diffusion-score-field')!.trainingStep, TAG);
    await page.waitForTimeout(400);
    expect(await page.evaluate((tag) => document.querySelector('diffusion-score-field')!.trainingStep, TAG)).toBe(paused);
    expect(await text(page, 'button.train')).toBe('Resume');
    expect(await tensorCount(page)).toBe(before);

    // Reset builds a fresh model of the same size: same tensor count, step 0.
    await page.locator(`${TAG} button.reset`).click();
    await waitForEvents(page, 'diffusion-ready', 2);
    expect(await text(page, '.step')).toBe('0 / 100000');
    expect(await tensorCount(page)).toBe(before);

    // Taking the widget out of the page frees its model; putting it back builds one again.
    const detached = await page.evaluate(() => {
      const widget = document.querySelector('diffusion-score-field')!;
      const parent = widget.parentElement!;
      widget.remove();
      const count = widget.tensorCount;
      parent.append(widget);
      return count;
    });
    expect(detached).toBeLessThan(before!);
    await waitForEvents(page, 'diffusion-ready', 3);
    expect(await tensorCount(page)).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('particles follow the probability-flow ODE and annealed Langevin dynamics onto the ring, paths drawn', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await setAttr(page, 'steps', '800');
    await train(page, 1);
    const before = await tensorCount(page);

    await page.locator(`${TAG} button.run-particles`).click();
    const [ode] = await waitForEvents(page, 'score-field-sampled', 1, 120_000);
    expect(ode.detail).toMatchObject({ sampler: 'ode', particles: 200, steps: 60, updates: 60 });
    expect(ode.detail.onMode as number).toBeGreaterThan(0.6);
    expect(ode.detail.modesCovered as number).toBeGreaterThanOrEqual(7);
    expect(await count(page, 'svg.quiver .particles circle')).toBe(200);
    expect(await count(page, 'svg.quiver .trajectories path')).toBe(200);
    const path = (await page.locator(`${TAG} svg.quiver .trajectories path`).first().getAttribute('d')) ?? '';
    expect((path.match(/L/g) ?? []).length).toBeGreaterThan(30);
    expect(await text(page, '.on-mode')).toBe(`${Math.round(100 * (ode.detail.onMode as number))} %, ${ode.detail.modesCovered} modes`);
    await shot(page, 'widget-score-field-ode');

    await page.locator(`${TAG} #sampler`).selectOption('langevin');
    expect(await page.locator(TAG).getAttribute('sampler')).toBe('langevin');
    await setAttr(page, 'sample-steps', '30');
    await page.locator(`${TAG} button.run-particles`).click();
    const sampled = await waitForEvents(page, 'score-field-sampled', 2, 120_000);
    const langevin = sampled[1].detail;
    // 31 noise levels from t = 1 to t_min, 8 Langevin updates each.
    expect(langevin).toMatchObject({ sampler: 'langevin', particles: 200, steps: 30, updates: 31 * 8 });
    expect(langevin.onMode as number).toBeGreaterThan(0.5);
    expect(await count(page, 'svg.quiver .trajectories path')).toBe(200);
    console.info(`score-field particles: ODE ${(100 * (ode.detail.onMode as number)).toFixed(0)} % on a mode (${ode.detail.modesCovered}/8 modes), Langevin ${(100 * (langevin.onMode as number)).toFixed(0)} % (${langevin.modesCovered}/8)`);
    await shot(page, 'widget-score-field-langevin');

    await page.locator(`${TAG} button.clear-particles`).click();
    expect(await count(page, 'svg.quiver .particles circle')).toBe(0);
    expect(await tensorCount(page)).toBe(before);

    // Only the learned arrows, then only the true ones.
    await page.locator(`${TAG} #field`).selectOption('learned');
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(0);
    expect(await count(page, 'svg.quiver .arrows-learned path')).toBe(400);
    await page.locator(`${TAG} #field`).selectOption('true');
    expect(await count(page, 'svg.quiver .arrows-learned path')).toBe(0);
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(400);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('VP and VE: switching builds a new model whose particles start far out and still reach the data', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    const before = await tensorCount(page);
    expect(await text(page, '[part~="noising"] p')).toContain('VP');
    await page.locator(`${TAG} input[value="ve"]`).check();
    expect(await page.locator(TAG).getAttribute('noising')).toBe('ve');
    await waitForEvents(page, 'diffusion-ready', 2);
    expect(await text(page, '[part~="noising"] p')).toContain('VE');
    // σ(0.1) of VE is 0.01·500^0.1.
    expect(await text(page, '.t-control .readout')).toContain(`σ(t) = ${(0.01 * 500 ** 0.1).toFixed(4)}`);
    expect(await tensorCount(page)).toBe(before);

    await setAttr(page, 'steps', '600');
    const detail = await train(page, 1);
    expect(detail.noising).toBe('ve');
    expect(detail.cosineData as number).toBeGreaterThan(0.8);
    // With reduced motion the particles jump to their end (no animation) and still arrive.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.locator(`${TAG} button.run-particles`).click();
    const [ve] = await waitForEvents(page, 'score-field-sampled', 1, 120_000);
    expect(await count(page, 'svg.quiver .particles circle')).toBe(200);
    expect(ve.detail.onMode as number).toBeGreaterThan(0.5);
    console.info(`score-field VE: cosine near data ${(detail.cosineData as number).toFixed(3)}, ODE ${(100 * (ve.detail.onMode as number)).toFixed(0)} % on a mode`);
    await shot(page, 'widget-score-field-ve');
    expect(await tensorCount(page)).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the drawn data set takes points from the pointer and the keyboard, has a true score, and trains', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await page.locator(`${TAG} #dataset`).selectOption('drawn');
    await waitForEvents(page, 'diffusion-ready', 2);
    expect(await page.locator(`${TAG} [part~="pad"]`).isVisible()).toBe(true);
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(0);
    // Nothing to learn yet: Train explains instead of starting.
    await page.locator(`${TAG} button.train`).click();
    expect(await text(page, '.status')).toContain('Draw at least 3 points');

    const plot = page.locator(`${TAG} svg.quiver`);
    const box = (await plot.boundingBox())!;
    // A stroke across the middle of the plot (the square spans most of the SVG's width).
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.35);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.35, { steps: 12 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.65, { steps: 12 });
    await page.mouse.up();
    const drawn = await page.evaluate((tag) => document.querySelector('diffusion-score-field')!.drawnPoints.length / 2, TAG);
    expect(drawn).toBeGreaterThan(10);
    expect(await text(page, '.drawn-count')).toBe(`${drawn} points`);
    expect(await count(page, 'svg.quiver .drawn-points circle')).toBe(drawn);
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(400);

    // Keyboard: the plot is focusable, arrows move a cross, Enter adds a point there.
    await plot.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const points = await page.evaluate((tag) => Array.from(document.querySelector('diffusion-score-field')!.drawnPoints), TAG);
    expect(points.length / 2).toBe(drawn + 1);
    expect(points.at(-2)).toBeCloseTo(0.3, 5);
    expect(points.at(-1)).toBeCloseTo(-0.1, 5);
    expect(await count(page, 'svg.quiver .draw-cursor path')).toBe(1);

    await setAttr(page, 'steps', '300');
    const detail = await train(page, 1);
    expect(detail.dataset).toBe('drawn');
    expect(Number.isFinite(detail.cosineData as number)).toBe(true);
    await shot(page, 'widget-score-field-drawn');

    await page.locator(`${TAG} button.clear-points`).click();
    expect(await count(page, 'svg.quiver .drawn-points circle')).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a bad attribute shows what is allowed inside the widget and keeps the last good value', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await setAttr(page, 'dataset', 'spiral');
    let messages = await errorMessages(page);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('dataset="spiral" is not valid');
    expect(messages[0]).toContain('"swiss-roll", "two-moons", "ring" or "drawn"');
    expect(messages[0]).toContain('Keeping "ring"');
    expect(await page.locator(`${TAG} [part~="error"]`).getAttribute('role')).toBe('alert');
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(400);

    await setAttr(page, 't', '1.5');
    await setAttr(page, 'noising', 'ddpm');
    await setAttr(page, 'particles', '0');
    messages = await errorMessages(page);
    expect(messages.find((m) => m.startsWith('t="1.5"'))).toContain('a number at least 0.01 and at most 1');
    expect(messages.find((m) => m.startsWith('noising="ddpm"'))).toContain('DDPM is the variance-preserving process, "vp"');
    expect(messages.find((m) => m.startsWith('particles="0"'))).toContain('a whole number from 1 to 1000');
    expect(await page.locator(`${TAG} #t-slider`).inputValue()).toBe('0.1');

    // autotrain: the next model starts training by itself.
    await setAttr(page, 'autotrain', '');
    for (const [name, value] of [['dataset', 'two-moons'], ['t', '0.5'], ['noising', 'vp'], ['particles', '50']]) await setAttr(page, name, value);
    expect(await errorMessages(page)).toEqual([]);
    await waitForEvents(page, 'diffusion-ready', 2);
    await page.waitForFunction(() => document.querySelector('diffusion-score-field')!.trainingStep > 0, null, { timeout: 60_000 });
    await page.locator(`${TAG} button.train`).click();
    expect(await text(page, 'button.train')).toBe('Resume');
    // Two moons has no closed-form score: only learned arrows, and no cosine.
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(0);
    expect(await text(page, '.cos-grid')).toBe('no closed form');
    const reported = await events(page, 'diffusion-error');
    expect(reported.map((e) => e.detail.attribute)).toEqual(expect.arrayContaining(['dataset', 't', 'noising', 'particles']));
    await shot(page, 'widget-score-field-two-moons');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bad attributes from the start give one message each and a working widget with defaults', async () => {
    const { page, errors } = await open(browser, server.url + BAD_PAGE);
    const messages = await errorMessages(page);
    const byStart = (prefix: string): string | undefined => messages.find((m) => m.startsWith(prefix));
    expect(byStart('dataset="spiral"')).toContain('one of');
    expect(byStart('noising="ddpm"')).toContain('"vp" or "ve"');
    expect(byStart('t="0"')).toContain('at least 0.01');
    expect(byStart('particles="5000"')).toContain('from 1 to 1000');
    expect(byStart('sampler="euler"')).toContain('one of "ancestral", "ode" or "langevin"');
    expect(byStart('sample-steps="abc"')).toContain('a whole number from 1 to 500');
    expect(byStart('field="none"')).toContain('"both", "learned" or "true"');
    expect(byStart('steps="-3"')).toContain('from 1 to 100000');
    expect(byStart('seed="1.5"')).toContain('a whole number');
    expect(byStart('batch-size="0"')).toContain('from 1 to 2048');
    expect(byStart('learning-rate="2"')).toContain('less than 1');
    expect(byStart('hidden-units="1000"')).toContain('from 4 to 256');
    expect(byStart('autotrain="maybe"')).toContain('"true" or "false"');
    expect(messages).toHaveLength(13);
    // Defaults in use: the ring with both fields, ready to train.
    expect(await count(page, 'svg.quiver .arrows-learned path')).toBe(400);
    expect(await count(page, 'svg.quiver .arrows-true path')).toBe(400);
    expect(await text(page, '.step')).toBe('0 / 1000');
    expect(await page.locator(`${TAG} button.train`).isEnabled()).toBe(true);
    await shot(page, 'widget-score-field-bad-attributes');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keyboard focus follows the controls in order, and the widget fits a 375 px phone screen', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await page.locator('h1').click();
    const order: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate((tag) => {
          const el = document.querySelector('diffusion-score-field')!.shadowRoot!.activeElement as HTMLElement | null;
          if (!el) return 'outside';
          return el.id || (el.getAttribute('class') ?? '').split(' ')[0] || (el as HTMLInputElement).value;
        }, TAG),
      );
    }
    expect(order).toEqual(['embed-button', 'dataset', 'vp', 'train', 'reset', 'field', 'sampler', 'run-particles', 't-slider', 'chart-cursor']);
    expect(errors).toEqual([]);
    await page.close();

    const phone = await launchBrowser({ viewport: { width: 375, height: 812 } });
    try {
      const small = await phone.newPage();
      const smallErrors = collectConsoleErrors(small);
      await small.goto(server.url + PAGE, { waitUntil: 'load' });
      await waitForEvents(small, 'diffusion-ready', 1, 120_000);
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      const plotWidth = await small.locator(`${TAG} svg.quiver`).evaluate((svg) => svg.getBoundingClientRect().width);
      expect(plotWidth).toBeGreaterThan(250);
      await shot(small, 'widget-score-field-phone');
      expect(smallErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
