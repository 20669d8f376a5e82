/**
 * Conv2DBackpropFilter on the wasm backend through the generated SIMD function of
 * filter-grad-simd.ts: x and dy are read in place (the padding is skipped by per-tap ranges),
 * and the filter gradient is accumulated straight into the output tensor.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ConvGeometry } from '../conv-layout';
import { heapF32, heapIndex } from '../wasm-heap';
import { buildFilterGrad, filterGradName, filterGradRanges, pickFilterGradTile } from './filter-grad-simd';
import { simdKernel } from './simd-module';

/** Bytes of dy and x rows that one block of output rows should touch (about half an L1 cache). */
const BLOCK_BYTES = 24 * 1024;

/** dW for the geometry, or null when no SIMD kernel fits (the caller uses its other path). */
export function filterGradientSimd(
  x: TensorInfo,
  dy: TensorInfo,
  g: ConvGeometry,
  backend: BackendWasm,
  filterShape: number[],
): TensorInfo | null {
  const tile = pickFilterGradTile(g.inChannels, g.outChannels);
  if (!tile) return null;
  const kernel = simdKernel(backend, () => buildFilterGrad(tile), filterGradName(tile));
  if (!kernel) return null;
  const ci = g.inChannels;
  const co = g.outChannels;
  const ranges = filterGradRanges(g);
  const out = backend.makeOutput(filterShape, 'float32');
  const rangeTensor = backend.makeOutput([ranges.length], 'int32');
  // Views only after the last allocation (an allocation may grow the heap).
  heapF32(backend, out).fill(0);
  (backend.typedArrayFromHeap(rangeTensor) as Int32Array).set(ranges);
  try {
    const rowBytes = 4 * (g.outWidth * co + g.strideHeight * g.inWidth * ci);
    const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
    kernel(
      4 * heapIndex(backend, x),
      4 * heapIndex(backend, dy),
      4 * heapIndex(backend, out),
      g.batch * g.outHeight,
      g.outHeight,
      g.outWidth,
      g.inHeight,
      g.inWidth,
      ci,
      co,
      g.filterHeight,
      g.filterWidth,
      g.strideHeight,
      g.strideWidth,
      g.padTop,
      g.padLeft,
      4 * heapIndex(backend, rangeTensor),
      blockRows,
    );
  } finally {
    backend.disposeData(rangeTensor.dataId);
  }
  return out;
}
