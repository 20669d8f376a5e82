/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs", §4 and App. D): the
 * squared maximum mean discrepancy between two feature sets under the cubic polynomial kernel
 *
 *   k(x, y) = (xᵀy / d + 1)³,
 *
 * estimated without bias (Gretton et al. 2012, "A Kernel Two-Sample Test", Lemma 6, MMD²_u):
 *
 *   MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ).
 *
 * Unlike FID its expectation is exactly zero when both sets come from the same distribution, so
 * it can be negative, and values from different sample sizes are comparable. As in the paper, it
 * can be averaged over random subsets, which also gives a spread.
 */
import { Rng } from '../data/rng';
import { checkFeatureSet, type FeatureSet } from './stats';

/** The cubic polynomial kernel of Bińkowski et al. 2018 on rows i of `x` and j of `y`. */
export function polynomialKernel(x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number, d: number): number {
  let dot = 0;
  const xo = i * d;
  const yo = j * d;
  for (let k = 0; k < d; k++) dot += x[xo + k] * y[yo + k];
  const base = dot / d + 1;
  return base * base * base;
}

/** Rows of a feature set copied into a Float64Array (so the kernel loops read one array type). */
function gatherRows(set: FeatureSet, rows: ArrayLike<number>): Float64Array {
  const { d, data } = set;
  const out = new Float64Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r] * d;
    for (let k = 0; k < d; k++) out[r * d + k] = data[src + k];
  }
  return out;
}

function offDiagonalSum(x: Float64Array, m: number, d: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) s += polynomialKernel(x, i, x, j, d);
  return 2 * s;
}

function crossSum(x: Float64Array, m: number, y: Float64Array, n: number, d: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) s += polynomialKernel(x, i, y, j, d);
  return s;
}

/** MMD²_u with the cubic kernel between all rows of `a` and all rows of `b` (each at least 2). */
export function mmdUnbiased(a: FeatureSet, b: FeatureSet): number {
  checkFeatureSet(a, 'KID first set');
  checkFeatureSet(b, 'KID second set');
  if (a.d !== b.d) throw new Error(`KID: feature sizes differ (${a.d} vs ${b.d})`);
  if (a.n < 2 || b.n < 2) throw new Error(`KID needs at least 2 vectors per set, got ${a.n} and ${b.n}`);
  const d = a.d;
  const x = Float64Array.from(a.data);
  const y = Float64Array.from(b.data);
  const m = a.n;
  const n = b.n;
  return offDiagonalSum(x, m, d) / (m * (m - 1)) + offDiagonalSum(y, n, d) / (n * (n - 1)) - (2 * crossSum(x, m, y, n, d)) / (m * n);
}

export interface KidOptions {
  /** Random subsets to average over (Bińkowski et al. use 100). 0 or 1 with subsetSize ≥ both sizes: one estimate on everything. */
  subsets?: number;
  /** Vectors per subset, drawn without replacement from each set (default min(1000, m, n)). */
  subsetSize?: number;
  seed?: number;
}

export interface KidResult {
  /** Mean of the subset estimates. */
  mean: number;
  /** Standard deviation of the subset estimates (0 with one subset). */
  std: number;
  subsets: number;
  subsetSize: number;
}

/** Draws k distinct indices of 0..n-1 with a partial Fisher–Yates shuffle. */
function sampleWithoutReplacement(n: number, k: number, rng: Rng): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, k);
}

/** KID: MMD²_u averaged over random equal-size subsets of both sets. */
export function kid(a: FeatureSet, b: FeatureSet, options: KidOptions = {}): KidResult {
  checkFeatureSet(a, 'KID first set');
  checkFeatureSet(b, 'KID second set');
  if (a.d !== b.d) throw new Error(`KID: feature sizes differ (${a.d} vs ${b.d})`);
  const size = options.subsetSize ?? Math.min(1000, a.n, b.n);
  if (!Number.isInteger(size) || size < 2 || size > a.n || size > b.n) {
    throw new Error(`KID subset size must be an integer in [2, min(${a.n}, ${b.n})], got ${size}`);
  }
  const count = Math.max(1, options.subsets ?? 100);
  if (count === 1 && size === a.n && size === b.n) {
    return { mean: mmdUnbiased(a, b), std: 0, subsets: 1, subsetSize: size };
  }
  const rng = new Rng(options.seed ?? 0);
  const values: number[] = [];
  for (let s = 0; s < count; s++) {
    const x = gatherRows(a, sampleWithoutReplacement(a.n, size, rng));
    const y = gatherRows(b, sampleWithoutReplacement(b.n, size, rng));
    values.push(mmdUnbiased({ data: x, n: size, d: a.d }, { data: y, n: size, d: b.d }));
  }
  const mean = values.reduce((p, v) => p + v, 0) / count;
  const variance = count > 1 ? values.reduce((p, v) => p + (v - mean) ** 2, 0) / (count - 1) : 0;
  return { mean, std: Math.sqrt(variance), subsets: count, subsetSize: size };
}
