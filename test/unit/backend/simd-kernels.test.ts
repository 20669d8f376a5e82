/**
 * The generated WebAssembly SIMD kernels of src/backend/kernels/simd: the encoder's integer
 * encodings, that every kernel compiles on this Node's engine, and each kernel against an
 * independent reference (tfjs's built-in cpu kernels, float64 loops, or the plain-tfjs path).
 */
import { withBuiltInCpuFilterGradient } from './builtin-kernels';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { evaluateCase, relativeError, type GradientCase } from '../../gradcheck';
import { forwardGeometry } from '../../../src/backend/kernels/geometry';
import { checkSimdKernels, SIMD_KERNEL_BUILDERS } from '../../../src/backend/kernels/simd/all-kernels';
import { filterGradientSimd } from '../../../src/backend/kernels/simd/filter-grad-kernel';
import { filterGradRanges, pickFilterGradTile } from '../../../src/backend/kernels/simd/filter-grad-simd';
import { setSimdKernelsEnabled, simdKernel } from '../../../src/backend/kernels/simd/simd-module';
import { buildSiluGrad, SILU_GRAD_SIMD } from '../../../src/backend/kernels/simd/silu-simd';
import { pickSumVectors } from '../../../src/backend/kernels/simd/sum-simd';
import { s32, u32 } from '../../../src/backend/kernels/simd/wasm-encoder';
import { groupNorm } from '../../../src/backend/ops/group-norm';
import { hasFusedSilu, silu, siluComposite } from '../../../src/backend/ops/silu';
import { Rng } from '../../../src/data/rng';

const TOLERANCE = 1e-3;

beforeAll(async () => {
  await setupBackend('cpu', { strict: true });
  await setupBackend('wasm', { strict: true });
});

afterEach(() => setSimdKernelsEnabled(true));

function wasmBackend(): BackendWasm {
  return tf.backend() as unknown as BackendWasm;
}

function normal(shape: number[], seed: number, scale = 1, offset = 0): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  new Rng(seed).fillNormal(out);
  for (let i = 0; i < out.length; i++) out[i] = out[i] * scale + offset;
  return out;
}

function maxRelative(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

describe('wasm encoder', () => {
  it('writes LEB128 integers as the spec examples', () => {
    expect(u32(0)).toEqual([0]);
    expect(u32(127)).toEqual([0x7f]);
    expect(u32(128)).toEqual([0x80, 0x01]);
    expect(u32(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(s32(-1)).toEqual([0x7f]);
    expect(s32(63)).toEqual([0x3f]);
    expect(s32(64)).toEqual([0xc0, 0x00]);
    expect(s32(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('SIMD kernels', () => {
  it('all compile and instantiate on the wasm backend\'s memory', async () => {
    await tf.setBackend('wasm');
    expect(SIMD_KERNEL_BUILDERS.length).toBeGreaterThan(10);
    expect(checkSimdKernels(wasmBackend())).toEqual({ failed: [], problem: null });
    for (const [name, build] of SIMD_KERNEL_BUILDERS) expect(simdKernel(wasmBackend(), build, name), name).toBeTypeOf('function');
  });

  it('are not used when turned off', async () => {
    await tf.setBackend('wasm');
    setSimdKernelsEnabled(false);
    expect(simdKernel(wasmBackend(), buildSiluGrad, SILU_GRAD_SIMD)).toBeNull();
  });
});

describe('SIMD filter gradient', () => {
  it('picks a tile for the U-Net channel counts, none where it cannot', () => {
    expect(pickFilterGradTile(8, 8)).toEqual({ rows: 4, vectors: 2, swapped: false });
    expect(pickFilterGradTile(24, 8)).toEqual({ rows: 4, vectors: 2, swapped: false });
    expect(pickFilterGradTile(1, 8)).toEqual({ rows: 1, vectors: 2, swapped: false });
    expect(pickFilterGradTile(8, 1)).toEqual({ rows: 1, vectors: 2, swapped: true });
    expect(pickFilterGradTile(4, 4)).toEqual({ rows: 4, vectors: 1, swapped: false });
    expect(pickFilterGradTile(3, 1)).toBeNull();
    expect(pickFilterGradTile(8, 3)).toBeNull();
  });

  it('ranges skip exactly the taps that read padding', () => {
    // 5 wide, pad 1 on the left, filter 3, stride 2: outputs 0..2 read columns 2·o + k − 1.
    const g = { inHeight: 5, inWidth: 5, outHeight: 3, outWidth: 3, filterHeight: 3, filterWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1 };
    const r = filterGradRanges(g);
    // k = 0: column 2o − 1 ≥ 0 from o = 1; k = 1, 2: all three (2·2 + 2 − 1 = 5 > 4 drops o = 2 for k = 2).
    expect(Array.from(r)).toEqual([1, 3, 0, 3, 0, 2, 1, 3, 0, 3, 0, 2]);
  });

  const shapes: Array<{ x: number[]; w: number[]; stride: number; pad: 'same' | 'valid' }> = [
    // Several row blocks (B·Ho = 60 rows, ~19 per block).
    { x: [3, 20, 20, 8], w: [3, 3, 8, 8], stride: 1, pad: 'same' },
    { x: [2, 9, 7, 4], w: [3, 3, 4, 4], stride: 1, pad: 'same' },
    { x: [2, 6, 6, 3], w: [3, 3, 3, 8], stride: 1, pad: 'same' },
    { x: [2, 6, 5, 1], w: [3, 3, 1, 4], stride: 1, pad: 'valid' },
    { x: [2, 8, 8, 8], w: [3, 3, 8, 1], stride: 1, pad: 'same' },
    { x: [2, 7, 6, 4], w: [3, 3, 4, 1], stride: 1, pad: 'valid' },
    { x: [3, 10, 10, 8], w: [3, 3, 8, 8], stride: 2, pad: 'valid' },
    { x: [2, 9, 7, 4], w: [3, 3, 4, 8], stride: 2, pad: 'same' },
    { x: [2, 5, 6, 12], w: [1, 1, 12, 8], stride: 1, pad: 'same' },
    { x: [1, 4, 4, 8], w: [5, 5, 8, 8], stride: 1, pad: 'same' },
  ];
  for (const s of shapes) {
    it(`x${JSON.stringify(s.x)} w${JSON.stringify(s.w)} stride ${s.stride} ${s.pad} matches tfjs's built-in cpu kernel`, async () => {
      const attrs = { strides: s.stride, pad: s.pad, dataFormat: 'NHWC' as const };
      const g = forwardGeometry(s.x, s.w, attrs);
      expect(g).not.toBeNull();
      const dyShape = [s.x[0], g!.outHeight, g!.outWidth, s.w[3]];
      const xv = normal(s.x, 1);
      const dyv = normal(dyShape, 2);

      await tf.setBackend('cpu');
      const want = withBuiltInCpuFilterGradient(() =>
        tf.tidy(() => (tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, s.x), dy: tf.tensor(dyv, dyShape) }, { ...attrs, filterShape: s.w }) as tf.Tensor).dataSync()),
      );

      await tf.setBackend('wasm');
      const x = tf.tensor(xv, s.x);
      const dy = tf.tensor(dyv, dyShape);
      const backend = wasmBackend();
      const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      const out = filterGradientSimd(info(x), info(dy), g!, backend, s.w);
      expect(out).not.toBeNull();
      const got = (backend.typedArrayFromHeap(out!) as Float32Array).slice();
      backend.disposeData(out!.dataId);
      tf.dispose([x, dy]);
      expect(got.length).toBe(want.length);
      expect(maxRelative(got, want)).toBeLessThan(1e-5);
    });
  }
});

/** Float64 GroupNorm of x (NHWC, flattened) and the input gradient of Σ y·dy. */
function groupNormReference(x: Float32Array, gamma: Float32Array, beta: Float32Array, dy: Float32Array, [b, h, w, c]: number[], groups: number) {
  const pixels = h * w;
  const cg = c / groups;
  const n = pixels * cg;
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  for (let i = 0; i < b; i++) {
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let p = 0; p < pixels; p++) for (let ch = g * cg; ch < (g + 1) * cg; ch++) idx.push((i * pixels + p) * c + ch);
      const mu = idx.reduce((s, k) => s + x[k], 0) / n;
      const inv = 1 / Math.sqrt(idx.reduce((s, k) => s + (x[k] - mu) ** 2, 0) / n + 1e-5);
      let meanG = 0;
      let meanGX = 0;
      for (const k of idx) {
        const xh = (x[k] - mu) * inv;
        y[k] = xh * gamma[k % c] + beta[k % c];
        meanG += (gamma[k % c] * dy[k]) / n;
        meanGX += (gamma[k % c] * dy[k] * xh) / n;
      }
      for (const k of idx) dx[k] = inv * (gamma[k % c] * dy[k] - meanG - (x[k] - mu) * inv * meanGX);
    }
  }
  return { y, dx };
}

describe('SIMD GroupNorm', () => {
  const cases: Array<{ shape: number[]; groups: number; scale: number; offset: number }> = [
    { shape: [3, 5, 4, 8], groups: 4, scale: 1, offset: 0 },
    { shape: [2, 3, 3, 12], groups: 3, scale: 2, offset: -1 },
    // A mean 3000 times the spread: the shifted sums and the split mean must not cancel.
    { shape: [2, 6, 6, 16], groups: 4, scale: 0.01, offset: 30 },
  ];
  for (const c of cases) {
    for (const simd of [true, false]) {
      it(`${JSON.stringify(c)} ${simd ? 'SIMD' : 'plain loops'}: value and input gradient match float64`, async () => {
        await tf.setBackend('wasm');
        setSimdKernelsEnabled(simd);
        const xv = normal(c.shape, 3, c.scale, c.offset);
        const gv = normal([c.shape[3]], 4);
        const bv = normal([c.shape[3]], 5);
        const dyv = normal(c.shape, 6);
        const ref = groupNormReference(xv, gv, bv, dyv, c.shape, c.groups);
        const [y, dx] = tf.tidy(() => {
          const x = tf.tensor4d(xv, c.shape as [number, number, number, number]);
          const gamma = tf.tensor1d(gv);
          const beta = tf.tensor1d(bv);
          const dy = tf.tensor(dyv, c.shape);
          const f = (xx: tf.Tensor) => tf.sum(tf.mul(groupNorm(xx as tf.Tensor4D, gamma, beta, c.groups), dy));
          return [groupNorm(x, gamma, beta, c.groups).dataSync(), tf.grad(f)(x).dataSync()];
        });
        // The plain loops' forward rounds its per-channel offset to float32 first (~4e-5 here).
        expect(maxRelative(y, ref.y)).toBeLessThan(simd ? 1e-6 : 1e-4);
        expect(maxRelative(dx, ref.dx)).toBeLessThan(1e-4);
      });
    }
  }
});

describe('SIMD sum over rows', () => {
  it('picks the widest pass that divides the row', () => {
    expect(pickSumVectors(8)).toBe(2);
    expect(pickSumVectors(12)).toBe(3);
    expect(pickSumVectors(32)).toBe(4);
    expect(pickSumVectors(20)).toBe(1);
    expect(pickSumVectors(6)).toBeNull();
  });

  const cases: Array<{ shape: number[]; axes: number[] }> = [
    { shape: [50, 40, 8], axes: [0, 1] },
    { shape: [3, 70, 12], axes: [1] },
    { shape: [2, 5, 3, 24], axes: [1, 2] },
    { shape: [4, 2, 20], axes: [1] },
    { shape: [7, 6], axes: [0] },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.shape)} over ${JSON.stringify(c.axes)} matches float64`, async () => {
      await tf.setBackend('wasm');
      // A large common offset makes float32 running sums drift; the widened runs must not.
      const xv = normal(c.shape, 7, 1, 100);
      const got = tf.tidy(() => tf.sum(tf.tensor(xv, c.shape), c.axes).dataSync());
      const inner = c.shape[c.shape.length - 1];
      const reduced = c.axes.reduce((p, a) => p * c.shape[a], 1);
      const outer = xv.length / (reduced * inner);
      const want = new Float64Array(outer * inner);
      for (let o = 0; o < outer; o++) for (let r = 0; r < reduced; r++) for (let k = 0; k < inner; k++) want[o * inner + k] += xv[(o * reduced + r) * inner + k];
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]) / Math.abs(want[i])).toBeLessThan(1e-6);
    });
  }
});

describe('fused SiLU', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`matches x·σ(x) on ${backend}, value and gradient`, async () => {
      await tf.setBackend(backend);
      expect(hasFusedSilu()).toBe(true);
      const make = (fn: (x: tf.Tensor) => tf.Tensor): GradientCase => ({ name: 'silu', inputs: [{ shape: [3, 5, 7, 2] }], f: (x) => fn(tf.mul(x, 3)) });
      const fused = await evaluateCase(make(silu), 9);
      const composite = await evaluateCase(make(siluComposite), 9);
      expect(fused.grads).toHaveLength(1);
      expect(relativeError(fused.value, composite.value)).toBeLessThan(1e-6);
      expect(relativeError(fused.grads[0], composite.grads[0])).toBeLessThan(TOLERANCE);
    });
  }
});

describe('SIMD run copies', () => {
  it('concat and split of 8- and 12-channel runs equal the cpu backend', async () => {
    const av = normal([2, 3, 5, 8], 11);
    const bv = normal([2, 3, 5, 12], 12);
    const run = () =>
      tf.tidy(() => {
        const joined = tf.concat([tf.tensor(av, [2, 3, 5, 8]), tf.tensor(bv, [2, 3, 5, 12])], 3);
        const [p, q] = tf.split(joined, [12, 8], 3);
        return [joined.dataSync(), p.dataSync(), q.dataSync()];
      });
    await tf.setBackend('cpu');
    const want = run();
    await tf.setBackend('wasm');
    const got = run();
    got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(want[i])));
  });
});
