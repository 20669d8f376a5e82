/**
 * Training and evaluation helpers for the reference classifier, host-neutral (the CLI in
 * src/cli/train-classifier.ts adds files and progress). Softmax cross-entropy, Adam
 * (src/lab/adam.ts), optional dropout on the features and random ±k pixel shifts of the inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import { Adam, type AdamConfig } from '../lab/adam';
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

export class ClassifierTrainer {
  readonly options: ClassifierTrainerOptions;
  private readonly optimizer: Adam;
  private readonly rng: Rng;
  private readonly names: Map<string, string>;

  constructor(
    private readonly model: MnistClassifier,
    options: Partial<ClassifierTrainerOptions> = {},
  ) {
    this.options = { ...DEFAULT_CLASSIFIER_TRAINER_OPTIONS, ...options, adam: { ...DEFAULT_CLASSIFIER_TRAINER_OPTIONS.adam, ...options.adam } };
    if (!(this.options.dropout >= 0 && this.options.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${this.options.dropout}`);
    if (!Number.isInteger(this.options.maxShift) || this.options.maxShift < 0) {
      throw new Error(`maxShift must be an integer ≥ 0, got ${this.options.maxShift}`);
    }
    this.optimizer = new Adam(model.variables, this.options.adam);
    this.rng = new Rng(this.options.seed);
    this.names = new Map([...model.variables].map(([name, v]) => [v.name, name]));
  }

  get step(): number {
    return this.optimizer.step;
  }

  /** Changes the peak learning rate from the next step on (for a per-epoch decay). */
  setLearningRate(learningRate: number): void {
    if (!(learningRate > 0)) throw new Error(`learning rate must be > 0, got ${learningRate}`);
    this.optimizer.config.learningRate = learningRate;
  }

  /** One Adam step on a batch; returns the batch loss as a scalar the caller disposes. */
  trainStep(images: Float32Array, labels: Int32Array): tf.Scalar {
    const n = labels.length;
    const side = this.model.config.imageSize;
    const input = this.options.maxShift > 0 ? shiftImages(images, n, side, this.options.maxShift, this.rng) : images;
    const variables = [...this.model.variables.values()];
    return tf.tidy(() => {
      const x = tf.tensor4d(input, [n, side, side, 1]);
      const y = tf.tensor1d(labels, 'int32');
      const featureMask =
        this.options.dropout > 0 ? dropoutMask(n, this.model.config.featureDim, this.options.dropout, this.rng) : undefined;
      const { value, grads } = tf.variableGrads(() => crossEntropy(this.model.logits(x, { featureMask }), y), variables);
      const named: tf.NamedTensorMap = {};
      for (const [internal, g] of Object.entries(grads)) named[this.names.get(internal) ?? internal] = g;
      this.optimizer.apply(named).dispose();
      return value;
    });
  }

  dispose(): void {
    this.optimizer.dispose();
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
  const k = model.config.numClasses;
  let right = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = logits[i * k + j];
      if (v > max) {
        max = v;
        best = j;
      }
    }
    if (best === labels[i]) right++;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[i * k + j] - max);
    loss += max + Math.log(sum) - logits[i * k + labels[i]];
  }
  return { accuracy: right / n, loss: loss / n, count: n };
}
