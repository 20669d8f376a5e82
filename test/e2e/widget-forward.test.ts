/**
 * <diffusion-forward> in headless Chromium: renders a real MNIST digit with defaults, the t slider
 * and the animation controls work, closed form and step-by-step agree, bad attributes explain
 * themselves inside the widget while the last good state stays, and focus moves in a sensible order.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../../src/components/base/format';
import { computeAlphasCumprod } from '../../src/diffusion/curves';
import { alphaBarAt } from '../../src/diffusion/forward-math';
import {
  collectConsoleErrors,
  launchBrowser,
  screenshot,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
} from './harness';

const PAGE = 'test/e2e/pages/widget-forward.html';
const BAD_PAGE = 'test/e2e/pages/widget-forward-bad.html';

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
  return { page, errors };
}

function events(page: Page, type: string): Promise<RecordedEvent[]> {
  return page.evaluate(
    (name) => (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents.filter((e) => e.type === name),
    type,
  );
}

/** Number of distinct grey levels in a canvas inside the widget (1 means a blank box). */
function distinctGreys(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector('diffusion-forward')!.shadowRoot!.querySelector(sel) as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const greys = new Set<number>();
    for (let i = 0; i < data.length; i += 4) greys.add(data[i]);
    return greys.size;
  }, selector);
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(`diffusion-forward ${selector}`).first().textContent()) ?? '').trim();
}

function stat(raw: string): number {
  return Number(raw.replace('−', '-'));
}

async function shownStd(page: Page): Promise<number> {
  return stat(await text(page, '.shown-stats .std'));
}

async function setAttr(page: Page, name: string, value: string): Promise<void> {
  await page.evaluate(([n, v]) => document.querySelector('diffusion-forward')!.setAttribute(n, v), [name, value]);
  await page.evaluate(() => document.querySelector('diffusion-forward')!.updateComplete);
}

async function errorMessages(page: Page): Promise<string[]> {
  return (await page.locator('diffusion-forward [part~="error"] .error-message').allTextContents()).map((t) => t.trim());
}

const abar = computeAlphasCumprod({ betaSchedule: 'linear', numTrainTimesteps: 1000 });

describe('<diffusion-forward>', () => {
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

  it('renders a real digit, its noise and x_t with defaults, and stays light (no tfjs)', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(server.url + PAGE, { waitUntil: 'load' });
    await page.waitForFunction(() =>
      (window as unknown as { widgetEvents?: RecordedEvent[] }).widgetEvents?.some((e) => e.type === 'diffusion-ready'),
    );

    for (const canvas of ['canvas.x0', 'canvas.noise', 'canvas.xt']) {
      expect(await distinctGreys(page, canvas), canvas).toBeGreaterThan(10);
    }
    expect(await text(page, '.digit-name')).toMatch(/^MNIST test #0, a \d$/);
    // ᾱ at diffusers timestep 250 of the default linear schedule (the papers' ᾱ_251), as the maths core computes it.
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(alphaBarAt(abar, 251)));
    expect(await text(page, '.sqrt-alpha-bar')).toBe(formatNumber(Math.sqrt(abar[250])));
    expect(await page.locator('diffusion-forward #t-slider').inputValue()).toBe('250');

    // The histogram is drawn, with the N(0, 1) density over it and a text alternative.
    expect(await page.locator('diffusion-forward svg.histogram rect.histogram-bar').count()).toBeGreaterThan(40);
    expect(await page.locator('diffusion-forward svg.histogram path.histogram-overlay').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('diffusion-forward svg.histogram > title').textContent()).toContain('x₂₅₀');
    expect(await page.locator('diffusion-forward svg.histogram > desc').textContent()).toContain('standard normal');
    expect(await errorMessages(page)).toEqual([]);

    const step = await events(page, 'diffusion-step');
    expect(step.at(-1)?.detail).toMatchObject({ t: 250, numTrainTimesteps: 1000, mode: 'closed-form' });
    expect(requests.filter((url) => url.includes('tensorflow'))).toEqual([]);

    await screenshot(page, 'widget-forward-default');

    // Theming: custom properties reach inside, and parts can be styled from the page.
    await page.addStyleTag({
      content: 'diffusion-forward { --dl-accent: rgb(200, 0, 90); } diffusion-forward::part(title) { color: rgb(0, 120, 0); }',
    });
    expect(await page.locator('diffusion-forward button.play').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(200, 0, 90)');
    expect(await page.locator('diffusion-forward h2').evaluate((h) => getComputedStyle(h).color)).toBe('rgb(0, 120, 0)');
    await page.evaluate(() => document.querySelectorAll('style').forEach((el) => el.textContent?.includes('--dl-accent') && el.remove()));

    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'widget-forward-dark');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moving the t slider changes ᾱ_t and the histogram becomes N(0, 1)', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    const slider = page.locator('diffusion-forward #t-slider');
    await slider.focus();
    // Diffusers' numbering: timestep 0 is the first noising step, T − 1 the last.
    await page.keyboard.press('Home');
    expect(await page.locator('diffusion-forward').getAttribute('t')).toBe('0');
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(abar[0]));
    expect(await text(page, '.t-readout')).toBe('t = 0 / 999');
    const cleanStd = await shownStd(page);

    await page.keyboard.press('ArrowRight');
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(abar[1]));

    await page.keyboard.press('End');
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(abar[999]));
    expect(await page.locator('diffusion-forward').getAttribute('t')).toBe('999');
    const noisyStd = await shownStd(page);
    const noisyMean = stat(await text(page, '.shown-stats .mean'));
    // A digit's pixels (mostly −1 background) spread far less like N(0, 1) than x_T does.
    expect(Math.abs(cleanStd - 1)).toBeGreaterThan(0.1);
    expect(Math.abs(noisyStd - 1)).toBeLessThan(0.08);
    expect(Math.abs(noisyMean)).toBeLessThan(0.12);

    // Std moves toward 1 along the way.
    const stds: number[] = [];
    for (const t of ['0', '100', '300', '999']) {
      await slider.fill(t);
      stds.push(Math.abs((await shownStd(page)) - 1));
    }
    expect(stds[3]).toBeLessThan(stds[0]);
    expect(stds[2]).toBeLessThan(stds[0]);

    const changes = await events(page, 'diffusion-change');
    expect(changes.some((e) => e.detail.name === 't' && e.detail.value === 999)).toBe(true);
    const steps = await events(page, 'diffusion-step');
    expect(steps.at(-1)?.detail.t).toBe(999);
    await screenshot(page, 'widget-forward-t999');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('closed form and step by step agree: equal after one step (t = 0) with the same seed, same spread later', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await setAttr(page, 't', '0');
    const row = async (cls: string, col: string): Promise<number> => stat(await text(page, `table tr.${cls} td.${col}`));
    expect(await row('iterative', 'mean')).toBe(await row('closed-form', 'mean'));
    expect(await row('iterative', 'std')).toBe(await row('closed-form', 'std'));

    await page.locator('diffusion-forward input[value="iterative"]').check();
    expect(await page.locator('diffusion-forward').getAttribute('mode')).toBe('iterative');
    expect(await page.locator('diffusion-forward tr.iterative').getAttribute('class')).toContain('shown');

    for (const t of ['300', '999']) {
      await setAttr(page, 't', t);
      const expected = await row('expected', 'std');
      expect(Math.abs((await row('iterative', 'std')) - expected)).toBeLessThan(0.06);
      expect(Math.abs((await row('closed-form', 'std')) - expected)).toBeLessThan(0.06);
      expect(Math.abs((await row('iterative', 'mean')) - (await row('closed-form', 'mean')))).toBeLessThan(0.1);
      // The histogram and stats line follow the shown (step-by-step) x_t.
      expect(await shownStd(page)).toBe(await row('iterative', 'std'));
    }
    expect(await distinctGreys(page, 'canvas.xt')).toBeGreaterThan(10);
    await screenshot(page, 'widget-forward-iterative');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('step buttons move t by T/20 and play advances t; reduced motion plays in coarse jumps', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await page.locator('diffusion-forward button.step-forward').click();
    expect(await page.locator('diffusion-forward').getAttribute('t')).toBe('300');
    await page.locator('diffusion-forward button.step-back').click();
    await page.locator('diffusion-forward button.step-back').click();
    expect(await page.locator('diffusion-forward').getAttribute('t')).toBe('200');

    await page.locator('diffusion-forward button.play').click();
    await page.waitForFunction(() => Number(document.querySelector('diffusion-forward')!.getAttribute('t')) > 260);
    await page.locator('diffusion-forward button.play').click(); // pause
    const paused = await page.locator('diffusion-forward').getAttribute('t');
    await page.waitForTimeout(300);
    expect(await page.locator('diffusion-forward').getAttribute('t')).toBe(paused);
    expect(await text(page, 'button.play')).toBe('Play');
    await page.close();

    const reduced = await browser.newPage();
    const reducedErrors = collectConsoleErrors(reduced);
    await reduced.emulateMedia({ reducedMotion: 'reduce' });
    await reduced.goto(server.url + PAGE, { waitUntil: 'load' });
    await reduced.waitForFunction(() => document.querySelector('diffusion-forward')?.shadowRoot?.querySelector('#t-slider'));
    const seen = new Set<string>();
    await reduced.evaluate(() => document.querySelector('diffusion-forward')!.setAttribute('t', '0'));
    await reduced.locator('diffusion-forward button.play').click();
    const start = Date.now();
    while (Date.now() - start < 2500) {
      seen.add((await reduced.locator('diffusion-forward').getAttribute('t')) ?? '');
      await reduced.waitForTimeout(50);
    }
    await reduced.locator('diffusion-forward button.play').click();
    // Only multiples of T/10, and the last timestep T − 1: no smooth motion.
    const values = [...seen].map(Number);
    expect(values.length).toBeGreaterThan(1);
    expect(values.every((v) => v % 100 === 0 || v === 999)).toBe(true);
    expect(reducedErrors).toEqual([]);
    expect(errors).toEqual([]);
    await reduced.close();
  });

  it('a bad attribute shows what is allowed inside the widget and keeps the last good state', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    const goodAbar = await text(page, '.alpha-bar');

    await setAttr(page, 'beta-schedule', 'cosine');
    let messages = await errorMessages(page);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('beta-schedule="cosine" is not valid');
    expect(messages[0]).toContain('"squaredcos_cap_v2"');
    expect(messages[0]).toContain('Keeping "linear"');
    expect(await text(page, '.alpha-bar')).toBe(goodAbar);
    expect(await distinctGreys(page, 'canvas.xt')).toBeGreaterThan(10);
    expect(await page.locator('diffusion-forward [part~="error"]').getAttribute('role')).toBe('alert');

    await setAttr(page, 't', '-5');
    await setAttr(page, 'num-train-timesteps', 'abc');
    messages = await errorMessages(page);
    expect(messages).toHaveLength(3);
    expect(messages.find((m) => m.startsWith('t="-5"'))).toContain('a whole number from 0 to 999');
    expect(messages.find((m) => m.startsWith('num-train-timesteps="abc"'))).toContain('a whole number from 1 to 4000');
    expect(await text(page, '.alpha-bar')).toBe(goodAbar);
    expect(await page.locator('diffusion-forward #t-slider').inputValue()).toBe('250');
    await screenshot(page, 'widget-forward-errors');

    // Fixing a value clears its message and applies it.
    await setAttr(page, 'beta-schedule', 'squaredcos_cap_v2');
    await setAttr(page, 't', '500');
    await setAttr(page, 'num-train-timesteps', '1000');
    expect(await errorMessages(page)).toEqual([]);
    const cosine = computeAlphasCumprod({ betaSchedule: 'squaredcos_cap_v2' });
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(cosine[500]));

    // t = T, the last step in the papers' count (and in this widget before), names T − 1.
    await setAttr(page, 't', '1000');
    messages = await errorMessages(page);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('t="1000" is past the last timestep');
    expect(messages[0]).toContain('diffusers timesteps 0 … 999');
    expect(messages[0]).toContain('t="999" here');
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(cosine[500]));
    await setAttr(page, 't', '500');

    // beta-start above beta-end cannot work for a rising schedule.
    await setAttr(page, 'beta-schedule', 'linear');
    await setAttr(page, 'beta-start', '0.05');
    messages = await errorMessages(page);
    expect(messages.join(' ')).toContain('must not exceed beta-end');
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(abar[500]));

    // A wrong assets folder: the message says where it looked, and the loaded digits stay.
    await setAttr(page, 'beta-start', '0.0001');
    const digitBefore = await distinctGreys(page, 'canvas.x0');
    await setAttr(page, 'assets-base', '/nowhere/');
    await page.waitForFunction(() =>
      Array.from(document.querySelector('diffusion-forward')!.shadowRoot!.querySelectorAll('.error-message')).some(
        (m) => m.getAttribute('data-attribute') === 'assets-base',
      ),
    );
    const assetMessage = (await errorMessages(page)).find((m) => m.startsWith('Could not load the MNIST digits'));
    expect(assetMessage).toContain('/nowhere/mnist/');
    expect(assetMessage).toContain('Keeping the digits loaded before.');
    expect(await text(page, '.digit-name')).toMatch(/^MNIST test #0/);
    expect(await distinctGreys(page, 'canvas.x0')).toBe(digitBefore);
    // The browser itself logs the 404 of the missing index; nothing else may appear.
    const unexpected = errors.filter((e) => !/Failed to load resource: .*404/.test(e));
    errors.length = 0;
    errors.push(...unexpected);

    const reported = await events(page, 'diffusion-error');
    expect(reported.map((e) => e.detail.attribute)).toEqual(
      expect.arrayContaining(['beta-schedule', 't', 'num-train-timesteps', 'schedule', 'assets-base']),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bad attributes from the start give messages and a working widget with defaults', async () => {
    const { page, errors } = await open(browser, server.url + BAD_PAGE);
    await page.evaluate(() => document.querySelector('diffusion-forward')!.updateComplete);
    const messages = await errorMessages(page);
    const byStart = (prefix: string): string | undefined => messages.find((m) => m.startsWith(prefix));
    expect(byStart('t="-5"')).toBeDefined();
    expect(byStart('beta-schedule="cosine"')).toBeDefined();
    expect(byStart('num-train-timesteps="abc"')).toBeDefined();
    expect(byStart('mode="steps"')).toContain('"closed-form" or "iterative"');
    // The digit range is known once MNIST has loaded: 2000 test digits.
    expect(byStart('digit-index="99999"')).toContain('from 0 to 1999');
    expect(await text(page, '.alpha-bar')).toBe(formatNumber(abar[250]));
    expect(await distinctGreys(page, 'canvas.x0')).toBeGreaterThan(10);
    expect(await distinctGreys(page, 'canvas.xt')).toBeGreaterThan(10);
    await screenshot(page, 'widget-forward-bad-attributes');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('digits can be chosen and drawn, and keyboard focus follows the controls in order', async () => {
    const { page, errors } = await open(browser, server.url + PAGE);
    await page.locator('diffusion-forward button.next').click();
    expect(await page.locator('diffusion-forward').getAttribute('digit-index')).toBe('1');
    expect(await text(page, '.digit-name')).toMatch(/^MNIST test #1, a \d$/);
    await page.locator('diffusion-forward button.prev').click();
    await page.locator('diffusion-forward button.prev').click();
    expect(await page.locator('diffusion-forward').getAttribute('digit-index')).toBe('1999');

    // Draw: a stroke on the pad becomes x_0.
    await page.locator('diffusion-forward button.draw').click();
    const pad = page.locator('diffusion-forward canvas.pad');
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 8 });
    await page.mouse.up();
    await page.evaluate(() => document.querySelector('diffusion-forward')!.updateComplete);
    expect(await text(page, '.digit-name')).toBe('your drawing');
    const x0 = await page.evaluate(() => {
      const canvas = document.querySelector('diffusion-forward')!.shadowRoot!.querySelector('canvas.x0') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 128) ink++;
      return ink / (data.length / 4);
    });
    expect(x0).toBeGreaterThan(0.02);
    expect(x0).toBeLessThan(0.5);
    const changes = await events(page, 'diffusion-change');
    expect(changes.some((e) => e.detail.name === 'digit' && e.detail.value === 'drawn')).toBe(true);
    await screenshot(page, 'widget-forward-drawing');
    await page.locator('diffusion-forward button.done').click();

    // Tab order: the Embed button in the header, digit controls, t, animation, mode.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.locator('h1').click();
    const order: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.querySelector('diffusion-forward')!.shadowRoot!.activeElement as HTMLElement | null;
          if (!el) return 'outside';
          return el.id || el.className.split(' ')[0] || (el as HTMLInputElement).value;
        }),
      );
    }
    // The last stop is the checked mode radio (arrow keys move within the group).
    expect(order).toEqual(['embed-button', 'prev', 'next', 'random', 'draw', 't-slider', 'play', 'step-back', 'step-forward', 'closed-form']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
