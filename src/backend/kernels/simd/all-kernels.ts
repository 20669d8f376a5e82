/**
 * Every generated SIMD kernel by name, and a check that they all compile and instantiate on a
 * wasm backend (the unit tests and the browser gradient check call it, so a kernel that an
 * engine rejects shows up as a failure instead of a silent fallback to the slower paths).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { buildCopyRuns, COPY_RUNS } from './copy-simd';
import { buildFilterGrad, filterGradName, FILTER_GRAD_TILES } from './filter-grad-simd';
import { buildGroupNormAffine, buildGroupNormAffine2, buildGroupNormGradSums, buildGroupNormSums, GN_AFFINE, GN_AFFINE2, GN_GRAD_SUMS, GN_SUMS } from './group-norm-simd';
import { simdKernel, simdKernelProblem } from './simd-module';
import { buildSiluGrad, SILU_GRAD_SIMD } from './silu-simd';
import { buildSumRows, sumRowsName } from './sum-simd';
import type { FunctionBuilder } from './wasm-encoder';

export const SIMD_KERNEL_BUILDERS: ReadonlyArray<readonly [string, () => FunctionBuilder]> = [
  ...FILTER_GRAD_TILES.map((t) => [filterGradName(t), () => buildFilterGrad(t)] as const),
  [GN_SUMS, buildGroupNormSums],
  [GN_GRAD_SUMS, buildGroupNormGradSums],
  [GN_AFFINE, buildGroupNormAffine],
  [GN_AFFINE2, buildGroupNormAffine2],
  [SILU_GRAD_SIMD, buildSiluGrad],
  [COPY_RUNS, buildCopyRuns],
  ...[1, 2, 3, 4].map((v) => [sumRowsName(v), () => buildSumRows(v)] as const),
];

/** Names of the kernels that cannot run on this backend, with the engine's reason for the first. */
export function checkSimdKernels(backend: BackendWasm): { failed: string[]; problem: string | null } {
  const failed = SIMD_KERNEL_BUILDERS.filter(([name, build]) => simdKernel(backend, build, name) === null).map(([name]) => name);
  return { failed, problem: failed.length ? simdKernelProblem() : null };
}
