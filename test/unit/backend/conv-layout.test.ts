/**
 * The re-layouts behind the convolution gradients, against direct evaluation of their
 * definitions (conv-layout.ts header) on small random arrays.
 */
import { describe, expect, it } from 'vitest';
import {
  inputGradientPadding,
  paddedGrid,
  paddedPlanesLength,
  patchColumns,
  patchRows,
  tapShift,
  usesPaddedGrid,
  writeOutputGradient,
  writePaddedPlanes,
  writePatchesTransposed,
  writeColumnsToImage,
  writeFilterTransposed,
  writeRotatedFilter,
  type ConvGeometry,
} from '../../../src/backend/kernels/conv-layout';
import {
  outputPlanesLength,
  outputPlanesOffset,
  swappedRows,
  usesSwappedLayout,
  writeGridRows,
  writeOutputGradientPlanes,
} from '../../../src/backend/kernels/grid-layout';
import { gemm } from '../../../src/backend/kernels/js-gemm';
import { Rng } from '../../../src/data/rng';

function geometry(b: number, h: number, w: number, ci: number, co: number, k: number, s: number, padTop: number, padLeft: number, padBottom: number, padRight: number): ConvGeometry {
  return {
    batch: b,
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outHeight: Math.floor((h + padTop + padBottom - k) / s) + 1,
    outWidth: Math.floor((w + padLeft + padRight - k) / s) + 1,
    outChannels: co,
    filterHeight: k,
    filterWidth: k,
    strideHeight: s,
    strideWidth: s,
    padTop,
    padLeft,
  };
}

/** dW by its definition: Σ over images and outputs of x(tap position) · dy. */
function directFilterGradient(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float64Array {
  const out = new Float64Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let ky = 0; ky < g.filterHeight; ky++)
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const iy = oy * g.strideHeight + ky - g.padTop;
            const ix = ox * g.strideWidth + kx - g.padLeft;
            if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
            for (let c = 0; c < g.inChannels; c++)
              for (let o = 0; o < g.outChannels; o++) {
                const xv = x[((b * g.inHeight + iy) * g.inWidth + ix) * g.inChannels + c];
                const dv = dy[((b * g.outHeight + oy) * g.outWidth + ox) * g.outChannels + o];
                out[((ky * g.filterWidth + kx) * g.inChannels + c) * g.outChannels + o] += xv * dv;
              }
          }
  return out;
}

/** The filter gradient the way the kernels compute it. */
function layoutFilterGradient(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { inChannels: ci, outChannels: co } = g;
  const out = new Float32Array(g.filterHeight * g.filterWidth * ci * co);
  const cols = patchColumns(g);
  // NaN first: every element must be written (the wasm heap is not zeroed).
  const dyCols = new Float32Array(cols * co).fill(NaN);
  writeOutputGradient(dy, g, dyCols);
  expect(dyCols.every(Number.isFinite)).toBe(true);
  if (usesPaddedGrid(g)) {
    const planes = new Float32Array(paddedPlanesLength(g)).fill(NaN);
    writePaddedPlanes(x, g, planes);
    expect(planes.every(Number.isFinite)).toBe(true);
    const { width } = paddedGrid(g);
    for (let ky = 0; ky < g.filterHeight; ky++)
      for (let kx = 0; kx < g.filterWidth; kx++) {
        const tap = ky * g.filterWidth + kx;
        gemm(planes.subarray(tapShift(width, ky, kx)), dyCols, ci, cols, co, out.subarray(tap * ci * co));
      }
  } else {
    const patches = new Float32Array(patchRows(g) * cols).fill(NaN);
    writePatchesTransposed(x, g, patches);
    gemm(patches, dyCols, patchRows(g), cols, co, out);
  }
  return out;
}

const random = (n: number, seed: number) => new Rng(seed).fillNormal(new Float32Array(n));

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

describe('filter gradient layouts', () => {
  const cases: Array<[string, ConvGeometry]> = [
    ['3x3 same, stride 1', geometry(2, 5, 6, 3, 4, 3, 1, 1, 1, 1, 1)],
    ['3x3 valid, stride 1', geometry(2, 6, 5, 2, 3, 3, 1, 0, 0, 0, 0)],
    ['3x3 stride 2, symmetric pad', geometry(3, 6, 6, 2, 3, 3, 2, 1, 1, 1, 1)],
    ['3x3 stride 2, TF same pad on even size', geometry(2, 6, 6, 2, 2, 3, 2, 0, 0, 1, 1)],
    ['1x1', geometry(2, 4, 3, 3, 2, 1, 1, 0, 0, 0, 0)],
    ['2x2 stride 1, padding after only (TF same)', geometry(2, 5, 4, 2, 3, 2, 1, 0, 0, 1, 1)],
    ['3x3 stride 1, pad wider than needed', geometry(2, 4, 4, 2, 2, 3, 1, 2, 2, 2, 2)],
    ['1x1 with padding (general layout)', geometry(2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)],
  ];
  it('uses the padded grid exactly where it fits', () => {
    expect(usesPaddedGrid(cases[0][1])).toBe(true);
    expect(usesPaddedGrid(cases[2][1])).toBe(false);
    expect(usesPaddedGrid(cases[cases.length - 1][1])).toBe(false);
  });
  for (const [name, g] of cases) {
    it(name, () => {
      const x = random(g.batch * g.inHeight * g.inWidth * g.inChannels, 1);
      const dy = random(g.batch * g.outHeight * g.outWidth * g.outChannels, 2);
      expect(maxRelative(layoutFilterGradient(x, dy, g), directFilterGradient(x, dy, g))).toBeLessThan(1e-5);
    });
  }
});

describe('swapped filter gradient layout (grid-layout.ts)', () => {
  const cases: Array<[string, ConvGeometry]> = [
    ['3x3 same, one output channel', geometry(2, 5, 6, 3, 1, 3, 1, 1, 1, 1, 1)],
    ['3x3 valid, two output channels', geometry(2, 6, 5, 4, 2, 3, 1, 0, 0, 0, 0)],
    ['2x2 padding after only (TF same)', geometry(2, 5, 4, 2, 1, 2, 1, 0, 0, 1, 1)],
  ];
  for (const [name, g] of cases) {
    it(name, () => {
      expect(usesSwappedLayout(g)).toBe(true);
      const x = random(g.batch * g.inHeight * g.inWidth * g.inChannels, 5);
      const dy = random(g.batch * g.outHeight * g.outWidth * g.outChannels, 6);
      const { inChannels: ci, outChannels: co } = g;
      const k = swappedRows(g);
      // x and X share one array, as on the wasm heap.
      const heap = new Float32Array(x.length + k * ci).fill(NaN);
      heap.set(x);
      writeGridRows(heap, 0, g, x.length);
      const grid = heap.subarray(x.length);
      const planes = new Float32Array(outputPlanesLength(g)).fill(NaN);
      writeOutputGradientPlanes(dy, g, planes);
      const got = new Float32Array(g.filterHeight * g.filterWidth * ci * co);
      const product = new Float32Array(co * ci);
      for (let ky = 0; ky < g.filterHeight; ky++)
        for (let kx = 0; kx < g.filterWidth; kx++) {
          const offset = outputPlanesOffset(g, ky, kx);
          gemm(planes.subarray(offset, offset + co * k), grid, co, k, ci, product);
          const tap = (ky * g.filterWidth + kx) * ci * co;
          for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) got[tap + c * co + o] = product[o * ci + c];
        }
      expect(maxRelative(got, directFilterGradient(x, dy, g))).toBeLessThan(1e-5);
    });
  }
});

describe('input gradient pieces', () => {
  it('rotates the filter by 180° and swaps its channel axes', () => {
    const [kh, kw, ci, co] = [3, 2, 2, 3];
    const w = Float32Array.from({ length: kh * kw * ci * co }, (_, i) => i);
    const out = new Float32Array(w.length);
    writeRotatedFilter(w, kh, kw, ci, co, out);
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++) {
            const src = (((kh - 1 - ky) * kw + (kw - 1 - kx)) * ci + i) * co + o;
            expect(out[((ky * kw + kx) * co + o) * ci + i]).toBe(w[src]);
          }
  });

  it('scatters dy · Wᵀ back onto the image (col2im) as the definition of the input gradient', () => {
    for (const g of [geometry(2, 7, 7, 3, 2, 3, 2, 0, 0, 0, 0), geometry(2, 9, 8, 2, 3, 3, 2, 1, 1, 1, 1), geometry(1, 6, 6, 2, 2, 3, 1, 1, 1, 1, 1)]) {
      const rows = g.filterHeight * g.filterWidth * g.inChannels;
      const n = g.batch * g.outHeight * g.outWidth;
      const dy = random(n * g.outChannels, 3);
      const w = random(rows * g.outChannels, 4);
      const wT = new Float32Array(w.length);
      writeFilterTransposed(w, rows, g.outChannels, wT);
      const cols = new Float32Array(n * rows);
      gemm(dy, wT, n, g.outChannels, rows, cols);
      const got = new Float32Array(g.batch * g.inHeight * g.inWidth * g.inChannels).fill(NaN);
      writeColumnsToImage(cols, g, got);
      // dx[b, iy, ix, c] = Σ dy[b, oy, ox, o] · W[ky, kx, c, o] over oy·s + ky − pad = iy, etc.
      const want = new Float32Array(got.length);
      for (let b = 0; b < g.batch; b++)
        for (let oy = 0; oy < g.outHeight; oy++)
          for (let ox = 0; ox < g.outWidth; ox++)
            for (let ky = 0; ky < g.filterHeight; ky++)
              for (let kx = 0; kx < g.filterWidth; kx++) {
                const iy = oy * g.strideHeight + ky - g.padTop;
                const ix = ox * g.strideWidth + kx - g.padLeft;
                if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
                for (let c = 0; c < g.inChannels; c++)
                  for (let o = 0; o < g.outChannels; o++)
                    want[((b * g.inHeight + iy) * g.inWidth + ix) * g.inChannels + c] +=
                      dy[((b * g.outHeight + oy) * g.outWidth + ox) * g.outChannels + o] * w[((ky * g.filterWidth + kx) * g.inChannels + c) * g.outChannels + o];
              }
      expect(maxRelative(got, want)).toBeLessThan(1e-5);
    }
  });

  it('pads so that a stride-1 valid convolution gives back the input size', () => {
    const same = geometry(2, 7, 7, 1, 1, 3, 1, 1, 1, 1, 1);
    expect(inputGradientPadding(same)).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const strided = geometry(2, 8, 8, 1, 1, 3, 2, 1, 1, 1, 1);
    const pads = inputGradientPadding(strided);
    expect(pads).not.toBeNull();
    const hd = (strided.outHeight - 1) * strided.strideHeight + 1;
    expect(hd + pads![0][0] + pads![0][1] - 3 + 1).toBe(8);
    expect(inputGradientPadding(geometry(1, 5, 5, 1, 1, 3, 1, 3, 3, 3, 3))).toBeNull();
  });
});
