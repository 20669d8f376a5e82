/**
 * Accessibility of every page in headless Chromium, on the development server: the landing page,
 * the teacher's page (demo/index.html) and each lesson, once their widgets are defined and drawn,
 * are checked by axe-core over the whole document, the widgets' open shadow roots included, in
 * both the light and the dark colour scheme. Any violation fails the test with its rule id, impact
 * and the selectors of the nodes it was found on.
 *
 * One browser and one tab visit the pages in turn, and each page is checked once its widgets have
 * drawn and the network is quiet (tables such as the latent widget's arrive with a fetch), without
 * training or sampling anything, so the file stays cheap on a two-core machine.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, Result } from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_DOCS } from '../../src/components/docs';
import { lessonSite, readLessonSources } from '../../src/site/build/lesson-source';
import { lessons } from '../../src/site/catalogue';
import { launchBrowser, repoRoot, startServer, type LaunchedBrowser, type RunningServer } from './harness';
import { openFixture } from './notebook-fixture';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const sources = readLessonSources(lessonSite(repoRoot));
const COLOR_SCHEMES = ['light', 'dark'] as const;

interface SitePage {
  name: string;
  path: string;
  /** Waits until what the page draws on load is there. */
  ready(page: Page): Promise<void>;
}

/** Waits until every element with one of these tags is defined and has drawn into its shadow root. */
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

const pages: SitePage[] = [
  {
    name: 'landing page',
    path: '',
    ready: async (page) => {
      await page.waitForSelector('.lesson-list > li');
      await page.waitForSelector('.noise-strip__frame canvas');
    },
  },
  {
    name: 'demo page',
    path: 'demo/index.html',
    ready: async (page) => {
      await page.waitForSelector('body[data-ready="true"]');
      await widgetsRendered(
        page,
        WIDGET_DOCS.map((doc) => doc.tag),
      );
    },
  },
  ...sources.map(
    (source): SitePage => ({
      name: `lesson ${source.meta.number} (${source.meta.id})`,
      path: `lessons/${source.meta.id}.html`,
      ready: async (page) => {
        const reports = await page.evaluate(() => window.lessonPage!.widgets);
        expect(reports.filter((report) => !report.ok)).toEqual([]);
        await widgetsRendered(page, source.meta.widgets);
        await page.evaluate(() => window.lessonPage!.notebook);
      },
    }),
  ),
];

/** One line per violation: rule, impact, node count, then each node's selector path (shadow hosts first). */
function describeViolations(violations: readonly Result[]): string[] {
  return violations.map((violation) => {
    const targets = violation.nodes.map((node) => `    ${JSON.stringify(node.target)}`).join('\n');
    return `${violation.id} (${violation.impact ?? 'no impact'}) on ${violation.nodes.length} node(s): ${violation.help}\n${targets}`;
  });
}

async function runAxe(page: Page): Promise<AxeResults> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(() => (window as unknown as { axe: typeof import('axe-core') }).axe.run(document, { resultTypes: ['violations'] }));
}

describe('accessibility (axe-core)', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('covers the landing page, the demo page and every ready lesson of the catalogue', () => {
    const ready = lessons.filter((lesson) => lesson.status === 'ready').map((lesson) => `lessons/${lesson.id}.html`);
    expect(ready.length).toBeGreaterThanOrEqual(15);
    expect(pages.map((site) => site.path)).toEqual(['', 'demo/index.html', ...ready]);
  });

  async function violationsInBothSchemes(): Promise<string[]> {
    const found: string[] = [];
    for (const colorScheme of COLOR_SCHEMES) {
      await page.emulateMedia({ colorScheme });
      const { violations } = await runAxe(page);
      found.push(...describeViolations(violations).map((line) => `[${colorScheme}] ${line}`));
    }
    return found;
  }

  it('finds no violations on a page of notebook cells, with editors, outputs, an error and a solution shown', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openFixture(page, server.url);
    expect(await page.evaluate(() => window.notebookFixture.notebook!.runAll())).toBe('error');
    for (const cell of await page.locator('.nb-cell').all()) await cell.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => [...document.querySelectorAll('.nb-cell')].every((cell) => cell.getAttribute('data-editor') === 'ready'));
    await page.locator('.nb-cell__reveal summary').click();
    const found = await violationsInBothSchemes();
    expect(found, found.join('\n')).toEqual([]);
  }, 60_000);

  for (const site of pages) {
    it(`finds no violations on the ${site.name} in light and dark`, async () => {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(server.url + site.path, { waitUntil: 'load' });
      await site.ready(page);
      // What a widget draws from fetched data (a checkpoint's measurements) is there too.
      await page.waitForLoadState('networkidle');
      const found: string[] = [];
      for (const colorScheme of COLOR_SCHEMES) {
        await page.emulateMedia({ colorScheme });
        const { violations } = await runAxe(page);
        found.push(...describeViolations(violations).map((line) => `[${colorScheme}] ${line}`));
      }
      expect(found, found.join('\n')).toEqual([]);
    });
  }
});
