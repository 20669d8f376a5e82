/** The fixture lesson of notebook cells (fixtures/notebook-lesson.md), rendered as the site build does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { renderLessonMarkdown } from '../../src/site/build/markdown';
import { repoRoot } from './harness';

/** A registry entry made for the tests (the real exercises live in src/notebook/exercises/). */
const FIXTURE_EXERCISES = {
  'fixture-square': { title: 'Square a number', solution: 'function square(x) {\n  return x * x;\n}' },
} as Record<string, { title: string; solution: string }>;

export const fixtureHtml = renderLessonMarkdown(readFileSync(join(repoRoot, 'test/e2e/fixtures/notebook-lesson.md'), 'utf8'), {
  exercises: (id) => FIXTURE_EXERCISES[id],
}).html;

export const FIXTURE_PATH = 'test/e2e/pages/notebook.html';

/** Opens the fixture page (at `url` + optional hash) and starts its notebook. */
export async function openFixture(page: Page, url: string, options: { hash?: string; hideSolutions?: boolean } = {}): Promise<void> {
  await page.goto(`${url}${FIXTURE_PATH}${options.hash ?? ''}`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.notebookFixture !== undefined);
  await page.evaluate(([html, hide]) => window.notebookFixture.start(html as string, { hideSolutions: hide as boolean }), [fixtureHtml, options.hideSolutions === true] as const);
}
