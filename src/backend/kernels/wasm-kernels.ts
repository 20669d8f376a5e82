/**
 * Training kernels for tfjs's WebAssembly backend (tfjs 4.22):
 *
 * - Conv2DBackpropFilter is not registered at all, so no conv net can be trained on wasm. Here it
 *   is one generated WebAssembly SIMD function (simd/filter-grad-simd.ts) that runs at the speed
 *   of the forward convolution; where SIMD is missing (or turned off), a re-layout of x plus dense
 *   matrix products on the backend's own BatchMatMul (XNNPACK): one per filter tap on aliases
 *   into one buffer for stride 1, one in all otherwise (conv-layout.ts), at half that speed.
 * - Conv2DBackpropInput exists but runs a scalar loop (~4 GFLOP/s measured against ~40 for the
 *   forward Conv2D): for stride 1 it is re-expressed as the backend's own forward Conv2D
 *   (XNNPACK) on the rotated filter; for larger strides as one product and a col2im
 *   (conv-layout.ts), which skips the zeros a dilated dy would carry (1.2 against 1.9 ms for the
 *   14 → 7 downsampling of the small preset, measured).
 * - Conv2DBackpropFilter with a single output channel swaps the roles of x and dy (grid-layout.ts).
 * - BatchMatMul with transposeA / transposeB runs 10–40× slower than without (0.9 and 3.6 GFLOP/s
 *   against 37–44 for 1024×1024): the operand is transposed explicitly first. Every matMul
 *   gradient asks for a transposed product, so this matters for training. A stack of products
 *   (batch > 1) runs ~10× slower than single ones, so it is split into single products.
 * - Sum over leading / middle axes (every bias gradient) runs 3–5× faster as plain loops
 *   (reduce-layout.ts), and faster again as a generated SIMD function (simd/sum-simd.ts).
 * - Add / Sub / Multiply broadcasting a short row (bias, time embedding) run ~10× slower than
 *   same-shape ones; they are given widened rows (wasm-binary-kernels.ts, widen-broadcast.ts).
 * - OneHot ignores its dtype attribute and writes int32 ones into the output, so a float32 one-hot
 *   holds 1.4e-45 instead of 1 (the U-Net's label embedding silently vanished): replaced by a
 *   plain loop.
 * - Identity, and Cast to the same dtype, copy the whole tensor; the engine clones every tensor a
 *   gradient saves for the backward pass (and the Multiply gradient casts float32 to float32), so
 *   a training step copied the activations several times. Here they share the data (reference
 *   counted, as the backend's Reshape and the cpu/webgl Identity already do).
 *
 * The kernels call the backend's own kernels directly (as tfjs kernels do), so they never touch the
 * engine and create no tensors the engine would track.
 */
import { getKernel, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
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
} from './conv-layout';
import { sumAsRows, sumRows } from './reduce-layout';
import { forwardGeometry, type ConvGradAttrs } from './geometry';
import { filterGradientSimd } from './simd/filter-grad-kernel';
import { sumRowsSimd } from './simd/sum-kernel';
import { aliasTensor, heapF32, heapIndex, releaseAlias, wholeHeapF32 } from './wasm-heap';
import {
  outputPlanesLength,
  outputPlanesOffset,
  swappedRows,
  usesSwappedLayout,
  writeGridRows,
  writeOutputGradientPlanes,
} from './grid-layout';

const BACKEND = 'wasm';

type WasmKernelArgs = { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs?: NamedAttrMap };

/** A backend kernel as registered, to be called directly from inside another kernel. */
export type RawKernel = (args: WasmKernelArgs) => TensorInfo;

/** The kernels of the wasm backend that the replacements build on, captured before replacing. */
export interface WasmBaseKernels {
  batchMatMul: RawKernel;
  conv2d: RawKernel;
  transpose: RawKernel;
  conv2dBackpropInput: RawKernel;
  cast: RawKernel;
  identity: RawKernel;
  slice: RawKernel;
  concat: RawKernel;
  splitV: RawKernel;
  sum: RawKernel;
  add: RawKernel;
  sub: RawKernel;
  multiply: RawKernel;
  padV2: RawKernel;
}

/** Looks up the wasm backend's own kernels; null when the wasm backend is not loaded. */
export function captureWasmBaseKernels(): WasmBaseKernels | null {
  const get = (name: string): RawKernel | null => {
    const config = getKernel(name, BACKEND);
    return config ? (config.kernelFunc as unknown as RawKernel) : null;
  };
  const batchMatMul = get('BatchMatMul');
  const conv2d = get('Conv2D');
  const transpose = get('Transpose');
  const conv2dBackpropInput = get('Conv2DBackpropInput');
  const cast = get('Cast');
  const identity = get('Identity');
  const slice = get('Slice');
  const concat = get('Concat');
  const splitV = get('SplitV');
  const sum = get('Sum');
  const add = get('Add');
  const sub = get('Sub');
  const multiply = get('Multiply');
  const padV2 = get('PadV2');
  if (!batchMatMul || !conv2d || !transpose || !conv2dBackpropInput || !cast || !identity || !slice || !concat || !splitV || !sum) return null;
  if (!add || !sub || !multiply || !padV2) return null;
  return { batchMatMul, conv2d, transpose, conv2dBackpropInput, cast, identity, slice, concat, splitV, sum, add, sub, multiply, padV2 };
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

export function wasmKernelConfigs(base: WasmBaseKernels): KernelConfig[] {
  /**
   * A stack of products as one product per matrix on aliases into the operands: the backend's
   * batched path runs at ~3.5 GFLOP/s against 30–45 for single products (measured for the
   * attention's [64, 49, 32] operands). Only when each product is big enough to amortise a call.
   */
  const batchedAsSingles = (a: TensorInfo, b: TensorInfo, backend: BackendWasm): TensorInfo | null => {
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (ra < 3 || rb < 3 || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    const [m, k] = a.shape.slice(-2);
    const [k2, n] = b.shape.slice(-2);
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const sameLeading = ra === rb && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
    if (k !== k2 || !sameLeading || batchA !== batchB || batchA < 2 || m * k * n < 4096) return null;
    const out = backend.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
    for (let i = 0; i < batchA; i++) {
      const ai = aliasTensor(backend, a, i * m * k, [m, k]);
      const bi = aliasTensor(backend, b, i * k * n, [k, n]);
      const product = base.batchMatMul({ inputs: { a: ai, b: bi }, backend, attrs: { transposeA: false, transposeB: false } });
      releaseAlias(backend, ai);
      releaseAlias(backend, bi);
      heapF32(backend, out).set(heapF32(backend, { ...product, shape: [m * n] }), i * m * n);
      backend.disposeData(product.dataId);
    }
    return out;
  };

  /** matMul without transposed operands; transposes are done explicitly (see header). */
  const batchMatMul: RawKernel = (args) => {
    const { a, b } = args.inputs;
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { backend } = args;
    const flip = (t: TensorInfo) => base.transpose({ inputs: { x: t }, backend, attrs: { perm: swapLastTwo(t.shape.length) } });
    const a2 = attrs.transposeA ? flip(a) : a;
    const b2 = attrs.transposeB ? flip(b) : b;
    try {
      return (
        batchedAsSingles(a2, b2, backend) ??
        base.batchMatMul({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } })
      );
    } finally {
      if (a2 !== a) backend.disposeData(a2.dataId);
      if (b2 !== b) backend.disposeData(b2.dataId);
    }
  };

  const plainMatMul = (a: TensorInfo, b: TensorInfo, backend: BackendWasm): TensorInfo =>
    base.batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });

  /** Stride 1: one [Ci, Np]·[Np, Co] product per tap, on aliases into the plane buffer. */
  const filterGradientOnGrid = (x: TensorInfo, dy: TensorInfo, g: ConvGeometry, backend: BackendWasm, filterShape: number[]) => {
    const { inChannels: ci, outChannels: co } = g;
    const { width: gridWidth, positions: np } = paddedGrid(g);
    // Without padding (a 1×1 filter) the grid is dy's own layout, so dy serves as it is.
    const unpadded = np === g.batch * g.outHeight * g.outWidth;
    const planes = backend.makeOutput([paddedPlanesLength(g)], 'float32');
    const dyGrid = unpadded ? { ...dy, shape: [np, co] } : backend.makeOutput([np, co], 'float32');
    const out = backend.makeOutput(filterShape, 'float32');
    writePaddedPlanes(heapF32(backend, x), g, heapF32(backend, planes));
    if (!unpadded) writeOutputGradient(heapF32(backend, dy), g, heapF32(backend, dyGrid));
    try {
      for (let ky = 0; ky < g.filterHeight; ky++) {
        for (let kx = 0; kx < g.filterWidth; kx++) {
          const tap = ky * g.filterWidth + kx;
          const block = aliasTensor(backend, planes, tapShift(gridWidth, ky, kx), [ci, np]);
          const product = plainMatMul(block, dyGrid, backend);
          releaseAlias(backend, block);
          heapF32(backend, out).set(heapF32(backend, { ...product, shape: [ci * co] }), tap * ci * co);
          backend.disposeData(product.dataId);
        }
      }
    } finally {
      backend.disposeData(planes.dataId);
      if (!unpadded) backend.disposeData(dyGrid.dataId);
    }
    return out;
  };

  /**
   * Stride 1, one output channel: dW[tap]ᵀ = D_tap · X (grid-layout.ts), one [Co, K]·[K, Ci]
   * product per tap with X packed once. With x and dy the other way round the products would
   * have a single column, which the backend runs ~8× below its speed (2.4 against 1.35 ms for the
   * U-Net's output convolution, measured). With more output channels the usual layout measured
   * faster, whether Co is below or above Ci.
   */
  const filterGradientSwapped = (x: TensorInfo, dy: TensorInfo, g: ConvGeometry, backend: BackendWasm, filterShape: number[]) => {
    const { inChannels: ci, outChannels: co } = g;
    const k = swappedRows(g);
    const grid = backend.makeOutput([k, ci], 'float32');
    const planes = backend.makeOutput([outputPlanesLength(g)], 'float32');
    const out = backend.makeOutput(filterShape, 'float32');
    writeGridRows(wholeHeapF32(backend, grid), heapIndex(backend, x), g, heapIndex(backend, grid));
    writeOutputGradientPlanes(heapF32(backend, dy), g, heapF32(backend, planes));
    try {
      for (let ky = 0; ky < g.filterHeight; ky++) {
        for (let kx = 0; kx < g.filterWidth; kx++) {
          const tap = ky * g.filterWidth + kx;
          const block = aliasTensor(backend, planes, outputPlanesOffset(g, ky, kx), [co, k]);
          const product = plainMatMul(block, grid, backend);
          releaseAlias(backend, block);
          const src = heapF32(backend, { ...product, shape: [co * ci] });
          const dst = heapF32(backend, out);
          const at = tap * ci * co;
          for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) dst[at + c * co + o] = src[o * ci + c];
          backend.disposeData(product.dataId);
        }
      }
    } finally {
      backend.disposeData(planes.dataId);
      backend.disposeData(grid.dataId);
    }
    return out;
  };

  /** Any stride: the full transposed patch matrix times dy, one product. */
  const filterGradientGeneral = (x: TensorInfo, dy: TensorInfo, g: ConvGeometry, backend: BackendWasm, filterShape: number[]) => {
    const rows = patchRows(g);
    const cols = patchColumns(g);
    const patches = backend.makeOutput([rows, cols], 'float32');
    const dyCols = backend.makeOutput([cols, g.outChannels], 'float32');
    writePatchesTransposed(heapF32(backend, x), g, heapF32(backend, patches));
    writeOutputGradient(heapF32(backend, dy), g, heapF32(backend, dyCols));
    try {
      const product = plainMatMul(patches, dyCols, backend);
      return { dataId: product.dataId, shape: [...filterShape], dtype: 'float32' as const };
    } finally {
      backend.disposeData(patches.dataId);
      backend.disposeData(dyCols.dataId);
    }
  };

  /** dW = patchesᵀ · dy (conv-layout.ts). */
  const conv2dBackpropFilter: RawKernel = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const a = attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
    const g = forwardGeometry(x.shape, a.filterShape, a);
    if (!g) throw new Error("Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only");
    const simd = filterGradientSimd(x, dy, g, backend, a.filterShape);
    if (simd) return simd;
    if (g.outChannels === 1 && usesSwappedLayout(g)) return filterGradientSwapped(x, dy, g, backend, a.filterShape);
    return usesPaddedGrid(g)
      ? filterGradientOnGrid(x, dy, g, backend, a.filterShape)
      : filterGradientGeneral(x, dy, g, backend, a.filterShape);
  };

  /** Stride > 1: dx = col2im(dy · Wᵀ), one product (conv-layout.ts, writeColumnsToImage). */
  const inputGradientColumns = (dy: TensorInfo, filter: TensorInfo, g: ConvGeometry, backend: BackendWasm, inputShape: number[]) => {
    const rows = patchRows(g);
    const co = g.outChannels;
    const n = g.batch * g.outHeight * g.outWidth;
    const filterT = backend.makeOutput([co, rows], 'float32');
    writeFilterTransposed(heapF32(backend, filter), rows, co, heapF32(backend, filterT));
    const cols = plainMatMul({ ...dy, shape: [n, co] }, filterT, backend);
    backend.disposeData(filterT.dataId);
    const dx = backend.makeOutput(inputShape, 'float32');
    writeColumnsToImage(heapF32(backend, { ...cols, shape: [n * rows] }), g, heapF32(backend, dx));
    backend.disposeData(cols.dataId);
    return dx;
  };

  /** Stride 1: dx = (padded dy) ⋆ rotated filter, on the backend's forward Conv2D. */
  const conv2dBackpropInput: RawKernel = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const a = attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
    const g = forwardGeometry(a.inputShape, filter.shape, a);
    if (g && (g.strideHeight > 1 || g.strideWidth > 1)) return inputGradientColumns(dy, filter, g, backend, a.inputShape);
    const padding = g ? inputGradientPadding(g) : null;
    if (!g || !padding) return base.conv2dBackpropInput(args);
    const [kh, kw, ci, co] = filter.shape;
    const rotated = backend.makeOutput([kh, kw, co, ci], 'float32');
    writeRotatedFilter(heapF32(backend, filter), kh, kw, ci, co, heapF32(backend, rotated));
    try {
      return base.conv2d({
        inputs: { x: dy, filter: rotated },
        backend,
        attrs: {
          strides: [1, 1],
          pad: [[0, 0], padding[0], padding[1], [0, 0]],
          dilations: [1, 1],
          dataFormat: 'NHWC',
          dimRoundingMode: undefined,
        } as unknown as NamedAttrMap,
      });
    } finally {
      backend.disposeData(rotated.dataId);
    }
  };

  /** A new reference to the same data: tensors are immutable, so nothing needs copying. */
  const shareData = (x: TensorInfo, backend: BackendWasm): TensorInfo => {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };

  const identity: RawKernel = (args) => {
    const { x } = args.inputs;
    return x.dtype === 'string' ? base.identity(args) : shareData(x, args.backend);
  };

  const cast: RawKernel = (args) => {
    const { x } = args.inputs;
    const { dtype } = (args.attrs ?? {}) as { dtype?: string };
    return dtype === x.dtype && dtype !== 'string' ? shareData(x, args.backend) : base.cast(args);
  };

  const sum: RawKernel = (args) => {
    const { x } = args.inputs;
    const { axis, keepDims } = (args.attrs ?? {}) as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = x.dtype === 'float32' ? [...new Set(util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q) : [];
    const plan = axes.length > 0 ? sumAsRows(x.shape, axes) : null;
    if (!plan) return base.sum(args);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const simd = sumRowsSimd(args.backend, x, plan, outShape);
    if (simd) return simd;
    const out = args.backend.makeOutput(outShape, 'float32');
    sumRows(heapF32(args.backend, x), plan, heapF32(args.backend, out));
    return out;
  };

  const oneHot: RawKernel = ({ inputs, backend, attrs }) => {
    const { indices } = inputs;
    const { depth, onValue, offValue, dtype } = attrs as unknown as { depth: number; onValue: number; offValue: number; dtype: 'float32' | 'int32' };
    const out = backend.makeOutput([...indices.shape, depth], dtype);
    const values = backend.typedArrayFromHeap(out);
    const ids = backend.typedArrayFromHeap(indices);
    values.fill(offValue);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= 0 && id < depth) values[i * depth + id] = onValue;
    }
    return out;
  };

  const config = (kernelName: string, kernel: RawKernel): KernelConfig => ({
    kernelName,
    backendName: BACKEND,
    kernelFunc: kernel as unknown as KernelFunc,
  });
  return [
    config('BatchMatMul', batchMatMul),
    config('Conv2DBackpropFilter', conv2dBackpropFilter),
    config('Conv2DBackpropInput', conv2dBackpropInput),
    config('Identity', identity),
    config('Cast', cast),
    config('OneHot', oneHot),
    config('Sum', sum),
  ];
}
