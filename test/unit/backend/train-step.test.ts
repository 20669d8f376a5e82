/** The benchmark's training steps (src/cli/bench-step.ts) on wasm: they learn and free what they make. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { EpsilonTrainStep, linearAlphasCumprod, TrainerBenchStep } from '../../../src/cli/bench-step';
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

describe('TrainerBenchStep', () => {
  it('runs the course Trainer on a fixed batch: weights and EMA move, no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const model = new UNet(PRESETS.tiny, 3);
    const ema = new UNet(PRESETS.tiny, 4);
    const kernel = () => model.variables.get('in.conv.kernel')!.dataSync().slice();
    const emaKernel = () => ema.variables.get('in.conv.kernel')!.dataSync().slice();
    const step = new TrainerBenchStep(model, ema, { batch: 4, imageSize: 28, channels: 1, numClasses: 10 });
    // The Trainer copies the live weights into the EMA model at the start.
    expect(Array.from(emaKernel())).toEqual(Array.from(kernel()));
    const w0 = kernel();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await step.run();
      counts.push(tf.memory().numTensors);
    }
    const w3 = kernel();
    expect(w3.some((v, i) => v !== w0[i])).toBe(true);
    expect(emaKernel().some((v, i) => v !== w0[i])).toBe(true);
    expect(new Set(counts).size).toBe(1);
    step.dispose();
    model.dispose();
    ema.dispose();
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
    expect(() => parseBenchSettings({ presets: 'huge' })).toThrow(/allowed: tiny, small, live, base/);
    expect(() => parseBenchSettings({ steps: '0' })).toThrow(/--steps/);
    expect(parseBenchSettings({}).step).toBe('trainer');
    expect(parseBenchSettings({ step: 'adam' }).step).toBe('adam');
    expect(parseBenchSettings({}).batchPerWorker).toBe(false);
    expect(parseBenchSettings({ batchPerWorker: 'true' }).batchPerWorker).toBe(true);
    expect(() => parseBenchSettings({ step: 'sgd' })).toThrow(/--step must be one of trainer, adam/);
  });
});
