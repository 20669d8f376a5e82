/**
 * Lesson pages in headless Chromium, on the development server: every lesson renders without
 * console errors at desktop and phone widths with its widgets defined and drawn; widget settings
 * round-trip through the URL; classroom mode fixes the seed and hides parts; "predict, then
 * check", progress and copy-link work. Screenshots go to test-results/screenshots/lesson-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessonSite, readLessonSources } from '../../src/site/build/lesson-source';
import { collectConsoleErrors, launchBrowser, repoRoot, screenshot, startServer, type RunningServer } from './harness';

const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const sources = readLessonSources(lessonSite(repoRoot));
/** Widgets that train or sample are allowed to bring tfjs (in the lab worker); the others never. */
/** Widgets that never load tfjs: a lesson with only these must not download it. */
const LIGHT_WIDGETS = new Set(['diffusion-forward', 'diffusion-schedule']);

async function openLesson(page: Page, server: RunningServer, id: string, query = ''): Promise<void> {
  await page.goto(`${server.url}lessons/${id}.html${query}`, { waitUntil: 'load' });
  const reports = await page.evaluate(() => window.lessonPage!.widgets);
  expect(reports.filter((report) => !report.ok)).toEqual([]);
}

/** Waits until every widget on the page is defined and has drawn something in its shadow root. */
async function widgetsRendered(page: Page, tags: readonly string[]): Promise<void> {
  await page.waitForFunction(
    (names) =>
      names.every((tag) => {
        if (!customElements.get(tag)) return false;
        return [...document.querySelectorAll(tag)].every((element) => {
          const root = element.shadowRoot;
          return !!root && root.childElementCount > 0 && element.getBoundingClientRect().height > 100;
        });
      }),
    [...tags],
  );
}

describe('lesson pages', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('has lessons, each listed as ready in the catalogue', () => {
    expect(sources.length).toBeGreaterThanOrEqual(3);
    expect(sources.map((source) => source.meta.number)).toEqual([...sources.map((s) => s.meta.number)].sort((a, b) => a - b));
  });

  for (const viewport of viewports) {
    it(`renders every lesson at ${viewport.name} width`, async () => {
      const browser = await launchBrowser({ viewport: { width: viewport.width, height: viewport.height } });
      try {
        for (const source of sources) {
          const page = await browser.newPage();
          const errors = collectConsoleErrors(page);
          const requests: string[] = [];
          page.on('request', (request) => requests.push(request.url()));

          await openLesson(page, server, source.meta.id);
          await widgetsRendered(page, source.meta.widgets);
          await page.waitForLoadState('networkidle');

          expect(await page.title()).toContain(source.meta.title);
          expect((await page.locator('h1').textContent())?.trim()).toBe(source.meta.title);
          // Maths arrives as typeset HTML: KaTeX markup is in the page and no TeX source is left over.
          const body = page.locator('.lesson-body');
          if ((await body.textContent())?.includes('=')) expect(await page.locator('.lesson-body .katex').count()).toBeGreaterThan(0);
          expect(await page.locator('.lesson-body .katex-error').count()).toBe(0);
          expect(await body.evaluate((element) => /\$[^$\s][^$]*\$/.test(element.querySelector('p')?.textContent ?? ''))).toBe(false);

          // The contents list names every section, and its links land on headings.
          const contents = viewport.name === 'desktop' ? '.lesson-contents__list a' : '.lesson-contents-inline__list a';
          const hrefs = await page.locator(contents).evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).hash));
          expect(hrefs.length).toBeGreaterThan(2);
          for (const hash of hrefs) expect(await page.locator(`h2${hash}`).count()).toBe(1);

          // Every display formula fits the column without scrolling sideways, even on a phone.
          await page.evaluate(() => document.fonts.ready);
          const wideFormulas = await page.$$eval('.math-display', (elements) =>
            elements.filter((e) => e.scrollWidth - e.clientWidth > 1).map((e) => e.querySelector('annotation')?.textContent ?? '?'),
          );
          expect(wideFormulas).toEqual([]);

          // Nothing spills sideways, the classic phone-layout bug.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow).toBeLessThanOrEqual(0);

          if (source.meta.widgets.every((tag) => LIGHT_WIDGETS.has(tag))) {
            expect(requests.filter((url) => /tensorflow|tfjs/.test(url))).toEqual([]);
          }
          await screenshot(page, `lesson-${String(source.meta.number).padStart(2, '0')}-${source.meta.id}-${viewport.name}`);
          expect(errors).toEqual([]);
          await page.close();
        }
      } finally {
        await browser.close();
      }
    });
  }

  it('links each lesson to the one before and after', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const second = sources[1];
      await openLesson(page, server, second.meta.id);
      expect(await page.locator('a[rel="prev"]').getAttribute('href')).toBe(`${sources[0].meta.id}.html`);
      expect(await page.locator('a[rel="next"]').getAttribute('href')).toBe(`${sources[2].meta.id}.html`);
      await page.locator('a[rel="next"]').click();
      await page.waitForURL(`**/lessons/${sources[2].meta.id}.html`);
      expect((await page.locator('h1').textContent())?.trim()).toBe(sources[2].meta.title);
      await page.locator('.site-nav a[href$="#lessons"]').click();
      await page.waitForSelector('.lesson-list > li');
      expect(new URL(page.url()).pathname).toBe('/index.html');
    } finally {
      await browser.close();
    }
  });

  it('sets widget attributes from the URL and writes control changes back into it', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      const linkWarnings: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'warning' && message.text().startsWith('Link setting ignored')) linkWarnings.push(message.text());
      });
      await openLesson(
        page,
        server,
        'forward-process',
        '?forward.t=600&forward.mode=iterative&forward.onclick=alert(1)&forward.assets-base=https://example.org/&forward.colour=red',
      );
      await widgetsRendered(page, ['diffusion-forward']);
      const forward = page.locator('diffusion-forward#forward');
      expect(await forward.getAttribute('t')).toBe('600');
      expect(await forward.getAttribute('mode')).toBe('iterative');
      // A link cannot add event handlers or point a widget at another server.
      expect(await forward.getAttribute('onclick')).toBeNull();
      expect(await forward.getAttribute('assets-base')).toBeNull();
      // Nor set what is not one of the widget's settings; the console says why.
      expect(await forward.getAttribute('colour')).toBeNull();
      expect(linkWarnings.join('\n')).toContain('forward.colour: colour is not a setting of <diffusion-forward>; its settings are digit-index, t,');
      const slider = forward.locator('#t-slider');
      expect(await slider.inputValue()).toBe('600');
      await expect.poll(() => forward.locator('.t-readout').textContent()).toContain('t = 600');

      // Moving the slider rewrites the URL in place.
      const historyLength = await page.evaluate(() => history.length);
      await slider.evaluate((input) => {
        (input as HTMLInputElement).value = '321';
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      });
      await expect.poll(() => new URL(page.url()).searchParams.get('forward.t')).toBe('321');
      // A fast drag (hundreds of changes) ends with the last value in the URL, without the
      // browser throttling the page's history calls.
      const warnings: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'warning' && /throttl/i.test(message.text())) warnings.push(message.text());
      });
      await slider.evaluate((input) => {
        for (let t = 0; t <= 400; t++) {
          (input as HTMLInputElement).value = String(t);
          input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        }
      });
      await expect.poll(() => new URL(page.url()).searchParams.get('forward.t')).toBe('400');
      expect(warnings).toEqual([]);
      await slider.evaluate((input) => {
        (input as HTMLInputElement).value = '321';
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      });
      await forward.locator('input[value="closed-form"]').check();
      await expect.poll(() => new URL(page.url()).searchParams.get('forward.mode')).toBe('closed-form');
      expect(await page.evaluate(() => history.length)).toBe(historyLength);

      // The copied link reproduces the view.
      await page.locator('[data-copy-link]').click();
      await expect.poll(() => page.locator('[data-copy-link]').getAttribute('data-copied')).toContain('forward.t=321');
      const copied = (await page.locator('[data-copy-link]').getAttribute('data-copied'))!;
      expect(await page.locator('.lesson-tools__status').textContent()).not.toBe('');

      const again = await browser.newPage();
      await again.goto(copied, { waitUntil: 'load' });
      await widgetsRendered(again, ['diffusion-forward']);
      expect(await again.locator('diffusion-forward#forward #t-slider').inputValue()).toBe('321');
      expect(await again.locator('diffusion-forward#forward').getAttribute('mode')).toBe('closed-form');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('round-trips the schedule widget settings through the URL', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await openLesson(page, server, 'noise-schedules', '?schedule.schedules=linear,sigmoid&schedule.num-train-timesteps=200');
      await widgetsRendered(page, ['diffusion-schedule']);
      const schedule = page.locator('diffusion-schedule#schedule');
      expect(await schedule.getAttribute('schedules')).toBe('linear,sigmoid');
      expect(await schedule.locator('input.num-train-timesteps').inputValue()).toBe('200');
      expect(await schedule.locator('figure.schedule-digit').count()).toBe(2);

      await schedule.locator('input[name="schedule"][value="squaredcos_cap_v2"]').check();
      await expect.poll(() => new URL(page.url()).searchParams.get('schedule.schedules')).toBe('linear,squaredcos_cap_v2,sigmoid');
      await schedule.locator('input.beta-end').fill('0.03');
      await schedule.locator('input.beta-end').dispatchEvent('change');
      await expect.poll(() => new URL(page.url()).searchParams.get('schedule.beta-end')).toBe('0.03');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('round-trips the trainer settings through the URL', async () => {
    if (!sources.some((source) => source.meta.widgets.includes('diffusion-trainer'))) return;
    const id = sources.find((source) => source.meta.widgets.includes('diffusion-trainer'))!.meta.id;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await openLesson(page, server, id, '?trainer.batch-size=16&trainer.steps=300');
      await widgetsRendered(page, ['diffusion-trainer']);
      const trainer = page.locator('diffusion-trainer#trainer');
      expect(await trainer.locator('input.batch-size').inputValue()).toBe('16');
      expect(await trainer.locator('input.steps').inputValue()).toBe('300');
      await trainer.locator('input.learning-rate').fill('0.001');
      await trainer.locator('input.learning-rate').dispatchEvent('change');
      await expect.poll(() => new URL(page.url()).searchParams.get('trainer.learning-rate')).toBe('0.001');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('round-trips the sampler panels and seed through the URL', async () => {
    const withSampler = sources.find((source) => source.meta.widgets.includes('diffusion-sampler'));
    if (!withSampler) return;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await openLesson(page, server, withSampler.meta.id, '?sampler.panels=ddim:10:eta=0&sampler.count=4');
      await widgetsRendered(page, ['diffusion-sampler']);
      const sampler = page.locator('diffusion-sampler#sampler');
      expect(await sampler.getAttribute('panels')).toBe('ddim:10:eta=0');
      expect(await sampler.locator('section.panel').count()).toBe(1);
      expect(await sampler.locator('input.count').inputValue()).toBe('4');
      await sampler.locator('input.seed').fill('77');
      await sampler.locator('input.seed').dispatchEvent('change');
      await expect.poll(() => new URL(page.url()).searchParams.get('sampler.seed')).toBe('77');
      await sampler.locator('section.panel input.steps').fill('25');
      await sampler.locator('section.panel input.steps').dispatchEvent('change');
      await expect.poll(() => new URL(page.url()).searchParams.get('sampler.panels')).toContain('25');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('classroom mode fixes the seed on every widget and hides the named parts', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await openLesson(page, server, 'noise-schedules', '?classroom=1&seed=42&hide=controls,config');
      await widgetsRendered(page, ['diffusion-schedule']);
      const schedule = page.locator('diffusion-schedule#schedule');
      expect(await schedule.getAttribute('seed')).toBe('42');
      expect(await schedule.getAttribute('classroom')).toBe('');
      const display = (part: string): Promise<string> =>
        schedule.evaluate((element, name) => {
          const node = element.shadowRoot!.querySelector(`[part~="${name}"]`);
          return node ? getComputedStyle(node).display : 'missing';
        }, part);
      expect(await display('controls')).toBe('none');
      expect(await display('config')).toBe('none');
      expect(await display('images')).not.toBe('none');
      expect(await display('chart')).not.toBe('none');
      await expect.poll(() => page.locator('.classroom-banner').isVisible()).toBe(true);
      expect(await page.locator('.classroom-banner').textContent()).toContain('seed 42');
      await page.waitForLoadState('networkidle');
      await screenshot(page, 'lesson-classroom-desktop');

      // A link can also hide parts of one widget.
      const single = await browser.newPage();
      await openLesson(single, server, 'noise-schedules', '?schedule.hide-parts=images');
      await widgetsRendered(single, ['diffusion-schedule']);
      expect(
        await single.locator('#schedule').evaluate((element) => getComputedStyle(element.shadowRoot!.querySelector('[part~="images"]')!).display),
      ).toBe('none');

      // Without classroom mode nothing is hidden and the widget keeps its own seed.
      const plain = await browser.newPage();
      await openLesson(plain, server, 'noise-schedules');
      await widgetsRendered(plain, ['diffusion-schedule']);
      const plainSchedule = plain.locator('diffusion-schedule#schedule');
      expect(await plainSchedule.getAttribute('seed')).toBeNull();
      expect(
        await plainSchedule.evaluate((element) => getComputedStyle(element.shadowRoot!.querySelector('[part~="controls"]')!).display),
      ).not.toBe('none');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('keeps the explanation of a prediction back until a guess is locked in, and remembers it', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await openLesson(page, server, 'what-diffusion-models-are');
      const question = page.locator('lesson-predict').first();
      const reveal = question.locator('.predict__reveal');
      const commit = question.locator('.predict__commit');
      expect(await reveal.isVisible()).toBe(false);
      expect(await commit.isDisabled()).toBe(true);

      const answer = Number(await question.getAttribute('data-answer'));
      const wrong = answer === 0 ? 1 : 0;
      await question.locator(`input[value="${wrong}"]`).check();
      expect(await commit.isDisabled()).toBe(false);
      await commit.click();
      expect(await reveal.isVisible()).toBe(true);
      expect(await reveal.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
      expect(await question.getAttribute('class')).toContain('predict--wrong');
      expect(await question.locator('.predict__feedback').textContent()).toContain('Not quite');
      expect(await question.locator('input:not(:disabled)').count()).toBe(0);
      await screenshot(page, 'lesson-predict-answered');

      // Reloading shows the same locked-in guess.
      await page.reload({ waitUntil: 'load' });
      const again = page.locator('lesson-predict').first();
      await expect.poll(() => again.getAttribute('data-choice')).toBe(String(wrong));
      expect(await again.locator('.predict__reveal').isVisible()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('shows opened and finished lessons on the course index', async () => {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const page = await browser.newPage();
      const errors = collectConsoleErrors(page);
      await openLesson(page, server, sources[0].meta.id);
      await page.locator('[data-complete]').click();
      expect(await page.locator('[data-complete]').getAttribute('aria-pressed')).toBe('true');
      await openLesson(page, server, sources[1].meta.id);

      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForSelector('.lesson-list > li');
      const card = (id: string) => page.locator(`.lesson[data-lesson-id="${id}"]`);
      expect(await card(sources[0].meta.id).getAttribute('data-progress')).toBe('done');
      expect(await card(sources[1].meta.id).getAttribute('data-progress')).toBe('visited');
      expect(await card(sources[2].meta.id).getAttribute('data-progress')).toBeNull();
      expect(await card(sources[0].meta.id).locator('a').getAttribute('href')).toBe(`lessons/${sources[0].meta.id}.html`);
      expect(await page.locator('#lesson-progress').textContent()).toContain('finished 1');
      await screenshot(page, 'lesson-progress-on-index-phone');

      // Undo "done" on the lesson page.
      await openLesson(page, server, sources[0].meta.id);
      await page.locator('[data-complete]').click();
      expect(await page.locator('[data-complete]').getAttribute('aria-pressed')).toBe('false');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
