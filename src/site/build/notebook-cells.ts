/**
 * Code cells in lesson Markdown (the notebook; lessons/README.md documents the format):
 *
 *     ```js cell                  an editable, runnable cell; its body is the code
 *     ```js exercise ddim-step    an exercise; its body is the starter, its solution and hidden
 *                                 checks live in src/notebook/exercises/
 *
 * Each becomes static HTML that reads without JavaScript (the code as text); the page's notebook
 * script (src/notebook/page/) turns it into an editor with Run, Reset and the outputs. An
 * exercise's solution travels hidden in a <template>, shown by "Reveal solution".
 */
import { escapeHtml, LessonMarkdownError } from './markdown';

/** What the build needs of an exercise: whether the id exists, and its solution's source. */
export type ExerciseLookup = (id: string) => { solution: string; title?: string } | undefined;

export interface CellUse {
  index: number;
  kind: 'cell' | 'exercise';
  exercise?: string;
}

const CELL_INFO = /^js\s+cell\s*$/;
const EXERCISE_INFO = /^js\s+exercise(?:\s+(\S+))?\s*$/;
const EXERCISE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})\s*(js\s+(?:cell|exercise)\b.*)$/;

/** Whether a fenced block's info string makes it a cell. */
export function isCellInfo(info: string | undefined): boolean {
  return !!info && (CELL_INFO.test(info.trim()) || EXERCISE_INFO.test(info.trim()));
}

/**
 * Checks every cell fence of a lesson body before rendering, so a mistake names its line
 * (`firstLine` is the body's first line in the file): an exercise needs a known id.
 */
export function checkCellFences(markdown: string, lookup: ExerciseLookup | undefined, firstLine = 1): void {
  const lines = markdown.split('\n');
  let open: string | null = null;
  lines.forEach((line, i) => {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (open !== null) {
      if (fence && fence[1][0] === open[0] && fence[1].length >= open.length && line.trim() === fence[1]) open = null;
      return;
    }
    if (!fence) return;
    open = fence[1];
    const cell = FENCE_LINE.exec(line);
    if (!cell) return;
    const where = `line ${firstLine + i}`;
    const info = cell[2].trim();
    if (CELL_INFO.test(info)) return;
    const exercise = EXERCISE_INFO.exec(info);
    if (!exercise) throw new LessonMarkdownError(`${where}: "${info}" is not a cell; write "js cell" or "js exercise <id>"`);
    const id = exercise[1];
    if (!id || !EXERCISE_ID.test(id)) throw new LessonMarkdownError(`${where}: "js exercise" needs an id of lower-case letters, digits and dashes`);
    if (!lookup?.(id)) throw new LessonMarkdownError(`${where}: unknown exercise "${id}" (exercises are listed in src/notebook/exercises/)`);
  });
}

/** The HTML of one cell; `index` is its place among the page's cells (it keys saved edits). */
export function renderCell(code: string, info: string, index: number, lookup: ExerciseLookup | undefined): { html: string; use: CellUse } {
  const exercise = EXERCISE_INFO.exec(info.trim());
  const id = exercise?.[1];
  const found = id ? lookup?.(id) : undefined;
  if (exercise && (!id || !found)) throw new LessonMarkdownError(`unknown exercise "${id ?? ''}" (exercises are listed in src/notebook/exercises/)`);
  const label = exercise ? `Exercise${found?.title ? `: ${found.title}` : ''}` : `Code cell ${index + 1}`;
  const solution = found
    ? `<template class="nb-cell__solution"><pre class="nb-cell__code nb-cell__code--solution"><code>${escapeHtml(found.solution)}</code></pre></template>`
    : '';
  const html =
    `<div class="nb-cell" role="group" aria-label="${escapeHtml(label)}" data-cell="${index}" data-kind="${exercise ? 'exercise' : 'cell'}"` +
    `${id ? ` data-exercise="${escapeHtml(id)}"` : ''}>` +
    (exercise ? `<p class="nb-cell__label">${escapeHtml(label)}</p>` : '') +
    `<pre class="nb-cell__code nb-cell__source"><code>${escapeHtml(code)}</code></pre>` +
    solution +
    `<div class="nb-cell__output" aria-live="polite"></div>` +
    `</div>\n`;
  return { html, use: { index, kind: exercise ? 'exercise' : 'cell', ...(id ? { exercise: id } : {}) } };
}
