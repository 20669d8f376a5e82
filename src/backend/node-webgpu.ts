/**
 * WebGPU in Node, for benchmarks and command-line runs on a machine with a real GPU. Node has no
 * navigator.gpu; Dawn (the WebGPU engine of Chromium) provides one through the npm package
 * `webgpu`. That package is not a dependency of the project (its prebuilt engines for every
 * platform weigh about 130 MB unpacked, and CI has no GPU): `npm install --no-save webgpu` adds
 * it on the machine that needs it, which also needs a Vulkan driver (on Linux).
 *
 * tfjs-backend-webgpu registers its backend factory at import time only where navigator.gpu
 * already exists, which in Node it never does at that moment; its kernels register regardless.
 * So the factory is registered here, once Dawn has answered with an adapter.
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** The npm package that provides Dawn for Node. */
export const NODE_WEBGPU_PACKAGE = 'webgpu';

/** What this module needs of the package: `create(flags)` gives a GPU; `globals` the GPU* constants. */
export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

export type DawnLoader = () => Promise<DawnModule>;

export interface NodeWebGpuResult {
  /** The adapter's description, when one was found (e.g. its vendor and architecture). */
  adapter?: string;
  /** Why WebGPU cannot run here; absent when the backend is registered. */
  problem?: string;
}

const importDawn: DawnLoader = async () => {
  // Held in a variable so neither TypeScript nor a bundler tries to resolve the optional package.
  const name = NODE_WEBGPU_PACKAGE;
  return (await import(/* @vite-ignore */ name)) as DawnModule;
};

let enabled: Promise<NodeWebGpuResult> | null = null;

function describeAdapter(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const parts = [info?.vendor, info?.architecture, info?.description].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' ') : 'an unnamed adapter';
}

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

async function enable(load: DawnLoader): Promise<NodeWebGpuResult> {
  let dawn: DawnModule;
  try {
    dawn = await load();
  } catch (error) {
    if (isMissingPackage(error)) {
      return {
        problem: `Node has no WebGPU of its own, and the optional package "${NODE_WEBGPU_PACKAGE}" (Dawn) is not installed; ` +
          `add it with \`npm install --no-save ${NODE_WEBGPU_PACKAGE}\` on a machine with a GPU and a Vulkan driver`,
      };
    }
    return { problem: `the package "${NODE_WEBGPU_PACKAGE}" could not be loaded: ${error instanceof Error ? error.message : String(error)}` };
  }
  // GPUBufferUsage, GPUMapMode, GPUShaderStage…: tfjs's webgpu backend reads them as globals.
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const gpu = dawn.create([]);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { problem: `Dawn's requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!adapter) return { problem: 'Dawn found no GPU adapter (on Linux it needs a Vulkan driver: libvulkan1 and the GPU vendor\'s driver)' };
  const found = adapter;
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (!('gpu' in nav)) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  }
  tf.registerBackend(
    'webgpu',
    async () => {
      // The adapter's own maxima for the sizes tfjs's kernels depend on; the defaults (128 MiB
      // bindings, 256 MiB buffers) would cap the batch a large GPU can train.
      const limits = found.limits;
      const device = await found.requestDevice({
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new WebGPUBackend(device, (found as GPUAdapter & { info?: GPUAdapterInfo }).info);
    },
    1,
  );
  return { adapter: describeAdapter(found) };
}

/**
 * Loads Dawn and registers tfjs's 'webgpu' backend in Node (once per process; later calls return
 * the first answer). Never throws: `problem` says why WebGPU cannot run here.
 */
export function enableNodeWebGpu(load: DawnLoader = importDawn): Promise<NodeWebGpuResult> {
  if (enabled === null) {
    if (tf.findBackendFactory('webgpu')) return Promise.resolve({});
    const attempt = enable(load);
    enabled = attempt;
    // A failed attempt is not kept: the package or driver may be installed before the next call.
    void attempt.then((result) => {
      if (result.problem !== undefined && enabled === attempt) enabled = null;
    });
  }
  return enabled;
}
