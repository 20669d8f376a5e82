/**
 * The library's answers for the step exercises, on plain arrays: one scheduler step run on
 * tensors of the active tf backend and read back. Everything is disposed before returning.
 */
import * as tf from '@tensorflow/tfjs';
import type { StepOptions, StepResult } from '../../diffusion/scheduler-base';

interface Steppable {
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, options?: StepOptions): StepResult;
}

export interface StepOutputs {
  prevSample: Float32Array;
  predOriginalSample: Float32Array;
}

/** scheduler.step(eps, t, xt, { eta, noise: z }) on 1-D inputs, as arrays. */
export function libraryStep(scheduler: Steppable, eps: Float32Array, t: number, xt: Float32Array, options: { eta?: number; z?: Float32Array } = {}): StepOutputs {
  return tf.tidy(() => {
    const noise = options.z ? tf.tensor1d(options.z) : undefined;
    const r = scheduler.step(tf.tensor1d(eps), t, tf.tensor1d(xt), { eta: options.eta, noise });
    const out = { prevSample: r.prevSample.dataSync() as Float32Array, predOriginalSample: r.predOriginalSample.dataSync() as Float32Array };
    r.prevSample.dispose();
    r.predOriginalSample.dispose();
    return { prevSample: Float32Array.from(out.prevSample), predOriginalSample: Float32Array.from(out.predOriginalSample) };
  });
}
