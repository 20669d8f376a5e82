/** The benchmark's training step (src/cli/bench-step.ts) on wasm: it learns and frees what it makes. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { EpsilonTrainStep, linearAlphasCumprod } from '../../../src/cli/bench-step';
import { parseBenchSettings } from '../../../src/cli/bench-options';
import { PRESETS, UNet } from '../../../src/model';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

describe('EpsilonTrainStep', () => {
  it('lowers the loss on a fixed batch and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const model = new UNet(PRESETS.tiny, 3);
    const step = new EpsilonTrainStep(model, { batch: 4, imageSize: 28, channels: 1, numClasses: 10, learningRate: 3e-3 });
    const losses: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const loss = step.step();
      losses.push((await loss.data())[0]);
      loss.dispose();
      counts.push(tf.memory().numTensors);
    }
    step.dispose();
    model.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[5]).toBeLessThan(losses[0]);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bench helpers', () => {
  it('uses DDPM’s linear schedule', () => {
    const a = linearAlphasCumprod(1000);
    expect(a[0]).toBeCloseTo(1 - 1e-4, 10);
    expect(a[999]).toBeGreaterThan(0);
    expect(a[999]).toBeLessThan(1e-4);
  });

  it('parses settings and names the allowed presets on error', () => {
    expect(parseBenchSettings({ presets: 'tiny', steps: '3', batch: '8' })).toMatchObject({ presets: ['tiny'], steps: 3, batch: 8 });
    expect(() => parseBenchSettings({ presets: 'huge' })).toThrow(/allowed: tiny, small, base/);
    expect(() => parseBenchSettings({ steps: '0' })).toThrow(/--steps/);
  });
});
