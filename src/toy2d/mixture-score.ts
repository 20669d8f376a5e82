/**
 * Closed-form density and score of a Gaussian mixture after noising. With x_t = α·x_0 + σ·ε and
 * x_0 ~ Σ_k w_k N(μ_k, s²I), each component stays Gaussian:
 *
 *   p_t(x) = Σ_k w_k N(x; α·μ_k, v·I),  v = α²s² + σ²,
 *   ∇_x log p_t(x) = Σ_k r_k(x)·(α·μ_k − x)/v,  r_k(x) = w_k N(x; αμ_k, vI) / p_t(x),
 *
 * (the score of a mixture is the responsibility-weighted mean of the component scores). This is
 * the exact target that denoising score matching learns: its objective equals explicit score
 * matching against the score of the noised density up to a constant (Vincent 2011, "A Connection
 * Between Score Matching and Denoising Autoencoders"), so the learned field can be compared with it.
 */
import type { GaussianMixture2D } from './datasets';

/** log r_k up to a shared constant, written into `out`; returns the log-sum-exp for normalising. */
function logComponents(m: GaussianMixture2D, x: number, y: number, alpha: number, v: number, out: Float64Array): number {
  let max = -Infinity;
  const k = m.weights.length;
  for (let j = 0; j < k; j++) {
    const dx = x - alpha * m.means[2 * j];
    const dy = y - alpha * m.means[2 * j + 1];
    const value = Math.log(m.weights[j]) - (dx * dx + dy * dy) / (2 * v);
    out[j] = value;
    if (value > max) max = value;
  }
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(out[j] - max);
  return max + Math.log(sum);
}

function totalVariance(m: GaussianMixture2D, alpha: number, sigma: number): number {
  const v = alpha * alpha * m.std * m.std + sigma * sigma;
  if (!(v > 0)) throw new Error('mixture score: α²s² + σ² must be > 0');
  return v;
}

/** log p_t(x, y) of the noised mixture. */
export function mixtureLogDensity(m: GaussianMixture2D, x: number, y: number, alpha: number, sigma: number): number {
  const v = totalVariance(m, alpha, sigma);
  const logs = new Float64Array(m.weights.length);
  return logComponents(m, x, y, alpha, v, logs) - Math.log(2 * Math.PI * v);
}

/** ∇ log p_t at every point (x, y interleaved in and out). */
export function mixtureScore(m: GaussianMixture2D, points: Float32Array, alpha: number, sigma: number): Float32Array {
  const v = totalVariance(m, alpha, sigma);
  const k = m.weights.length;
  const logs = new Float64Array(k);
  const out = new Float32Array(points.length);
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    const lse = logComponents(m, x, y, alpha, v, logs);
    let gx = 0;
    let gy = 0;
    for (let j = 0; j < k; j++) {
      const r = Math.exp(logs[j] - lse);
      gx += r * (alpha * m.means[2 * j] - x);
      gy += r * (alpha * m.means[2 * j + 1] - y);
    }
    out[i] = gx / v;
    out[i + 1] = gy / v;
  }
  return out;
}
