/**
 * Per-timestep weights of the denoising loss. Pure maths on ᾱ (no tensors).
 *
 * Min-SNR-γ (Hang et al. 2023, "Efficient Diffusion Training via Min-SNR Weighting Strategy",
 * §3.4): the loss at timestep t is weighted so that, seen as a loss on x₀, it counts
 * min(SNR_t, γ), with SNR_t = ᾱ_t / (1 − ᾱ_t). Low-noise timesteps, whose x₀ error is tiny
 * and whose gradients fight the others', stop dominating the run. Expressed on each target:
 *   ε-prediction:  min(SNR, γ) / SNR
 *   v-prediction:  min(SNR, γ) / (SNR + 1)
 *   x₀-prediction: min(SNR, γ)
 * The paper uses γ = 5.
 */
import type { PredictionType } from './config';

export type LossWeighting = { kind: 'uniform' } | { kind: 'min-snr'; gamma: number };

export const UNIFORM_WEIGHTING: LossWeighting = Object.freeze({ kind: 'uniform' });

/** The weight of each timestep's loss, indexed by t in [0, T). */
export function lossWeights(alphasCumprod: ArrayLike<number>, predictionType: PredictionType, weighting: LossWeighting): Float32Array {
  const out = new Float32Array(alphasCumprod.length);
  for (let t = 0; t < out.length; t++) {
    if (weighting.kind === 'uniform') {
      out[t] = 1;
      continue;
    }
    if (!(weighting.gamma > 0)) throw new RangeError(`min-SNR γ must be positive, got ${weighting.gamma}`);
    const a = alphasCumprod[t];
    const snr = a / Math.max(1e-20, 1 - a);
    const clipped = Math.min(snr, weighting.gamma);
    out[t] = predictionType === 'epsilon' ? clipped / snr : predictionType === 'v_prediction' ? clipped / (snr + 1) : clipped;
  }
  return out;
}

/** Parses `uniform` or `min-snr:γ` (as the command line and manifests write it). */
export function parseLossWeighting(text: string): LossWeighting {
  if (text === 'uniform') return UNIFORM_WEIGHTING;
  const m = /^min-snr(?::(\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (m) return { kind: 'min-snr', gamma: m[1] === undefined ? 5 : Number(m[1]) };
  throw new RangeError(`loss weighting "${text}" is not "uniform" or "min-snr[:γ]" (e.g. min-snr:5)`);
}

export function formatLossWeighting(w: LossWeighting): string {
  return w.kind === 'uniform' ? 'uniform' : `min-snr:${w.gamma}`;
}
