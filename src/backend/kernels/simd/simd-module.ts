/**
 * Instantiates generated WebAssembly SIMD kernels (wasm-encoder.ts) on the memory of tfjs's wasm
 * backend, so they read and write tensors where the backend keeps them, with no copies.
 *
 * Each kernel is its own small module, compiled on first use: browsers refuse synchronous
 * compilation of modules above 4 kB on the main thread, and a kernel's module stays far below.
 * Where WebAssembly SIMD is missing, or the memory cannot be found, a kernel is null and the
 * caller uses its other path.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { encodeModule, type FunctionBuilder } from './wasm-encoder';

type KernelFunction = (...args: number[]) => void;

interface MemoryKernels {
  functions: Map<string, KernelFunction | null>;
}

const byMemory = new WeakMap<WebAssembly.Memory, MemoryKernels>();
let enabled = true;
let lastProblem: string | null = null;

/** Why the last kernel that failed to compile or instantiate did so (null: none failed). */
export function simdKernelProblem(): string | null {
  return lastProblem;
}

/**
 * Turns the generated SIMD kernels on or off for the whole process/page (on by default). Off, the
 * training kernels use their other paths (matrix products, plain loops); tests use this to check
 * both against each other.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

export function simdKernelsEnabled(): boolean {
  return enabled;
}

/** The WebAssembly.Memory of the backend's Emscripten module. */
function backendMemory(backend: BackendWasm): WebAssembly.Memory | null {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/**
 * The kernel built by `build` (its name is the cache key), instantiated on the backend's memory;
 * null when SIMD kernels are off or cannot run here.
 */
export function simdKernel(backend: BackendWasm, build: () => FunctionBuilder, name: string): KernelFunction | null {
  if (!enabled) return null;
  const memory = backendMemory(backend);
  if (!memory) return null;
  let entry = byMemory.get(memory);
  if (!entry) {
    entry = { functions: new Map() };
    byMemory.set(memory, entry);
  }
  if (entry.functions.has(name)) return entry.functions.get(name) ?? null;
  let fn: KernelFunction | null = null;
  try {
    const fb = build();
    if (fb.name !== name) throw new Error(`kernel name mismatch: ${fb.name} !== ${name}`);
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(encodeModule([fb], { shared }) as BufferSource);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    fn = instance.exports[name] as KernelFunction;
  } catch (error) {
    // No SIMD in this engine (or sync compilation refused): the caller's other path runs.
    lastProblem = `${name}: ${error instanceof Error ? error.message : String(error)}`;
    fn = null;
  }
  entry.functions.set(name, fn);
  return fn;
}
