import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { DDPMScheduler } from '../../../src/diffusion';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import { Batcher, type MnistDataset } from '../../../src/data/mnist';
import { Trainer } from '../../../src/training/trainer';
import { DataParallelTrainer } from '../../../src/training/data-parallel';
import { startThreadReplicas } from '../../../src/cli/worker-thread-replicas';

let data: MnistDataset;
const BATCH = 8;
const STEPS = 3;
const LEARNING_RATE = 2e-3;
const cleanup: Array<() => void> = [];

beforeAll(async () => {
  await setupBackend('wasm');
  const all = await loadMnistFromNode('train', { source: 'assets' });
  data = all.subset(Int32Array.from({ length: 128 }, (_, i) => i));
});

afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function flat(model: UNet): Promise<Float32Array> {
  const parts = await Promise.all([...model.variables.values()].map((v) => v.data() as Promise<Float32Array>));
  return Float32Array.from(parts.flatMap((p) => [...p]));
}

describe('DataParallelTrainer over worker_threads (wasm, tiny preset)', () => {
  it('2 workers give the single trainer\'s losses and weights', async () => {
    const config = presetConfig('tiny');
    const options = { batchSize: BATCH, numClasses: config.numClasses, seed: 3, lossReadEvery: 1, adam: { learningRate: LEARNING_RATE, warmupSteps: 2 } };
    const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000 });
    const models = [new UNet(config, 3), new UNet(config, 3), new UNet(config, 3), new UNet(config, 3)];
    const single = new Trainer(models[0], models[1], scheduler, new Batcher(data, BATCH, 3), options);
    const ports = startThreadReplicas(1, 'wasm');
    const setup = { model: { ...config }, scheduler: { ...scheduler.config } };
    const lost: string[] = [];
    const parallel = new DataParallelTrainer(models[2], models[3], scheduler, new Batcher(data, BATCH, 3), options, {
      ports,
      setup,
      events: { replicaLost: (message) => lost.push(message) },
    });
    cleanup.push(() => {
      single.dispose();
      parallel.dispose();
      for (const m of models) m.dispose();
    });
    const initial = await flat(models[0]);
    await single.train({ steps: STEPS });
    await parallel.train({ steps: STEPS });
    expect(lost).toEqual([]);
    expect(parallel.workers).toBe(2);
    expect(parallel.step).toBe(STEPS);
    const ls = single.losses.map((p) => p.loss);
    const lp = parallel.losses.map((p) => p.loss);
    expect(lp).toHaveLength(STEPS);
    // Float32 means of B × 784 squared errors, summed in another order: see data-parallel.test.ts.
    for (let i = 0; i < STEPS; i++) expect(Math.abs(lp[i] - ls[i]) / ls[i], `loss of step ${i + 1}`).toBeLessThan(2e-5);

    // The next batch's gradient, computed by both processes, equals the single trainer's.
    const g1 = await single.sliceGradient(single.drawBatch(), 0, BATCH);
    const g2 = await parallel.batchGradient(parallel.drawBatch());
    let d = 0;
    let n = 0;
    for (let i = 0; i < g1.gradient.length; i++) {
      d += (g2.gradient[i] - g1.gradient[i]) ** 2;
      n += g1.gradient[i] ** 2;
    }
    expect(Math.sqrt(d / n)).toBeLessThan(1e-5);

    const ws = await flat(models[0]);
    const wp = await flat(models[2]);
    let moved = 0;
    let apart = 0;
    for (let i = 0; i < ws.length; i++) {
      moved += (ws[i] - initial[i]) ** 2;
      apart = Math.max(apart, Math.abs(wp[i] - ws[i]));
    }
    expect(Math.sqrt(moved)).toBeGreaterThan(1e-2);
    expect(apart).toBeLessThan(LEARNING_RATE / 20);
  }, 120_000);

  it('a thread that runs out of memory is dropped: training goes on with the others, losing no step', async () => {
    const config = presetConfig('tiny');
    const options = { batchSize: BATCH, numClasses: config.numClasses, seed: 4, lossReadEvery: 1, adam: { learningRate: LEARNING_RATE, warmupSteps: 2 } };
    const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000 });
    const models = [new UNet(config, 4), new UNet(config, 4), new UNet(config, 4), new UNet(config, 4)];
    const single = new Trainer(models[0], models[1], scheduler, new Batcher(data, BATCH, 4), options);
    // One healthy thread, and one whose heap is far too small for tfjs and a U-Net.
    const ports = [...startThreadReplicas(1, 'wasm'), ...startThreadReplicas(1, 'wasm', { resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } })];
    const lost: Array<[string, number]> = [];
    const parallel = new DataParallelTrainer(models[2], models[3], scheduler, new Batcher(data, BATCH, 4), options, {
      ports,
      setup: { model: { ...config }, scheduler: { ...scheduler.config } },
      events: { replicaLost: (message, workers) => lost.push([message, workers]) },
    });
    cleanup.push(() => {
      single.dispose();
      parallel.dispose();
      for (const m of models) m.dispose();
    });
    await single.train({ steps: STEPS });
    await parallel.train({ steps: STEPS });
    expect(lost).toHaveLength(1);
    expect(lost[0][0]).toMatch(/^Worker 2 of 3 stopped \(.*memory.*\); training goes on with 2 workers, and no step was lost\.$/i);
    expect(parallel.workers).toBe(2);
    expect(parallel.step).toBe(STEPS);
    const ls = single.losses.map((p) => p.loss);
    const lp = parallel.losses.map((p) => p.loss);
    for (let i = 0; i < STEPS; i++) expect(Math.abs(lp[i] - ls[i]) / ls[i], `loss of step ${i + 1}`).toBeLessThan(2e-5);
    const ws = await flat(models[0]);
    const wp = await flat(models[2]);
    let apart = 0;
    for (let i = 0; i < ws.length; i++) apart = Math.max(apart, Math.abs(wp[i] - ws[i]));
    expect(apart).toBeLessThan(LEARNING_RATE / 20);
  }, 120_000);
});
