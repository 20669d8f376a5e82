import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { fid, frechetDistance, frechetTerms } from '../../../src/eval/fid';
import { featureStats, type FeatureStats } from '../../../src/eval/stats';

function gaussianSet(n: number, mean: number[], std: number[], rng: Rng): Float64Array {
  const d = mean.length;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = mean[j] + std[j] * rng.normal();
  return out;
}

function stats(mean: number[], cov: number[]): FeatureStats {
  return { n: 0, d: mean.length, mean: Float64Array.from(mean), cov: Float64Array.from(cov) };
}

function diag(values: number[]): number[] {
  const d = values.length;
  const m = new Array<number>(d * d).fill(0);
  values.forEach((v, i) => (m[i * d + i] = v));
  return m;
}

describe('featureStats', () => {
  it('computes the mean and the n − 1 covariance', () => {
    const s = featureStats({ data: [1, 2, 3, 6, 5, 10], n: 3, d: 2 });
    expect([...s.mean]).toEqual([3, 6]);
    // x: 1,3,5 → var 4; y: 2,6,10 → var 16; cov 8.
    expect([...s.cov]).toEqual([4, 8, 8, 16]);
  });

  it('refuses a mismatched size', () => {
    expect(() => featureStats({ data: [1, 2, 3], n: 2, d: 2 })).toThrow(/needs 4/);
  });
});

describe('FID', () => {
  it('is zero (to rounding) between a set and itself', () => {
    const rng = new Rng(1);
    const d = 32;
    const n = 400;
    const data = gaussianSet(n, Array.from({ length: d }, (_, j) => j / 7), Array.from({ length: d }, (_, j) => 1 + j / 10), rng);
    // Correlate the features so the covariance is not diagonal.
    for (let i = 0; i < n; i++) for (let j = 1; j < d; j++) data[i * d + j] += 0.5 * data[i * d + j - 1];
    const s = featureStats({ data, n, d });
    let tr = 0;
    for (let j = 0; j < d; j++) tr += s.cov[j * d + j];
    const value = frechetDistance(s, s);
    expect(Math.abs(value) / tr).toBeLessThan(1e-6);
  });

  it('matches the closed form for diagonal covariances: ‖μ₁−μ₂‖² + Σ(√a − √b)²', () => {
    const a = [1, 4, 0.25, 9];
    const b = [2, 1, 0.25, 16];
    const m1 = [0, 1, 2, 3];
    const m2 = [1, 1, 0, 3];
    const expected = 1 + 0 + 4 + 0 + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
    const terms = frechetTerms(stats(m1, diag(a)), stats(m2, diag(b)));
    expect(terms.meanTerm).toBeCloseTo(5, 12);
    expect(terms.fid).toBeCloseTo(expected, 10);
  });

  it('matches the 2 × 2 closed form for non-commuting covariances', () => {
    // For 2 × 2 matrices Tr((Σ₁Σ₂)^{1/2}) = sqrt(Tr(Σ₁Σ₂) + 2 sqrt(det Σ₁ det Σ₂)), since the
    // eigenvalues λ₁, λ₂ of Σ₁Σ₂ are non-negative and (√λ₁ + √λ₂)² = λ₁ + λ₂ + 2√(λ₁λ₂).
    const s1 = [2, 0.9, 0.9, 1];
    const s2 = [1, -0.3, -0.3, 3];
    const trProduct = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
    const det1 = s1[0] * s1[3] - s1[1] * s1[2];
    const det2 = s2[0] * s2[3] - s2[1] * s2[2];
    const cross = Math.sqrt(trProduct + 2 * Math.sqrt(det1 * det2));
    const expected = 0.5 ** 2 + 2 ** 2 + (3 + 4 - 2 * cross);
    expect(frechetDistance(stats([0, 0], s1), stats([0.5, -2], s2))).toBeCloseTo(expected, 10);
    // The distance is symmetric even though Σ₁Σ₂ ≠ Σ₂Σ₁.
    expect(frechetDistance(stats([0.5, -2], s2), stats([0, 0], s1))).toBeCloseTo(expected, 10);
  });

  it('estimated from samples approaches the distance between the true Gaussians', () => {
    const rng = new Rng(5);
    const n = 20000;
    const m1 = [0, 0, 0];
    const m2 = [1, 0, -0.5];
    const sd1 = [1, 2, 0.5];
    const sd2 = [1.5, 1, 0.5];
    const x = gaussianSet(n, m1, sd1, rng);
    const y = gaussianSet(n, m2, sd2, rng);
    const expected = 1.25 + sd1.reduce((s, a, i) => s + (a - sd2[i]) ** 2, 0);
    expect(fid({ data: x, n, d: 3 }, { data: y, n, d: 3 })).toBeCloseTo(expected, 1);
  });
});
