/**
 * GroupNorm forward and backward on the wasm backend with the SIMD passes of group-norm-simd.ts;
 * the same equations as group-norm-math.ts (Wu & He 2018, eq. 1–3; the gradient as documented
 * there), with the per-group statistics computed here in doubles from per-channel float32 sums.
 * Each function returns false when it cannot run (channels not a multiple of 4, no SIMD), and
 * the caller then uses group-norm-math.ts.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GroupNormShape } from '../group-norm-math';
import { heapF32, heapIndex } from '../wasm-heap';
import { buildGroupNormAffine, buildGroupNormAffine2, buildGroupNormGradSums, buildGroupNormSums, GN_AFFINE, GN_AFFINE2, GN_GRAD_SUMS, GN_SUMS } from './group-norm-simd';
import { simdKernel } from './simd-module';

/** A scratch tensor of `count` [B, C] float arrays; views() returns them after the last allocation. */
function scratch(backend: BackendWasm, count: number, size: number) {
  const t = backend.makeOutput([count * size], 'float32');
  return {
    tensor: t,
    /** Byte address of array k. */
    address: (k: number) => 4 * (heapIndex(backend, t) + k * size),
    views: () => {
      const all = heapF32(backend, t);
      return Array.from({ length: count }, (_, k) => all.subarray(k * size, (k + 1) * size));
    },
  };
}

export function groupNormForwardSimd(
  backend: BackendWasm,
  x: TensorInfo,
  gamma: TensorInfo,
  beta: TensorInfo,
  s: GroupNormShape,
  epsilon: number,
  y: TensorInfo,
  mean: TensorInfo,
  invStd: TensorInfo,
): boolean {
  const { batch, pixels, channels: c, groups } = s;
  if (c % 4 !== 0) return false;
  const sums = simdKernel(backend, buildGroupNormSums, GN_SUMS);
  const affine = simdKernel(backend, buildGroupNormAffine, GN_AFFINE);
  if (!sums || !affine) return false;
  const work = scratch(backend, 6, batch * c);
  try {
    // Arrays: 0 shift (the first pixel), 1 Σ(x−shift), 2 Σ(x−shift)², 3 the group mean, 4 scale, 5 offset.
    const [shift, sum, sumSq, centre, scale, offset] = work.views();
    const xs = heapF32(backend, x);
    for (let b = 0; b < batch; b++) shift.set(xs.subarray(b * pixels * c, b * pixels * c + c), b * c);
    sums(4 * heapIndex(backend, x), work.address(0), batch, pixels, c, work.address(1), work.address(2));
    const g = heapF32(backend, gamma);
    const be = heapF32(backend, beta);
    const means = heapF32(backend, mean);
    const invs = heapF32(backend, invStd);
    const cg = c / groups;
    const n = pixels * cg;
    for (let b = 0; b < batch; b++) {
      for (let grp = 0; grp < groups; grp++) {
        const first = b * c + grp * cg;
        let total = 0;
        for (let k = first; k < first + cg; k++) total += sum[k] + pixels * shift[k];
        const mu = total / n;
        // Σ(x−μ)² = Σ(x−s)² + 2(s−μ)Σ(x−s) + P(s−μ)² per channel, s its shift.
        let sq = 0;
        for (let k = first; k < first + cg; k++) {
          const d = shift[k] - mu;
          sq += sumSq[k] + 2 * d * sum[k] + pixels * d * d;
        }
        const inv = 1 / Math.sqrt(Math.max(0, sq / n) + epsilon);
        means[b * groups + grp] = mu;
        invs[b * groups + grp] = inv;
        // y = (x − μ)·σ⁻¹γ + β with μ = hi + lo split into a float32 and its rounding error:
        // x − hi is exact for x near μ, and the lo part moves into the offset.
        const hi = Math.fround(mu);
        for (let k = first; k < first + cg; k++) {
          const ch = k - b * c;
          centre[k] = hi;
          scale[k] = inv * g[ch];
          offset[k] = be[ch] - (mu - hi) * inv * g[ch];
        }
      }
    }
    affine(4 * heapIndex(backend, x), work.address(3), work.address(4), work.address(5), batch, pixels, c, 4 * heapIndex(backend, y));
  } finally {
    backend.disposeData(work.tensor.dataId);
  }
  return true;
}

export function groupNormBackwardSimd(
  backend: BackendWasm,
  dy: TensorInfo,
  x: TensorInfo,
  gamma: TensorInfo,
  mean: TensorInfo,
  invStd: TensorInfo,
  s: GroupNormShape,
  dx: TensorInfo,
  dGamma: TensorInfo,
  dBeta: TensorInfo,
): boolean {
  const { batch, pixels, channels: c, groups } = s;
  if (c % 4 !== 0) return false;
  const sums = simdKernel(backend, buildGroupNormGradSums, GN_GRAD_SUMS);
  const affine2 = simdKernel(backend, buildGroupNormAffine2, GN_AFFINE2);
  if (!sums || !affine2) return false;
  const work = scratch(backend, 6, batch * c);
  try {
    // Arrays: 0 the group mean per channel, 1 Σdy, 2 Σdy·(x−μ), 3 p, 4 q, 5 r.
    const cg = c / groups;
    const n = pixels * cg;
    {
      const [mu] = work.views();
      const means = heapF32(backend, mean);
      for (let b = 0; b < batch; b++) for (let ch = 0; ch < c; ch++) mu[b * c + ch] = means[b * groups + Math.floor(ch / cg)];
    }
    sums(4 * heapIndex(backend, dy), 4 * heapIndex(backend, x), work.address(0), batch, pixels, c, work.address(1), work.address(2));
    const [, sumDy, sumDyX, p, q, r] = work.views();
    const g = heapF32(backend, gamma);
    const invs = heapF32(backend, invStd);
    const dg = new Float64Array(c);
    const db = new Float64Array(c);
    for (let b = 0; b < batch; b++) {
      for (let grp = 0; grp < groups; grp++) {
        const first = b * c + grp * cg;
        const inv = invs[b * groups + grp];
        let meanG = 0;
        let meanGX = 0;
        for (let k = first; k < first + cg; k++) {
          const ch = k - b * c;
          // Σ dy·x̂ over this image's pixels of channel ch.
          const dyXhat = sumDyX[k] * inv;
          db[ch] += sumDy[k];
          dg[ch] += dyXhat;
          meanG += g[ch] * sumDy[k];
          meanGX += g[ch] * dyXhat;
        }
        meanG /= n;
        meanGX /= n;
        // dx = σ⁻¹(γ·dy − meanG − (x−μ)σ⁻¹·meanGX) = dy·(σ⁻¹γ) + (x−μ)·(−σ⁻²·meanGX) − σ⁻¹·meanG
        for (let k = first; k < first + cg; k++) {
          const ch = k - b * c;
          p[k] = inv * g[ch];
          q[k] = -inv * inv * meanGX;
          r[k] = -inv * meanG;
        }
      }
    }
    affine2(4 * heapIndex(backend, dy), 4 * heapIndex(backend, x), work.address(3), work.address(0), work.address(4), work.address(5), batch, pixels, c, 4 * heapIndex(backend, dx));
    const dgOut = heapF32(backend, dGamma);
    const dbOut = heapF32(backend, dBeta);
    for (let ch = 0; ch < c; ch++) {
      dgOut[ch] = dg[ch];
      dbOut[ch] = db[ch];
    }
  } finally {
    backend.disposeData(work.tensor.dataId);
  }
  return true;
}
