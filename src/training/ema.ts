import * as tf from '@tensorflow/tfjs';
import { emaUpdate } from '../backend/ops/ema';
import { FlatVariables } from './flat-variables';

/**
 * Exponential moving average of the weights (Polyak & Juditsky 1992), as used for sampling in
 * DDPM (Ho et al. 2020, appendix B: decay 0.9999). The shadow weights live in a second model of
 * the same shape, so sampling simply calls that model.
 *
 * Early in training a fixed decay would average in the random initial weights for thousands of
 * steps; the warm-up min(decay, (1 + n) / (10 + n)) (the form used by TensorFlow's
 * ExponentialMovingAverage with num_updates) lets a short run already sample from useful weights.
 */
export function emaDecayAt(maxDecay: number, update: number): number {
  return Math.min(maxDecay, (1 + update) / (10 + update));
}

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
