import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_NOISY_CLASSIFIER_CONFIG,
  NOISY_CLASSIFIER_KIND,
  validateNoisyClassifierConfig,
  type NoisyClassifierConfig,
} from '../../../src/classifier/noisy-config';
import { NoisyClassifier } from '../../../src/classifier/noisy-model';
import { accuracyByTimestep, noiseImages, NoisyClassifierTrainer } from '../../../src/classifier/noisy-train';
import { checkSameSchedule, encodeNoisyClassifierCheckpoint, noisyClassifierFromCheckpoint } from '../../../src/classifier/noisy-checkpoint';
import { CheckpointError, checkpointJson, encodeCheckpoint, parseCheckpoint, type TrainingRecord } from '../../../src/training/checkpoint';
import { readCheckpointDir } from '../../../src/training/checkpoint-node';
import { schedulerFor } from '../../../src/diffusion/pipelines/sampling';
import { Rng } from '../../../src/data/rng';

const TINY: NoisyClassifierConfig = {
  kind: NOISY_CLASSIFIER_KIND,
  imageSize: 8,
  stemChannels: 4,
  stageChannels: [8],
  timeEmbedDim: 8,
  groups: 2,
  numClasses: 2,
  numTrainTimesteps: 1000,
};
const ALPHAS = schedulerFor('ddpm').alphasCumprod;

const TRAINING: TrainingRecord = {
  steps: 1,
  wallTimeSeconds: 0,
  backend: 'cpu',
  batchSize: 4,
  learningRate: 1e-3,
  warmupSteps: 0,
  gradClipNorm: 0,
  emaDecay: 0,
  labelDropout: 0,
  seed: 0,
};

/** Two classes of 8×8 images: a bright top half or a bright bottom half on a dark background. */
function halves(count: number, seed: number): { images: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const images = new Float32Array(count * 64).fill(-1);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(2);
    for (let y = 0; y < 8; y++) {
      const bright = labels[i] === 0 ? y < 4 : y >= 4;
      if (bright) for (let x = 0; x < 8; x++) images[i * 64 + y * 8 + x] = 1;
    }
  }
  return { images, labels };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('noisy classifier config', () => {
  it('accepts the default and keeps the model under 100k parameters', () => {
    expect(validateNoisyClassifierConfig(DEFAULT_NOISY_CLASSIFIER_CONFIG)).toEqual(DEFAULT_NOISY_CLASSIFIER_CONFIG);
    const m = new NoisyClassifier(DEFAULT_NOISY_CLASSIFIER_CONFIG, 0);
    try {
      expect(m.paramCount()).toBeGreaterThan(10_000);
      expect(m.paramCount()).toBeLessThan(100_000);
    } finally {
      m.dispose();
    }
  });

  it('refuses another kind, unknown fields, odd embeddings and groups that do not divide', () => {
    expect(() => validateNoisyClassifierConfig({ ...TINY, kind: 'mnist-classifier' })).toThrow(/kind must be "mnist-noisy-classifier"/);
    expect(() => validateNoisyClassifierConfig({ ...TINY, extra: 1 })).toThrow(/unknown field "extra"/);
    expect(() => validateNoisyClassifierConfig({ ...TINY, timeEmbedDim: 7 })).toThrow(/timeEmbedDim must be even/);
    expect(() => validateNoisyClassifierConfig({ ...TINY, groups: 3 })).toThrow(/groups \(3\) must divide every width/);
    expect(() => validateNoisyClassifierConfig(null)).toThrow(/must be an object/);
  });
});

describe('NoisyClassifier', () => {
  it('gives [B, K] logits that depend on t, the same for the same seed, and frees its tensors', () => {
    const a = new NoisyClassifier(TINY, 3);
    const b = new NoisyClassifier(TINY, 3);
    try {
      const before = tf.memory().numTensors;
      const [la, lb, late] = tf.tidy(() => {
        const x = tf.tensor4d(new Rng(1).fillNormal(new Float32Array(2 * 64)), [2, 8, 8, 1]);
        const t = tf.tensor1d([10, 10], 'float32');
        return [a.logits(x, t).arraySync(), b.logits(x, t).arraySync(), a.logits(x, tf.tensor1d([900, 900], 'float32')).arraySync()];
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(la).toHaveLength(2);
      expect(la[0]).toHaveLength(2);
      expect(la).toEqual(lb);
      expect(Math.abs(la[0][0] - late[0][0]) + Math.abs(la[0][1] - late[0][1])).toBeGreaterThan(1e-6);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('refuses inputs of the wrong shape and a timestep list of the wrong length', () => {
    const m = new NoisyClassifier(TINY, 0);
    try {
      tf.tidy(() => {
        expect(() => m.logits(tf.zeros([1, 9, 8, 1]), tf.tensor1d([0]))).toThrow(/x must be \[B, 8, 8, 1\]/);
        expect(() => m.logits(tf.zeros([2, 8, 8, 1]), tf.tensor1d([0]))).toThrow(/one timestep per image/);
      });
    } finally {
      m.dispose();
    }
  });
});

describe('noiseImages', () => {
  it('is √ᾱ_t·x_0 + √(1−ᾱ_t)·ε per image (Ho et al. 2020, eq. 4)', () => {
    const x0 = Float32Array.from([1, -1, 0.5, 0]);
    const eps = Float32Array.from([0.3, 0.2, -1, 2]);
    const out = noiseImages(x0, Int32Array.from([0, 999]), ALPHAS, eps);
    const a0 = ALPHAS[0];
    const a1 = ALPHAS[999];
    expect(out[0]).toBeCloseTo(Math.sqrt(a0) * 1 + Math.sqrt(1 - a0) * 0.3, 6);
    expect(out[3]).toBeCloseTo(Math.sqrt(a1) * 0 + Math.sqrt(1 - a1) * 2, 6);
    expect(() => noiseImages(x0, Int32Array.from([0, 1000]), ALPHAS, eps)).toThrow(/timestep 1000 is outside 0\.\.999/);
  });
});

describe('NoisyClassifierTrainer', () => {
  it('learns a two-class task at low noise, and accuracy falls to chance at t = 999', async () => {
    const m = new NoisyClassifier(TINY, 1);
    const trainer = new NoisyClassifierTrainer(m, ALPHAS, { adam: { learningRate: 1e-2, warmupSteps: 0 }, maxShift: 0, seed: 2 });
    try {
      const data = halves(16, 3);
      const before = tf.memory().numTensors;
      for (let s = 0; s < 40; s++) trainer.trainStep(data.images, data.labels).dispose();
      expect(tf.memory().numTensors).toBe(before);
      const test = halves(200, 4);
      const rows = await accuracyByTimestep(m, test.images, test.labels, [0, 200, 999], ALPHAS);
      expect(rows.map((r) => r.timestep)).toEqual([0, 200, 999]);
      expect(rows[0].count).toBe(200);
      expect(rows[0].accuracy).toBeGreaterThan(0.95);
      // At t = 999 almost no signal is left (√ᾱ ≈ 0.006): close to a coin flip.
      expect(rows[2].accuracy).toBeLessThan(0.7);
    } finally {
      trainer.dispose();
      m.dispose();
    }
  });

  it('refuses a schedule of another length', () => {
    const m = new NoisyClassifier(TINY, 1);
    try {
      expect(() => new NoisyClassifierTrainer(m, new Float32Array(10))).toThrow(/10 timesteps but the classifier expects 1000/);
    } finally {
      m.dispose();
    }
  });
});

describe('noisy classifier checkpoints', () => {
  it('round-trips through the checkpoint format and refuses a checkpoint of another kind', async () => {
    const m = new NoisyClassifier(TINY, 6);
    try {
      const ckpt = await encodeNoisyClassifierCheckpoint(m, {
        scheduler: { numTrainTimesteps: 1000 },
        training: TRAINING,
        metrics: { accuracyByTimestep: [] },
        dataset: { name: 'toy', split: 'train', count: 0, source: 'test' },
      });
      const parsed = await parseCheckpoint(JSON.stringify(checkpointJson(ckpt)), ckpt.data);
      const back = noisyClassifierFromCheckpoint(parsed);
      try {
        const [a, b] = tf.tidy(() => {
          const x = tf.tensor4d(new Rng(2).fillNormal(new Float32Array(64)), [1, 8, 8, 1]);
          const t = tf.tensor1d([123], 'float32');
          return [m.logits(x, t).arraySync(), back.logits(x, t).arraySync()];
        });
        expect(b).toEqual(a);
      } finally {
        back.dispose();
      }
      const w = m.getWeights();
      const other = await encodeCheckpoint(w, {
        weights: 'live',
        model: { kind: 'mnist-classifier' },
        scheduler: {},
        training: TRAINING,
        dataset: { name: 'toy', split: 'train', count: 0, source: 'test' },
      });
      Object.values(w).forEach((t) => t.dispose());
      expect(() => noisyClassifierFromCheckpoint(other)).toThrow(CheckpointError);
      expect(() => noisyClassifierFromCheckpoint(other)).toThrow(/not a noise-aware classifier checkpoint/);
    } finally {
      m.dispose();
    }
  });

  it('checkSameSchedule accepts the same ᾱ and names a different schedule', () => {
    expect(() => checkSameSchedule(ALPHAS, schedulerFor('ddim').alphasCumprod)).not.toThrow();
    const cosine = schedulerFor('ddpm', { betaSchedule: 'squaredcos_cap_v2' }).alphasCumprod;
    expect(() => checkSameSchedule(cosine, ALPHAS)).toThrow(/another noise schedule/);
    expect(() => checkSameSchedule(ALPHAS.subarray(0, 500), ALPHAS)).toThrow(/T = 500 timesteps/);
  });
});

describe('the shipped noise-aware classifier', () => {
  it('was trained on the shipped model\'s schedule and its manifest records held-out accuracy by t', async () => {
    const ckpt = await readCheckpointDir('assets/checkpoints/noisy-classifier');
    const shipped = JSON.parse(await readFile('assets/checkpoints/mnist-small/model.json', 'utf8'));
    const modelSchedule = schedulerFor('ddpm', shipped.userDefinedMetadata.manifest.scheduler).alphasCumprod;
    const classifierSchedule = schedulerFor('ddpm', ckpt.manifest.scheduler).alphasCumprod;
    expect(() => checkSameSchedule(classifierSchedule, modelSchedule)).not.toThrow();
    const m = noisyClassifierFromCheckpoint(ckpt);
    try {
      expect(m.paramCount()).toBeLessThan(100_000);
    } finally {
      m.dispose();
    }
    const rows = (ckpt.manifest.metrics as { accuracyByTimestep: Array<{ timestep: number; accuracy: number; count: number }> }).accuracyByTimestep;
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const at = (t: number): number => rows.find((r) => r.timestep === t)!.accuracy;
    expect(at(0)).toBeGreaterThan(0.9);
    // Information about the class drains away as t grows: near chance (10%) at t = 999.
    expect(at(0)).toBeGreaterThan(at(500));
    expect(at(999)).toBeLessThan(0.3);
  });
});
