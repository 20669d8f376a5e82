/**
 * <diffusion-schedule> in headless Chromium: three charts with every schedule drawn, a shared t
 * cursor moved by keyboard, pointer and attribute, the noised digits, the diffusers config copy,
 * editable settings, bad attributes explained inside the widget, and a sensible focus order.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../../src/components/base/format';
import { computeAlphasCumprod } from '../../src/diffusion/curves';
import {
  collectConsoleErrors,
  launchBrowser,
  screenshot,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
} from './harness';

const PAGE = 'test/e2e/pages/widget-schedule.html';
const W = 'diffusion-schedule';

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

async function open(browser: LaunchedBrowser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() =>
    (window as unknown as { widgetEvents?: RecordedEvent[] }).widgetEvents?.some((e) => e.type === 'diffusion-ready'),
  );
  await settle(page);
  return { page, errors };
}

function settle(page: Page): Promise<unknown> {
  return page.evaluate(() => document.querySelector('diffusion-schedule')!.updateComplete);
}

function events(page: Page, type: string): Promise<RecordedEvent[]> {
  return page.evaluate(
    (name) => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents.filter((e) => e.type === name),
    type,
  );
}

async function setAttr(page: Page, name: string, value: string): Promise<void> {
  await page.evaluate(([n, v]) => document.querySelector('diffusion-schedule')!.setAttribute(n, v), [name, value]);
  await settle(page);
}

async function errorMessages(page: Page): Promise<string[]> {
  return (await page.locator(`${W} [part~="error"] .error-message`).allTextContents()).map((t) => t.trim());
}

/** Distinct grey levels of every digit canvas, in order (x_0 first). */
function canvasGreys(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    Array.from(document.querySelector('diffusion-schedule')!.shadowRoot!.querySelectorAll('canvas.digit')).map((el) => {
      const canvas = el as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const greys = new Set<number>();
      for (let i = 0; i < data.length; i += 4) greys.add(data[i]);
      return greys.size;
    }),
  );
}

/** The x translation of each chart's cursor (its position on the plot). */
function cursorPositions(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelector('diffusion-schedule')!.shadowRoot!.querySelectorAll('g.chart-cursor')).map(
      (g) => g.getAttribute('transform') ?? '',
    ),
  );
}

async function abarCaption(page: Page, schedule: string): Promise<string> {
  return ((await page.locator(`${W} figure[data-schedule="${schedule}"] .abar`).textContent()) ?? '').trim();
}

describe('<diffusion-schedule>', () => {
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

  it('renders three charts with all four schedules and the digit under each, with defaults', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(server.url + PAGE, { waitUntil: 'load' });
    await page.waitForFunction(() =>
      (window as unknown as { widgetEvents?: RecordedEvent[] }).widgetEvents?.some((e) => e.type === 'diffusion-ready'),
    );
    await settle(page);

    const charts = page.locator(`${W} svg.schedule-chart`);
    expect(await charts.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const lines = charts.nth(i).locator('path.chart-line');
      expect(await lines.count()).toBe(4);
      for (const d of await lines.evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''))) {
        expect(d.length).toBeGreaterThan(200);
      }
      expect(((await charts.nth(i).locator(':scope > title').textContent()) ?? '').length).toBeGreaterThan(3);
      expect(await charts.nth(i).locator(':scope > desc').textContent()).toContain('cosine from');
    }
    const greys = await canvasGreys(page);
    expect(greys).toHaveLength(5);
    for (const g of greys) expect(g).toBeGreaterThan(10);

    // ᾱ at the default cursor t = 500 for each schedule, as the maths core computes it.
    for (const schedule of ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'] as const) {
      expect(await abarCaption(page, schedule)).toBe(formatNumber(computeAlphasCumprod({ betaSchedule: schedule })[500]));
    }
    expect(await errorMessages(page)).toEqual([]);
    expect(requests.filter((url) => url.includes('tensorflow'))).toEqual([]);
    await screenshot(page, 'widget-schedule-default');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'widget-schedule-dark');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the shared t cursor moves with the keyboard, the pointer and the t attribute', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    const before = await cursorPositions(page);
    const linearBefore = await abarCaption(page, 'linear');

    const cursor = page.locator(`${W} svg.alpha-bar g.chart-cursor`);
    expect(await cursor.getAttribute('role')).toBe('slider');
    await cursor.focus();
    await page.keyboard.press('ArrowRight');
    await settle(page);
    expect(await page.locator(W).getAttribute('t')).toBe('501');
    expect(await cursor.getAttribute('aria-valuenow')).toBe('501');
    await page.keyboard.press('Shift+ArrowLeft');
    await settle(page);
    expect(await page.locator(W).getAttribute('t')).toBe('491');
    await page.keyboard.press('End');
    await settle(page);
    expect(await page.locator(W).getAttribute('t')).toBe('999');
    expect(await abarCaption(page, 'linear')).not.toBe(linearBefore);
    // All three cursors sit at the same x, and they moved.
    const after = await cursorPositions(page);
    expect(new Set(after).size).toBe(1);
    expect(after[0]).not.toBe(before[0]);
    // Focus stays on the cursor while it moves.
    expect(await page.evaluate(() => document.querySelector('diffusion-schedule')!.shadowRoot!.activeElement?.getAttribute('class'))).toBe(
      'chart-cursor',
    );

    // Dragging across the β chart: from a quarter of the plot to the middle.
    const overlay = page.locator(`${W} svg.beta rect.chart-overlay`);
    const box = (await overlay.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await page.mouse.down();
    await settle(page);
    const quarter = Number(await page.locator(W).getAttribute('t'));
    expect(Math.abs(quarter - 250)).toBeLessThan(8);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await settle(page);
    expect(Math.abs(Number(await page.locator(W).getAttribute('t')) - 500)).toBeLessThan(8);

    await setAttr(page, 't', '100');
    expect(await abarCaption(page, 'linear')).toBe(formatNumber(computeAlphasCumprod({})[100]));
    expect(await page.locator(`${W} svg.log-snr g.chart-cursor`).getAttribute('aria-valuenow')).toBe('100');

    const steps = await events(page, 'diffusion-step');
    expect(steps.at(-1)?.detail.t).toBe(100);
    expect(Object.keys(steps.at(-1)?.detail.values as object)).toHaveLength(4);
    expect((await events(page, 'diffusion-change')).some((e) => e.detail.name === 't' && e.detail.value === 999)).toBe(true);
    await screenshot(page, 'widget-schedule-cursor');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('"Copy diffusers config" gives valid JSON with beta_schedule, shown and on the clipboard', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    await page.locator(`${W} button.copy[data-schedule="squaredcos_cap_v2"]`).click();
    await settle(page);
    const shown = (await page.locator(`${W} pre.config-json`).textContent()) ?? '';
    const config = JSON.parse(shown) as Record<string, unknown>;
    expect(config).toMatchObject({
      _class_name: 'DDPMScheduler',
      num_train_timesteps: 1000,
      beta_schedule: 'squaredcos_cap_v2',
      prediction_type: 'epsilon',
      thresholding: false,
    });
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(clipboard)).toEqual(config);
    expect(await page.locator(`${W} [part~="status"]`).textContent()).toContain('Copied the cosine schedule');
    const copied = await events(page, 'diffusion-config');
    expect(copied.at(-1)?.detail.schedule).toBe('squaredcos_cap_v2');

    // The copied config follows the edited settings.
    await setAttr(page, 'num-train-timesteps', '500');
    await setAttr(page, 'beta-end', '0.03');
    await page.locator(`${W} button.copy[data-schedule="linear"]`).click();
    await settle(page);
    const linear = JSON.parse((await page.locator(`${W} pre.config-json`).textContent()) ?? '') as Record<string, unknown>;
    expect(linear).toMatchObject({ beta_schedule: 'linear', num_train_timesteps: 500, beta_end: 0.03, beta_start: 0.0001 });
    await screenshot(page, 'widget-schedule-config');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('settings are editable through the controls and reflected as attributes', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    const tInput = page.locator(`${W} input.num-train-timesteps`);
    await tInput.fill('200');
    await tInput.press('Enter');
    await tInput.blur();
    await settle(page);
    expect(await page.locator(W).getAttribute('num-train-timesteps')).toBe('200');
    // t was 500, now clamped to the last timestep T − 1.
    expect(await page.locator(`${W} svg.beta g.chart-cursor`).getAttribute('aria-valuemax')).toBe('199');
    expect(await page.locator(`${W} svg.beta g.chart-cursor`).getAttribute('aria-valuenow')).toBe('199');

    await page.locator(`${W} input[name="schedule"][value="sigmoid"]`).uncheck();
    await page.locator(`${W} input[name="schedule"][value="scaled_linear"]`).uncheck();
    await settle(page);
    expect(await page.locator(W).getAttribute('schedules')).toBe('linear,squaredcos_cap_v2');
    expect(await page.locator(`${W} svg.alpha-bar path.chart-line`).count()).toBe(2);
    expect(await page.locator(`${W} figure.schedule-digit`).count()).toBe(2);

    // A bad value typed into a control: message inside the widget, input marked, curves kept.
    const linePath = async (): Promise<string | null> => page.locator(`${W} svg.beta path.chart-line`).first().getAttribute('d');
    const goodPath = await linePath();
    const betaEnd = page.locator(`${W} input.beta-end`);
    await betaEnd.fill('2');
    await betaEnd.press('Enter');
    await betaEnd.blur();
    await settle(page);
    expect((await errorMessages(page)).join(' ')).toContain('beta-end="2" is not valid: use a number greater than 0 and less than 1.');
    expect(await betaEnd.getAttribute('aria-invalid')).toBe('true');
    expect(await linePath()).toBe(goodPath);
    await betaEnd.fill('0.01');
    await betaEnd.press('Enter');
    await betaEnd.blur();
    await settle(page);
    expect(await errorMessages(page)).toEqual([]);
    expect(await linePath()).not.toBe(goodPath);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bad attributes show what is allowed inside the widget and keep the last good state', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await setAttr(page, 'schedules', 'linear,squaredcos_cap_v2');
    const good = await abarCaption(page, 'linear');

    await setAttr(page, 'schedules', 'linear,cosine');
    await setAttr(page, 't', '-5');
    await setAttr(page, 'num-train-timesteps', 'abc');
    await setAttr(page, 'beta-start', 'big');
    const messages = await errorMessages(page);
    expect(messages).toHaveLength(4);
    expect(messages.find((m) => m.startsWith('schedules='))).toContain('"cosine" is not one of "linear", "scaled_linear", "squaredcos_cap_v2" or "sigmoid"');
    expect(messages.find((m) => m.startsWith('schedules='))).toContain('is called "squaredcos_cap_v2" in diffusers');
    expect(messages.find((m) => m.startsWith('t="-5"'))).toContain('a whole number from 0 to 999');
    expect(messages.find((m) => m.startsWith('num-train-timesteps="abc"'))).toContain('from 1 to 4000');
    expect(messages.find((m) => m.startsWith('beta-start="big"'))).toContain('greater than 0 and less than 1');
    // Last good state: the same two schedules, t and values.
    expect(await page.locator(`${W} svg.alpha-bar path.chart-line`).count()).toBe(2);
    expect(await abarCaption(page, 'linear')).toBe(good);
    expect((await canvasGreys(page)).every((g) => g > 10)).toBe(true);
    await screenshot(page, 'widget-schedule-errors');

    await setAttr(page, 'schedules', 'sigmoid');
    await setAttr(page, 't', '10');
    await setAttr(page, 'num-train-timesteps', '1000');
    await setAttr(page, 'beta-start', '0.0001');
    expect(await errorMessages(page)).toEqual([]);
    expect(await page.locator(`${W} svg.alpha-bar path.chart-line`).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keyboard focus goes: Embed, schedules, settings, the three chart cursors, then the copy buttons', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await page.locator('h1').click();
    const order: string[] = [];
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.querySelector('diffusion-schedule')!.shadowRoot!.activeElement as HTMLElement | SVGElement | null;
          if (!el) return 'outside';
          const input = el as HTMLInputElement;
          if (input.type === 'checkbox') return `checkbox:${input.value}`;
          if (el.classList.contains('chart-cursor')) return `cursor:${el.closest('svg')!.classList[1]}`;
          if (el.classList.contains('copy')) return `copy:${el.getAttribute('data-schedule')}`;
          return el.classList[0] ?? el.tagName;
        }),
      );
    }
    expect(order).toEqual([
      'embed-button',
      'checkbox:linear',
      'checkbox:scaled_linear',
      'checkbox:squaredcos_cap_v2',
      'checkbox:sigmoid',
      'num-train-timesteps',
      'beta-start',
      'beta-end',
      'cursor:beta',
      'cursor:alpha-bar',
      'cursor:log-snr',
      'copy:linear',
      'copy:scaled_linear',
      'copy:squaredcos_cap_v2',
      'copy:sigmoid',
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
