import * as tf from '@tensorflow/tfjs';
import { emaUpdate } from '../backend/ops/ema';

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

export function updateEma(
  shadow: ReadonlyMap<string, tf.Variable>,
  live: ReadonlyMap<string, tf.Variable>,
  decay: number,
): void {
  tf.tidy(() => {
    for (const [name, s] of shadow) {
      const w = live.get(name);
      if (!w) throw new Error(`EMA: the live model has no parameter "${name}"`);
      s.assign(emaUpdate(s, w, decay));
    }
  });
}

/** Copies every live weight into the shadow (used at initialisation). */
export function copyWeights(target: ReadonlyMap<string, tf.Variable>, source: ReadonlyMap<string, tf.Variable>): void {
  for (const [name, t] of target) {
    const s = source.get(name);
    if (!s) throw new Error(`copyWeights: source has no parameter "${name}"`);
    t.assign(s);
  }
}
