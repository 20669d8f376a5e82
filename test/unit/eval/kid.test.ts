import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { kid, mmdUnbiased, polynomialKernel } from '../../../src/eval/kid';

function normalSet(n: number, d: number, rng: Rng, shift = 0): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() + shift;
  return out;
}

describe('polynomialKernel', () => {
  it('is (xᵀy/d + 1)³', () => {
    expect(polynomialKernel([1, 2], 0, [3, -1], 0, 2)).toBeCloseTo((1 / 2 + 1) ** 3, 14);
    expect(polynomialKernel([0, 0, 1, 1], 1, [2, 2], 0, 2)).toBeCloseTo((4 / 2 + 1) ** 3, 14);
  });
});

describe('MMD² (unbiased, cubic kernel)', () => {
  it('is k(a,a) + k(b,b) − 2k(a,b) between two point masses', () => {
    const a = [1, 0, 2];
    const b = [0, -1, 1];
    const k = (u: number[], v: number[]): number => (u.reduce((s, ui, i) => s + ui * v[i], 0) / 3 + 1) ** 3;
    const x = { data: [...a, ...a, ...a], n: 3, d: 3 };
    const y = { data: [...b, ...b, ...b, ...b], n: 4, d: 3 };
    expect(mmdUnbiased(x, y)).toBeCloseTo(k(a, a) + k(b, b) - 2 * k(a, b), 10);
  });

  it('has zero mean over independent samples of one distribution', () => {
    const rng = new Rng(11);
    const d = 6;
    const m = 30;
    const draws = 300;
    const values: number[] = [];
    let biasedMean = 0;
    for (let t = 0; t < draws; t++) {
      const x = { data: normalSet(m, d, rng), n: m, d };
      const y = { data: normalSet(m, d, rng), n: m, d };
      const u = mmdUnbiased(x, y);
      values.push(u);
      // The biased V-statistic adds the diagonal terms back: its mean is clearly positive, which
      // shows this test could tell the two estimators apart.
      let diagX = 0;
      let diagY = 0;
      for (let i = 0; i < m; i++) {
        diagX += polynomialKernel(x.data, i, x.data, i, d);
        diagY += polynomialKernel(y.data, i, y.data, i, d);
      }
      const offX = mmdOffDiag(x.data, m, d);
      const offY = mmdOffDiag(y.data, m, d);
      const biased = (offX + diagX) / (m * m) + (offY + diagY) / (m * m) - (u - offX / (m * (m - 1)) - offY / (m * (m - 1)));
      biasedMean += biased / draws;
    }
    const mean = values.reduce((s, v) => s + v, 0) / draws;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (draws - 1));
    const stdErr = std / Math.sqrt(draws);
    expect(Math.abs(mean)).toBeLessThan(3 * stdErr);
    expect(biasedMean).toBeGreaterThan(10 * stdErr);
  });

  it('on a set against itself equals (2/m)(mean off-diagonal k − mean diagonal k)', () => {
    // With X = Y the cross sum also holds the diagonal terms k(xᵢ, xᵢ), so the estimate is
    // 2/(m(m−1))·S_off − 2/m²·(S_off + S_diag) = (2/m)(S_off/(m(m−1)) − S_diag/m): slightly
    // negative for this kernel, and shrinking like 1/m.
    const rng = new Rng(2);
    const d = 5;
    const results: number[] = [];
    for (const m of [20, 80]) {
      const data = normalSet(m, d, rng);
      let diagSum = 0;
      for (let i = 0; i < m; i++) diagSum += polynomialKernel(data, i, data, i, d);
      const off = mmdOffDiag(data, m, d);
      const expected = (2 / m) * (off / (m * (m - 1)) - diagSum / m);
      const value = mmdUnbiased({ data, n: m, d }, { data, n: m, d });
      expect(value).toBeCloseTo(expected, 10);
      expect(value).toBeLessThan(0);
      results.push(value);
    }
    expect(Math.abs(results[1])).toBeLessThan(Math.abs(results[0]) / 2);
  });

  it('grows with the distance between distributions', () => {
    const rng = new Rng(4);
    const d = 4;
    const base = { data: normalSet(200, d, rng), n: 200, d };
    const near = mmdUnbiased(base, { data: normalSet(200, d, rng, 0.3), n: 200, d });
    const far = mmdUnbiased(base, { data: normalSet(200, d, rng, 1.0), n: 200, d });
    expect(near).toBeGreaterThan(0);
    expect(far).toBeGreaterThan(3 * near);
  });
});

describe('kid (subset average)', () => {
  it('averages subsets, reports their spread and is reproducible for a seed', () => {
    const rng = new Rng(9);
    const d = 4;
    const a = { data: normalSet(100, d, rng), n: 100, d };
    const b = { data: normalSet(120, d, rng, 0.5), n: 120, d };
    const r1 = kid(a, b, { subsets: 10, subsetSize: 50, seed: 3 });
    const r2 = kid(a, b, { subsets: 10, subsetSize: 50, seed: 3 });
    expect(r1).toEqual(r2);
    expect(r1.subsets).toBe(10);
    expect(r1.subsetSize).toBe(50);
    expect(r1.std).toBeGreaterThan(0);
    expect(r1.mean).toBeGreaterThan(0);
    const full = kid(a, { data: b.data.slice(0, 100 * d), n: 100, d }, { subsets: 1, subsetSize: 100 });
    expect(full.std).toBe(0);
    expect(full.mean).toBeCloseTo(mmdUnbiased(a, { data: b.data.slice(0, 100 * d), n: 100, d }), 12);
  });

  it('refuses a subset larger than a set', () => {
    const a = { data: new Float64Array(10 * 2), n: 10, d: 2 };
    expect(() => kid(a, a, { subsetSize: 11 })).toThrow(/subset size/);
  });
});

function mmdOffDiag(x: Float64Array, m: number, d: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) s += polynomialKernel(x, i, x, j, d);
  return s;
}
