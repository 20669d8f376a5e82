/**
 * Small dense linear algebra on Float64 for the sample-quality metrics: symmetric matrices are
 * stored row-major in a Float64Array of d × d. Pure TypeScript so the metrics give the same
 * numbers in Node and in a browser, whatever tfjs backend is active.
 */

export type Matrix = Float64Array;

export interface SymmetricEigen {
  /** Eigenvalues, in the order of the columns of `vectors` (not sorted). */
  values: Float64Array;
  /** Eigenvectors as the columns of a d × d row-major matrix. */
  vectors: Matrix;
  /** Sweeps the iteration took. */
  sweeps: number;
}

/**
 * Eigendecomposition of a symmetric matrix by the cyclic Jacobi method (Jacobi 1846; Golub & Van
 * Loan, "Matrix Computations", 4th ed., §8.5): plane rotations zero one off-diagonal entry at a time
 * until the off-diagonal mass is negligible. Slower than tridiagonal QL but simple, and it keeps
 * every eigenvector orthogonal to working precision, which the matrix square roots rely on.
 *
 * Only the upper triangle is trusted: the input is symmetrised first.
 */
export function symmetricEigen(input: ArrayLike<number>, d: number, maxSweeps = 60): SymmetricEigen {
  if (input.length !== d * d) throw new Error(`symmetricEigen: expected ${d}×${d} = ${d * d} values, got ${input.length}`);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    a[i * d + i] = input[i * d + i];
    for (let j = i + 1; j < d; j++) {
      const v = 0.5 * (input[i * d + j] + input[j * d + i]);
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
  }
  const v = identity(d);
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i] * a[i];
  // Entries this small relative to ‖A‖_F cannot change any eigenvalue at double precision; they
  // are set to zero instead of rotated, so the iteration ends with an exactly diagonal matrix.
  const negligible = Number.EPSILON * 1e-3 * Math.sqrt(scale);

  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] * a[p * d + q];
    if (off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        if (Math.abs(apq) <= negligible) {
          a[p * d + q] = 0;
          a[q * d + p] = 0;
          continue;
        }
        const app = a[p * d + p];
        const aqq = a[q * d + q];
        // Rotation angle φ with cot 2φ = (a_qq − a_pp) / (2 a_pq); t = tan φ is the smaller root
        // of t² + 2θt − 1 = 0, which keeps |φ| ≤ π/4 (Golub & Van Loan, Algorithm 8.5.1).
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        a[p * d + p] = app - t * apq;
        a[q * d + q] = aqq + t * apq;
        a[p * d + q] = 0;
        a[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i];
  return { values, vectors: v, sweeps };
}

export function identity(d: number): Matrix {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

/** C = A · B for d × d row-major matrices. */
export function matMul(a: Matrix, b: Matrix, d: number): Matrix {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) c[i * d + j] += aik * b[k * d + j];
    }
  }
  return c;
}

export function trace(a: ArrayLike<number>, d: number): number {
  let t = 0;
  for (let i = 0; i < d; i++) t += a[i * d + i];
  return t;
}

/**
 * Principal square root of a symmetric positive semi-definite matrix, V diag(√λ) Vᵀ. Eigenvalues
 * that rounding has pushed slightly below zero are treated as zero.
 */
export function sqrtPsd(a: ArrayLike<number>, d: number): Matrix {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const r = Math.sqrt(Math.max(0, values[k]));
    if (r === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k] * r;
      if (vik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] += vik * vectors[j * d + k];
    }
  }
  return out;
}

/** Tr(√A) for a symmetric PSD matrix: the sum of the square roots of its eigenvalues. */
export function traceSqrtPsd(a: ArrayLike<number>, d: number): number {
  const { values } = symmetricEigen(a, d);
  let t = 0;
  for (const v of values) t += Math.sqrt(Math.max(0, v));
  return t;
}
