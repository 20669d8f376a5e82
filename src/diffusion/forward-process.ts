/**
 * Tensor side of the forward process: noising x_0 to x_t and the v-prediction target, with one
 * timestep per batch item broadcast over the remaining axes.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Timesteps for a batch: one number for every item, or one per batch item (a length-1 list is
 * broadcast over the batch, as in diffusers). Numbers are checked on the CPU; a Tensor1D (int32)
 * stays on the device and is looked up with `tf.gather`, so its range is not checked up front.
 */
export type TimestepInput = number | readonly number[] | Int32Array | tf.Tensor1D;

function checkTimestepValue(t: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(t) || t < 0 || t >= numTrainTimesteps) {
    throw new RangeError(`timestep must be an integer from 0 to ${numTrainTimesteps - 1}, got ${t}`);
  }
}

/** Checks one scalar timestep (used by `step`). */
export function checkTimestep(t: unknown, numTrainTimesteps: number): number {
  if (typeof t !== 'number') throw new RangeError(`timestep must be a number, got ${String(t)}`);
  checkTimestepValue(t, numTrainTimesteps);
  return t;
}

/**
 * `table[t]` shaped to broadcast against `like`: a scalar for one timestep, else [B, 1, …, 1].
 * Must run inside `tf.tidy` (it creates tensors).
 */
export function perItemCoefficient(table: Float64Array, t: TimestepInput, like: tf.Tensor): tf.Tensor {
  const trailingOnes = new Array<number>(Math.max(like.rank - 1, 0)).fill(1);
  const batch = like.rank > 0 ? like.shape[0] : 1;
  if (typeof t === 'number') {
    checkTimestepValue(t, table.length);
    return tf.scalar(table[t]);
  }
  if (t instanceof tf.Tensor) {
    if (t.rank !== 1) throw new RangeError(`timestep tensor must be 1-D, got shape [${t.shape.join(', ')}]`);
    if (t.shape[0] !== 1 && t.shape[0] !== batch) {
      throw new RangeError(`timestep tensor has ${t.shape[0]} entries for a batch of ${batch}`);
    }
    const indices = t.dtype === 'int32' ? t : tf.cast(t, 'int32');
    return tf.gather(tf.tensor1d(Float32Array.from(table), 'float32'), indices).reshape([t.shape[0], ...trailingOnes]);
  }
  const values = Array.from(t);
  if (values.length !== 1 && values.length !== batch) {
    throw new RangeError(`got ${values.length} timesteps for a batch of ${batch}`);
  }
  values.forEach((v) => checkTimestepValue(v, table.length));
  return tf.tensor(
    values.map((v) => table[v]),
    [values.length, ...trailingOnes],
    'float32',
  );
}

/** Throws a RangeError naming `what` when two tensors differ in shape. */
export function checkSameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${what}: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
  }
}

/**
 * x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, sampled in closed form from q(x_t | x_0)
 * (Ho et al. 2020, eq. 4). Returns a new tensor; the inputs are left alone.
 */
export function noisedSample(
  sqrtAlphasCumprod: Float64Array,
  sqrtOneMinusAlphasCumprod: Float64Array,
  x0: tf.Tensor,
  noise: tf.Tensor,
  t: TimestepInput,
): tf.Tensor {
  checkSameShape(x0, noise, 'addNoise');
  return tf.tidy(() => {
    const a = perItemCoefficient(sqrtAlphasCumprod, t, x0);
    const b = perItemCoefficient(sqrtOneMinusAlphasCumprod, t, x0);
    return tf.add(tf.mul(a, x0), tf.mul(b, noise));
  });
}

/**
 * v = √ᾱ_t·ε − √(1−ᾱ_t)·x_0, the "velocity" target of v-prediction (Salimans & Ho 2022,
 * "Progressive Distillation for Fast Sampling of Diffusion Models", §4). Returns a new tensor.
 */
export function velocity(
  sqrtAlphasCumprod: Float64Array,
  sqrtOneMinusAlphasCumprod: Float64Array,
  sample: tf.Tensor,
  noise: tf.Tensor,
  t: TimestepInput,
): tf.Tensor {
  checkSameShape(sample, noise, 'getVelocity');
  return tf.tidy(() => {
    const a = perItemCoefficient(sqrtAlphasCumprod, t, sample);
    const b = perItemCoefficient(sqrtOneMinusAlphasCumprod, t, sample);
    return tf.sub(tf.mul(a, noise), tf.mul(b, sample));
  });
}
