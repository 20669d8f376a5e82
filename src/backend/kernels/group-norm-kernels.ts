/**
 * Fused GroupNorm kernels (forward and gradient) for the wasm and cpu backends; the math is in
 * group-norm-math.ts (on wasm, with C a multiple of 4, its passes run as SIMD functions:
 * simd/group-norm-kernel.ts), the op that uses them in ../ops/group-norm.ts. Custom kernel names: tfjs
 * has no GroupNorm kernel of its own.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { groupNormBackward, groupNormForward, type GroupNormShape } from './group-norm-math';
import { groupNormBackwardSimd, groupNormForwardSimd } from './simd/group-norm-kernel';
import { heapF32 } from './wasm-heap';

export const GROUP_NORM_KERNEL = 'DiffusionLabGroupNorm';
export const GROUP_NORM_GRAD_KERNEL = 'DiffusionLabGroupNormGrad';

export interface GroupNormAttrs {
  groups: number;
  epsilon: number;
}

function shapeOf(x: TensorInfo, groups: number): GroupNormShape {
  const channels = x.shape[x.shape.length - 1];
  if (channels % groups !== 0) throw new Error(`GroupNorm: ${groups} groups do not divide ${channels} channels`);
  const batch = x.shape[0];
  const pixels = x.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { batch, pixels, channels, groups };
}

type Args<B> = { inputs: Record<string, TensorInfo>; backend: B; attrs?: NamedAttrMap };

function wasmForward({ inputs, backend, attrs }: Args<BackendWasm>): TensorInfo[] {
  const { x, gamma, beta } = inputs;
  const { groups, epsilon } = attrs as unknown as GroupNormAttrs;
  const s = shapeOf(x, groups);
  const y = backend.makeOutput([...x.shape], 'float32');
  const mean = backend.makeOutput([s.batch, groups], 'float32');
  const invStd = backend.makeOutput([s.batch, groups], 'float32');
  if (groupNormForwardSimd(backend, x, gamma, beta, s, epsilon, y, mean, invStd)) return [y, mean, invStd];
  const h = (t: TensorInfo) => heapF32(backend, t);
  groupNormForward(h(x), h(gamma), h(beta), s, epsilon, h(y), h(mean), h(invStd));
  return [y, mean, invStd];
}

function wasmBackward({ inputs, backend, attrs }: Args<BackendWasm>): TensorInfo[] {
  const { dy, x, gamma, mean, invStd } = inputs;
  const { groups } = attrs as unknown as GroupNormAttrs;
  const s = shapeOf(x, groups);
  const dx = backend.makeOutput([...x.shape], 'float32');
  const dGamma = backend.makeOutput([s.channels], 'float32');
  const dBeta = backend.makeOutput([s.channels], 'float32');
  if (groupNormBackwardSimd(backend, dy, x, gamma, mean, invStd, s, dx, dGamma, dBeta)) return [dx, dGamma, dBeta];
  const h = (t: TensorInfo) => heapF32(backend, t);
  groupNormBackward(h(dy), h(x), h(gamma), h(mean), h(invStd), s, h(dx), h(dGamma), h(dBeta));
  return [dx, dGamma, dBeta];
}

/** The parts of tfjs's MathBackendCPU used here. */
interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function cpuForward({ inputs, backend, attrs }: Args<CpuBackendLike>): TensorInfo[] {
  const { x, gamma, beta } = inputs;
  const { groups, epsilon } = attrs as unknown as GroupNormAttrs;
  const s = shapeOf(x, groups);
  const read = (t: TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const y = new Float32Array(s.batch * s.pixels * s.channels);
  const mean = new Float32Array(s.batch * groups);
  const invStd = new Float32Array(s.batch * groups);
  groupNormForward(read(x), read(gamma), read(beta), s, epsilon, y, mean, invStd);
  return [
    backend.makeTensorInfo([...x.shape], 'float32', y),
    backend.makeTensorInfo([s.batch, groups], 'float32', mean),
    backend.makeTensorInfo([s.batch, groups], 'float32', invStd),
  ];
}

function cpuBackward({ inputs, backend, attrs }: Args<CpuBackendLike>): TensorInfo[] {
  const { dy, x, gamma, mean, invStd } = inputs;
  const { groups } = attrs as unknown as GroupNormAttrs;
  const s = shapeOf(x, groups);
  const read = (t: TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const dx = new Float32Array(s.batch * s.pixels * s.channels);
  const dGamma = new Float32Array(s.channels);
  const dBeta = new Float32Array(s.channels);
  groupNormBackward(read(dy), read(x), read(gamma), read(mean), read(invStd), s, dx, dGamma, dBeta);
  return [
    backend.makeTensorInfo([...x.shape], 'float32', dx),
    backend.makeTensorInfo([s.channels], 'float32', dGamma),
    backend.makeTensorInfo([s.channels], 'float32', dBeta),
  ];
}

export function groupNormKernelConfigs(): KernelConfig[] {
  const k = (kernelName: string, backendName: string, f: unknown): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: f as KernelFunc,
  });
  return [
    k(GROUP_NORM_KERNEL, 'wasm', wasmForward),
    k(GROUP_NORM_GRAD_KERNEL, 'wasm', wasmBackward),
    k(GROUP_NORM_KERNEL, 'cpu', cpuForward),
    k(GROUP_NORM_GRAD_KERNEL, 'cpu', cpuBackward),
  ];
}
