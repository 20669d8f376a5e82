/**
 * <diffusion-inpaint> in headless Chromium on the wasm backend, with the shipped checkpoint and the
 * reference classifier (both in assets/). Runs stay cheap: DDIM with 10 steps, a few results.
 * - renders with defaults: the digit with the bottom half masked, the model and backend, no run yet;
 * - inpainting: a mask painted with the pointer and the keyboard, "Fill in" gives fills whose kept
 *   region is the original exactly, classifier readings, wall time, a step scrubber; RePaint takes
 *   the extra steps its schedule says;
 * - SDEdit: a drawn stroke, strength 0 returns the drawing unchanged, strength 0.5 starts at
 *   t₀ = 400 of 10 leading steps and the classifier reads every result;
 * - tensors: lab.numTensors() is flat over repeated runs and after Stop; no long task on the page;
 * - bad attributes explain themselves; phone width in the dark scheme does not overflow.
 * Screenshots: test-results/screenshots/widget-inpaint-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab-api';
import { collectConsoleErrors, launchBrowser, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'test/e2e/pages/widget-inpaint.html';
const BAD_PAGE = 'test/e2e/pages/widget-inpaint-bad.html';

interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
}

declare const window: Window & { widgetEvents: RecordedEvent[]; getLab(): Lab; longTasks: number[]; watchLongTasks(): void };

let server: RunningServer;
let browser: LaunchedBrowser;
/** The page of the running tests, shared in order. */
let page: Page;
let errors: string[];
/** Wall times measured by the lab, for the report printed at the end. */
const timings: string[] = [];

const widget = (p: Page, selector: string) => p.locator(`diffusion-inpaint ${selector}`);

async function open(url: string, p?: Page): Promise<{ page: Page; errors: string[] }> {
  const target = p ?? (await browser.newPage());
  const errs = collectConsoleErrors(target);
  await target.goto(url, { waitUntil: 'load' });
  await target.waitForFunction(() => !!document.querySelector('diffusion-inpaint')?.shadowRoot?.querySelector('canvas.editor'));
  return { page: target, errors: errs };
}

async function text(p: Page, selector: string): Promise<string> {
  return ((await widget(p, selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function errorMessages(p: Page): Promise<Record<string, string>> {
  return p.evaluate(() => {
    const out: Record<string, string> = {};
    for (const m of document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelectorAll('.error-message')) {
      out[m.getAttribute('data-attribute') ?? ''] = (m.textContent ?? '').trim();
    }
    return out;
  });
}

function events(p: Page, type: string): Promise<RecordedEvent[]> {
  return p.evaluate((name) => window.widgetEvents.filter((e) => e.type === name), type);
}

async function setAttr(p: Page, name: string, value: string): Promise<void> {
  await p.evaluate(([n, v]) => document.querySelector('diffusion-inpaint')!.setAttribute(n, v), [name, value]);
  await p.evaluate(() => document.querySelector('diffusion-inpaint')!.updateComplete);
}

/** Pixels of a canvas in the widget (RGBA). */
function pixels(p: Page, selector: string): Promise<number[]> {
  return p.evaluate((sel) => {
    const canvas = document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector(sel) as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  }, selector);
}

function distinctGreys(data: number[]): number {
  const greys = new Set<number>();
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] === data[i + 1]) greys.add(data[i]);
  return greys.size;
}

/** Clicks the run button and waits for the run and the classifier's reading. */
async function runAndRead(p: Page): Promise<RecordedEvent> {
  const before = (await events(p, 'diffusion-classified')).length;
  await widget(p, 'button.run').click();
  await p.waitForFunction((n) => window.widgetEvents.filter((e) => e.type === 'diffusion-classified').length > n, before, { timeout: 120_000 });
  return (await events(p, 'diffusion-edited')).at(-1)!;
}

/** Largest difference between each result and the input over the kept pixels (mask 0), and the share of changed masked pixels. */
function keptAndChanged(p: Page): Promise<{ kept: number; changed: number; count: number }> {
  return p.evaluate(() => {
    const r = document.querySelector('diffusion-inpaint')!.result!;
    let kept = 0;
    let changed = 0;
    let masked = 0;
    for (let i = 0; i < r.count; i++) {
      for (let k = 0; k < 784; k++) {
        const d = Math.abs(r.images[i * 784 + k] - r.input[k]);
        if (r.mask![k] === 0) kept = Math.max(kept, d);
        else {
          masked++;
          if (d > 0.05) changed++;
        }
      }
    }
    return { kept, changed: changed / Math.max(1, masked), count: r.count };
  });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  if (timings.length) console.log(`<diffusion-inpaint> wall times (wasm, headless Chromium):\n  ${timings.join('\n  ')}`);
  await browser?.close();
  await server?.close();
});

describe('<diffusion-inpaint>', () => {
  it('renders with defaults: the digit with its bottom half masked, the shipped model, nothing run yet', async () => {
    ({ page, errors } = await open(server.url + PAGE));
    await page.waitForFunction(() => document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector('button.prev:not([disabled])'));
    expect(await text(page, 'h2')).toBe('Inpainting: the model fills in a masked region');
    expect(await widget(page, 'input[name="mode"][value="inpaint"]').isChecked()).toBe(true);
    expect(await text(page, '.digit-name')).toBe('MNIST test #0, a 0 · 50 % masked');
    expect(await widget(page, 'select.method').inputValue()).toBe('replacement');
    expect(await widget(page, 'select.sampler').inputValue()).toBe('ddim');
    expect(await widget(page, 'input.steps').inputValue()).toBe('20');
    expect(await widget(page, 'input.jump').count()).toBe(0);
    expect(await text(page, '.cost')).toBe('20 network steps per run');
    // The editor: orange over the bottom half only.
    const editor = await pixels(page, 'canvas.editor');
    const side = Math.sqrt(editor.length / 4);
    const orange = (row: number): boolean => {
      const k = (row * side + 2) * 4;
      return editor[k] > editor[k + 2] + 40;
    };
    expect(orange(side - 3)).toBe(true);
    expect(orange(2)).toBe(false);
    await page.waitForFunction(() => /^Model: the shipped/.test(document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector('.model-line')?.textContent?.trim() ?? ''), null, { timeout: 60_000 });
    expect(await text(page, '.model-line')).toMatch(/^Model: the shipped small U-Net, 163,881 parameters, trained for [\d,]+ steps\.$/);
    await page.waitForFunction(() => !!document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector('.backend'));
    expect(await text(page, '.backend')).toBe('Backend: wasm · wasm as requested');
    expect(await text(page, '[part~="results"] .placeholder')).toBe('Press “Fill in” to let the model complete the masked region.');
    expect(await errorMessages(page)).toEqual({});
    expect((await events(page, 'diffusion-ready')).length).toBe(1);
    await screenshot(page, 'widget-inpaint-default');
    expect(errors).toEqual([]);
  });

  it('inpaints: a mask painted by pointer and keyboard, fills that keep the rest exactly, readings, wall time, steps', async () => {
    await setAttr(page, 'steps', '10');
    await setAttr(page, 'count', '3');
    // Paint: start from no mask, drag a thick stroke across the middle, then add with the keyboard.
    await widget(page, 'select.mask-preset').selectOption('none');
    expect(await page.locator('diffusion-inpaint').getAttribute('mask')).toBe('none');
    expect(await text(page, '.coverage')).toBe('0 % masked');
    await widget(page, 'select.brush').selectOption('large');
    const box = (await widget(page, 'canvas.editor').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.55);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + box.width * (0.15 + i * 0.09), box.y + box.height * 0.55);
    await page.mouse.up();
    const painted = (await events(page, 'diffusion-paint')).at(-1)!.detail;
    expect(painted.layer).toBe('mask');
    expect(painted.coverage as number).toBeGreaterThan(0.1);
    await widget(page, 'canvas.editor').focus();
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Space');
    const byKeys = (await events(page, 'diffusion-paint')).at(-1)!.detail.coverage as number;
    expect(byKeys).toBeGreaterThan(painted.coverage as number);
    const mask = await page.evaluate(() => Array.from(document.querySelector('diffusion-inpaint')!.currentMask));
    expect(mask.every((v) => v === 0 || v === 1)).toBe(true);

    const edited = await runAndRead(page);
    expect(edited.detail).toMatchObject({ mode: 'inpaint', method: 'replacement', sampler: 'ddim', steps: 10, networkSteps: 10, nfe: 10, count: 3, seed: 0, source: 'shipped' });
    timings.push(`inpaint, replacement, DDIM 10 steps × 3 images: ${Math.round(edited.detail.wallMs as number)} ms`);
    const check = await keptAndChanged(page);
    expect(check.count).toBe(3);
    expect(check.kept).toBe(0);
    expect(check.changed).toBeGreaterThan(0.05);
    for (let i = 0; i < 3; i++) expect(distinctGreys(await pixels(page, `canvas.result[data-index="${i}"]`))).toBeGreaterThan(5);
    const reads = await widget(page, '.reads').allTextContents();
    expect(reads.map((r) => r.trim())).toHaveLength(3);
    for (const r of reads) expect(r.trim()).toMatch(/^reads \d \(\d+ %\)$/);
    expect(await text(page, 'dd.wall')).toMatch(/^\d+ ms$|^[\d.]+ s$/);
    expect(await text(page, 'dd.network-steps')).toBe('10');
    expect(await text(page, '[part~="status"]')).toMatch(/^Filled in 3 times: 10 network steps in .+ \(.+ per step for 3 images\)\.$/);
    await screenshot(page, 'widget-inpaint-filled');

    // Step by step: the start is x_T, then each step; the scrubber fires diffusion-step.
    const scrub = widget(page, 'input.scrub');
    expect(await scrub.getAttribute('max')).toBe('10');
    const atEnd = await pixels(page, 'canvas.xt');
    await scrub.focus();
    await page.keyboard.press('Home');
    expect(await text(page, '.frame-caption')).toBe('step 1 of 10, t = 900');
    await page.keyboard.press('ArrowRight');
    expect(await text(page, '.frame-caption')).toBe('step 2 of 10, t = 800');
    await page.waitForTimeout(50);
    expect(await pixels(page, 'canvas.xt')).not.toEqual(atEnd);
    expect((await events(page, 'diffusion-step')).at(-1)!.detail).toEqual({ frame: 1, total: 10, timestep: 800 });

    // Changing a setting marks the shown run as out of date.
    await setAttr(page, 'seed', '5');
    expect(await text(page, '.stale-note')).toContain('changed since this run');
    expect(errors).toEqual([]);
  });

  it('RePaint takes the extra steps of its schedule and still keeps the rest exactly', async () => {
    await widget(page, 'select.method').selectOption('repaint');
    expect(await page.locator('diffusion-inpaint').getAttribute('method')).toBe('repaint');
    await widget(page, 'input.jump').fill('2');
    await widget(page, 'input.jump').press('Tab');
    await widget(page, 'input.resample').fill('3');
    await widget(page, 'input.resample').press('Tab');
    // 10 steps, j = 2, r = 3: jumps at levels 0, 2, 4, 6, each repeated twice, 2 steps each.
    expect(await text(page, '.cost')).toBe('26 network steps per run');
    const edited = await runAndRead(page);
    expect(edited.detail).toMatchObject({ method: 'repaint', networkSteps: 26, nfe: 26, seed: 5 });
    timings.push(`inpaint, RePaint j=2 r=3, DDIM 10 steps (26 network steps) × 3 images: ${Math.round(edited.detail.wallMs as number)} ms`);
    expect((await keptAndChanged(page)).kept).toBe(0);
    expect(await text(page, '.frame-caption')).toBe('the results · t goes back up at every jump');
    const changes = (await events(page, 'diffusion-change')).map((e) => e.detail.name);
    expect(changes).toEqual(expect.arrayContaining(['mask', 'method', 'jump-length', 'resample-count']));
    await screenshot(page, 'widget-inpaint-repaint');
    expect(errors).toEqual([]);
  });

  it('SDEdit: strength 0 returns the drawing; strength 0.5 starts at t₀ = 400 and every result is read', async () => {
    await widget(page, 'input[name="mode"][value="sdedit"]').check();
    expect(await page.locator('diffusion-inpaint').getAttribute('mode')).toBe('sdedit');
    expect(await text(page, 'h2')).toBe('SDEdit: from a rough drawing to a digit');
    expect(await widget(page, 'select.method').count()).toBe(0);
    // A stroke on the pen layer.
    await widget(page, 'button.clear').click();
    const box = (await widget(page, 'canvas.editor').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let i = 1; i <= 6; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + i * 0.1));
    await page.mouse.up();
    expect((await events(page, 'diffusion-paint')).at(-1)!.detail.layer).toBe('ink');
    const drawing = await page.evaluate(() => Array.from(document.querySelector('diffusion-inpaint')!.currentImage));
    expect(drawing.filter((v) => v > 0).length).toBeGreaterThan(10);

    await setAttr(page, 'strength', '0');
    expect(await text(page, '.t0-readout')).toBe('0.00 → no noise: the drawing is returned as it is');
    const unchanged = await runAndRead(page);
    expect(unchanged.detail).toMatchObject({ mode: 'sdedit', networkSteps: 0, startTimestep: null, strength: 0 });
    const same = await page.evaluate(() => {
      const r = document.querySelector('diffusion-inpaint')!.result!;
      return Array.from(r.images).every((v, i) => v === r.input[i % 784]);
    });
    expect(same).toBe(true);

    await setAttr(page, 'strength', '0.5');
    await setAttr(page, 'count', '4');
    expect(await text(page, '.t0-readout')).toBe('0.50 → t₀ = 400 of 1000, 5 of 10 steps');
    const edited = await runAndRead(page);
    expect(edited.detail).toMatchObject({ mode: 'sdedit', method: null, networkSteps: 5, startTimestep: 400, strength: 0.5, count: 4 });
    timings.push(`SDEdit, strength 0.5, DDIM 5 of 10 steps × 4 images: ${Math.round(edited.detail.wallMs as number)} ms`);
    expect(await text(page, 'dd.t0')).toBe('400');
    const classified = (await events(page, 'diffusion-classified')).at(-1)!.detail;
    expect((classified.labels as number[]).length).toBe(4);
    expect(await widget(page, '.reads').allTextContents()).toHaveLength(4);
    expect(distinctGreys(await pixels(page, 'canvas.start'))).toBeGreaterThan(20);
    await screenshot(page, 'widget-inpaint-sdedit');
    expect(errors).toEqual([]);
  });

  it('the lab answers bad editing requests with clear errors, and streams the steps of good ones', async () => {
    const outcome = await page.evaluate(async () => {
      const lab = window.getLab();
      const image = new Float32Array(784).fill(-1);
      const mask = new Float32Array(784).fill(1);
      const base = { image, sampler: 'ddim' as const, steps: 4, count: 2, seed: 1 };
      const fail = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`);
      const steps: number[] = [];
      const good = await lab.sdedit({ ...base, strength: 1, recordSteps: true }, { onStep: (s) => steps.push(s.timestep) });
      return {
        method: await fail(lab.inpaint({ ...base, mask, method: 'blend' as never })),
        mask: await fail(lab.inpaint({ ...base, mask: new Float32Array(10), method: 'replacement' })),
        jump: await fail(lab.inpaint({ ...base, mask, method: 'repaint', jumpLength: 9, resampleCount: 2 })),
        count: await fail(lab.sdedit({ ...base, count: 100, strength: 0.5 })),
        strength: await fail(lab.sdedit({ ...base, strength: 2 })),
        source: await fail(lab.sdedit({ ...base, strength: 0.5, source: 'trained' })),
        steps,
        good: { count: good.count, steps: good.steps, startTimestep: good.startTimestep, images: good.images.length },
      };
    });
    expect(outcome.method).toBe('RangeError: method must be "replacement" or "repaint", got "blend"');
    expect(outcome.mask).toBe('RangeError: mask must have one value per pixel (a Float32Array of 784 values), got 10 values');
    expect(outcome.jump).toBe('RangeError: jumpLength (j) must be a whole number from 1 to steps − 1 (3) for RePaint to resample, got 9');
    expect(outcome.count).toBe('RangeError: count must be a whole number from 1 to 64, got 100');
    expect(outcome.strength).toBe('RangeError: strength must be a number from 0 (keep the input) to 1 (start from noise), got 2');
    expect(outcome.source).toBe('Error: no trained model on this page yet: start training or load a checkpoint first');
    expect(outcome.steps).toEqual([750, 500, 250, 0]);
    expect(outcome.good).toEqual({ count: 2, steps: 4, startTimestep: 750, images: 2 * 784 });
    expect(errors).toEqual([]);
  });

  it('frees its tensors: lab.numTensors() is flat over repeated runs and after Stop; the page never blocks', async () => {
    await page.evaluate(() => window.watchLongTasks());
    const counts: number[] = [];
    for (const mode of ['sdedit', 'inpaint', 'sdedit', 'inpaint']) {
      await setAttr(page, 'mode', mode);
      await runAndRead(page);
      counts.push(await page.evaluate(() => window.getLab().numTensors()));
    }
    expect(new Set(counts).size).toBe(1);
    expect((await page.evaluate(() => window.longTasks)).filter((d) => d > 100)).toEqual([]);

    await setAttr(page, 'method', 'replacement');
    await setAttr(page, 'sampler', 'ddpm');
    await setAttr(page, 'steps', '400');
    await widget(page, 'button.run').click();
    await page.waitForFunction(() => /Step ([3-9]|\d{2,}) of 400/.test(document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));
    expect(await text(page, '[part~="status"]')).toMatch(/^Filling in with the replacement method… Step \d+ of 400, .+\.$/);
    await widget(page, 'button.stop').click();
    await page.waitForFunction(() => /^Stopped/.test(document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector('[part~="status"]')!.textContent ?? ''));
    expect(await text(page, '[part~="results"] .placeholder')).toBe('Stopped before the end.');
    await expect.poll(() => page.evaluate(() => window.getLab().numTensors()), { timeout: 10_000 }).toBe(counts[0]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains bad attributes inside the widget and keeps working with defaults', async () => {
    const { page: p, errors: errs } = await open(server.url + BAD_PAGE);
    await p.waitForFunction(() => (document.querySelector('diffusion-inpaint') as unknown as { errors: Map<string, string> }).errors.has('digit-index'));
    const messages = await errorMessages(p);
    expect(messages.mode).toBe('mode="inpainting" is not valid: use "inpaint" or "sdedit". Write "inpaint". Keeping "inpaint".');
    expect(messages.method).toBe('method="resample" is not valid: use "replacement" or "repaint". Resampling is "repaint". Keeping "replacement".');
    expect(messages.sampler).toBe('sampler="euler" is not valid: use "ddpm" or "ddim". Keeping "ddim".');
    expect(messages.steps).toBe('steps="0" is not valid: use a whole number from 1 to 1000. Keeping 20.');
    expect(messages['jump-length']).toBe('jump-length="50" is not valid: use a whole number from 1 to 19. Keeping 5.');
    expect(messages['resample-count']).toBe('resample-count="99" is not valid: use a whole number from 1 to 20. Keeping 4.');
    expect(messages.strength).toBe('strength="1.5" is not valid: use a number at least 0 and at most 1. Keeping 0.5.');
    expect(messages.label).toBe('label="ten" is not valid: use a digit 0 to 9, or "none" for no label. Keeping "none".');
    expect(messages.guidance).toBe('guidance="-1" is not valid: use a number at least 0 and at most 20. Keeping 0.');
    expect(messages.seed).toBe('seed="-3" is not valid: use a whole number from 0 to 4294967295. Keeping seed 0.');
    expect(messages.count).toBe('count="40" is not valid: use a whole number from 1 to 16. Keeping 4.');
    expect(messages['digit-index']).toBe('digit-index="99999" is not valid: use a whole number from 0 to 1999. Keeping digit 0.');
    expect(messages.mask).toBe('mask="centre" is not valid: use one of "bottom-half", "top-half", "left-half", "right-half", "center" or "none". Write "center". Keeping "bottom-half".');
    expect(messages.source).toBe('source="page" is not valid: use "shipped" or "trained". The model trained on this page is "trained". Keeping "shipped".');
    const fired = (await events(p, 'diffusion-error')).map((e) => e.detail.attribute);
    expect(fired).toEqual(expect.arrayContaining(Object.keys(messages)));
    expect(await widget(p, 'input.steps').getAttribute('aria-invalid')).toBe('true');
    expect(await widget(p, 'button.run').isEnabled()).toBe(true);
    await screenshot(p, 'widget-inpaint-bad-attributes');

    // Guidance needs a label; giving one clears the message.
    await setAttr(p, 'guidance', '2');
    expect((await errorMessages(p)).guidance).toBe(
      'guidance="2" needs a label: classifier-free guidance pushes towards a class, so set label to a digit 0 to 9, or guidance to 0. Keeping 0.',
    );
    await setAttr(p, 'label', '3');
    expect((await errorMessages(p)).guidance).toBeUndefined();
    expect(await widget(p, 'input.guidance').inputValue()).toBe('2');
    expect(await text(p, '.cost')).toBe('20 network steps (×2 evaluations: guided) per run');
    // A fixed value clears its message.
    await setAttr(p, 'mask', 'center');
    expect((await errorMessages(p)).mask).toBeUndefined();
    expect(await text(p, '.coverage')).toBe(`${Math.round((144 / 784) * 100)} % masked`);
    expect(errs).toEqual([]);
    await p.close();
  });

  it('fits a phone screen in the dark scheme', async () => {
    const phone = await launchBrowser({ viewport: { width: 375, height: 812 } });
    try {
      const p = await phone.newPage();
      await p.emulateMedia({ colorScheme: 'dark' });
      const { errors: errs } = await open(server.url + PAGE, p);
      await p.waitForFunction(() => /^Model: the shipped/.test(document.querySelector('diffusion-inpaint')!.shadowRoot!.querySelector('.model-line')?.textContent?.trim() ?? ''), null, { timeout: 60_000 });
      await setAttr(p, 'steps', '10');
      await runAndRead(p);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      const bg = await p.evaluate(() => getComputedStyle(document.querySelector('diffusion-inpaint')!).backgroundColor);
      expect(bg).not.toBe('rgb(255, 255, 255)');
      await screenshot(p, 'widget-inpaint-phone-dark');
      expect(errs).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
