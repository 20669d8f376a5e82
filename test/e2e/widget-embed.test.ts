/**
 * The Embed button: on a lesson page the learner changes the forward widget (t, the way x_t is
 * computed, the digit), opens Embed from the keyboard and copies both snippets. The kit snippet,
 * with its CDN address swapped for the kit built from this tree (embed-fixture.ts), recreates the
 * same view on a blank page of another origin: the same attributes, the same numbers drawn. The
 * iframe snippet, on a blank page too, opens the lesson with the same view. Also: Escape closes the
 * dialog and gives focus back to the button; on the demo page every widget has the button, a
 * refused clipboard leaves the snippet selected with a message, and there is no iframe snippet;
 * axe-core finds nothing in the open dialog, in light and dark.
 * Screenshots (the viewport, dialog open): test-results/screenshots/embed-dialog-*.png.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIT_VERSION, kitModuleUrl } from '../../src/components/base/kit-version';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { buildKit, type BuiltKit } from './embed-fixture';
import { WIDGET_DOCS } from '../../src/components/docs';
import { collectConsoleErrors, launchBrowser, screenshotDir, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LESSON = 'lessons/forward-process.html';

let site: RunningServer;
let kit: BuiltKit;
let blankDir: string;
let blank: StaticServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  const started = performance.now();
  // The development server first: a Vite build sets NODE_ENV=production in this process, and a
  // server configured after it would take itself for a production build (and register sw.js).
  site = await startServer();
  [kit, blankDir] = await Promise.all([buildKit(), mkdtemp(join(tmpdir(), 'diffusion-lab-blank-'))]);
  console.log(`site started and kit built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Another origin than the lesson's: the kit and the blank pages a teacher would paste into.
  blank = await startStaticServer({ mounts: { '/dist/widgets/': kit.dir, '/course/': blankDir } });
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(site.url).origin });
});

afterAll(async () => {
  await browser?.close();
  await blank?.close();
  await site?.close();
  if (blankDir) await rm(blankDir, { recursive: true, force: true });
});

/** A page on the blank origin whose body is `html` (no favicon to ask for), with its console errors. */
async function blankPage(name: string, html: string): Promise<{ page: Page; errors: string[] }> {
  const head = `<meta charset="utf-8"><title>${name}</title><link rel="icon" href="data:,">`;
  await writeFile(join(blankDir, name), `<!doctype html>\n<html lang="en"><head>${head}</head>\n<body>\n${html}\n</body></html>\n`);
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(`${blank.url}course/${name}`, { waitUntil: 'load' });
  return { page, errors };
}

/** The forward widget's settings and what it draws from them, once its digits are in. */
async function forwardView(frame: Frame): Promise<{ attributes: Record<string, string>; drawn: string[] }> {
  await frame.waitForFunction(() => {
    const root = document.querySelector('diffusion-forward')?.shadowRoot;
    return !!root && /MNIST test #/.test(root.querySelector('.digit-name')?.textContent ?? '') && /\d/.test(root.querySelector('.mean')?.textContent ?? '');
  }, null, { timeout: 30_000 });
  return frame.evaluate(() => {
    const el = document.querySelector('diffusion-forward')!;
    const root = el.shadowRoot!;
    const text = (selector: string) => (root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const attributes = Object.fromEntries(['t', 'mode', 'digit-index', 'seed', 'beta-schedule'].flatMap((name) => (el.hasAttribute(name) ? [[name, el.getAttribute(name)!]] : [])));
    return { attributes, drawn: ['.digit-name', '.t-readout', '.shown-stats', '[part~="numbers"]'].map(text) };
  });
}

function embedButton(page: Page) {
  return page.locator('diffusion-forward button.embed-button');
}

describe('the Embed button', () => {
  it('the kit carries the package’s name and version for its snippets, and nothing else of package.json', async () => {
    const scripts = (await readdir(kit.dir)).filter((file) => file.endsWith('.js'));
    const code = (await Promise.all(scripts.map((file) => readFile(join(kit.dir, file), 'utf8')))).join('\n');
    expect(code).toContain(JSON.stringify(KIT_VERSION));
    expect(code).toContain('cdn.jsdelivr.net/npm/');
    // The build scripts and the dependency lists of package.json stay out of the kit.
    expect(code).not.toContain('build-mnist-assets');
    expect(code).not.toContain('devDependencies');
  });

  it('copies a snippet that recreates the learner’s view of a lesson widget on a blank page, and an iframe of the lesson at that view', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(site.url + LESSON, { waitUntil: 'load' });
    await forwardView(page.mainFrame());

    // The learner's changes, made with the widget's own controls.
    await page.locator('diffusion-forward #t-slider').fill('600');
    await page.locator('diffusion-forward input[value="iterative"]').check();
    await page.locator('diffusion-forward button.next').click();
    const lessonView = await forwardView(page.mainFrame());
    expect(lessonView.attributes).toMatchObject({ t: '600', mode: 'iterative', 'digit-index': '1' });

    // Opened from the keyboard; the Copy button has the focus.
    await embedButton(page).focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('diffusion-forward dialog.embed-dialog');
    await expect.poll(() => dialog.evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
    expect(await page.evaluate(() => document.querySelector('diffusion-forward')!.shadowRoot!.activeElement?.className)).toBe('embed-copy');
    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'embed-dialog-forward-desktop.png') });

    const axe = (await page.evaluate(`${axeSource};axe.run(document.querySelector('diffusion-forward'), { resultTypes: ['violations'] })`)) as AxeResults;
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`)).toEqual([]);

    await page.locator('diffusion-forward button.embed-copy[data-snippet="kit"]').click();
    await expect.poll(() => page.locator('diffusion-forward .embed-status').first().textContent()).toBe('Copied.');
    const kitSnippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(kitSnippet).toBe(await page.locator('diffusion-forward textarea.embed-kit').inputValue());
    expect(kitSnippet).toContain(`<script type="module" src="${kitModuleUrl()}"></script>`);
    // Values at their defaults (the schedule, the seed) are left out.
    expect(kitSnippet.split('\n')[1]).toBe('<diffusion-forward digit-index="1" t="600" mode="iterative"></diffusion-forward>');

    await page.locator('diffusion-forward button.embed-copy[data-snippet="iframe"]').click();
    await expect.poll(() => page.locator('diffusion-forward .embed-status').nth(1).textContent()).toBe('Copied.');
    const iframeSnippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(iframeSnippet).toMatch(/^<iframe src="[^"]+" title="[^"]+" width="100%" height="\d+"[^>]*><\/iframe>$/);

    // Escape closes the dialog and the focus is back on the Embed button.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
    expect(await page.evaluate(() => document.querySelector('diffusion-forward')!.shadowRoot!.activeElement?.className)).toBe('embed-button');
    // (A node_modules linked from outside the repository answers the lesson's KaTeX fonts with 403: not this test's business.)
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 403/.test(e))).toEqual([]);

    // The kit snippet on a blank page of another origin, with the kit built from this tree.
    const local = `${blank.url}dist/widgets/diffusion-lab.js`;
    const { page: embedded, errors: embeddedErrors } = await blankPage('kit.html', kitSnippet.replace(kitModuleUrl(), local));
    const embeddedView = await forwardView(embedded.mainFrame());
    expect(embeddedView).toEqual(lessonView);
    expect(blank.requests).toContain('/dist/widgets/diffusion-lab.js');
    expect(blank.missing).toEqual([]);
    expect(embeddedErrors).toEqual([]);
    await embedded.close();

    // The iframe snippet on a blank page: the lesson opens at the same view.
    const { page: framed } = await blankPage('frame.html', iframeSnippet);
    const frameElement = await framed.waitForSelector('iframe');
    const frame = await frameElement.contentFrame();
    expect(frame!.url()).toMatch(/lessons\/forward-process\.html\?.*forward\.t=600.*#forward$/);
    expect(await forwardView(frame!)).toEqual(lessonView);
    await framed.close();
    await page.close();
  });

  it('on the demo page, on a phone in dark mode: every widget has the button; a refused clipboard leaves the snippet selected with a message', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${site.url}demo/index.html`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]');
    const tags = WIDGET_DOCS.map((doc) => doc.tag);
    expect(tags).toHaveLength(9);
    await page.waitForFunction((names) => names.every((tag) => !!document.querySelector(tag)?.shadowRoot?.querySelector('button.embed-button')), tags);

    await page.locator('diffusion-schedule input[value="scaled_linear"]').check();
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    });
    await page.locator('diffusion-schedule button.embed-button').click();
    await page.locator('diffusion-schedule button.embed-copy[data-snippet="kit"]').click();
    await expect.poll(() => page.locator('diffusion-schedule .embed-status').first().textContent()).toMatch(/did not allow copying.*Ctrl\+C/);
    const selection = await page.evaluate(() => {
      const box = document.querySelector('diffusion-schedule')!.shadowRoot!.activeElement as HTMLTextAreaElement;
      return { box: box.className, selected: box.value.slice(box.selectionStart, box.selectionEnd), value: box.value };
    });
    expect(selection.box).toContain('embed-kit');
    expect(selection.selected).toBe(selection.value);
    expect(selection.value).toMatch(/<diffusion-schedule[\s\S]* schedules="linear,scaled_linear,squaredcos_cap_v2"[\s\S]*><\/diffusion-schedule>$/);
    // Not a lesson: no iframe snippet, and the dialog says where to find one.
    expect(await page.locator('diffusion-schedule textarea.embed-iframe').count()).toBe(0);
    expect(await page.locator('diffusion-schedule dialog.embed-dialog').textContent()).toContain('Open this figure in a lesson');
    // The dialog fits the phone's width.
    const box = await page.locator('diffusion-schedule dialog.embed-dialog').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    const axe = (await page.evaluate(`${axeSource};axe.run(document.querySelector('diffusion-schedule'), { resultTypes: ['violations'] })`)) as AxeResults;
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'embed-dialog-schedule-phone-dark.png') });
    await page.close();
  });
});
