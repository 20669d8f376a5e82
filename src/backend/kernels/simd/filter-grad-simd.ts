/**
 * The filter gradient of a 2-D convolution (NHWC x, HWIO filter, any stride, no dilation) as one
 * WebAssembly SIMD function, generated with wasm-encoder.ts:
 *
 *   dW[ky, kx, ci, co] = Σ_{b, oy, ox} xp[b, oy·sh + ky, ox·sw + kx, ci] · dy[b, oy, ox, co]
 *
 * where xp is x padded with zeros (the padding is skipped, never read). Each output tap is a sum
 * of outer products x-pixel ⊗ dy-pixel, accumulated in a register tile of R input channels × 4V
 * output channels (R·V vectors of four floats): per output pixel, V vector loads of dy, R scalar
 * loads of x splatted over a vector, and R·V multiply-adds. The rows of dy are walked in blocks
 * of about 24 kB (with the x rows they read), and for each block every tap and tile runs over it
 * while it sits in the L1 cache, so x and dy come from memory once.
 *
 * As a matrix product (the im2col view of conv-layout.ts) this has K = B·Ho·Wo, tens of thousands,
 * and only kh·kw·Ci × Co outputs: the backend's matrix product streams its packed operands once per
 * small output tile and ran at 7–27 GFLOP/s on the U-Net's layers, against ~40 for the forward
 * convolution.
 *
 * Variant "swapped" (Co = 1, the U-Net's output convolution): the vectors run over input
 * channels and dy is the splatted scalar, since four output channels do not exist.
 */
import {
  block,
  brIf,
  bump,
  forLoop,
  FunctionBuilder,
  get,
  i32,
  i32Add,
  i32DivU,
  i32GeU,
  i32LeS,
  i32Load,
  i32LtU,
  i32Or,
  i32Mul,
  i32Sub,
  loop,
  set,
  f32x4Add,
  f32x4Mul,
  v128Load,
  v128Load32Splat,
  v128Store,
  type Code,
  type Local,
} from './wasm-encoder';

export interface FilterGradTile {
  /** Splatted scalars per step: input channels (or 1 output channel when swapped). */
  rows: number;
  /** Vectors of four floats per step: output channels (or input channels when swapped). */
  vectors: number;
  swapped: boolean;
}

/** The exported name of a tile's function. */
export function filterGradName(t: FilterGradTile): string {
  return `filterGrad_${t.swapped ? 's' : 'n'}${t.rows}x${t.vectors}`;
}

/** The tiles the module provides; pickFilterGradTile chooses among them. */
export const FILTER_GRAD_TILES: readonly FilterGradTile[] = [
  { rows: 4, vectors: 2, swapped: false },
  { rows: 4, vectors: 1, swapped: false },
  { rows: 1, vectors: 2, swapped: false },
  { rows: 1, vectors: 1, swapped: false },
  { rows: 1, vectors: 2, swapped: true },
  { rows: 1, vectors: 1, swapped: true },
];

/** The tile for Ci input and Co output channels, or null when none fits (the caller falls back). */
export function pickFilterGradTile(ci: number, co: number): FilterGradTile | null {
  if (co % 4 === 0) return { rows: ci % 4 === 0 ? 4 : 1, vectors: co % 8 === 0 ? 2 : 1, swapped: false };
  if (co === 1 && ci % 4 === 0) return { rows: 1, vectors: ci % 8 === 0 ? 2 : 1, swapped: true };
  return null;
}

/**
 * Parameters (i32; addresses in bytes): x ([B, H, W, Ci]), dy ([B, Ho, Wo, Co]), out ([kh, kw,
 * Ci, Co], zeroed by the caller; the function adds to it), rows = B·Ho, ho, wo, h, w, ci, co, kh,
 * kw, sh, sw, padTop, padLeft, ranges, blockRows. `ranges` holds i32 pairs [lo, hi): for each ky
 * the output rows oy whose input row oy·sh + ky − padTop lies inside x, then for each kx the
 * output columns likewise (filterGradRanges), so padding is never read and x is used in place.
 */
export function buildFilterGrad(t: FilterGradTile): FunctionBuilder {
  const f = new FunctionBuilder(filterGradName(t));
  const [x, dy, out, rows, ho, wo, h, w, ci, co, kh, kw, sh, sw, padTop, padLeft, ranges, blockRows] = Array.from({ length: 18 }, () => f.param('i32'));
  const r0 = f.local('i32');
  const r1 = f.local('i32');
  const r = f.local('i32');
  const ky = f.local('i32');
  const kx = f.local('i32');
  const c0 = f.local('i32');
  const o0 = f.local('i32');
  const n = f.local('i32');
  const b = f.local('i32');
  const oy = f.local('i32');
  const xp = f.local('i32');
  const dyp = f.local('i32');
  const accAddr = f.local('i32');
  const coBytes = f.local('i32');
  const xStep = f.local('i32');
  const tapOut = f.local('i32');
  const oyLo = f.local('i32');
  const oyHi = f.local('i32');
  const oxLo = f.local('i32');
  const count = f.local('i32');
  const xCol = f.local('i32');
  const dyCol = f.local('i32');
  const acc: Local[][] = Array.from({ length: t.rows }, () => Array.from({ length: t.vectors }, () => f.local('v128')));
  const vecs: Local[] = Array.from({ length: t.vectors }, () => f.local('v128'));
  const scalar = f.local('v128');

  // Tile extents along ci and co.
  const ciStep = t.swapped ? 4 * t.vectors : t.rows;
  const coStep = t.swapped ? 1 : 4 * t.vectors;
  // Byte address of accumulator (row, vector) relative to accAddr: rows run over ci (stride
  // Co floats), vectors over co (16 bytes) — or, swapped, vectors over ci with Co = 1.
  const accOffset = (row: number, v: number): Code =>
    t.swapped ? i32Add(get(accAddr), i32(16 * v)) : i32Add(get(accAddr), i32Add(i32Mul(i32(row), get(coBytes)), i32(16 * v)));

  const loadTile: Code[] = [];
  const storeTile: Code[] = [];
  for (let row = 0; row < t.rows; row++) {
    for (let v = 0; v < t.vectors; v++) {
      loadTile.push(set(acc[row][v], v128Load(accOffset(row, v))));
      storeTile.push(v128Store(accOffset(row, v), get(acc[row][v])));
    }
  }

  // One output pixel: acc[row][v] += splat(scalar row) · vector v.
  const step: Code[] = [];
  for (let v = 0; v < t.vectors; v++) {
    step.push(set(vecs[v], v128Load(get(t.swapped ? xp : dyp), 16 * v)));
  }
  for (let row = 0; row < t.rows; row++) {
    step.push(set(scalar, v128Load32Splat(get(t.swapped ? dyp : xp), 4 * row)));
    for (let v = 0; v < t.vectors; v++) {
      step.push(set(acc[row][v], f32x4Add(get(acc[row][v]), f32x4Mul(get(scalar), get(vecs[v])))));
    }
  }
  step.push(bump(xp, get(xStep)), bump(dyp, get(coBytes)));

  // Row r of dy is image b = r / Ho, output row oy = r − b·Ho; for tap ky it reads input row
  // oy·sh + ky − padTop of image b, when oy is in [oyLo, oyHi).
  const xRowAddress = (): Code => {
    const iy = i32Sub(i32Add(i32Mul(get(oy), get(sh)), get(ky)), get(padTop));
    return i32Add(get(x), i32Add(i32Mul(i32Mul(i32Add(i32Mul(get(b), get(h)), iy), get(w)), i32Mul(get(ci), i32(4))), get(xCol)));
  };

  const overRows = forLoop(
    r,
    get(r0),
    get(r1),
    i32(1),
    set(b, i32DivU(get(r), get(ho))),
    set(oy, i32Sub(get(r), i32Mul(get(b), get(ho)))),
    block(
      brIf(0, i32Or(i32LtU(get(oy), get(oyLo)), i32GeU(get(oy), get(oyHi)))),
      set(xp, xRowAddress()),
      set(dyp, i32Add(get(dy), i32Add(i32Mul(i32Mul(get(r), get(wo)), get(coBytes)), get(dyCol)))),
      // n counts the pixels of the row segment down to zero (count ≥ 1 here).
      set(n, get(count)),
      loop(...step, set(n, i32Sub(get(n), i32(1))), brIf(0, get(n))),
    ),
  );

  const overTiles = forLoop(
    c0,
    i32(0),
    get(ci),
    i32(ciStep),
    forLoop(
      o0,
      i32(0),
      get(co),
      i32(coStep),
      set(accAddr, i32Add(get(tapOut), i32Mul(i32Add(i32Mul(get(c0), get(co)), get(o0)), i32(4)))),
      // Column offsets of the segment [oxLo, oxLo + count) in x and dy, with this tile's channels.
      set(xCol, i32Mul(i32Add(i32Mul(i32Sub(i32Add(i32Mul(get(oxLo), get(sw)), get(kx)), get(padLeft)), get(ci)), get(c0)), i32(4))),
      set(dyCol, i32Mul(i32Add(i32Mul(get(oxLo), get(co)), get(o0)), i32(4))),
      ...loadTile,
      overRows,
      ...storeTile,
    ),
  );

  const pair = (index: Code, offset: number) => i32Load(i32Add(get(ranges), i32Mul(index, i32(8))), offset);

  f.emit(
    set(coBytes, i32Mul(get(co), i32(4))),
    set(xStep, i32Mul(i32Mul(get(sw), get(ci)), i32(4))),
    forLoop(
      r0,
      i32(0),
      get(rows),
      get(blockRows),
      set(r1, i32Add(get(r0), get(blockRows))),
      block(brIf(0, i32LtU(get(r1), get(rows))), set(r1, get(rows))),
      forLoop(
        ky,
        i32(0),
        get(kh),
        i32(1),
        set(oyLo, pair(get(ky), 0)),
        set(oyHi, pair(get(ky), 4)),
        forLoop(
          kx,
          i32(0),
          get(kw),
          i32(1),
          set(oxLo, pair(i32Add(get(kh), get(kx)), 0)),
          set(count, i32Sub(pair(i32Add(get(kh), get(kx)), 4), get(oxLo))),
          block(
            brIf(0, i32LeS(get(count), i32(0))),
            set(tapOut, i32Add(get(out), i32Mul(i32Mul(i32Add(i32Mul(get(ky), get(kw)), get(kx)), i32Mul(get(ci), get(co))), i32(4)))),
            overTiles,
          ),
        ),
      ),
    ),
  );
  return f;
}

/**
 * The [lo, hi) ranges of buildFilterGrad: for each ky the output rows oy with
 * 0 ≤ oy·sh + ky − padTop < H, then for each kx the output columns likewise (empty: lo = hi).
 */
export function filterGradRanges(
  g: { inHeight: number; inWidth: number; outHeight: number; outWidth: number; filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number; padTop: number; padLeft: number },
): Int32Array {
  const out = new Int32Array(2 * (g.filterHeight + g.filterWidth));
  const range = (k: number, pad: number, stride: number, size: number, outSize: number): [number, number] => {
    // o·s + k − pad ≥ 0  ⇔  o ≥ ceil((pad − k) / s);   o·s + k − pad ≤ size − 1  ⇔  o ≤ floor((size − 1 + pad − k) / s).
    const lo = Math.min(outSize, Math.max(0, Math.ceil((pad - k) / stride)));
    const hi = Math.max(lo, Math.min(outSize, Math.floor((size - 1 + pad - k) / stride) + 1));
    return [lo, hi];
  };
  for (let ky = 0; ky < g.filterHeight; ky++) out.set(range(ky, g.padTop, g.strideHeight, g.inHeight, g.outHeight), 2 * ky);
  for (let kx = 0; kx < g.filterWidth; kx++) out.set(range(kx, g.padLeft, g.strideWidth, g.inWidth, g.outWidth), 2 * (g.filterHeight + kx));
  return out;
}
