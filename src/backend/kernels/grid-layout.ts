/**
 * The stride-1 filter gradient of conv-layout.ts with the roles of x and dy swapped:
 *
 *   dW[ky, kx]ᵀ [Co, Ci] = D_(ky,kx) [Co, K] · X [K, Ci]
 *
 * X is x on the padded grid of conv-layout.ts (paddedGrid) but kept channels-last, so it is
 * written with whole-row copies (no transpose), and it is the right operand of every tap's
 * product: the wasm backend packs a right operand once per tensor, so one packing serves all
 * taps. D holds dy transposed into Co channel planes on the same grid; tap (ky, kx) reads it
 * shifted back by s = ky·Wp + kx (conv-layout.ts, tapShift):
 *   D_s[o, p] = dy_grid[p − s, o],   so  Σ_p D_s[o, p]·X[p, c] = Σ_q dy_grid[q, o]·X[q + s, c].
 * Only dy is transposed, which is the cheaper side when Co < Ci, and the products have Co rows
 * and Ci columns, which suits a single output channel (Co = 1) far better than the other way
 * round.
 *
 * Sizes: K = Np + S rows of X (S = the largest tap shift, so every shifted read stays inside),
 * and D = S leading zeros, then Co planes of K floats whose last S are zeros; a plane's shifted
 * reads before its start land in the zeros before it.
 */
import { paddedGrid, tapShift, usesPaddedGrid, type ConvGeometry } from './conv-layout';

/** The swapped layout needs the padded grid with padding no wider than the filter on top/left. */
export function usesSwappedLayout(g: ConvGeometry): boolean {
  return usesPaddedGrid(g) && g.padTop <= g.filterHeight - 1 && g.padLeft <= g.filterWidth - 1;
}

/** S, the largest tap shift. */
export function maxTapShift(g: ConvGeometry): number {
  return tapShift(paddedGrid(g).width, g.filterHeight - 1, g.filterWidth - 1);
}

/** K, the rows of X and the length of each plane of D. */
export function swappedRows(g: ConvGeometry): number {
  return paddedGrid(g).positions + maxTapShift(g);
}

/** Floats of D. */
export function outputPlanesLength(g: ConvGeometry): number {
  return maxTapShift(g) + g.outChannels * swappedRows(g);
}

/** Where tap (ky, kx)'s [Co, K] view starts in D. */
export function outputPlanesOffset(g: ConvGeometry, ky: number, kx: number): number {
  return maxTapShift(g) - tapShift(paddedGrid(g).width, ky, kx);
}

/**
 * X [K, Ci]: pixel (b, y, x) at grid position lead + (b·Hs + y)·Wp + x, zeros elsewhere. x
 * [B, H, W, Ci] starts at `src` and X at `dst` of the same array (the wasm heap), so each image row
 * is one copyWithin (a memmove, no view objects).
 */
export function writeGridRows(heap: Float32Array, src: number, g: ConvGeometry, dst: number): void {
  const { batch, inHeight: h, inWidth: w, inChannels: ci } = g;
  const { rowsPerImage: hs, width: wp, lead } = paddedGrid(g);
  heap.fill(0, dst, dst + swappedRows(g) * ci);
  const rowLength = w * ci;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      const from = src + (b * h + y) * rowLength;
      heap.copyWithin(dst + (lead + (b * hs + y) * wp) * ci, from, from + rowLength);
    }
  }
}

/** D (see the header): D[S + o·K + (b·Hs + oy)·Wp + ox] = dy[b, oy, ox, o], zeros elsewhere. */
export function writeOutputGradientPlanes(dy: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, outHeight: ho, outWidth: wo, outChannels: co } = g;
  const { rowsPerImage: hs, width: wp } = paddedGrid(g);
  const k = swappedRows(g);
  const shift = maxTapShift(g);
  out.fill(0, 0, outputPlanesLength(g));
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const rowSrc = (b * ho + oy) * wo * co;
      const rowDst = shift + (b * hs + oy) * wp;
      for (let o = 0; o < co; o++) {
        let from = rowSrc + o;
        const to = rowDst + o * k;
        for (let ox = 0; ox < wo; ox++) {
          out[to + ox] = dy[from];
          from += co;
        }
      }
    }
  }
}
