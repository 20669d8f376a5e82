import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { FusedAdam } from '../../../src/backend/ops/adam';
import { relativeError } from '../../gradcheck';
import { Rng } from '../../../src/data/rng';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

/** Three updates of two parameters with fixed gradients; returns the final parameter values. */
async function run(kind: 'fused' | 'tfjs'): Promise<{ initial: Float32Array[]; final: Float32Array[] }> {
  const rng = new Rng(4);
  const shapes = [[3, 4], [5]];
  const initial = shapes.map((s) => rng.fillNormal(new Float32Array(s.reduce((a, b) => a * b))));
  const params = shapes.map((s, i) => tf.variable(tf.tensor(initial[i], s)));
  const grads = [0, 1, 2].map(() => shapes.map((s) => tf.tensor(rng.fillNormal(new Float32Array(s.reduce((a, b) => a * b))), s)));
  const before = tf.memory().numTensors;
  if (kind === 'fused') {
    const adam = new FusedAdam(params, { learningRate: 0.01 });
    for (const g of grads) adam.apply(g);
    adam.dispose();
  } else {
    const adam = tf.train.adam(0.01);
    for (const g of grads) adam.applyGradients(params.map((p, i) => ({ name: p.name, tensor: g[i] })));
    adam.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
  const final = await Promise.all(params.map((p) => p.data() as Promise<Float32Array>));
  tf.dispose([...params, ...grads.flat()]);
  return { initial, final };
}

describe('FusedAdam', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`matches tf.train.adam on ${backend} and leaks nothing`, async () => {
      await tf.setBackend(backend);
      const fused = await run('fused');
      const reference = await run('tfjs');
      fused.final.forEach((p, i) => expect(relativeError(p, reference.final[i])).toBeLessThan(1e-5));
      // Three steps of size ~0.01 each moved every parameter.
      fused.final.forEach((p, i) => expect(relativeError(p, fused.initial[i])).toBeGreaterThan(1e-3));
    });
  }
});
