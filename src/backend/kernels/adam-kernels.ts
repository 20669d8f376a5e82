/**
 * One Adam update of one parameter tensor as a single kernel for the wasm and cpu backends
 * (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1; the WebGPU
 * version is ./webgpu-adam-kernels.ts):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − α·m̂ / (√v̂ + ε)
 * with m̂ = m / (1−β1ᵗ), v̂ = v / (1−β2ᵗ). Written with tfjs ops, an update costs about a dozen
 * kernel calls per parameter tensor; for a U-Net with ~150 of them that is ~2000 calls per
 * step, a sixth of a wasm training step. The op that uses these kernels is ../ops/adam.ts.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32 } from './wasm-heap';

export const ADAM_KERNEL = 'DiffusionLabAdamUpdate';

export interface AdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based update number t. */
  step: number;
}

/** Writes the new parameter and moments; the inputs are left untouched. */
export function adamUpdateArrays(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  a: AdamAttrs,
  pOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
): void {
  const { beta1, beta2, epsilon } = a;
  const c1 = 1 / (1 - beta1 ** a.step);
  const c2 = 1 / (1 - beta2 ** a.step);
  const lr = a.learningRate;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = p[i] - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + epsilon);
  }
}

type Args<B> = { inputs: Record<string, TensorInfo>; backend: B; attrs?: NamedAttrMap };

function wasmAdam({ inputs, backend, attrs }: Args<BackendWasm>): TensorInfo[] {
  const { param, grad, m, v } = inputs;
  const outs = [param, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
  const h = (t: TensorInfo) => heapF32(backend, t);
  adamUpdateArrays(h(param), h(grad), h(m), h(v), attrs as unknown as AdamAttrs, h(outs[0]), h(outs[1]), h(outs[2]));
  return outs;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuAdam({ inputs, backend, attrs }: Args<CpuBackendLike>): TensorInfo[] {
  const { param, grad, m, v } = inputs;
  const read = (t: TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const n = read(param).length;
  const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  adamUpdateArrays(read(param), read(grad), read(m), read(v), attrs as unknown as AdamAttrs, outs[0], outs[1], outs[2]);
  return outs.map((values) => backend.makeTensorInfo([...param.shape], 'float32', values));
}

export function adamKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: wasmAdam as unknown as KernelFunc },
    { kernelName: ADAM_KERNEL, backendName: 'cpu', kernelFunc: cpuAdam as unknown as KernelFunc },
  ];
}
