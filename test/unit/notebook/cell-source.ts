/**
 * Test helpers for notebook cells: read the `js cell` and `js exercise ID` fences of the lessons,
 * and evaluate a cell's code with the globals the kernel provides (a plain Function with the
 * globals as parameters; the kernel's own scope handling is not needed to get a defined function).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as diffusion from '../../../src/diffusion';

export const LESSONS_DIR = join(__dirname, '../../../lessons');

export interface Fence {
  kind: 'cell' | 'exercise';
  /** The exercise id (exercises only). */
  id: string | null;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export interface LessonFile {
  file: string;
  number: number;
  fences: Fence[];
}

const OPEN = /^```js (cell|exercise)(?: (\S+))?\s*$/;

export function readFences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]);
    if (!m) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    fences.push({ kind: m[1] as Fence['kind'], id: m[2] ?? null, code: body.join('\n'), line: start + 1 });
  }
  return fences;
}

export function readLessons(): LessonFile[] {
  return readdirSync(LESSONS_DIR)
    .filter((f) => /^\d\d-.*\.md$/.test(f))
    .sort()
    .map((file) => ({ file, number: Number(file.slice(0, 2)), fences: readFences(readFileSync(join(LESSONS_DIR, file), 'utf8')) }));
}

/** The globals every cell sees that need no model or data: tf and the diffusion exports. */
export function libraryGlobals(): Record<string, unknown> {
  return { ...diffusion, diffusion, tf };
}

/** Runs a cell's code with `globals` in scope and returns the value of `entry` it defined. */
export function defineEntry(code: string, entry: string, globals: Record<string, unknown> = libraryGlobals()): unknown {
  const names = Object.keys(globals);
  const body = `${code}\nreturn typeof ${entry} === 'undefined' ? undefined : ${entry};`;
  return new Function(...names, body)(...names.map((n) => globals[n]));
}
