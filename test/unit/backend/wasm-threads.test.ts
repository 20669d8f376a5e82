/** How many wasm threads setupBackend asks for: all cores, only where threads are possible. */
import { afterEach, describe, expect, it } from 'vitest';
import { wasmThreadsWanted } from '../../../src/backend/setup';

const g = globalThis as { crossOriginIsolated?: boolean };
const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

function setCores(cores: number | undefined): void {
  Object.defineProperty(globalThis, 'navigator', { value: cores === undefined ? undefined : { hardwareConcurrency: cores }, configurable: true, writable: true });
}

afterEach(() => {
  delete g.crossOriginIsolated;
  if (original) Object.defineProperty(globalThis, 'navigator', original);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

describe('wasmThreadsWanted', () => {
  it('asks for nothing outside a cross-origin-isolated page (no SharedArrayBuffer, no threads)', () => {
    setCores(4);
    expect(wasmThreadsWanted()).toBeNull();
    g.crossOriginIsolated = false;
    expect(wasmThreadsWanted()).toBeNull();
  });

  it('asks for every core when isolated, at least 1 and at most 8', () => {
    g.crossOriginIsolated = true;
    setCores(2);
    expect(wasmThreadsWanted()).toBe(2);
    setCores(32);
    expect(wasmThreadsWanted()).toBe(8);
    setCores(undefined);
    expect(wasmThreadsWanted()).toBe(1);
  });
});
