/**
 * The SiLU gradient kernel for the wasm, cpu and webgpu backends (custom kernel name: tfjs has
 * none); the op that uses it is ../ops/silu.ts. On wasm it is one generated SIMD pass
 * (simd/silu-simd.ts), with a plain loop where SIMD is unavailable; on cpu the plain loop; on
 * webgpu one shader instead of the five dispatches of the gradients of x·σ(x).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { buildSiluGrad, SILU_GRAD_SIMD } from './simd/silu-simd';
import { simdKernel } from './simd/simd-module';
import { heapF32, heapIndex } from './wasm-heap';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatProgram } from './webgpu-flat-program';

export const SILU_GRAD_KERNEL = 'DiffusionLabSiluGrad';

/** dx[i] = dy[i]·s[i]·(1 + x[i]·(1 − s[i])) for i in [from, to), s = σ(x). */
export function siluGradArrays(dy: Float32Array, x: Float32Array, s: Float32Array, dx: Float32Array, from = 0, to = dx.length): void {
  for (let i = from; i < to; i++) {
    const si = s[i];
    dx[i] = dy[i] * (si * (1 + x[i] * (1 - si)));
  }
}

type Args<B> = { inputs: Record<string, TensorInfo>; backend: B };

function wasmSiluGrad({ inputs, backend }: Args<BackendWasm>): TensorInfo {
  const { dy, x, s } = inputs;
  const dx = backend.makeOutput([...x.shape], 'float32');
  const n = x.shape.reduce((a, b) => a * b, 1);
  const kernel = simdKernel(backend, buildSiluGrad, SILU_GRAD_SIMD);
  const groups = kernel ? n >> 2 : 0;
  if (kernel && groups > 0) kernel(4 * heapIndex(backend, dy), 4 * heapIndex(backend, x), 4 * heapIndex(backend, s), 4 * heapIndex(backend, dx), groups);
  const h = (t: TensorInfo) => heapF32(backend, t);
  siluGradArrays(h(dy), h(x), h(s), h(dx), 4 * groups, n);
  return dx;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuSiluGrad({ inputs, backend }: Args<CpuBackendLike>): TensorInfo {
  const { dy, x, s } = inputs;
  const read = (t: TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const xs = read(x);
  const dx = new Float32Array(xs.length);
  siluGradArrays(read(dy), xs, read(s), dx);
  return backend.makeTensorInfo([...x.shape], 'float32', dx);
}

function webgpuSiluGrad({ inputs, backend }: Args<WebGPUBackend>): TensorInfo {
  const { dy, x, s } = inputs;
  const program = new FlatProgram('diffusionLabSiluGrad', ['Dy', 'X', 'S'], [...x.shape], '', `
          let si = S[index];
          setOutputAtIndex(index, Dy[index] * (si * (1.0 + X[index] * (1.0 - si))));`);
  return backend.runWebGPUProgram(program, [dy, x, s], 'float32');
}

export function siluKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: SILU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: wasmSiluGrad as unknown as KernelFunc },
    { kernelName: SILU_GRAD_KERNEL, backendName: 'cpu', kernelFunc: cpuSiluGrad as unknown as KernelFunc },
    { kernelName: SILU_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: webgpuSiluGrad as unknown as KernelFunc },
  ];
}
