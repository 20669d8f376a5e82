/**
 * Access to tensors of tfjs's wasm backend as Float32Array views of the WebAssembly heap, and
 * tensors that alias part of another tensor's memory (so a matrix product can read a block of a
 * buffer without a copy).
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A Float32Array over a float32 tensor's memory. Take views only after the last allocation of a
 * kernel: an allocation can grow the heap, which detaches every earlier view.
 */
export function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/**
 * A tensor of `shape` whose data starts `offset` floats into `base`. It must be released with
 * releaseAlias (never disposeData, which would free memory the alias does not own) before `base`
 * is disposed.
 */
export function aliasTensor(backend: BackendWasm, base: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const baseOffset = backend.dataIdMap.get(base.dataId).memoryOffset;
  return backend.makeOutput(shape, 'float32', baseOffset + offset * Float32Array.BYTES_PER_ELEMENT);
}

/** Forgets an alias made by aliasTensor without freeing the memory it points into. */
export function releaseAlias(backend: BackendWasm, alias: TensorInfo): void {
  const data = backend.dataIdMap.get(alias.dataId);
  if (!data) return;
  // Unregisters the id in the C++ side (and drops any operator cached for it) without free().
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(alias.dataId);
}

/**
 * A Float32Array over the whole heap, for copies between tensors with copyWithin (one memmove
 * per run, no view objects). Same caveat as heapF32: take it after the last allocation.
 */
export function wholeHeapF32(backend: BackendWasm, anyTensor: TensorInfo): Float32Array {
  return new Float32Array(heapF32(backend, { ...anyTensor, shape: [0] }).buffer);
}

/** Index of a float32 tensor's first element in wholeHeapF32. */
export function heapIndex(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset / Float32Array.BYTES_PER_ELEMENT;
}
