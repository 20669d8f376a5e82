/**
 * Comparing a learned score field with the true one: the grid the quiver plot samples, the mean
 * cosine similarity of two vector fields, and points of the noised data distribution p_t where
 * the comparison means most (score estimates are poor where p_t has little mass, Song & Ermon
 * 2019, §3.2, so a uniform grid and the data's neighbourhood tell different stories).
 */
import type { Rng } from '../data/rng';
import type { NoiseProcess } from './noising';

/** n × n points, row by row from the top left, covering [lo, hi]² at cell centres. */
export function fieldGrid(lo: number, hi: number, n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`fieldGrid: n must be a whole number ≥ 1, got ${n}`);
  const out = new Float32Array(2 * n * n);
  const cell = (hi - lo) / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col;
      out[2 * i] = lo + (col + 0.5) * cell;
      out[2 * i + 1] = hi - (row + 0.5) * cell;
    }
  }
  return out;
}

/**
 * Mean over points of cos∠(a_i, b_i) (x, y interleaved). Points where either vector is zero are
 * skipped; NaN when none is left.
 */
export function meanCosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`meanCosine: fields differ in length (${a.length} vs ${b.length})`);
  let total = 0;
  let count = 0;
  for (let i = 0; i + 1 < a.length; i += 2) {
    const na = Math.hypot(a[i], a[i + 1]);
    const nb = Math.hypot(b[i], b[i + 1]);
    if (!(na > 0) || !(nb > 0)) continue;
    total += (a[i] * b[i] + a[i + 1] * b[i + 1]) / (na * nb);
    count++;
  }
  return count === 0 ? Number.NaN : total / count;
}

/** x_t = α(t)·x_0 + σ(t)·ε for each clean point: a sample of p_t (Song et al. 2021, eq. 1 marginal). */
export function noisedPoints(clean: Float32Array, t: number, process: NoiseProcess, rng: Rng): Float32Array {
  const a = process.alpha(t);
  const s = process.sigma(t);
  const out = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) out[i] = a * clean[i] + s * rng.normal();
  return out;
}
