/**
 * Backend choice and training kernels for tfjs, usable in Node and in the browser.
 *
 *   const { backend, reason } = await setupBackend('auto');
 */
export { gpuBackendsHere, setupBackend, type BackendAttempt, type BackendSetup, type SetupBackendOptions } from './setup';
export { setupSmallNetBackend } from './small-nets';
export {
  BACKEND_NAMES,
  BACKEND_PREFERENCES,
  BackendChoiceError,
  isBackendName,
  parseBackendPreference,
  type BackendName,
  type BackendPreference,
} from './names';
export { backendsForHost, detectHost, type HostKind } from './host';
export { registerTrainingKernels, type RegisteredKernel } from './kernels/register';
export { groupNorm, groupNormComposite, hasFusedGroupNorm } from './ops/group-norm';
export { silu, siluComposite, hasFusedSilu } from './ops/silu';
export { setSimdKernelsEnabled, simdKernelsEnabled, simdKernelProblem } from './kernels/simd/simd-module';
export { checkSimdKernels } from './kernels/simd/all-kernels';
export { FusedAdam, FUSED_ADAM_DEFAULTS, adamUpdate, type FusedAdamConfig } from './ops/adam';
export type { AdamAttrs } from './kernels/adam-kernels';
export { splitFlat } from './ops/split-flat';
