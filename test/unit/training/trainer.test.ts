import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { DDPMScheduler } from '../../../src/diffusion';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import { Batcher, type MnistDataset } from '../../../src/data/mnist';
import { Trainer, TrainingDivergedError } from '../../../src/training/trainer';

let data: MnistDataset;

beforeAll(async () => {
  await setupBackend('wasm');
  const all = await loadMnistFromNode('train', { source: 'assets' });
  data = all.subset(Int32Array.from({ length: 512 }, (_, i) => i));
});

function makeTrainer(seed = 1, lr = 2e-3) {
  const config = presetConfig('tiny');
  const model = new UNet(config, seed);
  const ema = new UNet(config, seed);
  const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000 });
  const batches = new Batcher(data, 16, seed);
  const trainer = new Trainer(model, ema, scheduler, batches, {
    batchSize: 16,
    numClasses: config.numClasses,
    seed,
    lossReadEvery: 5,
    adam: { learningRate: lr, warmupSteps: 5 },
  });
  const dispose = () => {
    trainer.dispose();
    model.dispose();
    ema.dispose();
  };
  return { trainer, model, ema, dispose };
}

async function weightsOf(model: UNet): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.variables) out.set(name, (await v.data()) as Float32Array);
  return out;
}

describe('Trainer (wasm backend, tiny preset)', () => {
  it('lowers the loss on a short run', async () => {
    const { trainer, dispose } = makeTrainer(1, 3e-3);
    await trainer.train({ steps: 60 });
    const losses = trainer.losses.map((p) => p.loss);
    expect(losses).toHaveLength(60);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    expect(last).toBeLessThan(first * 0.8);
    dispose();
  });

  it('does not leak tensors over many steps', async () => {
    const { trainer, dispose } = makeTrainer(2);
    await trainer.train({ steps: 3 });
    const before = tf.memory().numTensors;
    await trainer.train({ steps: 15 });
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('changes label dropout and learning rate mid-run through updateSettings, and refuses bad values', async () => {
    const { trainer, dispose } = makeTrainer(4);
    await trainer.train({ steps: 2 });
    trainer.updateSettings({ labelDropout: 1, learningRate: 5e-4 });
    expect(trainer.options.labelDropout).toBe(1);
    expect(trainer.optimizer.config.learningRate).toBe(5e-4);
    await trainer.train({ steps: 2 });
    expect(trainer.step).toBe(4);
    expect(() => trainer.updateSettings({ labelDropout: 1.5 })).toThrow('labelDropout must be in [0, 1], got 1.5');
    expect(() => trainer.updateSettings({ batchSize: 0 })).toThrow('batchSize must be a positive integer, got 0');
    expect(() => trainer.updateSettings({ learningRate: -1 })).toThrow('learningRate must be a positive number, got -1');
    // A refused update changes nothing.
    expect(trainer.options).toMatchObject({ labelDropout: 1, batchSize: 16 });
    dispose();
  });

  it('resumes exactly: 6 + 4 steps equal 10 steps', async () => {
    const a = makeTrainer(3);
    await a.trainer.train({ steps: 6 });
    const resume = JSON.parse(JSON.stringify(a.trainer.getResumeState())) as Record<string, unknown>;
    const tensors = a.trainer.getStateTensors();
    const b = makeTrainer(99);
    b.trainer.restore(resume, tensors);
    tf.dispose(Object.values(tensors));
    await a.trainer.train({ steps: 4 });
    await b.trainer.train({ steps: 4 });
    expect(b.trainer.step).toBe(10);
    const wa = await weightsOf(a.model);
    const wb = await weightsOf(b.model);
    for (const [name, values] of wa) expect(wb.get(name), name).toEqual(values);
    const ea = await weightsOf(a.ema);
    const eb = await weightsOf(b.ema);
    for (const [name, values] of ea) expect(eb.get(name), name).toEqual(values);
    expect(b.trainer.losses.map((p) => p.loss)).toEqual(a.trainer.losses.map((p) => p.loss));
    a.dispose();
    b.dispose();
  });

  it('stops with a clear error when the loss becomes NaN', async () => {
    const { trainer, model, dispose } = makeTrainer(4);
    // Poison one weight: every output, and so the loss, becomes NaN.
    const kernel = model.variables.get('out.conv.bias')!;
    kernel.assign(tf.fill(kernel.shape, NaN));
    await expect(trainer.train({ steps: 5 })).rejects.toThrow(TrainingDivergedError);
    await expect(trainer.train({ steps: 5 })).rejects.toThrow(/loss became NaN at step/);
    dispose();
  });
});
