/**
 * Sum over a contiguous block of middle axes (reduce-layout.ts) with the SIMD function of
 * sum-simd.ts; null when the row is not a multiple of four floats or SIMD is unavailable.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { SumAsRows } from '../reduce-layout';
import { heapF32, heapIndex } from '../wasm-heap';
import { buildSumRows, pickSumVectors, sumRowsName } from './sum-simd';
import { simdKernel } from './simd-module';

export function sumRowsSimd(backend: BackendWasm, x: TensorInfo, plan: SumAsRows, outShape: number[]): TensorInfo | null {
  const vectors = pickSumVectors(plan.inner);
  if (vectors === null) return null;
  const kernel = simdKernel(backend, () => buildSumRows(vectors), sumRowsName(vectors));
  if (!kernel) return null;
  const size = plan.outer * plan.inner;
  // float64 sums: two float32 slots each.
  const wide = backend.makeOutput([2 * size], 'float32');
  const out = backend.makeOutput(outShape, 'float32');
  try {
    const wideAddress = 4 * heapIndex(backend, wide);
    if (wideAddress % 8 !== 0) {
      backend.disposeData(out.dataId);
      return null;
    }
    kernel(4 * heapIndex(backend, x), plan.outer, plan.reduced, plan.inner, wideAddress);
    const sums = new Float64Array(heapF32(backend, wide).buffer, wideAddress, size);
    heapF32(backend, out).set(sums);
    return out;
  } finally {
    backend.disposeData(wide.dataId);
  }
}
