/**
 * Group normalisation (Wu & He 2018, "Group Normalization", eq. 1–3 and 7) and its gradient as
 * two passes over NHWC Float32Arrays each, for the backends whose tensors live in JS-visible
 * memory (wasm heap, cpu arrays). Written as composite tfjs ops, one GroupNorm costs ~10 kernels
 * forward and ~25 backward, most of them broadcasting, which the wasm backend runs ~10× slower
 * than plain element-wise ops.
 *
 * Per image b and group g (the channels g·Cg … (g+1)·Cg−1 over all H·W pixels, n = H·W·Cg):
 *   μ = mean(x), σ⁻¹ = 1/√(mean((x−μ)²) + ε), x̂ = (x−μ)·σ⁻¹, y = γ_c·x̂ + β_c.
 * Gradient (the standard batch-norm derivation applied per group; Ioffe & Szegedy 2015, §3):
 *   dβ_c = Σ dy, dγ_c = Σ dy·x̂ (over images and pixels),
 *   dx = σ⁻¹ · (γ_c·dy − mean(γ·dy) − x̂ · mean(γ·dy·x̂)) (means over the group).
 */

export interface GroupNormShape {
  batch: number;
  /** Pixels per image (H·W). */
  pixels: number;
  channels: number;
  groups: number;
}

/*
 * Loop shape: channels in blocks of four with the running sums in local variables (doubles in
 * registers), walking the pixels with stride C, then the remaining channels one at a time. The
 * pixels are taken in chunks of about 16 kB so that the passes of the channel blocks over a chunk
 * hit the L1 cache. In V8 this is 2–10× faster than one pass with per-channel sums in an array.
 */

/** Floats per chunk: a chunk is a whole number of pixels of about 16 kB. */
function chunkLength(c: number): number {
  return Math.max(1, Math.floor(4096 / c)) * c;
}

/** Adds Σx and Σx² over x[begin..end) (whole pixels), per channel, to sum / sumSq. */
function channelSums(x: Float32Array, begin: number, end: number, c: number, sum: Float64Array, sumSq: Float64Array): void {
  const step = chunkLength(c);
  for (let lo = begin; lo < end; lo += step) {
    const hi = Math.min(end, lo + step);
    let c0 = 0;
    for (; c0 + 4 <= c; c0 += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
      for (let i = lo + c0; i < hi; i += c) {
        const a = x[i], b = x[i + 1], d = x[i + 2], e = x[i + 3];
        s0 += a; s1 += b; s2 += d; s3 += e;
        q0 += a * a; q1 += b * b; q2 += d * d; q3 += e * e;
      }
      sum[c0] += s0; sum[c0 + 1] += s1; sum[c0 + 2] += s2; sum[c0 + 3] += s3;
      sumSq[c0] += q0; sumSq[c0 + 1] += q1; sumSq[c0 + 2] += q2; sumSq[c0 + 3] += q3;
    }
    for (; c0 < c; c0++) {
      let s0 = 0;
      let q0 = 0;
      for (let i = lo + c0; i < hi; i += c) {
        const a = x[i];
        s0 += a;
        q0 += a * a;
      }
      sum[c0] += s0;
      sumSq[c0] += q0;
    }
  }
}

/** Adds Σdy and Σdy·x over [begin, end), per channel, to sumDy / sumDyX. */
function gradientSums(dy: Float32Array, x: Float32Array, begin: number, end: number, c: number, sumDy: Float64Array, sumDyX: Float64Array): void {
  const step = chunkLength(c);
  for (let lo = begin; lo < end; lo += step) {
    const hi = Math.min(end, lo + step);
    let c0 = 0;
    for (; c0 + 4 <= c; c0 += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
      for (let i = lo + c0; i < hi; i += c) {
        const a = dy[i], b = dy[i + 1], d = dy[i + 2], e = dy[i + 3];
        s0 += a; s1 += b; s2 += d; s3 += e;
        q0 += a * x[i]; q1 += b * x[i + 1]; q2 += d * x[i + 2]; q3 += e * x[i + 3];
      }
      sumDy[c0] += s0; sumDy[c0 + 1] += s1; sumDy[c0 + 2] += s2; sumDy[c0 + 3] += s3;
      sumDyX[c0] += q0; sumDyX[c0 + 1] += q1; sumDyX[c0 + 2] += q2; sumDyX[c0 + 3] += q3;
    }
    for (; c0 < c; c0++) {
      let s0 = 0;
      let q0 = 0;
      for (let i = lo + c0; i < hi; i += c) {
        s0 += dy[i];
        q0 += dy[i] * x[i];
      }
      sumDy[c0] += s0;
      sumDyX[c0] += q0;
    }
  }
}

/** out = x·k_c + h_c over [begin, end). */
function affine(x: Float32Array, begin: number, end: number, c: number, k: Float32Array, h: Float32Array, out: Float32Array): void {
  const step = chunkLength(c);
  for (let lo = begin; lo < end; lo += step) {
    const hi = Math.min(end, lo + step);
    let c0 = 0;
    for (; c0 + 4 <= c; c0 += 4) {
      const k0 = k[c0], k1 = k[c0 + 1], k2 = k[c0 + 2], k3 = k[c0 + 3];
      const h0 = h[c0], h1 = h[c0 + 1], h2 = h[c0 + 2], h3 = h[c0 + 3];
      for (let i = lo + c0; i < hi; i += c) {
        out[i] = x[i] * k0 + h0;
        out[i + 1] = x[i + 1] * k1 + h1;
        out[i + 2] = x[i + 2] * k2 + h2;
        out[i + 3] = x[i + 3] * k3 + h3;
      }
    }
    for (; c0 < c; c0++) {
      const k0 = k[c0];
      const h0 = h[c0];
      for (let i = lo + c0; i < hi; i += c) out[i] = x[i] * k0 + h0;
    }
  }
}

/** out = dy·p_c + x·q_c + r_c over [begin, end). */
function affine2(dy: Float32Array, x: Float32Array, begin: number, end: number, c: number, p: Float32Array, q: Float32Array, r: Float32Array, out: Float32Array): void {
  const step = chunkLength(c);
  for (let lo = begin; lo < end; lo += step) {
    const hi = Math.min(end, lo + step);
    let c0 = 0;
    for (; c0 + 4 <= c; c0 += 4) {
      const p0 = p[c0], p1 = p[c0 + 1], p2 = p[c0 + 2], p3 = p[c0 + 3];
      const q0 = q[c0], q1 = q[c0 + 1], q2 = q[c0 + 2], q3 = q[c0 + 3];
      const r0 = r[c0], r1 = r[c0 + 1], r2 = r[c0 + 2], r3 = r[c0 + 3];
      for (let i = lo + c0; i < hi; i += c) {
        out[i] = dy[i] * p0 + x[i] * q0 + r0;
        out[i + 1] = dy[i + 1] * p1 + x[i + 1] * q1 + r1;
        out[i + 2] = dy[i + 2] * p2 + x[i + 2] * q2 + r2;
        out[i + 3] = dy[i + 3] * p3 + x[i + 3] * q3 + r3;
      }
    }
    for (; c0 < c; c0++) {
      const p0 = p[c0];
      const q0 = q[c0];
      const r0 = r[c0];
      for (let i = lo + c0; i < hi; i += c) out[i] = dy[i] * p0 + x[i] * q0 + r0;
    }
  }
}

/**
 * Per image: the per-channel sums Σx and Σx² (in doubles), group statistics from them, then
 * y = x·scale_c + shift_c. Σx² − n·μ² in doubles keeps the variance of float32 data exact to
 * ~1e-8 relative even when |μ|/σ is 1e4.
 */
export function groupNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  s: GroupNormShape,
  epsilon: number,
  y: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
): void {
  const { batch, pixels, channels: c, groups } = s;
  const cg = c / groups;
  const n = pixels * cg;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let b = 0; b < batch; b++) {
    const begin = b * pixels * c;
    const end = begin + pixels * c;
    sum.fill(0);
    sumSq.fill(0);
    channelSums(x, begin, end, c, sum, sumSq);
    for (let g = 0; g < groups; g++) {
      let s1 = 0;
      let s2 = 0;
      for (let ch = g * cg; ch < (g + 1) * cg; ch++) {
        s1 += sum[ch];
        s2 += sumSq[ch];
      }
      const mu = s1 / n;
      const inv = 1 / Math.sqrt(Math.max(0, s2 / n - mu * mu) + epsilon);
      mean[b * groups + g] = mu;
      invStd[b * groups + g] = inv;
      for (let ch = g * cg; ch < (g + 1) * cg; ch++) {
        scale[ch] = inv * gamma[ch];
        shift[ch] = beta[ch] - mu * inv * gamma[ch];
      }
    }
    affine(x, begin, end, c, scale, shift, y);
  }
}

/**
 * Writes dx [B, H·W, C], dγ [C] and dβ [C]. Per image, Σdy and Σdy·x per channel give
 * everything else, and dx = dy·P_c + x·Q_c + R_c in a second pass: with x̂ = (x−μ)σ⁻¹,
 * mean(γ·dy) = Σ_c γ_c Σdy_c / n and mean(γ·dy·x̂) = Σ_c γ_c (Σdy·x_c − μ Σdy_c) σ⁻¹ / n.
 */
export function groupNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  s: GroupNormShape,
  dx: Float32Array,
  dGamma: Float32Array,
  dBeta: Float32Array,
): void {
  const { batch, pixels, channels: c, groups } = s;
  const cg = c / groups;
  const n = pixels * cg;
  const dg = new Float64Array(c);
  const db = new Float64Array(c);
  const sumDy = new Float64Array(c);
  const sumDyX = new Float64Array(c);
  const p = new Float32Array(c);
  const q = new Float32Array(c);
  const r = new Float32Array(c);
  for (let b = 0; b < batch; b++) {
    const begin = b * pixels * c;
    const end = begin + pixels * c;
    sumDy.fill(0);
    sumDyX.fill(0);
    gradientSums(dy, x, begin, end, c, sumDy, sumDyX);
    for (let g = 0; g < groups; g++) {
      const mu = mean[b * groups + g];
      const inv = invStd[b * groups + g];
      let meanG = 0;
      let meanGX = 0;
      for (let ch = g * cg; ch < (g + 1) * cg; ch++) {
        // Σ dy·x̂ over this image's pixels of channel ch.
        const dyXhat = (sumDyX[ch] - mu * sumDy[ch]) * inv;
        db[ch] += sumDy[ch];
        dg[ch] += dyXhat;
        meanG += gamma[ch] * sumDy[ch];
        meanGX += gamma[ch] * dyXhat;
      }
      meanG /= n;
      meanGX /= n;
      // dx = σ⁻¹(γ·dy − meanG − (x−μ)σ⁻¹·meanGX) = dy·(σ⁻¹γ) + x·(−σ⁻²·meanGX) + σ⁻¹(μσ⁻¹·meanGX − meanG)
      for (let ch = g * cg; ch < (g + 1) * cg; ch++) {
        p[ch] = inv * gamma[ch];
        q[ch] = -inv * inv * meanGX;
        r[ch] = inv * (mu * inv * meanGX - meanG);
      }
    }
    affine2(dy, x, begin, end, c, p, q, r, dx);
  }
  for (let ch = 0; ch < c; ch++) {
    dGamma[ch] = dg[ch];
    dBeta[ch] = db[ch];
  }
}
