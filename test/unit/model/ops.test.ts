import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { downsampleConv, groupNorm, timestepFeatures, upsampleNearest2x } from '../../../src/model/ops';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const arr = (t: tf.Tensor) => Array.from(t.dataSync());

describe('upsampleNearest2x', () => {
  it('copies each pixel into a 2×2 block, per image and channel', () => {
    const data = Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => i);
    const x = tf.tensor4d(data, [2, 2, 3, 2]);
    const y = upsampleNearest2x(x);
    expect(y.shape).toEqual([2, 4, 6, 2]);
    const xv = x.arraySync();
    const yv = y.arraySync();
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 6; j++)
          for (let c = 0; c < 2; c++) expect(yv[b][i][j][c]).toBe(xv[b][i >> 1][j >> 1][c]);
    tf.dispose([x, y]);
  });

  it('has the right gradient at batch > 1 (the sum over each 2×2 block)', () => {
    const x = tf.randomNormal([3, 2, 2, 2]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 4, 4, 2]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(upsampleNearest2x(v as tf.Tensor4D), w)))(x);
    const wv = w.arraySync() as number[][][][];
    const gv = g.arraySync() as number[][][][];
    for (let b = 0; b < 3; b++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let c = 0; c < 2; c++) {
            const expected = wv[b][2 * i][2 * j][c] + wv[b][2 * i + 1][2 * j][c] + wv[b][2 * i][2 * j + 1][c] + wv[b][2 * i + 1][2 * j + 1][c];
            expect(gv[b][i][j][c]).toBeCloseTo(expected, 5);
          }
    tf.dispose([x, w, g]);
  });
});

describe('downsampleConv', () => {
  it('pads one pixel on every side (not TensorFlow-style "same")', () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const k = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const y = downsampleConv(x, k, tf.zeros([1]) as tf.Tensor1D);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    // Window at (0,0) covers rows/cols -1..1 → 4 real pixels; (0,1) → 6; (1,1) → 9.
    expect(arr(y)).toEqual([4, 6, 6, 9]);
  });

  it('halves 28 → 14 → 7', () => {
    const k = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const b = tf.zeros([1]) as tf.Tensor1D;
    const y = downsampleConv(downsampleConv(tf.ones([1, 28, 28, 1]) as tf.Tensor4D, k, b), k, b);
    expect(y.shape).toEqual([1, 7, 7, 1]);
  });
});

describe('groupNorm', () => {
  it('matches a direct computation', () => {
    const [b, h, w, c, g] = [2, 3, 3, 4, 2];
    const x = tf.randomNormal([b, h, w, c], 2, 3) as tf.Tensor4D;
    const gamma = tf.tensor1d([1, 2, 0.5, -1]);
    const beta = tf.tensor1d([0, 1, -1, 0.25]);
    const y = groupNorm(x, gamma, beta, g).arraySync();
    const xv = x.arraySync();
    const gv = arr(gamma);
    const bv = arr(beta);
    for (let n = 0; n < b; n++)
      for (let grp = 0; grp < g; grp++) {
        const vals: number[] = [];
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let ch = grp * 2; ch < grp * 2 + 2; ch++) vals.push(xv[n][i][j][ch]);
        const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
        const variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length;
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++)
            for (let ch = grp * 2; ch < grp * 2 + 2; ch++) {
              const expected = ((xv[n][i][j][ch] - mean) / Math.sqrt(variance + 1e-5)) * gv[ch] + bv[ch];
              expect(y[n][i][j][ch]).toBeCloseTo(expected, 4);
            }
      }
  });
});

describe('timestepFeatures', () => {
  it('is [sin(t·f), cos(t·f)] with f from 1 down to 1/10000', () => {
    const f = timestepFeatures(tf.tensor1d([0, 7], 'int32'), 8);
    expect(f.shape).toEqual([2, 8]);
    const [t0, t7] = f.arraySync();
    expect(t0.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(t0.slice(4)).toEqual([1, 1, 1, 1]);
    expect(t7[0]).toBeCloseTo(Math.sin(7), 5);
    expect(t7[3]).toBeCloseTo(Math.sin(7e-4), 6);
    expect(t7[5]).toBeCloseTo(Math.cos(7 * Math.exp(-Math.log(10000) / 3)), 5);
  });
});
