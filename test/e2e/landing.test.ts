import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessons } from '../../src/site/catalogue';
import { collectConsoleErrors, launchBrowser, screenshot, startServer, type RunningServer } from './harness';

const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe('landing page', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const viewport of viewports) {
    it(`renders the course and its lesson list at ${viewport.name} width`, async () => {
      const browser = await launchBrowser({ viewport: { width: viewport.width, height: viewport.height } });
      try {
        const page = await browser.newPage();
        const errors = collectConsoleErrors(page);
        const requests: string[] = [];
        page.on('request', (request) => requests.push(request.url()));

        await page.goto(server.url, { waitUntil: 'load' });
        await page.waitForSelector('.lesson-list > li');

        expect(await page.title()).toContain('Diffusion Lab');
        expect((await page.locator('h1').textContent())?.trim()).toBe('Diffusion Lab');

        const items = page.locator('#lesson-list ol.lesson-list > li');
        expect(await items.count()).toBe(15);
        const titles = await page.locator('.lesson__title').allTextContents();
        expect(titles.map((title) => title.trim())).toEqual(lessons.map((lesson) => lesson.title));

        // Coming lessons are listed without links, so there is nothing that leads nowhere.
        const comingCount = lessons.filter((lesson) => lesson.status === 'coming').length;
        expect(await page.locator('.lesson[data-status="coming"] a').count()).toBe(0);
        expect(await page.locator('.lesson__tag').count()).toBe(comingCount);

        expect(await page.locator('#teachers h2').textContent()).toBe('For teachers');

        // The figure is drawn: six frames, the first a clean digit on black, the last pure noise.
        const blackFractions = await page.locator('.noise-strip__frame canvas').evaluateAll((canvases) =>
          canvases.map((element) => {
            const canvas = element as HTMLCanvasElement;
            const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
            let black = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] === 0) black++;
            return black / (data.length / 4);
          }),
        );
        expect(blackFractions).toHaveLength(6);
        expect(blackFractions[0]).toBeGreaterThan(0.6);
        expect(blackFractions[5]).toBeLessThan(0.3);

        // Nothing overflows sideways (a common phone-width bug).
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);

        // The landing page stays light: tfjs is never requested.
        expect(requests.filter((url) => url.includes('tensorflow'))).toEqual([]);

        await screenshot(page, `landing-${viewport.name}`);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }

  it('follows the dark colour scheme', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      const background = async (): Promise<string> =>
        page.evaluate(() => getComputedStyle(document.body).backgroundColor);

      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForSelector('.lesson-list > li');
      const light = await background();

      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await background();

      expect(dark).not.toBe(light);
      await screenshot(page, 'landing-desktop-dark');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
