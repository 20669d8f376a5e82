import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { DDPMScheduler } from '../../../src/diffusion';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import { Batcher, type MnistDataset } from '../../../src/data/mnist';
import type { LossWeighting } from '../../../src/diffusion/loss-weighting';
import { Trainer } from '../../../src/training/trainer';

let data: MnistDataset;

beforeAll(async () => {
  await setupBackend('wasm');
  const all = await loadMnistFromNode('train', { source: 'assets' });
  data = all.subset(Int32Array.from({ length: 64 }, (_, i) => i));
});

/** The losses of three steps from the same seed, under a given weighting. */
async function losses(lossWeighting: LossWeighting): Promise<number[]> {
  const config = presetConfig('tiny');
  const model = new UNet(config, 3);
  const ema = new UNet(config, 3);
  const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000 });
  const trainer = new Trainer(model, ema, scheduler, new Batcher(data, 8, 3), {
    batchSize: 8,
    numClasses: config.numClasses,
    seed: 3,
    lossReadEvery: 1,
    lossWeighting,
  });
  const before = tf.memory().numTensors;
  await trainer.train({ steps: 3 });
  expect(tf.memory().numTensors).toBe(before);
  trainer.dispose();
  model.dispose();
  ema.dispose();
  return trainer.losses.map((p) => p.loss);
}

describe('Trainer loss weighting', () => {
  it('min-SNR with a γ above every SNR weighs ε-losses by 1, as uniform does', async () => {
    const uniform = await losses({ kind: 'uniform' });
    const huge = await losses({ kind: 'min-snr', gamma: 1e12 });
    for (let i = 0; i < 3; i++) expect(huge[i]).toBeCloseTo(uniform[i], 5);
  });

  it('min-SNR-5 down-weights the low-noise timesteps, so the loss differs', async () => {
    const uniform = await losses({ kind: 'uniform' });
    const minSnr = await losses({ kind: 'min-snr', gamma: 5 });
    // Weights are 1 where SNR ≤ 5 (t ≳ 130 on the linear schedule) and below 1 elsewhere, so a
    // step only differs when it drew a low-noise timestep; over three steps of 8 some do.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(minSnr)).toBeLessThan(sum(uniform) - 1e-4);
  });
});
