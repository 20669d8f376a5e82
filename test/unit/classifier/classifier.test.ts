import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/data/rng';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import type { MnistDataset } from '../../../src/data/mnist';
import {
  CLASSIFIER_KIND,
  ClassifierTrainer,
  classifierFromCheckpoint,
  classifierOutputs,
  crossEntropy,
  dropoutMask,
  encodeClassifierCheckpoint,
  evaluateClassifier,
  fitClassifier,
  MnistClassifier,
  shiftImages,
  validateClassifierConfig,
  type ClassifierConfig,
} from '../../../src/classifier';
import { CheckpointError, checkpointJson, encodeCheckpoint, parseCheckpoint } from '../../../src/training/checkpoint';
import { setupBackend } from '../../../src/backend/node';
import { readCheckpointDir, writeCheckpointDir } from '../../../src/training/checkpoint-node';

const SMALL: ClassifierConfig = {
  kind: CLASSIFIER_KIND,
  imageSize: 28,
  stemChannels: 8,
  stageChannels: [8, 16],
  featureDim: 32,
  numClasses: 10,
};

const TRAINING = {
  steps: 0,
  wallTimeSeconds: 0,
  backend: 'wasm',
  batchSize: 64,
  learningRate: 1e-3,
  warmupSteps: 0,
  gradClipNorm: 5,
  emaDecay: 0,
  labelDropout: 0,
  seed: 0,
};

let mnist: MnistDataset;

beforeAll(async () => {
  // wasm with the project's training kernels: tfjs's own cpu convolution gradients are far slower.
  await setupBackend('wasm', { strict: true });
  mnist = await loadMnistFromNode('train', { source: 'full' });
});

function allOf(data: MnistDataset): { images: Float32Array; labels: Int32Array } {
  const b = data.gather(Int32Array.from({ length: data.count }, (_, i) => i));
  return { images: b.images, labels: b.labels };
}

describe('MnistClassifier', () => {
  it('gives features [B, featureDim] and logits [B, numClasses] without leaking tensors', () => {
    const model = new MnistClassifier(SMALL, 1);
    const x = tf.randomUniform([3, 28, 28, 1], -1, 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const { features, logits } = model.forward(x);
    expect(features.shape).toEqual([3, 32]);
    expect(logits.shape).toEqual([3, 10]);
    features.dispose();
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => model.features(tf.zeros([1, 27, 28, 1]) as tf.Tensor4D)).toThrow(/\[B, 28, 28, 1\]/);
    x.dispose();
    model.dispose();
  });

  it('is initialised from its seed', () => {
    const a = new MnistClassifier(SMALL, 7);
    const b = new MnistClassifier(SMALL, 7);
    const c = new MnistClassifier(SMALL, 8);
    const k = (m: MnistClassifier): Float32Array => m.variables.get('stage.1.conv.kernel')!.dataSync() as Float32Array;
    expect([...k(a)]).toEqual([...k(b)]);
    expect([...k(a)]).not.toEqual([...k(c)]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects configs that are not a classifier', () => {
    expect(() => validateClassifierConfig({ ...SMALL, kind: 'unet' })).toThrow(/kind/);
    expect(() => validateClassifierConfig({ ...SMALL, stageChannels: [] })).toThrow(/stageChannels/);
    expect(() => validateClassifierConfig({ ...SMALL, extra: 1 })).toThrow(/unknown field/);
  });
});

describe('training pieces', () => {
  it('crossEntropy is the mean negative log-softmax of the true class', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 5],
    ]);
    const labels = tf.tensor1d([2, 0], 'int32');
    const value = crossEntropy(logits, labels).dataSync()[0];
    const lse = (r: number[]): number => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    expect(value).toBeCloseTo((lse([1, 2, 3]) - 3 + lse([0, 0, 5]) - 0) / 2, 5);
    tf.dispose([logits, labels]);
  });

  it('shiftImages moves pixels by whole steps and fills with background', () => {
    const side = 5;
    const img = new Float32Array(side * side).fill(-1);
    img[2 * side + 2] = 1; // centre pixel
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let t = 0; t < 40; t++) {
      const out = shiftImages(img, 1, side, 1, rng);
      const lit = [...out.keys()].filter((i) => out[i] === 1);
      expect(lit.length).toBe(1);
      const [y, x] = [Math.floor(lit[0] / side), lit[0] % side];
      expect(Math.abs(y - 2)).toBeLessThanOrEqual(1);
      expect(Math.abs(x - 2)).toBeLessThanOrEqual(1);
      expect(out.filter((v) => v === -1).length).toBe(side * side - 1);
      seen.add(lit[0]);
    }
    expect(seen.size).toBe(9);
  });

  it('dropoutMask keeps about 1 − rate of the entries, scaled by 1 / (1 − rate)', () => {
    const mask = dropoutMask(100, 100, 0.25, new Rng(1));
    const values = mask.dataSync();
    const kept = values.filter((v) => v > 0);
    expect(kept.length / values.length).toBeCloseTo(0.75, 1);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    mask.dispose();
  });

  it('a few Adam steps on 512 MNIST images lower the loss', async () => {
    const data = allOf(mnist.subset(Int32Array.from({ length: 512 }, (_, i) => i)));
    const model = new MnistClassifier(SMALL, 2);
    const before = await evaluateClassifier(model, data.images, data.labels);
    const trainer = new ClassifierTrainer(model, { adam: { learningRate: 2e-3, warmupSteps: 0 }, dropout: 0, maxShift: 0, seed: 1 });
    const numTensors = tf.memory().numTensors;
    for (let step = 0; step < 24; step++) {
      const start = (step % 8) * 64;
      trainer.trainStep(data.images.subarray(start * 784, (start + 64) * 784), data.labels.subarray(start, start + 64)).dispose();
    }
    expect(tf.memory().numTensors).toBe(numTensors);
    const after = await evaluateClassifier(model, data.images, data.labels);
    expect(after.loss).toBeLessThan(0.7 * before.loss);
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.2);
    trainer.dispose();
    model.dispose();
  });

  it('fitClassifier records each epoch and keeps the best validation weights', async () => {
    const train = mnist.subset(Int32Array.from({ length: 384 }, (_, i) => i));
    const val = mnist.subset(Int32Array.from({ length: 128 }, (_, i) => 1000 + i));
    const model = new MnistClassifier(SMALL, 4);
    const epochs: number[] = [];
    const result = await fitClassifier(
      model,
      train,
      val,
      { maxEpochs: 3, patience: 5, batchSize: 64, trainer: { adam: { warmupSteps: 0 }, seed: 2 } },
      { onEpoch: (r) => void epochs.push(r.epoch) },
    );
    expect(epochs).toEqual([1, 2, 3]);
    expect(result.history).toHaveLength(3);
    expect(result.steps).toBe(18);
    expect(result.stoppedBecause).toBe('max-epochs');
    const best = Math.max(...result.history.map((r) => r.validationAccuracy));
    expect(result.bestValidationAccuracy).toBe(best);
    const v = allOf(val);
    expect((await evaluateClassifier(model, v.images, v.labels)).accuracy).toBe(best);
    model.dispose();
  });
});

describe('classifier checkpoints', () => {
  it('round-trips through model.json + weights.bin with identical outputs', async () => {
    const model = new MnistClassifier(SMALL, 5);
    const images = Float32Array.from({ length: 4 * 784 }, (_, i) => Math.sin(i / 13));
    const ckpt = await encodeClassifierCheckpoint(model, {
      training: TRAINING,
      dataset: { name: 'mnist', split: 'train', count: 0, source: 'test' },
      metrics: { testAccuracy: 0.5, testLoss: 1, validationAccuracy: 0.5, epochs: 0, bestEpoch: 0 },
    });
    const dir = await mkdtemp(join(tmpdir(), 'classifier-'));
    try {
      await writeCheckpointDir(dir, ckpt);
      const loaded = classifierFromCheckpoint(await readCheckpointDir(dir));
      expect(loaded.config).toEqual(SMALL);
      const a = await classifierOutputs(model, images, 4, 3);
      const b = await classifierOutputs(loaded, images, 4, 3);
      expect([...b.features]).toEqual([...a.features]);
      expect([...b.logits]).toEqual([...a.logits]);
      expect((await readCheckpointDir(dir)).manifest.metrics?.testAccuracy).toBe(0.5);
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
      model.dispose();
    }
  });

  it('refuses a checkpoint that holds another model', async () => {
    const w = { 'in.conv.kernel': tf.zeros([3, 3, 1, 4]) };
    const ckpt = await encodeCheckpoint(w, {
      weights: 'ema',
      model: { imageSize: 28 },
      scheduler: {},
      training: TRAINING,
      dataset: { name: 'mnist', split: 'train', count: 0, source: 'test' },
    });
    const parsed = await parseCheckpoint(checkpointJson(ckpt), ckpt.data);
    expect(() => classifierFromCheckpoint(parsed)).toThrow(CheckpointError);
    expect(() => classifierFromCheckpoint(parsed)).toThrow(/not a classifier checkpoint/);
    w['in.conv.kernel'].dispose();
  });
});
