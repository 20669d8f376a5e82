/**
 * The four passes of GroupNorm's forward and backward (group-norm-math.ts) as WebAssembly SIMD
 * functions over NHWC data with C a multiple of 4, four channels per vector. Per-image,
 * per-channel quantities ([B, C] arrays: shifts, scales, sums) are computed or consumed by the
 * caller in JavaScript; these functions do the passes over every pixel.
 *
 * Sums are taken in float32 about a per-(image, channel) shift close to the data (the first pixel
 * in the forward pass, the group mean in the backward pass), so Σ(x − shift)² does not cancel the
 * way Σx² − n·μ² would for data with a large mean (Chan, Golub & LeVeque 1983, "Algorithms for
 * computing the sample variance", §3, the shifted data algorithm).
 *
 * Parameters are i32 byte addresses and counts; B images of P pixels of C channels.
 */
import {
  f32x4Add,
  f32x4Mul,
  f32x4Sub,
  forLoop,
  FunctionBuilder,
  get,
  i32,
  i32Add,
  i32Mul,
  set,
  v128Load,
  v128Store,
  v128Zero,
  type Code,
  type Local,
} from './wasm-encoder';

export const GN_SUMS = 'gnSums';
export const GN_GRAD_SUMS = 'gnGradSums';
export const GN_AFFINE = 'gnAffine';
export const GN_AFFINE2 = 'gnAffine2';

/** Byte address of the [B, C] entry (b, c0) of an array at `base`. */
const perChannel = (base: Local, b: Local, c: Local, c0: Local): Code => i32Add(get(base), i32Mul(i32Add(i32Mul(get(b), get(c)), get(c0)), i32(4)));

/**
 * Per image and channel, over the pixels: two sums of per-element terms, written to sumA and
 * sumB ([B, C]). `terms` gets the inputs' loads, the shift vector and a scratch local, and gives
 * a prelude (run once per pixel) and the two terms.
 */
function buildSums(name: string, inputs: number, terms: (loaded: Code[], shift: Code, d: Local) => [Code, Code, Code]): FunctionBuilder {
  const f = new FunctionBuilder(name);
  const data = Array.from({ length: inputs }, () => f.param('i32'));
  const [shift, batch, pixels, channels, sumA, sumB] = Array.from({ length: 6 }, () => f.param('i32'));
  const b = f.local('i32');
  const c0 = f.local('i32');
  const off = f.local('i32');
  const end = f.local('i32');
  const image = f.local('i32');
  const rowBytes = f.local('i32');
  const sh = f.local('v128');
  const a = f.local('v128');
  const q = f.local('v128');
  const d = f.local('v128');
  const loaded = data.map((ptr) => v128Load(i32Add(get(ptr), get(off))));
  const [prelude, termA, termB] = terms(loaded, get(sh), d);
  f.emit(
    set(rowBytes, i32Mul(get(channels), i32(4))),
    forLoop(
      b,
      i32(0),
      get(batch),
      i32(1),
      set(image, i32Mul(i32Mul(get(b), get(pixels)), get(rowBytes))),
      set(end, i32Add(get(image), i32Mul(get(pixels), get(rowBytes)))),
      forLoop(
        c0,
        i32(0),
        get(channels),
        i32(4),
        set(sh, v128Load(perChannel(shift, b, channels, c0))),
        set(a, v128Zero()),
        set(q, v128Zero()),
        forLoop(off, i32Add(get(image), i32Mul(get(c0), i32(4))), get(end), get(rowBytes), prelude, set(a, f32x4Add(get(a), termA)), set(q, f32x4Add(get(q), termB))),
        v128Store(perChannel(sumA, b, channels, c0), get(a)),
        v128Store(perChannel(sumB, b, channels, c0), get(q)),
      ),
    ),
  );
  return f;
}

/** Parameters: x, shift, batch, pixels, channels, sum, sumSq: Σ(x − shift) and Σ(x − shift)². */
export function buildGroupNormSums(): FunctionBuilder {
  return buildSums(GN_SUMS, 1, ([x], shift, d) => [set(d, f32x4Sub(x, shift)), get(d), f32x4Mul(get(d), get(d))]);
}

/** Parameters: dy, x, shift, batch, pixels, channels, sumDy, sumDyX: Σdy and Σdy·(x − shift). */
export function buildGroupNormGradSums(): FunctionBuilder {
  return buildSums(GN_GRAD_SUMS, 2, ([dy, x], shift, d) => [set(d, dy), get(d), f32x4Mul(get(d), f32x4Sub(x, shift))]);
}

/**
 * out = Σ_k in_k · coef_k[b, c] + (x − m[b, c]) · q[b, c] + bias[b, c] over every pixel, with
 * `plain` inputs in_k. x is taken about m (the group mean) before scaling, so the result does
 * not cancel for data with a large mean.
 * Parameters: in_k…, x, coef_k…, m, q, bias, batch, pixels, channels, out.
 */
function buildAffine(name: string, plain: number): FunctionBuilder {
  const f = new FunctionBuilder(name);
  const data = Array.from({ length: plain }, () => f.param('i32'));
  const x = f.param('i32');
  const coefs = Array.from({ length: plain }, () => f.param('i32'));
  const [m, q, bias, batch, pixels, channels, out] = Array.from({ length: 7 }, () => f.param('i32'));
  const b = f.local('i32');
  const p = f.local('i32');
  const c0 = f.local('i32');
  const off = f.local('i32');
  const coefOff = f.local('i32');
  const rowBytes = f.local('i32');
  const at = (ptr: Local) => v128Load(i32Add(get(ptr), get(off)));
  const coef = (ptr: Local) => v128Load(i32Add(get(ptr), get(coefOff)));
  let value = f32x4Add(f32x4Mul(f32x4Sub(at(x), coef(m)), coef(q)), coef(bias));
  data.forEach((d, k) => {
    value = f32x4Add(f32x4Mul(at(d), coef(coefs[k])), value);
  });
  f.emit(
    set(rowBytes, i32Mul(get(channels), i32(4))),
    set(off, i32(0)),
    forLoop(
      b,
      i32(0),
      get(batch),
      i32(1),
      forLoop(
        p,
        i32(0),
        get(pixels),
        i32(1),
        set(coefOff, i32Mul(get(b), get(rowBytes))),
        forLoop(c0, i32(0), get(channels), i32(4), v128Store(i32Add(get(out), get(off)), value), set(off, i32Add(get(off), i32(16))), set(coefOff, i32Add(get(coefOff), i32(16)))),
      ),
    ),
  );
  return f;
}

/** Parameters: x, m, scale, offset, batch, pixels, channels, y: y = (x − m)·scale + offset. */
export function buildGroupNormAffine(): FunctionBuilder {
  return buildAffine(GN_AFFINE, 0);
}

/** Parameters: dy, x, p, m, q, r, batch, pixels, channels, dx: dx = dy·p + (x − m)·q + r. */
export function buildGroupNormAffine2(): FunctionBuilder {
  return buildAffine(GN_AFFINE2, 1);
}
