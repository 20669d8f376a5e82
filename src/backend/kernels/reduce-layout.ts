/**
 * Sums over a contiguous block of axes that leaves the last axis alone (every bias gradient, the
 * per-image sums of the time-embedding gradient), as plain loops on the wasm heap. With x viewed
 * as [outer, reduced, inner], out[o, c] = Σ_r x[o, r, c]. The backend's own Sum is 3–5× slower
 * for these (measured: 0.13 against 0.45 ms for [64, 28, 28, 8] over [0, 1, 2], 0.03 against
 * 0.16 ms for [64, 7, 7, 32]).
 *
 * Loop shape as in group-norm-math.ts: four columns per pass with the running sums in local
 * doubles, over chunks of about 16 kB so the passes of a chunk hit the L1 cache.
 */

export interface SumAsRows {
  outer: number;
  reduced: number;
  inner: number;
}

/** The [outer, reduced, inner] view of a sum of `shape` over sorted, distinct `axes`; null when the axes are not one contiguous block before the last axis. */
export function sumAsRows(shape: readonly number[], axes: readonly number[]): SumAsRows | null {
  if (axes.length === 0) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 !== axes.length || last >= shape.length - 1) return null;
  const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);
  return { outer: prod(shape.slice(0, first)), reduced: prod(shape.slice(first, last + 1)), inner: prod(shape.slice(last + 1)) };
}

/** out[o·inner + c] = Σ_r x[(o·reduced + r)·inner + c], summed in doubles. */
export function sumRows(x: Float32Array, s: SumAsRows, out: Float32Array): void {
  const { outer, reduced, inner: c } = s;
  const acc = new Float64Array(c);
  const step = Math.max(1, Math.floor(4096 / c)) * c;
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const begin = o * reduced * c;
    const end = begin + reduced * c;
    for (let lo = begin; lo < end; lo += step) {
      const hi = Math.min(end, lo + step);
      let c0 = 0;
      for (; c0 + 4 <= c; c0 += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = lo + c0; i < hi; i += c) {
          s0 += x[i];
          s1 += x[i + 1];
          s2 += x[i + 2];
          s3 += x[i + 3];
        }
        acc[c0] += s0;
        acc[c0 + 1] += s1;
        acc[c0 + 2] += s2;
        acc[c0 + 3] += s3;
      }
      for (; c0 < c; c0++) {
        let s0 = 0;
        for (let i = lo + c0; i < hi; i += c) s0 += x[i];
        acc[c0] += s0;
      }
    }
    for (let k = 0; k < c; k++) out[o * c + k] = acc[k];
  }
}
