/**
 * Broadcasting Add / Sub / Multiply on wasm with widened rows (widen-broadcast.ts) against the
 * cpu backend, and the widening plan itself.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { relativeError } from '../../gradcheck';
import { widenBroadcast, writeTiledRows } from '../../../src/backend/kernels/widen-broadcast';
import { Rng } from '../../../src/data/rng';

beforeAll(async () => {
  await setupBackend('cpu', { strict: true });
  await setupBackend('wasm', { strict: true });
});

describe('widenBroadcast', () => {
  it('widens a bias row over a feature map', () => {
    expect(widenBroadcast([64, 28, 28, 8], [8], [64, 28, 28, 8])).toEqual({
      small: 'b',
      fullShape: [1, 392, 1024],
      smallShape: [1, 1, 1024],
      row: 8,
      repeats: 128,
    });
  });

  it('widens a per-image row (the time embedding) and keeps one row per image', () => {
    expect(widenBroadcast([64, 1, 1, 8], [64, 28, 28, 8], [64, 28, 28, 8])).toEqual({
      small: 'a',
      fullShape: [64, 7, 896],
      smallShape: [64, 1, 896],
      row: 8,
      repeats: 112,
    });
  });

  it('leaves same shapes, long rows, two-sided broadcasts and per-channel scalars alone', () => {
    expect(widenBroadcast([4, 8], [4, 8], [4, 8])).toBeNull();
    expect(widenBroadcast([64, 256], [256], [64, 256])).toBeNull();
    expect(widenBroadcast([4, 1, 8], [1, 5, 8], [4, 5, 8])).toBeNull();
    expect(widenBroadcast([4, 6, 8], [4, 6, 1], [4, 6, 8])).toBeNull();
    // 131 rows (a prime above the row limit): no widening divides them.
    expect(widenBroadcast([131, 8], [8], [131, 8])).toBeNull();
  });

  it('tiles each row r times', () => {
    const out = new Float32Array(12);
    writeTiledRows(new Float32Array([1, 2, 3, 4]), 2, 2, 3, out);
    expect([...out]).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  });
});

describe('broadcasting binary ops on wasm match cpu', () => {
  const cases: Array<{ a: number[]; b: number[] }> = [
    { a: [4, 16, 16, 8], b: [8] },
    { a: [8], b: [4, 16, 16, 8] },
    { a: [4, 14, 14, 16], b: [4, 1, 1, 16] },
    { a: [4, 1, 1, 16], b: [4, 14, 14, 16] },
    { a: [6, 7, 7, 32], b: [1, 1, 32] },
    { a: [5, 3], b: [3] },
  ];
  const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
  ];
  for (const c of cases) {
    for (const [name, op] of ops) {
      it(`${name} ${JSON.stringify(c.a)} with ${JSON.stringify(c.b)}`, async () => {
        const rng = new Rng(5);
        const make = (shape: number[]) => {
          const v = new Float32Array(shape.reduce((x, y) => x * y, 1));
          rng.fillNormal(v);
          return v;
        };
        const av = make(c.a);
        const bv = make(c.b);
        const run = async (backend: string) => {
          await tf.setBackend(backend);
          const before = tf.memory().numTensors;
          const a = tf.tensor(av, c.a);
          const b = tf.tensor(bv, c.b);
          const y = op(a, b);
          const out = { shape: y.shape, data: await y.data() };
          tf.dispose([a, b, y]);
          expect(tf.memory().numTensors).toBe(before);
          return out;
        };
        const cpu = await run('cpu');
        const wasm = await run('wasm');
        expect(wasm.shape).toEqual(cpu.shape);
        expect(relativeError(wasm.data as Float32Array, cpu.data as Float32Array)).toBe(0);
      });
    }
  }
});
