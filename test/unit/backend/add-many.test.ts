/**
 * addMany sums any number of tensors with no tf.addN call of more than 7 inputs, the most a
 * WebGPU shader may bind with its output (see src/backend/ops/add-many.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMany, setupBackend, WEBGPU_SAFE_ADDN_INPUTS } from '../../../src/backend';

beforeAll(async () => {
  await setupBackend('cpu');
});

/** Input counts of every AddN kernel that `f` runs. */
async function addNInputCounts(f: () => tf.Tensor): Promise<number[]> {
  const info = await tf.profile(() => f());
  (info.result as tf.Tensor).dispose();
  return info.kernels.filter((k) => k.name === 'AddN').map((k) => k.inputShapes.length);
}

describe('addMany', () => {
  it('equals the plain sum for 1 to 216 tensors, in AddN calls of at most 7 inputs', async () => {
    for (const n of [1, 2, 7, 8, 49, 50, 216]) {
      const tensors = Array.from({ length: n }, (_, i) => tf.fill([3], i + 1));
      const counts = await addNInputCounts(() => addMany(tensors));
      expect(Math.max(0, ...counts)).toBeLessThanOrEqual(WEBGPU_SAFE_ADDN_INPUTS);
      const sum = addMany(tensors);
      expect(Array.from(sum.dataSync())).toEqual([0, 1, 2].map(() => (n * (n + 1)) / 2));
      // The inputs stay alive and the result is a new tensor.
      sum.dispose();
      expect(tensors.every((t) => !t.isDisposed)).toBe(true);
      tf.dispose(tensors);
    }
    // tf.addN itself takes all 216 at once: the case WebGPU refuses.
    const many = Array.from({ length: 216 }, () => tf.scalar(1));
    expect(await addNInputCounts(() => tf.addN(many))).toEqual([216]);
    tf.dispose(many);
  });

  it('leaves no tensors behind and refuses bad arguments', () => {
    const tensors = Array.from({ length: 30 }, () => tf.scalar(2));
    const before = tf.memory().numTensors;
    addMany(tensors).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => addMany([])).toThrow(/at least one tensor/);
    expect(() => addMany(tensors, 1)).toThrow(/maxInputs must be an integer ≥ 2/);
    tf.dispose(tensors);
  });
});
