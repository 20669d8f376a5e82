/**
 * The Trainer's Adam (src/training/adam.ts): the global gradient norm over every parameter and the
 * clipping it drives, and that the norm is one concatenation rather than a kernel pair per
 * parameter (and never one tf.addN of them all, an invalid shader on WebGPU).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { Adam } from '../../../src/training/adam';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

/** 120 parameters of assorted shapes, and made-up gradients g_i = 0.01·(i + 1) everywhere in parameter i. */
function setup(): { params: Map<string, tf.Variable>; grads: tf.NamedTensorMap; norm: number } {
  const params = new Map<string, tf.Variable>();
  const grads: tf.NamedTensorMap = {};
  let sumOfSquares = 0;
  for (let i = 0; i < 120; i++) {
    const shape = [1 + (i % 3), 2 + (i % 5)];
    params.set(`p${i}`, tf.variable(tf.zeros(shape), true, `adam-test-${i}-${Math.random()}`));
    grads[`p${i}`] = tf.fill(shape, 0.01 * (i + 1));
    sumOfSquares += shape[0] * shape[1] * (0.01 * (i + 1)) ** 2;
  }
  return { params, grads, norm: Math.sqrt(sumOfSquares) };
}

describe('Adam', () => {
  it('returns the global norm of all gradients with a constant number of norm kernels', async () => {
    const { params, grads, norm } = setup();
    const adam = new Adam(params, { warmupSteps: 0, gradClipNorm: 1 });
    const profile = await tf.profile(() => adam.apply(grads));
    const got = profile.result as tf.Scalar;
    expect((await got.data())[0]).toBeCloseTo(norm, 4);
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'Square')).toHaveLength(1);
    expect(names.filter((n) => n === 'AddN')).toHaveLength(0);
    got.dispose();
    adam.dispose();
    tf.dispose([...params.values(), ...Object.values(grads)]);
  });

  it('moves every element by the learning rate on the first step and leaves no tensor behind', async () => {
    // Step 1 of Adam moves each element by lr·sign(g) whatever the scale of g (m̂ = g, v̂ = g²),
    // clipped or not.
    const { params, grads, norm } = setup();
    const adam = new Adam(params, { warmupSteps: 0, gradClipNorm: 1, learningRate: 0.1 });
    const before = tf.memory().numTensors;
    const reported = adam.apply(grads);
    expect((await reported.data())[0]).toBeCloseTo(norm, 4);
    reported.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const moved = await params.get('p7')!.data();
    for (const value of moved) expect(value).toBeCloseTo(-0.1, 5);
    adam.dispose();
    tf.dispose([...params.values(), ...Object.values(grads)]);
  });
});
