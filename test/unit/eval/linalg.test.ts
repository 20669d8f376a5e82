import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { matMul, sqrtPsd, symmetricEigen, trace, traceSqrtPsd } from '../../../src/eval/linalg';

function randomPsd(d: number, seed: number, rank = d): Float64Array {
  const rng = new Rng(seed);
  const b = new Float64Array(d * rank);
  for (let i = 0; i < b.length; i++) b[i] = rng.normal();
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < rank; k++) s += b[i * rank + k] * b[j * rank + k];
    a[i * d + j] = s;
  }
  return a;
}

describe('symmetricEigen', () => {
  it('finds A V = V Λ with orthonormal V', () => {
    const d = 24;
    const a = randomPsd(d, 3);
    for (let i = 0; i < d; i++) a[i * d + i] -= 10; // make it indefinite too
    const { values, vectors } = symmetricEigen(a, d);
    const av = matMul(a, vectors, d);
    let worst = 0;
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) worst = Math.max(worst, Math.abs(av[i * d + k] - values[k] * vectors[i * d + k]));
    expect(worst).toBeLessThan(1e-10);
    for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += vectors[i * d + p] * vectors[i * d + q];
      expect(dot).toBeCloseTo(p === q ? 1 : 0, 12);
    }
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace(a, d), 9);
  });

  it('gives the known eigenvalues of a 2 × 2 matrix', () => {
    const { values } = symmetricEigen([2, 1, 1, 2], 2);
    expect([...values].sort()).toEqual([1, 3].map((v) => expect.closeTo(v, 14)));
  });
});

describe('sqrtPsd', () => {
  it('squares back to the matrix, including a rank-deficient one', () => {
    for (const rank of [8, 3]) {
      const d = 8;
      const a = randomPsd(d, 7 + rank, rank);
      const r = sqrtPsd(a, d);
      const rr = matMul(r, r, d);
      for (let i = 0; i < d * d; i++) expect(rr[i]).toBeCloseTo(a[i], 9);
    }
  });

  it('traceSqrtPsd of a diagonal matrix is the sum of square roots', () => {
    expect(traceSqrtPsd([4, 0, 0, 0, 9, 0, 0, 0, 0.25], 3)).toBeCloseTo(2 + 3 + 0.5, 14);
  });
});
