import * as tf from '@tensorflow/tfjs';
import { emaUpdate } from '../backend/ops/ema';
import { FlatVariables } from './flat-variables';

/**
 * Exponential moving average of the weights (Polyak & Juditsky 1992), as used for sampling in
 * DDPM (Ho et al. 2020, appendix B: decay 0.9999). The shadow weights live in a second model of
 * the same shape, so sampling simply calls that model.
 *
 * Early in training a fixed decay would average in the random initial weights for thousands of
 * steps. The warm-up min(decay, (1 + n) / (K + n)), with K = 10 the form of TensorFlow's
 * ExponentialMovingAverage with num_updates, lets a short run already sample from useful weights:
 * it is 1 − (K − 1)/(K + n), close to the power-function average of Karras et al. 2024 (EDM2)
 * with γ = K − 2, whose weights have a mean age of about n/K steps after n steps, until the decay
 * reaches its cap. A larger K follows the live weights more closely.
 */
export function emaDecayAt(maxDecay: number, update: number, warmup = DEFAULT_EMA_WARMUP): number {
  if (!(warmup >= 1)) throw new RangeError(`the EMA warm-up must be ≥ 1, got ${warmup}`);
  return Math.min(maxDecay, (1 + update) / (warmup + update));
}

/** K of the warm-up (1 + n) / (K + n) where a run sets none: TensorFlow's form. */
export const DEFAULT_EMA_WARMUP = 10;

/**
 * The shadow weights of a model, updated from the live weights as one flat tensor: one fused
 * kernel per step over every weight, and one write-back into the shadow model's variables (see
 * flat-variables.ts), instead of a kernel per weight tensor. The write-back runs every step, so
 * the shadow model is always current for whoever samples from it or saves it.
 */
export class FlatEma {
  private readonly shadow: FlatVariables;

  /** `liveNames` are the live model's parameter names, in the order of its flat parameters. */
  constructor(shadow: ReadonlyMap<string, tf.Variable>, liveNames: readonly string[]) {
    const names = [...shadow.keys()];
    const differs = names.length !== liveNames.length || names.some((n, i) => n !== liveNames[i]);
    if (differs) throw new Error(`EMA: the shadow model's parameters (${names.length}) differ from the live model's (${liveNames.length}) or their order`);
    this.shadow = new FlatVariables([...shadow.values()]);
  }

  /** shadow ← decay·shadow + (1 − decay)·live, where `live` holds every live weight in order. */
  update(live: tf.Tensor, decay: number): void {
    tf.tidy(() => this.shadow.write(emaUpdate(this.shadow.flat(), live, decay)));
  }

  dispose(): void {
    this.shadow.dispose();
  }
}

/** Copies every live weight into the shadow (used at initialisation). */
export function copyWeights(target: ReadonlyMap<string, tf.Variable>, source: ReadonlyMap<string, tf.Variable>): void {
  for (const [name, t] of target) {
    const s = source.get(name);
    if (!s) throw new Error(`copyWeights: source has no parameter "${name}"`);
    t.assign(s);
  }
}
