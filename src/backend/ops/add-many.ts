/**
 * The sum of many tensors of one shape, in tf.addN calls of at most `maxInputs` tensors each.
 *
 * tfjs's WebGPU AddN binds every input as a storage buffer of one shader, and WebGPU allows 8
 * storage buffers per shader stage unless the device asks for more (the spec's default for
 * maxStorageBuffersPerShaderStage; tfjs does not ask). Past 7 inputs (plus the output) the pipeline
 * is invalid and the result is whatever the output buffer held, with only a validation warning on
 * the console: measured on an H100 through Dawn, the gradient norm of the course's Trainer came
 * out wrong and the base preset's loss went NaN at step 2. tfjs's Concat splits its inputs this
 * way; AddN does not.
 */
import * as tf from '@tensorflow/tfjs';

/** Inputs per AddN call that every WebGPU device accepts: 8 storage buffers, one of them the output. */
export const WEBGPU_SAFE_ADDN_INPUTS = 7;

export function addMany<T extends tf.Tensor>(tensors: readonly T[], maxInputs = WEBGPU_SAFE_ADDN_INPUTS): T {
  if (tensors.length === 0) throw new Error('addMany needs at least one tensor');
  if (!Number.isInteger(maxInputs) || maxInputs < 2) throw new Error(`addMany: maxInputs must be an integer ≥ 2, got ${maxInputs}`);
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...tensors];
    // A tree of partial sums: ⌈log_maxInputs(n)⌉ levels.
    while (level.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += maxInputs) {
        const group = level.slice(i, i + maxInputs);
        next.push(group.length === 1 ? group[0] : tf.addN(group));
      }
      level = next;
    }
    // A single input comes back as a new tensor the caller owns, like tf.addN's result.
    return (level[0] === tensors[0] ? tf.clone(level[0]) : level[0]) as T;
  });
}
