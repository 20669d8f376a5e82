/**
 * Training and evaluation of the noise-aware classifier, host-neutral (the CLI in
 * src/cli/train-noisy-classifier.ts adds files and progress).
 *
 * Each training example is a clean digit x_0 noised in closed form to a uniformly drawn timestep,
 * x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε (Ho et al. 2020, eq. 4), with the ᾱ_t of the diffusion model it will
 * guide; the loss is the softmax cross-entropy of the true label (Dhariwal & Nichol 2021, sec. 4).
 * All randomness (timesteps, noise, shifts) comes from one seeded Rng on the CPU, so a seed gives
 * the same run on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import type { AdamConfig } from '../training/adam';
import { AdamTrainer } from './adam-trainer';
import type { NoisyClassifier } from './noisy-model';
import { crossEntropy, shiftImages, tallyLogits } from './train';

/** x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε for n flattened images, one timestep each (Ho et al. 2020, eq. 4). */
export function noiseImages(
  images: Float32Array,
  timesteps: Int32Array,
  alphasCumprod: ArrayLike<number>,
  noise: Float32Array,
): Float32Array {
  const n = timesteps.length;
  if (n === 0 || images.length % n !== 0 || noise.length !== images.length) {
    throw new Error(`noiseImages: ${n} timesteps, ${images.length} pixel values and ${noise.length} noise values do not fit`);
  }
  const pixels = images.length / n;
  const out = new Float32Array(images.length);
  for (let i = 0; i < n; i++) {
    const t = timesteps[i];
    if (!Number.isInteger(t) || t < 0 || t >= alphasCumprod.length) {
      throw new RangeError(`noiseImages: timestep ${t} is outside 0..${alphasCumprod.length - 1}`);
    }
    const a = Math.sqrt(alphasCumprod[t]);
    const b = Math.sqrt(1 - alphasCumprod[t]);
    for (let p = i * pixels; p < (i + 1) * pixels; p++) out[p] = a * images[p] + b * noise[p];
  }
  return out;
}

export interface NoisyTrainerOptions {
  adam: Partial<AdamConfig>;
  /** Largest random shift in pixels of the clean digit (0 = none). */
  maxShift: number;
  seed: number;
}

export const DEFAULT_NOISY_TRAINER_OPTIONS: NoisyTrainerOptions = {
  adam: { learningRate: 2e-3, warmupSteps: 100, gradClipNorm: 5 },
  maxShift: 1,
  seed: 0,
};

export class NoisyClassifierTrainer extends AdamTrainer {
  readonly options: NoisyTrainerOptions;
  private readonly model: NoisyClassifier;
  private readonly alphasCumprod: ArrayLike<number>;

  /** `alphasCumprod[t]` is ᾱ_t of the diffusion model's schedule, t = 0..T−1 (diffusers' indexing). */
  constructor(model: NoisyClassifier, alphasCumprod: ArrayLike<number>, options: Partial<NoisyTrainerOptions> = {}) {
    const merged = { ...DEFAULT_NOISY_TRAINER_OPTIONS, ...options, adam: { ...DEFAULT_NOISY_TRAINER_OPTIONS.adam, ...options.adam } };
    if (alphasCumprod.length !== model.config.numTrainTimesteps) {
      throw new Error(`the schedule has ${alphasCumprod.length} timesteps but the classifier expects ${model.config.numTrainTimesteps}`);
    }
    super(model.variables, merged.adam, merged.seed, merged.maxShift);
    this.options = merged;
    this.model = model;
    this.alphasCumprod = alphasCumprod;
  }

  /** One Adam step on clean images and labels, noised here; returns the loss scalar the caller disposes. */
  trainStep(images: Float32Array, labels: Int32Array): tf.Scalar {
    const n = labels.length;
    const side = this.model.config.imageSize;
    const T = this.model.config.numTrainTimesteps;
    const clean = this.options.maxShift > 0 ? shiftImages(images, n, side, this.options.maxShift, this.rng) : images;
    const timesteps = Int32Array.from({ length: n }, () => this.rng.int(T));
    const noise = this.rng.fillNormal(new Float32Array(clean.length));
    const noised = noiseImages(clean, timesteps, this.alphasCumprod, noise);
    return tf.tidy(() => {
      const x = tf.tensor4d(noised, [n, side, side, 1]);
      const t = tf.tensor1d(timesteps, 'float32');
      const y = tf.tensor1d(labels, 'int32');
      return this.minimize(() => crossEntropy(this.model.logits(x, t), y));
    });
  }
}

export interface AccuracyAtTimestep {
  timestep: number;
  accuracy: number;
  /** Mean cross-entropy of the true label. */
  loss: number;
  count: number;
}

/**
 * Accuracy of the classifier on labelled clean images noised to each of `timesteps` (the same
 * noise, from `seed`, at every timestep, so the rows differ only in the noise level).
 */
export async function accuracyByTimestep(
  model: NoisyClassifier,
  images: Float32Array,
  labels: Int32Array,
  timesteps: readonly number[],
  alphasCumprod: ArrayLike<number>,
  seed = 1,
  batchSize = 250,
): Promise<AccuracyAtTimestep[]> {
  const side = model.config.imageSize;
  const pixels = side * side;
  const k = model.config.numClasses;
  const n = labels.length;
  if (images.length !== n * pixels) throw new Error(`accuracyByTimestep: ${n} images need ${n * pixels} values, got ${images.length}`);
  const noise = new Rng(seed).fillNormal(new Float32Array(images.length));
  const rows: AccuracyAtTimestep[] = [];
  for (const timestep of timesteps) {
    const tally = { right: 0, loss: 0 };
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const ts = new Int32Array(size).fill(timestep);
      const noised = noiseImages(
        images.subarray(start * pixels, (start + size) * pixels),
        ts,
        alphasCumprod,
        noise.subarray(start * pixels, (start + size) * pixels),
      );
      const out = tf.tidy(() => model.logits(tf.tensor4d(noised, [size, side, side, 1]), tf.tensor1d(ts, 'float32')));
      const logits = await out.data();
      out.dispose();
      tallyLogits(tally, logits, labels.subarray(start, start + size), k);
    }
    rows.push({ timestep, accuracy: tally.right / n, loss: tally.loss / n, count: n });
  }
  return rows;
}
