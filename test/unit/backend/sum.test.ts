/**
 * Sum on wasm as plain row sums (reduce-layout.ts) against the cpu backend, and the pieces.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { relativeError } from '../../gradcheck';
import { sumAsRows, sumRows } from '../../../src/backend/kernels/reduce-layout';
import { Rng } from '../../../src/data/rng';

beforeAll(async () => {
  await setupBackend('cpu', { strict: true });
  await setupBackend('wasm', { strict: true });
});

describe('sumAsRows', () => {
  it('views a contiguous block of axes before the last as [outer, reduced, inner]', () => {
    expect(sumAsRows([64, 28, 28, 8], [0, 1, 2])).toEqual({ outer: 1, reduced: 50176, inner: 8 });
    expect(sumAsRows([64, 28, 28, 8], [1, 2])).toEqual({ outer: 64, reduced: 784, inner: 8 });
    expect(sumAsRows([64, 14, 2, 448], [2])).toEqual({ outer: 896, reduced: 2, inner: 448 });
  });

  it('leaves other reductions to the backend', () => {
    expect(sumAsRows([4, 5, 6], [2])).toBeNull();
    expect(sumAsRows([4, 5, 6], [0, 2])).toBeNull();
    expect(sumAsRows([4, 5, 6], [])).toBeNull();
  });
});

describe('sumRows', () => {
  it('sums rows per outer index, for column counts with and without a remainder of four', () => {
    for (const [outer, reduced, inner] of [
      [1, 3000, 8],
      [3, 5, 7],
      [2, 1, 5],
      [4, 600, 13],
    ]) {
      const x = new Rng(3).fillNormal(new Float32Array(outer * reduced * inner));
      const got = new Float32Array(outer * inner).fill(NaN);
      sumRows(x, { outer, reduced, inner }, got);
      for (let o = 0; o < outer; o++)
        for (let c = 0; c < inner; c++) {
          let want = 0;
          for (let r = 0; r < reduced; r++) want += x[(o * reduced + r) * inner + c];
          expect(got[o * inner + c]).toBeCloseTo(want, 3);
        }
    }
  });
});

describe('Sum on wasm matches cpu', () => {
  const cases: Array<{ shape: number[]; axis: number[]; keepDims: boolean }> = [
    { shape: [64, 28, 28, 8], axis: [0, 1, 2], keepDims: false },
    { shape: [8, 14, 14, 16], axis: [0, 1, 2], keepDims: true },
    { shape: [6, 7, 5, 8], axis: [1, 2], keepDims: false },
    { shape: [6, 7, 5, 3], axis: [2, 1], keepDims: true },
    { shape: [3136, 16], axis: [0], keepDims: false },
    { shape: [6, 7, 40], axis: [0, 1], keepDims: false },
    { shape: [5, 9], axis: [1], keepDims: false },
    { shape: [4, 7, 2, 45], axis: [2], keepDims: false },
    { shape: [6, 5, 4, 3], axis: [1, 2, 0], keepDims: false },
  ];
  for (const c of cases) {
    it(`sum ${JSON.stringify(c.shape)} over ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''}`, async () => {
      const rng = new Rng(11);
      const values = new Float32Array(c.shape.reduce((a, b) => a * b, 1));
      rng.fillNormal(values);
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const x = tf.tensor(values, c.shape);
        const y = tf.sum(x, c.axis, c.keepDims);
        const out = { shape: y.shape, data: await y.data() };
        tf.dispose([x, y]);
        expect(tf.memory().numTensors).toBe(before);
        return out;
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      expect(wasm.shape).toEqual(cpu.shape);
      expect(relativeError(wasm.data as Float32Array, cpu.data as Float32Array)).toBeLessThan(1e-5);
    });
  }
});
