/** PadV2 on wasm (wasm-copy-kernels.ts) against the cpu backend. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { Rng } from '../../../src/data/rng';

beforeAll(async () => {
  await setupBackend('cpu', { strict: true });
  await setupBackend('wasm', { strict: true });
});

describe('PadV2 on wasm matches cpu', () => {
  const cases: Array<{ shape: number[]; paddings: Array<[number, number]>; value: number; dtype: 'float32' | 'int32' }> = [
    { shape: [3, 6, 6, 8], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], value: 0, dtype: 'float32' },
    { shape: [2, 5, 4, 3], paddings: [[1, 0], [0, 2], [3, 1], [1, 1]], value: -1.5, dtype: 'float32' },
    { shape: [4, 7], paddings: [[2, 1], [0, 3]], value: 7, dtype: 'int32' },
    { shape: [0, 3], paddings: [[1, 1], [1, 0]], value: 2, dtype: 'float32' },
  ];
  for (const c of cases) {
    it(`${c.dtype} ${JSON.stringify(c.shape)} padded ${JSON.stringify(c.paddings)} with ${c.value}`, async () => {
      const rng = new Rng(9);
      const n = c.shape.reduce((a, b) => a * b, 1);
      const values = c.dtype === 'int32' ? Int32Array.from({ length: n }, () => rng.int(100)) : rng.fillNormal(new Float32Array(n));
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const x = tf.tensor(values, c.shape, c.dtype);
        const y = tf.pad(x, c.paddings, c.value);
        const out = { shape: y.shape, dtype: y.dtype, data: Array.from(await y.data()) };
        tf.dispose([x, y]);
        expect(tf.memory().numTensors).toBe(before);
        return out;
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      expect(wasm).toEqual(cpu);
    });
  }
});
