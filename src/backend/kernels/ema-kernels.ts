/**
 * One exponential-moving-average update of one weight tensor as a single kernel:
 *   shadow ← decay·shadow + (1 − decay)·live
 * (Polyak & Juditsky 1992; the update of src/training/ema.ts). Written with tfjs ops it costs three
 * kernels per weight tensor (two products and a sum), about 300 per training step of the tiny
 * U-Net; on a GPU backend each is a dispatch. The op that uses these kernels is ../ops/ema.ts.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { heapF32 } from './wasm-heap';
import { FlatProgram, floatUniforms } from './webgpu-flat-program';

export const EMA_KERNEL = 'DiffusionLabEmaUpdate';

export interface EmaAttrs {
  /** Weight of the old shadow value, in [0, 1]. */
  decay: number;
}

/** Writes the new shadow into `out`; the inputs are left untouched. */
export function emaUpdateArrays(shadow: Float32Array, live: Float32Array, decay: number, out: Float32Array): void {
  const keep = Math.fround(decay);
  const take = Math.fround(1 - decay);
  for (let i = 0; i < shadow.length; i++) out[i] = keep * shadow[i] + take * live[i];
}

type Args<B> = { inputs: Record<string, TensorInfo>; backend: B; attrs?: NamedAttrMap };

function wasmEma({ inputs, backend, attrs }: Args<BackendWasm>): TensorInfo {
  const { shadow, live } = inputs;
  const out = backend.makeOutput([...shadow.shape], 'float32');
  emaUpdateArrays(heapF32(backend, shadow), heapF32(backend, live), (attrs as unknown as EmaAttrs).decay, heapF32(backend, out));
  return out;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuEma({ inputs, backend, attrs }: Args<CpuBackendLike>): TensorInfo {
  const { shadow, live } = inputs;
  const s = backend.readSync(shadow.dataId) as Float32Array;
  const out = new Float32Array(s.length);
  emaUpdateArrays(s, backend.readSync(live.dataId) as Float32Array, (attrs as unknown as EmaAttrs).decay, out);
  return backend.makeTensorInfo([...shadow.shape], 'float32', out);
}

function webgpuEma({ inputs, backend, attrs }: Args<WebGPUBackend>): TensorInfo {
  const { shadow, live } = inputs;
  const { decay } = attrs as unknown as EmaAttrs;
  // 1 − decay is passed in: computed in float32 from decay = 0.999 it would be off by 10⁻⁵ relative.
  const program = new FlatProgram('diffusionLabEma', ['S', 'L'], [...shadow.shape], 'keep : f32, take : f32,', `
          setOutputAtIndex(index, uniforms.keep * S[index] + uniforms.take * L[index]);`);
  return backend.runWebGPUProgram(program, [shadow, live], 'float32', floatUniforms(decay, 1 - decay));
}

export function emaKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: EMA_KERNEL, backendName: 'wasm', kernelFunc: wasmEma as unknown as KernelFunc },
    { kernelName: EMA_KERNEL, backendName: 'cpu', kernelFunc: cpuEma as unknown as KernelFunc },
    { kernelName: EMA_KERNEL, backendName: 'webgpu', kernelFunc: webgpuEma as unknown as KernelFunc },
  ];
}
