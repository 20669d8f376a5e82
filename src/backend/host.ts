/**
 * Which JavaScript host we run in, and which tfjs backends it can offer at all.
 */
import { BACKEND_NAMES, type BackendName } from './names';

export type HostKind = 'node' | 'browser';

/** Node (tsx, Vitest) versus a browser page or worker. */
export function detectHost(): HostKind {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown; importScripts?: unknown };
  const isNode = typeof g.process?.versions?.node === 'string';
  const isBrowserLike = typeof g.window !== 'undefined' || typeof g.importScripts === 'function';
  return isNode && !isBrowserLike ? 'node' : 'browser';
}

/**
 * Backends worth trying in a host, in order of preference. Node has neither WebGPU nor WebGL
 * in tfjs (tfjs-node, the native binding, is not used by this project).
 */
export function backendsForHost(host: HostKind): BackendName[] {
  return host === 'node' ? ['wasm', 'cpu'] : [...BACKEND_NAMES];
}
