import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians, sampleMixture } from '../../../src/toy2d/datasets';
import { GAN_DEFAULTS, TinyGan } from '../../../src/toy2d/gan';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

const ring = ringOfGaussians();
const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

describe('TinyGan', () => {
  it('builds two MLPs of the configured size', () => {
    const gan = new TinyGan({ seed: 0, latentDim: 4, hidden: 16, layers: 2 });
    // G: 4→16→16→2, D: 2→16→16→1, weights plus biases.
    expect(gan.parameterCount).toEqual({
      generator: 4 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2,
      discriminator: 2 * 16 + 16 + 16 * 16 + 16 + 16 * 1 + 1,
    });
    expect(gan.config).toMatchObject({ ...GAN_DEFAULTS, latentDim: 4, hidden: 16, seed: 0 });
    gan.dispose();
  });

  it('is reproducible: the same seed gives the same samples and training, another seed differs', () => {
    const run = (seed: number): Float32Array => {
      const gan = new TinyGan({ seed, hidden: 32 });
      const data = new Rng(1);
      for (let i = 0; i < 5; i++) gan.trainStep(sampleMixture(ring, 64, data));
      const points = gan.sample(50, new Rng(2)).points;
      gan.dispose();
      return points;
    };
    expect(Array.from(run(3))).toEqual(Array.from(run(3)));
    expect(Array.from(run(3))).not.toEqual(Array.from(run(4)));
  });

  it('reports the losses of Goodfellow et al. 2014: −log D(x) − log(1 − D(G(z))) and −log D(G(z))', () => {
    const gan = new TinyGan({ seed: 5, hidden: 32 });
    const data = new Rng(6);
    for (let i = 0; i < 10; i++) gan.trainStep(sampleMixture(ring, 64, data));
    const real = sampleMixture(ring, 40, data);
    const losses = gan.losses(real, new Rng(9));
    // The same latent noise through sample() gives the fake points the losses were computed on.
    const fake = gan.sample(40, new Rng(9)).points;
    const dReal = gan.discriminate(real);
    const dFake = gan.discriminate(fake);
    const expectedD = mean(Array.from(dReal, (p) => -Math.log(p))) + mean(Array.from(dFake, (p) => -Math.log(1 - p)));
    const expectedG = mean(Array.from(dFake, (p) => -Math.log(p)));
    expect(losses.discriminator).toBeCloseTo(expectedD, 4);
    expect(losses.generator).toBeCloseTo(expectedG, 4);
    for (const p of [...dReal, ...dFake]) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    gan.dispose();
  });

  it('learns: G moves its samples onto a single Gaussian, and D tells the data from far-away points', () => {
    // One mode at (1.5, 0): the generator's mean must travel there from near the origin.
    const one = ringOfGaussians({ modes: 1, radius: 1.5, std: 0.1 });
    const gan = new TinyGan({ seed: 1, hidden: 64 });
    const data = new Rng(2);
    const centre = (points: Float32Array): [number, number] => [
      mean(points.filter((_, i) => i % 2 === 0)),
      mean(points.filter((_, i) => i % 2 === 1)),
    ];
    const distance = ([x, y]: [number, number]): number => Math.hypot(x - 1.5, y);
    const before = distance(centre(gan.sample(400, new Rng(3)).points));
    for (let i = 0; i < 300; i++) {
      const { discriminator, generator } = gan.trainStep(sampleMixture(one, 128, data));
      expect(Number.isFinite(discriminator) && Number.isFinite(generator)).toBe(true);
    }
    expect(gan.step).toBe(300);
    const after = distance(centre(gan.sample(400, new Rng(3)).points));
    expect(before).toBeGreaterThan(0.8);
    expect(after).toBeLessThan(0.25);
    // D scores the data above points on a circle of radius 3 around it.
    const far = new Float32Array(400);
    for (let i = 0; i < 200; i++) {
      far[2 * i] = 1.5 + 3 * Math.cos((2 * Math.PI * i) / 200);
      far[2 * i + 1] = 3 * Math.sin((2 * Math.PI * i) / 200);
    }
    expect(mean(gan.discriminate(sampleMixture(one, 200, new Rng(4))))).toBeGreaterThan(mean(gan.discriminate(far)) + 0.2);
    gan.dispose();
  });

  it('keeps the tensor count flat while training and sampling, and frees everything on dispose', () => {
    const start = tf.memory().numTensors;
    const gan = new TinyGan({ seed: 2, hidden: 32 });
    const data = new Rng(3);
    gan.trainStep(sampleMixture(ring, 32, data));
    const alive = tf.memory().numTensors;
    // G and D: three layers each, a weight and a bias per layer, plus Adam's two moments for each.
    expect(alive - start).toBe(12 * 3);
    for (let i = 0; i < 5; i++) {
      gan.trainStep(sampleMixture(ring, 32, data));
      gan.sample(20, data);
      gan.discriminate(sampleMixture(ring, 10, data));
      gan.losses(sampleMixture(ring, 10, data), data);
    }
    expect(tf.memory().numTensors).toBe(alive);
    gan.dispose();
    gan.dispose(); // twice is harmless
    expect(tf.memory().numTensors).toBe(start);
    expect(() => gan.sample(1, data)).toThrow(/disposed/);
  });

  it('rejects bad input and configuration with clear messages', () => {
    const gan = new TinyGan({ seed: 0, hidden: 8 });
    expect(() => gan.trainStep(new Float32Array(3))).toThrow(/x, y pairs/);
    expect(() => gan.trainStep(new Float32Array(0))).toThrow(/x, y pairs/);
    expect(() => gan.sample(-1, new Rng(0))).toThrow(/whole number/);
    expect(gan.sample(0, new Rng(0)).points).toHaveLength(0);
    expect(gan.discriminate(new Float32Array(0))).toHaveLength(0);
    gan.dispose();
    expect(() => new TinyGan({ seed: 0, hidden: 0 })).toThrow(/hidden must be a whole number ≥ 1/);
    expect(() => new TinyGan({ seed: 0, latentDim: 1.5 })).toThrow(/latentDim/);
    expect(() => new TinyGan({ seed: 0, learningRate: 0 })).toThrow(/learningRate must be a number > 0/);
    expect(() => new TinyGan({ seed: 0, discriminatorLearningRate: -1 })).toThrow(/discriminatorLearningRate/);
    expect(() => new TinyGan({ seed: 0, beta1: 1 })).toThrow(/beta1 must be in \[0, 1\)/);
    expect(() => new TinyGan({ seed: Number.NaN })).toThrow(/seed/);
  });
});
