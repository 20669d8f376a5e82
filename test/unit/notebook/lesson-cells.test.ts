/**
 * Runs every cell of lessons 2–11 in page order with the kernel's globals (kernel-stand-in.ts),
 * each lesson in one shared scope: its cells are joined into one async function, with a marker
 * after each cell that records the time, the outputs and the tensor count.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { readLessons } from './cell-source';
import { kernelGlobals, type Output } from './kernel-stand-in';

/** Seconds one cell may take on one wasm thread here (sampling cells are the slow ones). */
const CELL_BUDGET_S = 20;

interface CellRun {
  line: number;
  kind: string;
  seconds: number;
  outputs: string[];
  tensorsLeft: number;
}

const lessons = readLessons().filter((l) => l.number >= 2 && l.number <= 11);

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
  // Load the models and data once, so their tensors are not counted against the first cell.
  const { globals } = kernelGlobals();
  const models = globals.models as { shipped(): Promise<unknown>; autoencoder(): Promise<unknown> };
  await models.shipped();
  await models.autoencoder();
  const mnist = globals.mnist as { digits(n: number, o: object): Promise<{ images: tf.Tensor }> };
  for (const split of ['train', 'test']) (await mnist.digits(1, { split })).images.dispose();
});

describe.each(lessons.map((l) => [l.file, l] as const))('%s', (file, lesson) => {
  it('has at least one runnable cell', () => {
    expect(lesson.fences.filter((f) => f.kind === 'cell').length).toBeGreaterThan(0);
  });

  it('runs all its cells in order in one scope: no error, an output from each cell, no tensor left behind', async () => {
    const { globals, outputs } = kernelGlobals();
    const runs: CellRun[] = [];
    let mark = { time: performance.now(), outputs: 0, tensors: tf.memory().numTensors };
    const cellDone = (i: number): void => {
      const now = { time: performance.now(), outputs: outputs.length, tensors: tf.memory().numTensors };
      const f = lesson.fences[i];
      runs.push({
        line: f.line,
        kind: f.kind === 'cell' ? 'cell' : `exercise ${f.id}`,
        seconds: (now.time - mark.time) / 1000,
        outputs: outputs.slice(mark.outputs).map((o) => `${o.kind}: ${o.detail.slice(0, 120)}`),
        tensorsLeft: now.tensors - mark.tensors,
      });
      mark = now;
    };
    const source = lesson.fences.map((f, i) => `${f.code}\n;__cellDone(${i});`).join('\n');
    const names = [...Object.keys(globals), '__cellDone'];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, source)(...Object.keys(globals).map((n) => globals[n]), cellDone);
    for (const run of runs) console.log(`${file}:${run.line} ${run.kind} ${run.seconds.toFixed(2)} s, ${run.outputs.join(' | ') || 'no output'}`);
    expect(runs).toHaveLength(lesson.fences.length);
    for (const run of runs) {
      const where = `${file}:${run.line}`;
      if (run.kind === 'cell') expect(run.outputs.length, `${where} gives no output`).toBeGreaterThan(0);
      expect(run.tensorsLeft, `${where} leaves tensors`).toBe(0);
      expect(run.seconds, `${where} takes too long`).toBeLessThan(CELL_BUDGET_S);
    }
  });
});
