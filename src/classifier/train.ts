/**
 * Training and evaluation helpers for the reference classifier, host-neutral (the CLI in
 * src/cli/train-classifier.ts adds files and progress). Softmax cross-entropy, Adam
 * (src/training/adam.ts), optional dropout on the features and random ±k pixel shifts of the inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import type { AdamConfig } from '../training/adam';
import { AdamTrainer } from './adam-trainer';
import { dropoutMask, type MnistClassifier } from './model';

/** Mean softmax cross-entropy of logits [B, K] against int32 labels [B]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[1];
    const target = tf.oneHot(labels, k);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/**
 * Shifts each image by a random whole number of pixels in [−maxShift, maxShift] on both axes,
 * filling the uncovered border with the background value −1 (black in [-1, 1]). A cheap
 * augmentation that helps small CNNs on MNIST (Simard et al. 2003 use elastic distortions; shifts
 * are their simplest special case).
 */
export function shiftImages(images: Float32Array, count: number, side: number, maxShift: number, rng: Rng): Float32Array {
  const pixels = side * side;
  const out = new Float32Array(images.length).fill(-1);
  for (let k = 0; k < count; k++) {
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    for (let y = 0; y < side; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= side) continue;
      for (let x = 0; x < side; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= side) continue;
        out[k * pixels + y * side + x] = images[k * pixels + sy * side + sx];
      }
    }
  }
  return out;
}

export interface ClassifierTrainerOptions {
  adam: Partial<AdamConfig>;
  /** Dropout rate on the features during training (0 = none). */
  dropout: number;
  /** Largest random shift in pixels (0 = no augmentation). */
  maxShift: number;
  seed: number;
}

export const DEFAULT_CLASSIFIER_TRAINER_OPTIONS: ClassifierTrainerOptions = {
  adam: { learningRate: 1e-3, warmupSteps: 100, gradClipNorm: 5 },
  dropout: 0.3,
  maxShift: 2,
  seed: 0,
};

export class ClassifierTrainer extends AdamTrainer {
  readonly options: ClassifierTrainerOptions;
  private readonly model: MnistClassifier;

  constructor(model: MnistClassifier, options: Partial<ClassifierTrainerOptions> = {}) {
    const merged = { ...DEFAULT_CLASSIFIER_TRAINER_OPTIONS, ...options, adam: { ...DEFAULT_CLASSIFIER_TRAINER_OPTIONS.adam, ...options.adam } };
    if (!(merged.dropout >= 0 && merged.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${merged.dropout}`);
    super(model.variables, merged.adam, merged.seed, merged.maxShift);
    this.options = merged;
    this.model = model;
  }

  /** One Adam step on a batch; returns the batch loss as a scalar the caller disposes. */
  trainStep(images: Float32Array, labels: Int32Array): tf.Scalar {
    const n = labels.length;
    const side = this.model.config.imageSize;
    const input = this.options.maxShift > 0 ? shiftImages(images, n, side, this.options.maxShift, this.rng) : images;
    return tf.tidy(() => {
      const x = tf.tensor4d(input, [n, side, side, 1]);
      const y = tf.tensor1d(labels, 'int32');
      const featureMask =
        this.options.dropout > 0 ? dropoutMask(n, this.model.config.featureDim, this.options.dropout, this.rng) : undefined;
      return this.minimize(() => crossEntropy(this.model.logits(x, { featureMask }), y));
    });
  }
}

export interface ClassifierOutputs {
  n: number;
  /** n × featureDim, row-major. */
  features: Float32Array;
  /** n × numClasses, row-major. */
  logits: Float32Array;
}

/**
 * Features and logits for n images (flattened [n, S, S, 1] in [-1, 1]), in batches so memory stays
 * bounded. `onBatch` reports progress and may return a promise (e.g. to yield to a page).
 */
export async function classifierOutputs(
  model: MnistClassifier,
  images: Float32Array,
  n: number,
  batchSize = 500,
  onBatch?: (done: number, total: number) => void | Promise<void>,
): Promise<ClassifierOutputs> {
  const side = model.config.imageSize;
  const pixels = side * side;
  if (images.length !== n * pixels) throw new Error(`classifierOutputs: ${n} images need ${n * pixels} values, got ${images.length}`);
  const { featureDim, numClasses } = model.config;
  const features = new Float32Array(n * featureDim);
  const logits = new Float32Array(n * numClasses);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const { f, l } = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * pixels, (start + size) * pixels), [size, side, side, 1]);
      const out = model.forward(x);
      return { f: out.features, l: out.logits };
    });
    try {
      features.set(await f.data(), start * featureDim);
      logits.set(await l.data(), start * numClasses);
    } finally {
      f.dispose();
      l.dispose();
    }
    await onBatch?.(start + size, n);
  }
  return { n, features, logits };
}

export interface EvaluationResult {
  accuracy: number;
  loss: number;
  count: number;
}

/** Accuracy and mean cross-entropy of the classifier on labelled images. */
export async function evaluateClassifier(
  model: MnistClassifier,
  images: Float32Array,
  labels: Int32Array,
  batchSize = 500,
): Promise<EvaluationResult> {
  const n = labels.length;
  const { logits } = await classifierOutputs(model, images, n, batchSize);
  const tally = tallyLogits({ right: 0, loss: 0 }, logits, labels, model.config.numClasses);
  return { accuracy: tally.right / n, loss: tally.loss / n, count: n };
}

/** Running totals of right answers and of the cross-entropy of the true label. */
export interface LogitTally {
  right: number;
  loss: number;
}

/**
 * Adds rows of logits [n, k] (row-major) against their labels to `tally`: one right answer where
 * the arg-max is the label, and the cross-entropy −log softmax(logits)_label (computed as
 * max + log Σ exp(l − max) − l_label, stable for large logits). Returns `tally`.
 */
export function tallyLogits(tally: LogitTally, logits: ArrayLike<number>, labels: ArrayLike<number>, k: number): LogitTally {
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = logits[i * k + j];
      if (v > max) {
        max = v;
        best = j;
      }
    }
    const y = labels[i];
    if (best === y) tally.right++;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[i * k + j] - max);
    tally.loss += max + Math.log(sum) - logits[i * k + y];
  }
  return tally;
}
