/**
 * Entry point for Node tools (CLI, benchmarks). Same API as ./index; in Node the wasm backend
 * loads its binaries from node_modules, so no URLs are needed. A request for 'webgpu' first
 * loads Dawn (./node-webgpu), which works only where the optional `webgpu` package and a GPU
 * driver are installed; otherwise the request fails or falls back like any backend that cannot
 * start, with Dawn's reason in the message.
 */
import { parseBackendPreference, BackendChoiceError, type BackendPreference } from './names';
import { setupBackend as setupSharedBackend, type BackendSetup, type SetupBackendOptions } from './setup';
import { enableNodeWebGpu, type DawnLoader } from './node-webgpu';

export * from './index';
export { enableNodeWebGpu, NODE_WEBGPU_PACKAGE, type DawnLoader, type DawnModule, type NodeWebGpuResult } from './node-webgpu';

export interface NodeSetupBackendOptions extends SetupBackendOptions {
  /** How Dawn is loaded (tests); the `webgpu` package by default. */
  loadDawn?: DawnLoader;
}

/**
 * setupBackend of ./setup, plus 'webgpu' through Dawn when named. 'auto' stays wasm → cpu in
 * Node: Dawn is optional, and for models this small its WebGPU is not faster than wasm (README,
 * "WebGPU in Node").
 */
export async function setupBackend(preference: BackendPreference | string = 'auto', options: NodeSetupBackendOptions = {}): Promise<BackendSetup> {
  if (parseBackendPreference(preference) !== 'webgpu') return setupSharedBackend(preference, options);
  const dawn = await enableNodeWebGpu(options.loadDawn);
  if (dawn.problem === undefined) {
    const result = await setupSharedBackend('webgpu', { ...options, extraBackends: ['webgpu'] });
    return result.backend === 'webgpu' && dawn.adapter ? { ...result, reason: `${result.reason} (Dawn, ${dawn.adapter})` } : result;
  }
  if (options.strict) throw new BackendChoiceError(`Backend "webgpu" could not start: ${dawn.problem}`);
  const fallback = await setupSharedBackend('auto', options);
  return {
    ...fallback,
    tried: [{ name: 'webgpu', ok: false, reason: dawn.problem }, ...fallback.tried],
    reason: `webgpu was requested but could not start; fell back to ${fallback.backend} (webgpu: ${dawn.problem})`,
  };
}
