/**
 * Chooses and starts a tfjs backend: by default the fastest that works in this host
 * (webgpu → webgl → wasm → cpu in a browser; wasm → cpu in Node), or the one named by the user.
 * Importing this module also registers the training kernels of ./kernels (idempotent).
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Registers 'webgpu' only where navigator.gpu exists; a no-op in Node.
import '@tensorflow/tfjs-backend-webgpu';
import { backendsForHost, detectHost, type HostKind } from './host';
import { registerTrainingKernels } from './kernels/register';
import { BackendChoiceError, parseBackendPreference, type BackendName, type BackendPreference } from './names';

registerTrainingKernels();

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was not used (absent when ok). */
  reason?: string;
}

export interface BackendSetup {
  /** The backend now active in tfjs. */
  backend: BackendName;
  /** Every backend tried, in order, with the reason each one before the chosen one failed. */
  tried: BackendAttempt[];
  /** One sentence: why this backend (and why not the ones before it). */
  reason: string;
}

export interface SetupBackendOptions {
  /**
   * Where tfjs's .wasm files are served from, ending in '/' (a prebuilt bundle, a CDN, or a
   * directory in Node). Without it a browser uses the URLs Vite assigns and Node the files in
   * node_modules.
   */
  wasmBaseUrl?: string;
  /**
   * In 'auto' mode, accept WebGPU / WebGL on a software rasteriser (SwiftShader, llvmpipe).
   * Off by default: there they are 5–50× slower than wasm (measured on this project's machines).
   * A backend named explicitly is always tried.
   */
  allowSoftwareGpu?: boolean;
  /** When a backend named explicitly cannot start: throw (true) or fall back to 'auto' (false, default). */
  strict?: boolean;
  /**
   * Backends this host offers beyond its usual ones, tried first when named (Node with Dawn
   * loaded: 'webgpu', see ./node-webgpu). Not part of the automatic order.
   */
  extraBackends?: BackendName[];
}

let wasmFilesConfigured = false;

/**
 * Threads asked of the wasm backend's XNNPACK pool: every logical core (up to 8) in a
 * cross-origin-isolated page, the only place where tfjs runs its threaded build
 * (SharedArrayBuffer); null elsewhere, where there is one thread. Without it tfjs would take half
 * the cores, one thread on a 2-core machine. (Measured in headless Chromium on 2 cores: the
 * threaded build loads, yet the pool still reports one thread; see the bench's `threads`.)
 */
export function wasmThreadsWanted(): number | null {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return null;
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(8, cores));
}

async function configureWasmFiles(host: HostKind, options: SetupBackendOptions): Promise<void> {
  if (wasmFilesConfigured || tf.engine().registry.wasm) return;
  const threads = wasmThreadsWanted();
  if (threads !== null) setThreadsCount(threads);
  if (options.wasmBaseUrl) {
    setWasmPaths(options.wasmBaseUrl);
  } else if (host === 'browser') {
    const { WASM_FILE_URLS } = await import('./wasm-files.browser');
    setWasmPaths(WASM_FILE_URLS);
  }
  wasmFilesConfigured = true;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; description?: string; vendor?: string };
}

/** Null when WebGPU looks usable; otherwise why not (or that it is software-rendered). */
async function webgpuProblem(checkSoftware: boolean): Promise<string | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu;
  if (!gpu) return 'navigator.gpu is missing (this browser has no WebGPU, or it is disabled)';
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return `requestAdapter() failed: ${String(error)}`;
  }
  if (!adapter) return 'requestAdapter() returned no adapter';
  if (checkSoftware && (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter)) {
    return 'the WebGPU adapter is a software fallback; wasm is faster on a CPU';
  }
  return null;
}

/** The WebGL renderer string, or null when no WebGL context can be made. */
function webglRenderer(): string | null {
  try {
    const canvas: { getContext(kind: string): unknown } =
      typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

async function precheck(name: BackendName, checkSoftware: boolean): Promise<string | null> {
  if (name === 'webgpu') return webgpuProblem(checkSoftware);
  if (name === 'webgl') {
    const renderer = webglRenderer();
    if (renderer === null) return 'no WebGL context could be created';
    if (checkSoftware && SOFTWARE_RENDERER.test(renderer)) {
      return `WebGL is software-rendered (${renderer}); wasm is faster on a CPU`;
    }
  }
  return null;
}

async function tryBackend(name: BackendName, host: HostKind, options: SetupBackendOptions, auto: boolean): Promise<BackendAttempt> {
  const problem = await precheck(name, auto && !options.allowSoftwareGpu);
  if (problem) return { name, ok: false, reason: problem };
  if (name === 'wasm') await configureWasmFiles(host, options);
  if (!tf.findBackendFactory(name)) return { name, ok: false, reason: 'tfjs has no such backend registered in this host' };
  try {
    if (!(await tf.setBackend(name))) return { name, ok: false, reason: 'initialisation failed (tfjs printed the cause to the console)' };
    await tf.ready();
  } catch (error) {
    return { name, ok: false, reason: `initialisation failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { name, ok: true };
}

function explain(tried: BackendAttempt[], chosen: BackendName, requested: BackendPreference): string {
  const failures = tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.reason}`);
  const head = requested === 'auto' ? `${chosen} is the best backend available here` : `${chosen} as requested`;
  if (failures.length === 0) return head;
  const lead = requested === 'auto' ? `${chosen} chosen` : `${requested} was requested but could not start; fell back to ${chosen}`;
  return `${lead} (${failures.join('; ')})`;
}

/**
 * Starts a backend and makes it tfjs's active one. `preference` is 'auto' (default) or a backend
 * name; an unknown name, or one this host cannot offer (webgl in Node), throws a
 * BackendChoiceError listing the allowed values. A named backend that fails to start falls back
 * to the automatic order (unless `strict`), and the returned `reason` says so.
 */
export async function setupBackend(
  preference: BackendPreference | string = 'auto',
  options: SetupBackendOptions = {},
): Promise<BackendSetup> {
  const requested = parseBackendPreference(preference);
  const host = detectHost();
  const usual = backendsForHost(host);
  const available = [...(options.extraBackends ?? []).filter((b) => !usual.includes(b)), ...usual];
  if (requested !== 'auto' && !available.includes(requested)) {
    throw new BackendChoiceError(
      `Backend "${requested}" is not available in ${host === 'node' ? 'Node' : 'a browser'}; allowed values here: auto, ${available.join(', ')}.`,
    );
  }
  registerTrainingKernels();
  const tried: BackendAttempt[] = [];
  const order = requested === 'auto' ? usual : [requested, ...usual.filter((b) => b !== requested)];
  for (const name of order) {
    const auto = requested === 'auto' || name !== requested;
    const attempt = await tryBackend(name, host, options, auto);
    tried.push(attempt);
    if (attempt.ok) return { backend: name, tried, reason: explain(tried, name, requested) };
    if (!auto && options.strict) {
      throw new BackendChoiceError(`Backend "${name}" could not start: ${attempt.reason}`);
    }
  }
  throw new BackendChoiceError(`No tfjs backend could start: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

/**
 * The GPU backends this host could start (software-rendered ones included: a measured choice,
 * see src/training/backend-choice.ts, lets them lose on their figures), and a description of its
 * GPU for telling devices apart.
 */
export async function gpuBackendsHere(): Promise<{ usable: BackendName[]; gpu: string | null }> {
  if (detectHost() !== 'browser') return { usable: [], gpu: null };
  const usable: BackendName[] = [];
  const names: string[] = [];
  if ((await webgpuProblem(false)) === null) {
    usable.push('webgpu');
    const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
    const info = (await gpu?.requestAdapter())?.info;
    names.push(`webgpu ${info?.vendor ?? ''} ${info?.description ?? ''}${info?.isFallbackAdapter ? ' (fallback)' : ''}`.trim());
  }
  const renderer = webglRenderer();
  if (renderer !== null) {
    usable.push('webgl');
    names.push(`webgl ${renderer}`);
  }
  return { usable, gpu: names.length ? names.join('; ') : null };
}
