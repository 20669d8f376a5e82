import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { presetConfig, type UNetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { DDPMScheduler } from '../../../src/diffusion';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import { Batcher, type MnistDataset } from '../../../src/data/mnist';
import { Trainer } from '../../../src/training/trainer';
import { DataParallelTrainer } from '../../../src/training/data-parallel';
import { splitBatch, type ReplicaPort } from '../../../src/training/replica-protocol';
import type { ReplicaBuilder } from '../../../src/training/replica';
import { parseLossWeighting, UNIFORM_WEIGHTING, type LossWeighting } from '../../../src/diffusion/loss-weighting';
import { inProcessReplica, type InProcessReplica } from './in-process-replica';
import type { WatchdogLimits } from '../../../src/training/replica-watchdog';

let data: MnistDataset;
/** Not a multiple of 2 or 3: the shares differ in size, so their weights nᵢ / B matter. */
const BATCH = 11;
const STEPS = 4;
const LEARNING_RATE = 2e-3;
/**
 * Losses are float32 means of B × 784 squared errors: summed in another order (per share, then
 * combined) they differ by about √n·ε ≈ 6e-6 relative, so float32 rounding here means 2e-5.
 */
const LOSS_TOLERANCE = 2e-5;
const cleanup: Array<() => void> = [];

beforeAll(async () => {
  await setupBackend('wasm');
  const all = await loadMnistFromNode('train', { source: 'assets' });
  data = all.subset(Int32Array.from({ length: 256 }, (_, i) => i));
});

afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

const build: ReplicaBuilder = (setup) => ({
  // Any seed: the coordinator's first message replaces the weights.
  model: new UNet(setup.model as unknown as UNetConfig, 12345),
  scheduler: new DDPMScheduler(setup.scheduler),
});

function options(config: UNetConfig, lossWeighting: LossWeighting = UNIFORM_WEIGHTING) {
  return { batchSize: BATCH, numClasses: config.numClasses, seed: 7, lossReadEvery: 2, adam: { learningRate: LEARNING_RATE, warmupSteps: 3 }, lossWeighting };
}

function single(lossWeighting?: LossWeighting) {
  const config = presetConfig('tiny');
  const model = new UNet(config, 7);
  const ema = new UNet(config, 7);
  const trainer = new Trainer(model, ema, new DDPMScheduler({ numTrainTimesteps: 1000 }), new Batcher(data, BATCH, 7), options(config, lossWeighting));
  cleanup.push(() => {
    trainer.dispose();
    model.dispose();
    ema.dispose();
  });
  return { trainer, model, ema };
}

function parallel(
  ports: ReplicaPort[],
  events?: { replicaLost?(message: string, workers: number): void },
  lossWeighting?: LossWeighting,
  watchdog?: Partial<WatchdogLimits>,
) {
  const config = presetConfig('tiny');
  const model = new UNet(config, 7);
  const ema = new UNet(config, 7);
  const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000 });
  const setup = { model: { ...config }, scheduler: { ...scheduler.config } };
  const trainer = new DataParallelTrainer(model, ema, scheduler, new Batcher(data, BATCH, 7), options(config, lossWeighting), { ports, setup, events, watchdog });
  cleanup.push(() => {
    trainer.dispose();
    model.dispose();
    ema.dispose();
  });
  return { trainer, model, ema };
}

async function flat(model: UNet): Promise<Float32Array> {
  const parts = await Promise.all([...model.variables.values()].map((v) => v.data() as Promise<Float32Array>));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** ‖a − b‖ / ‖b‖. */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

function norm(a: Float32Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Adam moves a weight by about the learning rate per step whatever the gradient's size, so a
 * gradient that differs by rounding can move a weight whose gradient is near 0 by a fraction of
 * the learning rate: weights are compared against how far training moved them.
 */
function expectSameWeights(actual: Float32Array, expected: Float32Array, initial: Float32Array): void {
  const moved = new Float32Array(expected.length);
  const apart = new Float32Array(expected.length);
  for (let i = 0; i < expected.length; i++) {
    moved[i] = expected[i] - initial[i];
    apart[i] = actual[i] - expected[i];
  }
  const movedNorm = norm(moved);
  // The weights moved: the comparison is not between two untouched models.
  expect(movedNorm).toBeGreaterThan(1e-2);
  expect(norm(apart) / movedNorm).toBeLessThan(1e-4);
  expect(maxAbsDiff(actual, expected)).toBeLessThan(LEARNING_RATE / 20);
}

/** Rejects when `work` has not settled within `ms`, so a stalled step fails the test instead of hanging it. */
async function finishesWithin<T>(work: Promise<T> | void, ms: number): Promise<T | void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('splitBatch', () => {
  it('gives contiguous shares as equal as possible, and none past the batch', () => {
    expect(splitBatch(12, 2)).toEqual([[0, 6], [6, 12]]);
    expect(splitBatch(11, 3)).toEqual([[0, 4], [4, 8], [8, 11]]);
    expect(splitBatch(8, 3)).toEqual([[0, 3], [3, 6], [6, 8]]);
    expect(splitBatch(2, 4)).toEqual([[0, 1], [1, 2]]);
    expect(splitBatch(5, 1)).toEqual([[0, 5]]);
  });
});

describe('DataParallelTrainer (wasm, tiny preset, in-process replicas)', () => {
  for (const workers of [2, 3]) {
    it(`with ${workers} workers, gives a single trainer's gradient, losses and weights`, async () => {
      const a = single();
      const p = parallel(Array.from({ length: workers - 1 }, () => inProcessReplica(build)));
      expect(p.trainer.workers).toBe(workers);

      // Same weights: the combined gradient of one batch equals the full-batch gradient.
      const first = await a.trainer.sliceGradient(a.trainer.drawBatch(), 0, BATCH);
      const combined = await p.trainer.batchGradient(p.trainer.drawBatch());
      expect(relativeError(combined.gradient, first.gradient)).toBeLessThan(1e-5);
      expect(Math.abs(combined.loss - first.loss) / first.loss).toBeLessThan(LOSS_TOLERANCE);

      await a.trainer.train({ steps: STEPS });
      await p.trainer.train({ steps: STEPS });
      expect(p.trainer.step).toBe(a.trainer.step);
      const la = a.trainer.losses.map((x) => x.loss);
      const lp = p.trainer.losses.map((x) => x.loss);
      expect(lp).toHaveLength(STEPS);
      for (let i = 0; i < STEPS; i++) expect(Math.abs(lp[i] - la[i]) / la[i], `loss of step ${i + 1}`).toBeLessThan(LOSS_TOLERANCE);

      // After K steps: the next batch's gradient, and the weights and EMA.
      const after = await a.trainer.sliceGradient(a.trainer.drawBatch(), 0, BATCH);
      const afterParallel = await p.trainer.batchGradient(p.trainer.drawBatch());
      expect(relativeError(afterParallel.gradient, after.gradient)).toBeLessThan(1e-5);
      const w0 = await flat(single().model);
      const wa = await flat(a.model);
      const wp = await flat(p.model);
      expectSameWeights(wp, wa, w0);
      expectSameWeights(await flat(p.ema), await flat(a.ema), w0);
    });
  }

  it('with min-SNR-γ loss weights, gives a single trainer\'s losses (each share carries its rows\' weights)', async () => {
    const weighting = parseLossWeighting('min-snr:5');
    const a = single(weighting);
    const p = parallel([inProcessReplica(build)], undefined, weighting);
    await a.trainer.train({ steps: 3 });
    await p.trainer.train({ steps: 3 });
    const la = a.trainer.losses.map((x) => x.loss);
    const lp = p.trainer.losses.map((x) => x.loss);
    // The weighted loss differs from the plain one: the weights were used.
    const uniform = single();
    await uniform.trainer.train({ steps: 1 });
    expect(Math.abs(la[0] - uniform.trainer.losses[0].loss) / la[0]).toBeGreaterThan(1e-3);
    for (let i = 0; i < 3; i++) expect(Math.abs(lp[i] - la[i]) / la[i], `loss of step ${i + 1}`).toBeLessThan(LOSS_TOLERANCE);
    const g1 = await a.trainer.sliceGradient(a.trainer.drawBatch(), 0, BATCH);
    const g2 = await p.trainer.batchGradient(p.trainer.drawBatch());
    expect(relativeError(g2.gradient, g1.gradient)).toBeLessThan(1e-5);
  });

  it('goes on with the others when a replica dies mid-run, losing no step', async () => {
    const a = single();
    const replicas: InProcessReplica[] = [inProcessReplica(build), inProcessReplica(build)];
    const lost: Array<[string, number]> = [];
    const p = parallel(replicas, { replicaLost: (message, workers) => lost.push([message, workers]) });
    await a.trainer.train({ steps: STEPS });
    await p.trainer.train({ steps: 2 });
    // Dies right after step 3's share was posted to it.
    const post = replicas[0].post.bind(replicas[0]);
    replicas[0].post = (message, transfer) => {
      post(message, transfer);
      if (message.type === 'gradient' && replicas[0].received.get('gradient') === 3) replicas[0].kill('out of memory');
    };
    await p.trainer.runStep();
    expect(p.trainer.workers).toBe(2);
    expect(lost).toEqual([['Worker 1 of 3 stopped (out of memory); training goes on with 2 workers, and no step was lost.', 2]]);
    await p.trainer.train({ steps: 1 });
    expect(p.trainer.step).toBe(STEPS);
    expect(replicas[0].received.get('gradient')).toBe(3);
    expect(replicas[1].received.get('gradient')).toBe(4);
    const la = a.trainer.losses.map((x) => x.loss);
    const lp = p.trainer.losses.map((x) => x.loss);
    for (let i = 0; i < STEPS; i++) expect(Math.abs(lp[i] - la[i]) / la[i], `loss of step ${i + 1}`).toBeLessThan(LOSS_TOLERANCE);
    expect(maxAbsDiff(await flat(p.model), await flat(a.model))).toBeLessThan(LEARNING_RATE / 20);
    // With every replica gone it is the single-process step again.
    replicas[1].kill('terminated');
    expect(p.trainer.workers).toBe(1);
    await p.trainer.train({ steps: 1 });
    expect(p.trainer.step).toBe(STEPS + 1);
  });

  it('a replica that reports an error is dropped and its share computed here', async () => {
    const a = single();
    const failing: ReplicaBuilder = () => {
      throw new Error('no memory for the network');
    };
    const p = parallel([inProcessReplica(failing)]);
    await a.trainer.train({ steps: 2 });
    await p.trainer.train({ steps: 2 });
    expect(p.trainer.workers).toBe(1);
    const la = a.trainer.losses.map((x) => x.loss);
    const lp = p.trainer.losses.map((x) => x.loss);
    for (let i = 0; i < 2; i++) expect(Math.abs(lp[i] - la[i]) / la[i]).toBeLessThan(LOSS_TOLERANCE);
  });

  it('drops a replica that stops answering without a word, computing its share here', async () => {
    const a = single();
    const silent = inProcessReplica(build);
    // After step 2 it goes quiet, as a Web Worker that called close(): nothing comes back, no failure is reported.
    let quiet = false;
    const listen = silent.onMessage.bind(silent);
    silent.onMessage = (handler) => listen((message) => !quiet && handler(message));
    let terminated = false;
    const terminate = silent.terminate.bind(silent);
    silent.terminate = () => {
      terminated = true;
      terminate();
    };
    const lost: Array<[string, number]> = [];
    const p = parallel([silent], { replicaLost: (message, workers) => lost.push([message, workers]) }, undefined, { minimumMs: 300, factor: 3 });
    await a.trainer.train({ steps: 3 });
    await p.trainer.train({ steps: 2 });
    expect(lost).toEqual([]);
    quiet = true;
    const started = performance.now();
    // Without the watchdog this step never ends.
    await finishesWithin(p.trainer.runStep(), 10_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(lost).toHaveLength(1);
    expect(lost[0][0]).toMatch(/^Worker 1 of 2 stopped \(it sent no gradient within [\d.]+ m?s\); training goes on with 1 worker, and no step was lost\.$/);
    expect(lost[0][1]).toBe(1);
    expect(terminated).toBe(true);
    expect(p.trainer.workers).toBe(1);
    expect(p.trainer.step).toBe(3);
    const la = a.trainer.losses.map((x) => x.loss);
    const lp = (await p.trainer.flushLosses(), p.trainer.losses.map((x) => x.loss));
    expect(lp).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(lp[i] - la[i]) / la[i], `loss of step ${i + 1}`).toBeLessThan(LOSS_TOLERANCE);
    expect(maxAbsDiff(await flat(p.model), await flat(a.model))).toBeLessThan(LEARNING_RATE / 20);
  });

  it('keeps a replica that slows down step by step: its limit follows its own answer times', async () => {
    const slow = inProcessReplica(build);
    // Each answer after the first two comes later than the one before, ending at 1.6 s: three
    // times the 500 ms minimum, yet never more than twice its previous answer.
    const delays = [0, 0, 200, 400, 800, 1600];
    let answers = 0;
    const listen = slow.onMessage.bind(slow);
    slow.onMessage = (handler) =>
      listen((message) => {
        if (message.type !== 'gradient') return handler(message);
        setTimeout(() => handler(message), delays[answers++]);
      });
    const lost: string[] = [];
    const p = parallel([slow], { replicaLost: (message) => lost.push(message) }, undefined, { minimumMs: 500, factor: 3, firstAnswerMs: 20_000 });
    await finishesWithin(p.trainer.train({ steps: delays.length }), 30_000);
    expect(lost).toEqual([]);
    expect(p.trainer.workers).toBe(2);
    expect(slow.received.get('gradient')).toBe(delays.length);
  });

  it('resumes: the replicas take over a restored state', async () => {
    const a = single();
    await a.trainer.train({ steps: 3 });
    const resume = JSON.parse(JSON.stringify(a.trainer.getResumeState())) as Record<string, unknown>;
    const tensors = a.trainer.getStateTensors();
    const p = parallel([inProcessReplica(build)]);
    await p.trainer.train({ steps: 1 });
    p.trainer.restore(resume, tensors);
    tf.dispose(Object.values(tensors));
    await a.trainer.train({ steps: 2 });
    await p.trainer.train({ steps: 2 });
    expect(p.trainer.step).toBe(5);
    const la = a.trainer.losses.map((x) => x.loss);
    const lp = p.trainer.losses.map((x) => x.loss);
    for (let i = 3; i < 5; i++) expect(Math.abs(lp[i] - la[i]) / la[i]).toBeLessThan(LOSS_TOLERANCE);
    expect(maxAbsDiff(await flat(p.model), await flat(a.model))).toBeLessThan(LEARNING_RATE / 20);
  });
});
