/**
 * Splits one flat float32 tensor into consecutive pieces of the given shapes with a single kernel
 * call: the write-back of a training state kept in one flat buffer (src/training/flat-variables.ts)
 * into the model's weight tensors. With tf.slice it would cost one kernel per weight tensor (about
 * 100 per step for the tiny U-Net), and on WebGPU one dispatch each. Here:
 *   - wasm: one kernel, a memcpy per piece inside the WebAssembly heap;
 *   - cpu: one kernel, a subarray copy per piece;
 *   - webgpu: one kernel that records a buffer-to-buffer copy per piece on tfjs's command encoder.
 *     Copies are not compute dispatches: no pipeline, bind group or uniform buffer per piece, and
 *     no limit of 8 storage buffers per shader to group around.
 * The op that uses these kernels is ../ops/split-flat.ts.
 */
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32 } from './wasm-heap';

export const SPLIT_FLAT_KERNEL = 'DiffusionLabSplitFlat';

export interface SplitFlatAttrs {
  /** The pieces' shapes, in order; their sizes add up to the input's. */
  shapes: number[][];
}

type Args<B> = { inputs: Record<string, TensorInfo>; backend: B; attrs?: NamedAttrMap };

function shapesOf(attrs: NamedAttrMap | undefined): number[][] {
  return (attrs as unknown as SplitFlatAttrs).shapes;
}

function wasmSplitFlat({ inputs, backend, attrs }: Args<BackendWasm>): TensorInfo[] {
  const outs = shapesOf(attrs).map((shape) => backend.makeOutput([...shape], 'float32'));
  // Views only after the last allocation (an allocation may grow the heap and detach them).
  const source = heapF32(backend, inputs.x);
  let offset = 0;
  for (const out of outs) {
    const target = heapF32(backend, out);
    target.set(source.subarray(offset, offset + target.length));
    offset += target.length;
  }
  return outs;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuSplitFlat({ inputs, backend, attrs }: Args<CpuBackendLike>): TensorInfo[] {
  const source = backend.readSync(inputs.x.dataId) as Float32Array;
  let offset = 0;
  return shapesOf(attrs).map((shape) => {
    const size = util.sizeFromShape(shape);
    const values = source.slice(offset, offset + size);
    offset += size;
    return backend.makeTensorInfo([...shape], 'float32', values);
  });
}

/** The parts of tfjs's WebGPU backend (4.x) a copy needs; its typings mark some of them private. */
interface WebGpuCopyBackend {
  tensorMap: { get(dataId: object): { resource: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  commandEncoder: { copyBufferToBuffer(src: unknown, srcOffset: number, dst: unknown, dstOffset: number, size: number): void };
  /** Tensors the recorded commands use: their buffers are released only after the next submit. */
  commandQueueOwnedIds: { add(dataId: object): void };
}

function webgpuSplitFlat({ inputs, backend, attrs }: Args<WebGpuCopyBackend>): TensorInfo[] {
  const { x } = inputs;
  backend.uploadToGPU(x.dataId);
  const outs = shapesOf(attrs).map((shape) => {
    const out = backend.makeTensorInfo([...shape], 'float32');
    if (util.sizeFromShape(shape) > 0) backend.uploadToGPU(out.dataId);
    return out;
  });
  const source = backend.tensorMap.get(x.dataId).resource;
  backend.ensureCommandEncoderReady();
  // Copies are recorded outside a compute pass.
  backend.endComputePassEncoder();
  backend.commandQueueOwnedIds.add(x.dataId);
  let offset = 0;
  for (const out of outs) {
    const bytes = util.sizeFromShape(out.shape) * Float32Array.BYTES_PER_ELEMENT;
    if (bytes > 0) {
      backend.commandEncoder.copyBufferToBuffer(source, offset, backend.tensorMap.get(out.dataId).resource, 0, bytes);
      backend.commandQueueOwnedIds.add(out.dataId);
    }
    offset += bytes;
  }
  return outs;
}

export function splitFlatKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: SPLIT_FLAT_KERNEL, backendName: 'wasm', kernelFunc: wasmSplitFlat as unknown as KernelFunc },
    { kernelName: SPLIT_FLAT_KERNEL, backendName: 'cpu', kernelFunc: cpuSplitFlat as unknown as KernelFunc },
    { kernelName: SPLIT_FLAT_KERNEL, backendName: 'webgpu', kernelFunc: webgpuSplitFlat as unknown as KernelFunc },
  ];
}
