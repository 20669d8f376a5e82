/**
 * Gradients on the wasm backend (with this project's training kernels) against the cpu backend,
 * op by op and for the whole tiny U-Net; and the replacement convolution gradients against
 * tfjs's own cpu kernels.
 */
import { withBuiltInCpuFilterGradient } from './builtin-kernels';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { OP_GRADIENT_CASES, compareBackends, compareModelGradients, evaluateCase, relativeError, type GradientCase } from '../../gradcheck';
import { groupNorm, groupNormComposite, hasFusedGroupNorm } from '../../../src/backend/ops/group-norm';
import { PRESETS, UNet } from '../../../src/model';

const TOLERANCE = 1e-3;

beforeAll(async () => {
  await setupBackend('cpu', { strict: true });
  await setupBackend('wasm', { strict: true });
});

describe('every U-Net op: wasm gradients match cpu', () => {
  for (const c of OP_GRADIENT_CASES) {
    it(c.name, async () => {
      const [result] = await compareBackends([c], 'wasm', 'cpu');
      expect(result.gradErrors.length).toBeGreaterThan(0);
      expect(result.valueError).toBeLessThan(TOLERANCE);
      for (const e of result.gradErrors) expect(e).toBeLessThan(TOLERANCE);
      expect(result.leakedTensors).toBe(0);
    });
  }
});

describe('convolution gradients against tfjs built-in cpu kernels', () => {
  const shapes: Array<{ x: number[]; w: number[]; stride: number; pad: 'same' | 'valid' }> = [
    { x: [2, 6, 6, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [3, 8, 8, 2], w: [3, 3, 2, 5], stride: 2, pad: 'valid' },
    { x: [2, 9, 7, 4], w: [3, 3, 4, 3], stride: 2, pad: 'same' },
    { x: [2, 5, 6, 3], w: [1, 1, 3, 2], stride: 1, pad: 'valid' },
    { x: [2, 7, 7, 2], w: [3, 3, 2, 2], stride: 1, pad: 'valid' },
    // Fewer output than input channels: the swapped layout (grid-layout.ts).
    { x: [2, 6, 5, 4], w: [3, 3, 4, 2], stride: 1, pad: 'same' },
    { x: [3, 7, 6, 3], w: [3, 3, 3, 1], stride: 1, pad: 'valid' },
    { x: [2, 5, 5, 6], w: [1, 1, 6, 3], stride: 1, pad: 'same' },
  ];
  for (const s of shapes) {
    const c: GradientCase = {
      name: `conv2d x${JSON.stringify(s.x)} w${JSON.stringify(s.w)} stride ${s.stride} ${s.pad}`,
      inputs: [{ shape: s.x }, { shape: s.w }],
      f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s.stride, s.pad),
    };
    it(c.name, async () => {
      await tf.setBackend('cpu');
      const reference = await withBuiltInCpuFilterGradient(() => evaluateCase(c, 7));
      const onCpu = await evaluateCase(c, 7);
      await tf.setBackend('wasm');
      const onWasm = await evaluateCase(c, 7);
      for (const got of [onCpu, onWasm]) {
        expect(got.grads).toHaveLength(2);
        got.grads.forEach((g, i) => expect(relativeError(g, reference.grads[i])).toBeLessThan(TOLERANCE));
      }
    });
  }
});

describe('fused GroupNorm', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`matches the composite ops on ${backend}, value and gradients`, async () => {
      await tf.setBackend(backend);
      expect(hasFusedGroupNorm()).toBe(true);
      const make = (fn: typeof groupNorm): GradientCase => ({
        name: 'gn',
        // A large mean relative to the spread checks the variance for cancellation.
        inputs: [{ shape: [2, 4, 3, 6] }, { shape: [6] }, { shape: [6] }],
        f: (x, g, b) => fn(tf.add(tf.mul(x, 0.01), 30) as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 3),
      });
      const fused = await evaluateCase(make(groupNorm), 3);
      const composite = await evaluateCase(make(groupNormComposite), 3);
      expect(relativeError(fused.value, composite.value)).toBeLessThan(TOLERANCE);
      fused.grads.forEach((g, i) => expect(relativeError(g, composite.grads[i])).toBeLessThan(TOLERANCE));
    });
  }
});

describe('tiny U-Net', () => {
  it('variable gradients on wasm match cpu (batch 2, with labels)', async () => {
    const result = await compareModelGradients(
      () => new UNet(PRESETS.tiny, 5),
      { batch: 2, imageSize: 28, channels: 1, numClasses: PRESETS.tiny.numClasses },
      'wasm',
      'cpu',
    );
    expect(result.gradErrors.size).toBeGreaterThan(10);
    expect(result.lossError).toBeLessThan(TOLERANCE);
    for (const [name, e] of result.gradErrors) expect(e, name).toBeLessThan(TOLERANCE);
    expect(result.leakedTensors).toBe(0);
  });
});
