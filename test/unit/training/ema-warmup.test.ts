import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EMA_WARMUP, emaDecayAt } from '../../../src/training/ema';
import { Trainer } from '../../../src/training/trainer';
import { DDPMScheduler } from '../../../src/diffusion';
import { UNet } from '../../../src/model/unet';
import type { UNetConfig } from '../../../src/model/config';

const TINY: UNetConfig = { imageSize: 8, channels: 1, baseChannels: 4, channelMults: [1], resBlocksPerLevel: 1, attention: false, groups: 2, timeEmbedDim: 8, numClasses: 0 };

describe('the EMA warm-up (1 + n) / (K + n)', () => {
  it('is TensorFlow’s form, K = 10, unless a run sets K', () => {
    expect(DEFAULT_EMA_WARMUP).toBe(10);
    expect(emaDecayAt(0.999, 0)).toBeCloseTo(0.1, 12);
    expect(emaDecayAt(0.999, 90)).toBeCloseTo(0.91, 12);
    expect(emaDecayAt(0.999, 90, 40)).toBeCloseTo(91 / 130, 12);
  });

  it('follows the live weights more closely with a larger K, and stops at the cap', () => {
    for (const n of [1, 10, 262, 804, 2000]) expect(emaDecayAt(0.999, n, 40)).toBeLessThan(emaDecayAt(0.999, n, 10));
    expect(emaDecayAt(0.999, 100_000, 40)).toBe(0.999);
    expect(emaDecayAt(0, 500, 40)).toBe(0);
  });

  it('refuses K below 1 (the decay would exceed 1)', () => {
    expect(() => emaDecayAt(0.999, 5, 0.5)).toThrow('the EMA warm-up must be ≥ 1, got 0.5');
    expect(() => emaDecayAt(0.999, 5, Number.NaN)).toThrow(RangeError);
  });
});

describe('a trainer’s EMA warm-up', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /** How far the EMA weights are from the live weights after `steps` steps with warm-up K. */
  function emaDistance(steps: number, emaWarmup: number): number {
    const model = new UNet(TINY, 3);
    const ema = new UNet(TINY, 3);
    const batches = {
      next: () => ({ images: new Float32Array(2 * 64).map((_, i) => Math.sin(i)), labels: new Int32Array(2) }),
      getState: () => null,
      setState: () => undefined,
    };
    const trainer = new Trainer(model, ema, new DDPMScheduler({ numTrainTimesteps: 50 }), batches, {
      batchSize: 2,
      numClasses: 0,
      seed: 1,
      imageShape: [8, 8, 1],
      emaWarmup,
      adam: { learningRate: 0.01, warmupSteps: 0 },
    });
    for (let i = 0; i < steps; i++) trainer.trainStep();
    const flat = tf.tidy(() => tf.concat([...ema.variables.values()].map((v) => v.flatten())).dataSync() as Float32Array);
    const live = tf.tidy(() => tf.concat([...model.variables.values()].map((v) => v.flatten())).dataSync() as Float32Array);
    trainer.dispose();
    model.dispose();
    ema.dispose();
    let d = 0;
    for (let i = 0; i < flat.length; i++) d += (flat[i] - live[i]) ** 2;
    return Math.sqrt(d);
  }

  it('keeps the average nearer the live weights with K = 40 than with K = 10, leaking no tensor', () => {
    const before = tf.memory().numTensors;
    const near = emaDistance(6, 40);
    const far = emaDistance(6, 10);
    expect(near).toBeGreaterThan(0);
    expect(near).toBeLessThan(far);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a warm-up below 1 when the trainer is made', () => {
    const model = new UNet(TINY, 3);
    const ema = new UNet(TINY, 3);
    const batches = { next: () => ({ images: new Float32Array(64), labels: new Int32Array(1) }), getState: () => null, setState: () => undefined };
    expect(() => new Trainer(model, ema, new DDPMScheduler({ numTrainTimesteps: 50 }), batches, { batchSize: 1, numClasses: 0, seed: 1, imageShape: [8, 8, 1], emaWarmup: 0 })).toThrow(
      'emaWarmup must be ≥ 1, got 0',
    );
    model.dispose();
    ema.dispose();
  });
});
