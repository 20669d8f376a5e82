/**
 * Registers the training kernels of this folder with tfjs's kernel registry. Idempotent: each
 * replacement is tagged, a second call (or a second copy of this module after a hot reload)
 * leaves tagged kernels alone, and the backend's original kernels are remembered globally so a
 * replacement never wraps another replacement.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
// The wasm backend must be registered before its kernels can be captured and replaced.
import '@tensorflow/tfjs-backend-wasm';
import { adamKernelConfigs } from './adam-kernels';
import { emaKernelConfigs } from './ema-kernels';
import { cpuElementwiseKernelConfigs } from './cpu-elementwise-kernels';
import { cpuKernelConfigs } from './cpu-kernels';
import { groupNormKernelConfigs } from './group-norm-kernels';
import { siluKernelConfigs } from './silu-kernels';
import { splitFlatKernelConfigs } from './split-flat-kernels';
import { wasmBinaryKernelConfigs } from './wasm-binary-kernels';
import { webgpuAdamKernelConfigs } from './webgpu-adam-kernels';
import { webgpuAddNKernelConfigs } from './webgpu-addn-kernel';
import { webgpuGroupNormKernelConfigs } from './webgpu-group-norm-kernels';
import { wasmCopyKernelConfigs } from './wasm-copy-kernels';
import { captureWasmBaseKernels, wasmKernelConfigs, type WasmBaseKernels } from './wasm-kernels';

const TAG = Symbol.for('diffusion-lab.backend.training-kernel');
const BASE_STORE = Symbol.for('diffusion-lab.backend.wasm-base-kernels');

type Tagged = { [TAG]?: true };
type GlobalStore = { [BASE_STORE]?: WasmBaseKernels };

/** One registry entry this module put in place: `replaced` when the backend had its own. */
export interface RegisteredKernel {
  kernelName: string;
  backendName: string;
  replaced: boolean;
}

let registered: RegisteredKernel[] | null = null;

function wasmBaseKernels(): WasmBaseKernels | null {
  const store = globalThis as unknown as GlobalStore;
  if (!store[BASE_STORE]) {
    const base = captureWasmBaseKernels();
    if (base) store[BASE_STORE] = base;
  }
  return store[BASE_STORE] ?? null;
}

function install(config: KernelConfig): RegisteredKernel | null {
  const existing = getKernel(config.kernelName, config.backendName);
  if (existing && (existing.kernelFunc as Tagged)[TAG]) return null;
  (config.kernelFunc as Tagged)[TAG] = true;
  if (existing) {
    // The original's setup (e.g. binding its WebAssembly function) must still run when the
    // backend initialises, because the replacement calls the original.
    unregisterKernel(config.kernelName, config.backendName);
    registerKernel({ ...config, setupFunc: config.setupFunc ?? existing.setupFunc, disposeFunc: config.disposeFunc ?? existing.disposeFunc });
  } else {
    registerKernel(config);
  }
  return { kernelName: config.kernelName, backendName: config.backendName, replaced: existing !== undefined };
}

/**
 * Puts the training kernels in place (once per process/page) and returns what this call
 * registered; later calls return the list of the first.
 */
export function registerTrainingKernels(): readonly RegisteredKernel[] {
  if (registered) return registered;
  const configs: KernelConfig[] = [
    ...cpuKernelConfigs(),
    ...cpuElementwiseKernelConfigs(),
    ...groupNormKernelConfigs(),
    ...adamKernelConfigs(),
    ...webgpuAdamKernelConfigs(),
    ...webgpuAddNKernelConfigs(),
    ...webgpuGroupNormKernelConfigs(),
    ...emaKernelConfigs(),
    ...siluKernelConfigs(),
    ...splitFlatKernelConfigs(),
  ];
  const base = wasmBaseKernels();
  if (base) configs.push(...wasmKernelConfigs(base), ...wasmCopyKernelConfigs(base), ...wasmBinaryKernelConfigs(base));
  const done: RegisteredKernel[] = [];
  for (const config of configs) {
    const entry = install(config);
    if (entry) done.push(entry);
  }
  registered = done;
  return done;
}
