/**
 * Array re-layouts that turn the two gradients of a 2-D convolution (NHWC input, HWIO filter)
 * into dense matrix products or one forward convolution, which every backend runs fast:
 *
 * - filter gradient  dW[ky,kx,ci,co] = Σ_{b,oy,ox} x[b, oy·s+ky−pad, ox·s+kx−pad, ci] · dy[b,oy,ox,co]
 *   = (patch matrix, transposed: [kh·kw·Ci, N]) · (dy as [N, Co])  — "im2col" (Chellapilla et al.
 *   2006, "High Performance Convolutional Neural Networks for Document Processing", §3). For
 *   stride 1 the patch matrix is never built: each tap's rows are a shifted block of one padded
 *   copy of x (writePaddedPlanes).
 * - input gradient   dx = dy (with s−1 zeros between samples) convolved with the filter rotated
 *   by 180° and its channel axes swapped (Dumoulin & Visin 2016, "A guide to convolution
 *   arithmetic for deep learning", §4.1 and §4.5: the transpose of a convolution). For stride
 *   s > 1 that convolution spends (s²−1)/s² of its work on the inserted zeros, so there dx is
 *   instead the product dy [N, Co] · Wᵀ [Co, kh·kw·Ci] scattered back onto the image ("col2im",
 *   the adjoint of the patch matrix; writeColumnsToImage).
 *
 * Everything here works on plain Float32Arrays, so the same code serves the wasm backend (views
 * into the WebAssembly heap) and the cpu backend (JS arrays).
 */

/**
 * The numbers of one 2-D convolution; heights/widths as in tfjs's Conv2DInfo. No dilation: tfjs
 * computes convolution gradients for dilation 1 only.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** Rows of the transposed patch matrix: one per filter tap and input channel. */
export function patchRows(g: ConvGeometry): number {
  return g.filterHeight * g.filterWidth * g.inChannels;
}

/**
 * True when the filter gradient can use the padded-grid layout (see writePaddedPlanes): stride 1,
 * so a filter tap is a constant offset in the flattened grid, and every output row and column
 * fits in an image's share of the grid (no padding wider than the filter on both sides).
 */
export function usesPaddedGrid(g: ConvGeometry): boolean {
  if (g.strideHeight !== 1 || g.strideWidth !== 1) return false;
  const padBottom = g.outHeight + g.filterHeight - 1 - g.inHeight - g.padTop;
  const padRight = g.outWidth + g.filterWidth - 1 - g.inWidth - g.padLeft;
  return (
    g.padTop >= 0 &&
    g.padLeft >= 0 &&
    padBottom >= 0 &&
    padRight >= 0 &&
    Math.min(g.padTop, padBottom) <= g.filterHeight - 1 &&
    Math.min(g.padLeft, padRight) <= g.filterWidth - 1
  );
}

/**
 * The padded grid of the stride-1 filter gradient. Images are stacked row after row with a
 * stride of Wp = W + max(padLeft, padRight) floats per row and Hs = H + max(padTop, padBottom)
 * rows per image: the zero columns at the end of a row serve as the right padding of that row
 * and the left padding of the next, and the zero rows after an image as its bottom padding and
 * the next image's top padding. `lead` zeros before the first image hold the first image's
 * top/left padding.
 */
export function paddedGrid(g: ConvGeometry): { rowsPerImage: number; width: number; positions: number; lead: number } {
  const padBottom = g.outHeight + g.filterHeight - 1 - g.inHeight - g.padTop;
  const padRight = g.outWidth + g.filterWidth - 1 - g.inWidth - g.padLeft;
  const rowsPerImage = g.inHeight + Math.max(g.padTop, padBottom, 0);
  const width = g.inWidth + Math.max(g.padLeft, padRight, 0);
  return { rowsPerImage, width, positions: g.batch * rowsPerImage * width, lead: g.padTop * width + g.padLeft };
}

/** Columns of the patch matrix (and rows of dy's layout): padded-grid or output positions. */
export function patchColumns(g: ConvGeometry): number {
  return usesPaddedGrid(g) ? paddedGrid(g).positions : g.batch * g.outHeight * g.outWidth;
}

/** Elements of the padded-grid plane buffer: Ci planes plus slack for the largest tap shift. */
export function paddedPlanesLength(g: ConvGeometry): number {
  const { width, positions } = paddedGrid(g);
  return g.inChannels * positions + tapShift(width, g.filterHeight - 1, g.filterWidth - 1);
}

/** On the padded grid (stride 1), filter tap (ky, kx) reads the planes shifted by ky·Wp + kx. */
export function tapShift(gridWidth: number, ky: number, kx: number): number {
  return ky * gridWidth + kx;
}

/**
 * Padded-grid layout (stride 1) of x [B, H, W, Ci]: Ci channel planes of Np = B·Hs·Wp floats
 * (see paddedGrid), pixel (b, y, x) of plane c at c·Np + lead + (b·Hs + y)·Wp + x, zeros
 * elsewhere, and zero slack after the last plane.
 *
 * Output position (b, oy, ox) has grid index q = (b·Hs + oy)·Wp + ox, and filter tap (ky, kx)
 * reads index q + ky·Wp + kx of the planes: the input pixel (oy + ky − padTop, ox + kx − padLeft)
 * when it exists, a padding zero when it does not. So the patch-matrix rows of a tap are the
 * [Ci, Np] block that starts ky·Wp + kx floats into the buffer, and dW[ky, kx] =
 * block · dy_grid with no copying per tap. Grid indices that are not outputs read whatever lies
 * there (finite: zeros or pixels of a neighbouring plane), and dy is zero at them
 * (writeOutputGradient), so they add nothing.
 */
export function writePaddedPlanes(x: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, inHeight: h, inWidth: w, inChannels: ci } = g;
  const { rowsPerImage: hs, width: wp, positions: np, lead } = paddedGrid(g);
  out.fill(0, 0, paddedPlanesLength(g));
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      const rowSrc = (b * h + y) * w * ci;
      const rowDst = lead + (b * hs + y) * wp;
      // Four channels at a time along the row: four write streams (few enough for wide layers)
      // and a quarter of the passes over the row; about 2× faster than one channel at a time.
      let c = 0;
      for (; c + 4 <= ci; c += 4) {
        let src = rowSrc + c;
        const d0 = c * np + rowDst;
        const d1 = d0 + np;
        const d2 = d1 + np;
        const d3 = d2 + np;
        for (let xx = 0; xx < w; xx++) {
          out[d0 + xx] = x[src];
          out[d1 + xx] = x[src + 1];
          out[d2 + xx] = x[src + 2];
          out[d3 + xx] = x[src + 3];
          src += ci;
        }
      }
      for (; c < ci; c++) {
        let src = rowSrc + c;
        const dst = c * np + rowDst;
        for (let xx = 0; xx < w; xx++) {
          out[dst + xx] = x[src];
          src += ci;
        }
      }
    }
  }
}

/**
 * General layout (any stride): the transposed patch matrix [kh·kw·Ci, B·Ho·Wo],
 * row (ky·kw + kx)·Ci + ci, column (b·Ho + oy)·Wo + ox; padding reads as zero.
 */
export function writePatchesTransposed(x: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo } = g;
  const { strideWidth: sw, padLeft } = g;
  const n = batch * ho * wo;
  const step = sw * ci;
  for (let ky = 0; ky < g.filterHeight; ky++) {
    for (let kx = 0; kx < g.filterWidth; kx++) {
      const tap = ky * g.filterWidth + kx;
      // Output columns whose input column ox·s + kx − padLeft lies inside the image.
      const oxLo = Math.min(wo, Math.max(0, Math.ceil((padLeft - kx) / sw)));
      const oxHi = Math.max(oxLo, Math.min(wo, Math.floor((w - 1 + padLeft - kx) / sw) + 1));
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < ho; oy++) {
          const col = (b * ho + oy) * wo;
          const iy = oy * g.strideHeight + ky - g.padTop;
          if (iy < 0 || iy >= h) {
            for (let c = 0; c < ci; c++) out.fill(0, (tap * ci + c) * n + col, (tap * ci + c) * n + col + wo);
            continue;
          }
          const first = ((b * h + iy) * w + oxLo * sw + kx - padLeft) * ci;
          // Four channels at a time straight from x (NHWC): four write streams, no
          // channel-major copy of x.
          let c = 0;
          for (; c + 4 <= ci; c += 4) {
            const d0 = (tap * ci + c) * n + col;
            const d1 = d0 + n;
            const d2 = d1 + n;
            const d3 = d2 + n;
            if (oxLo > 0 || oxHi < wo) {
              for (const d of [d0, d1, d2, d3]) {
                out.fill(0, d, d + oxLo);
                out.fill(0, d + oxHi, d + wo);
              }
            }
            let src = first + c;
            for (let ox = oxLo; ox < oxHi; ox++) {
              out[d0 + ox] = x[src];
              out[d1 + ox] = x[src + 1];
              out[d2 + ox] = x[src + 2];
              out[d3 + ox] = x[src + 3];
              src += step;
            }
          }
          for (; c < ci; c++) {
            const d = (tap * ci + c) * n + col;
            out.fill(0, d, d + oxLo);
            out.fill(0, d + oxHi, d + wo);
            let src = first + c;
            for (let ox = oxLo; ox < oxHi; ox++) {
              out[d + ox] = x[src];
              src += step;
            }
          }
        }
      }
    }
  }
}

/**
 * Lays dy [B, Ho, Wo, Co] out as the right operand of the filter-gradient product:
 * [patchColumns, Co]. In the general layout that is dy itself; on the padded grid the positions
 * that are not outputs are zero, which cancels the stray patch entries there.
 */
export function writeOutputGradient(dy: Float32Array, g: ConvGeometry, out: Float32Array): void {
  if (!usesPaddedGrid(g)) {
    out.set(dy.subarray(0, g.batch * g.outHeight * g.outWidth * g.outChannels));
    return;
  }
  const { rowsPerImage: hs, width: wp } = paddedGrid(g);
  const co = g.outChannels;
  const rowLength = g.outWidth * co;
  const gridRow = wp * co;
  // Each grid row: the output row, then zeros to the end of the row; the rows past the outputs
  // of an image are zeros. Every element is written once.
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      const src = (b * g.outHeight + oy) * rowLength;
      const dst = (b * hs + oy) * gridRow;
      out.set(dy.subarray(src, src + rowLength), dst);
      out.fill(0, dst + rowLength, dst + gridRow);
    }
    out.fill(0, (b * hs + g.outHeight) * gridRow, (b + 1) * hs * gridRow);
  }
}

/**
 * The filter of the input gradient: W'[ky, kx, co, ci] = W[kh−1−ky, kw−1−kx, ci, co]
 * (a 180° rotation with input and output channels swapped).
 */
export function writeRotatedFilter(
  w: Float32Array,
  kh: number,
  kw: number,
  ci: number,
  co: number,
  out: Float32Array,
): void {
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const srcTap = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * ci * co;
      const dstTap = (ky * kw + kx) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) out[dstTap + o * ci + i] = w[srcTap + i * co + o];
      }
    }
  }
}

/** Wᵀ [Co, kh·kw·Ci] of a filter W [kh, kw, Ci, Co] (W viewed as [kh·kw·Ci, Co]). */
export function writeFilterTransposed(w: Float32Array, rows: number, co: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < co; o++) out[o * rows + r] = w[r * co + o];
  }
}

/**
 * col2im: dx[b, iy, ix, c] = Σ cols[(b·Ho + oy)·Wo + ox, (ky·kw + kx)·Ci + c] over the output
 * positions and taps with iy = oy·s + ky − padTop, ix = ox·s + kx − padLeft (taps that land in
 * the padding are dropped). cols is dy · Wᵀ, so this is the transpose of the patch matrix
 * applied to it, i.e. the input gradient.
 */
export function writeColumnsToImage(cols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { batch, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, filterHeight: kh, filterWidth: kw } = g;
  const k = kh * kw * ci;
  dx.fill(0, 0, batch * h * w * ci);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const row = ((b * ho + oy) * wo + ox) * k;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * g.strideHeight + ky - g.padTop;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * g.strideWidth + kx - g.padLeft;
            if (ix < 0 || ix >= w) continue;
            const src = row + (ky * kw + kx) * ci;
            const dst = ((b * h + iy) * w + ix) * ci;
            let c = 0;
            // Unrolled by four: the channel runs are short (8–32), so loop overhead matters.
            for (; c + 4 <= ci; c += 4) {
              dx[dst + c] += cols[src + c];
              dx[dst + c + 1] += cols[src + c + 1];
              dx[dst + c + 2] += cols[src + c + 2];
              dx[dst + c + 3] += cols[src + c + 3];
            }
            for (; c < ci; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/**
 * Padding of dy (dilated by the stride, for a stride above 1) for the input gradient as a
 * stride-1 'valid' convolution with the rotated filter: before = k−1−pad, after = in + pad − (out−1)·s − 1. Null when
 * either side would be negative (padding wider than the filter), which the caller does not handle.
 */
export function inputGradientPadding(g: ConvGeometry): [[number, number], [number, number]] | null {
  const top = g.filterHeight - 1 - g.padTop;
  const left = g.filterWidth - 1 - g.padLeft;
  const bottom = g.inHeight + g.padTop - (g.outHeight - 1) * g.strideHeight - 1;
  const right = g.inWidth + g.padLeft - (g.outWidth - 1) * g.strideWidth - 1;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return [
    [top, bottom],
    [left, right],
  ];
}
