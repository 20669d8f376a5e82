import * as tf from '@tensorflow/tfjs';

/**
 * The loss of Ho et al. 2020, Algorithm 1 on a drawn batch, and its gradient: x_t = √ᾱ_t x₀ +
 * √(1−ᾱ_t) ε (eq. 4), the mean squared error of the network's output against the scheduler's
 * target (eq. 14: ε; or v, or x₀). Shared by the trainer and by the processes that compute a share
 * of a batch for it (data-parallel.ts), so both run exactly the same maths.
 */

/** What the loss needs of a network (the U-Net satisfies it). */
export interface GradientModel {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  apply(x: tf.Tensor4D, t: tf.Tensor1D, labels?: tf.Tensor1D | null): tf.Tensor4D;
}

/** What the loss needs of a scheduler (DDPMScheduler satisfies it). */
export interface TargetScheduler {
  addNoise(x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor1D): tf.Tensor;
  /** ε, v or x₀, whichever the scheduler's predictionType names. */
  trainingTarget(x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor1D): tf.Tensor;
}

/** One drawn batch, plain arrays: rows of images, labels after dropout, timesteps and noise. */
export interface TrainingBatch {
  count: number;
  images: Float32Array;
  /** Labels after label dropout (the null label is numClasses). */
  labels: Int32Array;
  timesteps: Int32Array;
  noise: Float32Array;
  /** Each row's loss weight (from its timestep, see loss-weighting.ts), or null for the plain mean. */
  weights: Float32Array | null;
}

export interface BatchShape {
  imageShape: [number, number, number];
  /** 0 trains an unconditional model (no labels reach the network). */
  numClasses: number;
}

/** The mean loss of a batch share and its gradient, flat in `variables` order. */
export interface SliceGradient {
  loss: number;
  gradient: Float32Array;
}

/** Rows [start, end) of a batch (views, not copies). */
export function sliceBatch(batch: TrainingBatch, start: number, end: number): TrainingBatch {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= batch.count && start < end)) {
    throw new RangeError(`batch slice [${start}, ${end}) is not within a batch of ${batch.count}`);
  }
  if (start === 0 && end === batch.count) return batch;
  const pixels = batch.images.length / batch.count;
  return {
    count: end - start,
    images: batch.images.subarray(start * pixels, end * pixels),
    labels: batch.labels.subarray(start, end),
    timesteps: batch.timesteps.subarray(start, end),
    noise: batch.noise.subarray(start * pixels, end * pixels),
    weights: batch.weights ? batch.weights.subarray(start, end) : null,
  };
}

/**
 * The batch's loss as a function of the weights (for tf.variableGrads or Adam.minimize): the mean
 * over the batch of each row's weight × its mean squared error. The inputs are made here, once.
 * Call inside tf.tidy.
 */
export function batchLoss(
  model: GradientModel,
  scheduler: TargetScheduler,
  batch: TrainingBatch,
  { imageShape, numClasses }: BatchShape,
): () => tf.Scalar {
  const shape: [number, number, number, number] = [batch.count, ...imageShape];
  const x0 = tf.tensor4d(batch.images, shape);
  const eps = tf.tensor4d(batch.noise, shape);
  const t = tf.tensor1d(batch.timesteps, 'int32');
  const xt = scheduler.addNoise(x0, eps, t) as tf.Tensor4D;
  const target = scheduler.trainingTarget(x0, eps, t);
  const y = numClasses > 0 ? tf.tensor1d(batch.labels, 'int32') : null;
  const tFloat = tf.cast(t, 'float32') as tf.Tensor1D;
  const sampleWeights = batch.weights ? tf.tensor4d(batch.weights, [batch.count, 1, 1, 1]) : null;
  return () => {
    const err = tf.squaredDifference(model.apply(xt, tFloat, y), target);
    // Weighted: the mean over the batch of w_t × each image's mean squared error.
    return tf.mean(sampleWeights ? tf.mul(err, sampleWeights) : err) as tf.Scalar;
  };
}

/** The batch's mean loss and its gradient as one flat array in `model.variables` order, read back. */
export async function readSliceGradient(
  model: GradientModel,
  scheduler: TargetScheduler,
  batch: TrainingBatch,
  shape: BatchShape,
): Promise<SliceGradient> {
  const [loss, flat] = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(batchLoss(model, scheduler, batch, shape), [...model.variables.values()]);
    const parts = [...model.variables.values()].map((v) => {
      const g = grads[v.name];
      if (!g) throw new Error(`no gradient for parameter "${v.name}"`);
      return tf.reshape(g, [-1]);
    });
    return [value, tf.concat(parts)] as const;
  });
  try {
    const [lossValue, gradient] = await Promise.all([loss.data(), flat.data()]);
    return { loss: lossValue[0], gradient: gradient as Float32Array };
  } finally {
    loss.dispose();
    flat.dispose();
  }
}

/** Parameter count of a model: the length of its flat gradient. */
export function flatLength(variables: ReadonlyMap<string, tf.Variable>): number {
  let n = 0;
  for (const v of variables.values()) n += v.size;
  return n;
}

/** A flat array in `variables` order as named tensors of the variables' shapes (call inside tf.tidy). */
export function unflattenGradient(flat: Float32Array, variables: ReadonlyMap<string, tf.Variable>): tf.NamedTensorMap {
  const expected = flatLength(variables);
  if (flat.length !== expected) throw new RangeError(`flat gradient has ${flat.length} values, the model ${expected} parameters`);
  const named: tf.NamedTensorMap = {};
  let offset = 0;
  for (const [name, v] of variables) {
    named[name] = tf.tensor(flat.subarray(offset, offset + v.size), v.shape, 'float32');
    offset += v.size;
  }
  return named;
}

/** The variables' values as one flat array in `variables` order (read back). */
export async function readFlat(variables: Iterable<tf.Tensor>): Promise<Float32Array> {
  const list = [...variables];
  if (list.length === 0) return new Float32Array(0);
  const flat = tf.tidy(() => tf.concat(list.map((v) => tf.reshape(v, [-1]))));
  try {
    return (await flat.data()) as Float32Array;
  } finally {
    flat.dispose();
  }
}
