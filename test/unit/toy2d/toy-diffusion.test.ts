import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians, sampleDataset } from '../../../src/toy2d/datasets';
import { mixtureScore } from '../../../src/toy2d/mixture-score';
import { ToyDiffusion } from '../../../src/toy2d/toy-diffusion';

beforeAll(async () => {
  // wasm: the backend the widget uses for this tiny net in a browser, and much faster than cpu.
  await setupBackend('wasm');
});

function meanOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean cosine similarity of two vector fields (x, y interleaved). */
function meanCosine(a: Float32Array, b: Float32Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 2) {
    total += (a[i] * b[i] + a[i + 1] * b[i + 1]) / (Math.hypot(a[i], a[i + 1]) * Math.hypot(b[i], b[i + 1]) + 1e-12);
  }
  return total / (a.length / 2);
}

describe('ToyDiffusion', () => {
  it('training lowers the DDPM loss and the learned score turns toward the true one; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const model = new ToyDiffusion({ seed: 3, hidden: 32, layers: 2 });
    const rng = new Rng(4);
    const losses: number[] = [];
    const probe = sampleDataset('ring', 200, new Rng(9));
    const t = 0.3;
    const trueScore = mixtureScore(ringOfGaussians(), probe, model.process.alpha(t), model.process.sigma(t));
    // Points of p_t (noised data) where the comparison is made: x_t = α x_0 + σ ε.
    const noisy = probe.map((v) => model.process.alpha(t) * v + model.process.sigma(t) * rng.normal());
    const trueAtNoisy = mixtureScore(ringOfGaussians(), noisy, model.process.alpha(t), model.process.sigma(t));
    const cosineBefore = meanCosine(model.score(noisy, t), trueAtNoisy);
    for (let i = 0; i < 300; i++) losses.push(model.trainStep(sampleDataset('ring', 128, rng)));
    expect(model.step).toBe(300);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(meanOf(losses.slice(-50))).toBeLessThan(0.8 * meanOf(losses.slice(0, 20)));
    const cosineAfter = meanCosine(model.score(noisy, t), trueAtNoisy);
    expect(cosineAfter).toBeGreaterThan(0.8);
    expect(cosineAfter).toBeGreaterThan(cosineBefore);
    expect(trueScore).toHaveLength(400);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => model.trainStep(probe)).toThrow(/dispose/);
  });

  it('score is −ε̂/σ(t), the same seed gives the same network, and sampling keeps the tensor count flat', () => {
    const a = new ToyDiffusion({ seed: 5, hidden: 16, layers: 1, noising: 've' });
    const b = new ToyDiffusion({ seed: 5, hidden: 16, layers: 1, noising: 've' });
    const points = Float32Array.from([0.1, 0.2, -1, 1.5]);
    expect(a.score(points, 0.4)).toEqual(b.score(points, 0.4));
    const eps = a.epsilon(points, 0.4);
    const s = a.score(points, 0.4);
    for (let i = 0; i < 4; i++) expect(s[i]).toBeCloseTo(-eps[i] / a.process.sigma(0.4), 5);
    const count = tf.memory().numTensors;
    const out = a.sample(20, new Rng(1), { sampler: 'ode', steps: 5, trajectories: true });
    expect(out.points).toHaveLength(40);
    expect(out.trajectories).toHaveLength(6);
    a.sample(20, new Rng(1), { sampler: 'langevin', steps: 3, langevinStepsPerLevel: 2 });
    a.sample(20, new Rng(1), { sampler: 'ancestral', steps: 4 });
    expect(tf.memory().numTensors).toBe(count);
    a.dispose();
    b.dispose();
  });

  it('rejects bad options with clear messages', () => {
    expect(() => new ToyDiffusion({ seed: 1, hidden: 0 })).toThrow(/hidden must be a whole number from 4 to 1024, got 0/);
    expect(() => new ToyDiffusion({ seed: 1, noising: 'xx' as 'vp' })).toThrow(/noising must be "vp" or "ve"/);
    expect(() => new ToyDiffusion({ seed: Number.NaN })).toThrow(/seed/);
    expect(() => new ToyDiffusion({ seed: 1, learningRate: -1 })).toThrow(/learningRate/);
    expect(() => new ToyDiffusion({ seed: 1, emaDecay: 1 })).toThrow(/emaDecay/);
  });
});
