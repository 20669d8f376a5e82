/**
 * Network inputs of the 2-D noise predictor, computed in plain JavaScript so that the tensor code
 * only sees one [B, INPUT_FEATURES] matrix: position features first, then time features.
 *
 * - x is scaled by c_in = 1/√(α²·σ_data² + σ²) with σ_data = 1 (Karras et al. 2022, "Elucidating
 *   the Design Space of Diffusion-Based Generative Models", Table 1), so that the input keeps unit
 *   variance at every noise level; without it VE inputs reach σ_max = 5.
 * - The scaled x and y also enter as Fourier features sin(f·x), cos(f·x) for f = 1, 2, 4, 8
 *   (Tancik et al. 2020, "Fourier Features Let Networks Learn High Frequency Functions in Low
 *   Dimensional Domains"): a small MLP on raw coordinates learns the sharp score near the ring's
 *   modes slowly. Measured here after 800 steps on the ring: mean cosine to the true score near
 *   the data rose from about 0.80 to 0.98 (σ = 0.05), and probability-flow samples on a mode
 *   from about 0.67 to 0.9.
 * - The time t ∈ [0, 1] enters as the sinusoidal embedding of DDPM (Ho et al. 2020, §4, after
 *   Vaswani et al. 2017, §3.5) of 1000·t, so t reads like DDPM's integer timestep.
 */
import type { NoiseProcess } from './noising';

export const X_FREQUENCIES = [1, 2, 4, 8] as const;
export const X_FEATURES = 2 + 4 * X_FREQUENCIES.length;
export const TIME_FEATURES = 16;
export const INPUT_FEATURES = X_FEATURES + TIME_FEATURES;

const HALF = TIME_FEATURES / 2;
/** Frequencies of the time embedding, 1 down to 1/10000 (Vaswani et al. 2017). */
const TIME_FREQUENCIES = Array.from({ length: HALF }, (_, k) => Math.exp((-Math.log(10_000) * k) / (HALF - 1)));

/** Writes the features of point (x, y) at time t into row `row` of `out` (INPUT_FEATURES wide). */
export function writeFeatures(out: Float32Array, row: number, x: number, y: number, t: number, process: NoiseProcess): void {
  const a = process.alpha(t);
  const s = process.sigma(t);
  const cIn = 1 / Math.sqrt(a * a + s * s);
  const o = row * INPUT_FEATURES;
  const u = x * cIn;
  const v = y * cIn;
  out[o] = u;
  out[o + 1] = v;
  for (let k = 0; k < X_FREQUENCIES.length; k++) {
    const f = X_FREQUENCIES[k];
    out[o + 2 + 4 * k] = Math.sin(f * u);
    out[o + 3 + 4 * k] = Math.cos(f * u);
    out[o + 4 + 4 * k] = Math.sin(f * v);
    out[o + 5 + 4 * k] = Math.cos(f * v);
  }
  const tb = o + X_FEATURES;
  const position = 1000 * t;
  for (let k = 0; k < HALF; k++) {
    out[tb + k] = Math.sin(position * TIME_FREQUENCIES[k]);
    out[tb + HALF + k] = Math.cos(position * TIME_FREQUENCIES[k]);
  }
}

/** Features of every point at one shared time t. */
export function featuresAt(points: Float32Array, t: number, process: NoiseProcess): Float32Array {
  const n = points.length >> 1;
  const out = new Float32Array(n * INPUT_FEATURES);
  for (let i = 0; i < n; i++) writeFeatures(out, i, points[2 * i], points[2 * i + 1], t, process);
  return out;
}
