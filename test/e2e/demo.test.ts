/**
 * The teacher's page (demo/index.html) in headless Chromium: loads without console errors, all
 * four widgets are defined and drawn, each has attribute and event tables built from
 * src/components/docs.ts whose attribute names match the element's own observedAttributes, its
 * snippet is what runs live, and the page does not scroll sideways on a phone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_DOCS } from '../../src/components/docs';
import { collectConsoleErrors, launchBrowser, screenshot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const PAGE = 'demo/index.html';
/** Every documented widget: each gets a section, and its attribute table is checked against the element. */
const TAGS = WIDGET_DOCS.map((doc) => doc.tag);

let server: RunningServer;
let browser: LaunchedBrowser;

async function openDemo(p: Page): Promise<void> {
  await p.goto(server.url + PAGE, { waitUntil: 'load' });
  await p.waitForSelector('body[data-ready="true"]');
  await p.waitForFunction(
    (tags) =>
      tags.every((tag) => {
        const element = document.querySelector(tag);
        return !!customElements.get(tag) && !!element?.shadowRoot && element.shadowRoot.childElementCount > 0 && element.getBoundingClientRect().height > 100;
      }),
    TAGS,
  );
  // The lab widgets have reached their lab (its worker and backend), and the sampler knows its model.
  await p.waitForFunction(() => document.querySelector('diffusion-trainer')?.backendStatus != null, null, { timeout: 120_000 });
  await p.waitForFunction(() => !/looking for/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('[part~="model"]')?.textContent ?? 'looking for'), null, { timeout: 60_000 });
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('demo page for teachers', () => {
  it('shows all four widgets live with attribute tables that match the elements, and no console errors', async () => {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await openDemo(page);
    expect(await page.title()).toBe('Widgets for teachers · Diffusion Lab');

    for (const tag of TAGS) {
      const section = page.locator(`section#${tag}`);
      expect(await page.locator(`section#${tag} > h2`).textContent()).toContain(`<${tag}>`);
      const documented = (await section.locator('table.attributes tbody th').allTextContents()).map((t) => t.trim());
      const observed = await page.evaluate((t) => [...((customElements.get(t) as unknown as { observedAttributes: string[] }).observedAttributes ?? [])], tag);
      expect([...documented].sort(), tag).toEqual([...observed].sort());
      expect(await section.locator('table.attributes tbody tr td:nth-child(3)').count()).toBe(documented.length);
      const eventNames = (await section.locator('table.events tbody th').allTextContents()).map((t) => t.trim());
      expect(eventNames).toContain('diffusion-error');
      expect(eventNames).toContain('diffusion-change');
      // The snippet is exactly what runs above it.
      const snippet = (await section.locator('pre.snippet').textContent())!.trim();
      expect(snippet.startsWith(`<${tag}`)).toBe(true);
      const live = await page.evaluate((t) => {
        const element = document.querySelector(`#live-${t}`)!;
        return Object.fromEntries([...element.attributes].filter((a) => a.name !== 'id').map((a) => [a.name, a.value]));
      }, tag);
      const fromSnippet = await page.evaluate((html) => {
        const template = document.createElement('template');
        template.innerHTML = html;
        const element = template.content.firstElementChild!;
        return Object.fromEntries([...element.attributes].map((a) => [a.name, a.value]));
      }, snippet);
      expect(live).toEqual(expect.objectContaining(fromSnippet));
      expect(await section.locator('.parts code').count()).toBeGreaterThan(3);
    }
    expect(await page.locator('#custom-properties tbody tr').count()).toBeGreaterThan(10);
    expect(await page.locator('#demo-toc a').count()).toBe(TAGS.length + 1);

    // No widget shows an error message with its snippet's settings.
    for (const tag of TAGS) {
      const messages = await page.evaluate((t) => [...(document.querySelector(t) as unknown as { errors: Map<string, string> }).errors.values()], tag);
      expect(messages, tag).toEqual([]);
    }

    // Copy: the clipboard, or a selection to copy by hand where the clipboard is not allowed.
    await page.locator('section#diffusion-sampler button.copy').click();
    await expect.poll(() => page.locator('section#diffusion-sampler .copy-status').textContent()).toMatch(/^(Copied\.|Selected: press Ctrl\+C)/);
    await screenshot(page, 'demo-page');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone screen without scrolling sideways', async () => {
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.newPage();
      const errors = collectConsoleErrors(page);
      await openDemo(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await page.locator('section#diffusion-sampler').scrollIntoViewIfNeeded();
      await screenshot(page, 'demo-page-phone');
      expect(errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
