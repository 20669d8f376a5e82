/**
 * WebGPU in Node through Dawn (src/backend/node-webgpu.ts), with stand-ins for the optional
 * `webgpu` package: missing, present without an adapter, and present with an adapter whose device
 * cannot be made. A real GPU run is a benchmark (README, "WebGPU in Node"), not a unit test.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendChoiceError, enableNodeWebGpu, setupBackend, type DawnLoader } from '../../../src/backend/node';

const missing: DawnLoader = () => Promise.reject(Object.assign(new Error("Cannot find package 'webgpu'"), { code: 'ERR_MODULE_NOT_FOUND' }));

function fakeDawn(adapter: object | null, globals: Record<string, unknown> = {}): DawnLoader {
  const gpu = { requestAdapter: async () => adapter };
  return async () => ({ create: () => gpu as unknown as GPU, globals });
}

const limits = {
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 1 << 30,
  maxBufferSize: 1 << 30,
  maxComputeWorkgroupSizeX: 256,
  maxComputeInvocationsPerWorkgroup: 256,
};

describe('WebGPU in Node', () => {
  it('explains how to install Dawn when the package is missing, and falls back unless strict', async () => {
    expect((await enableNodeWebGpu(missing)).problem).toMatch(/optional package "webgpu" \(Dawn\) is not installed; add it with `npm install --no-save webgpu`/);
    await expect(setupBackend('webgpu', { strict: true, loadDawn: missing })).rejects.toThrow(BackendChoiceError);
    await expect(setupBackend('webgpu', { strict: true, loadDawn: missing })).rejects.toThrow(/Backend "webgpu" could not start: .*npm install --no-save webgpu/);
    const fallback = await setupBackend('webgpu', { loadDawn: missing });
    expect(fallback.backend).toBe('wasm');
    expect(fallback.tried[0]).toMatchObject({ name: 'webgpu', ok: false });
    expect(fallback.reason).toMatch(/^webgpu was requested but could not start; fell back to wasm \(webgpu: .*not installed/);
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });

  it('says so when Dawn finds no adapter, and registers nothing', async () => {
    const result = await enableNodeWebGpu(fakeDawn(null, { GPUFakeConstant: 7 }));
    expect(result.problem).toMatch(/Dawn found no GPU adapter .*Vulkan/);
    // The GPU* globals tfjs reads are installed from the package.
    expect((globalThis as { GPUFakeConstant?: number }).GPUFakeConstant).toBe(7);
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });

  it('registers the backend once an adapter answers; a device that fails falls back to wasm, or throws when strict', async () => {
    const adapter = {
      info: { vendor: 'acme', architecture: 'x1', description: '' },
      limits,
      requestDevice: async () => {
        throw new Error('no device in this test');
      },
    };
    const result = await enableNodeWebGpu(fakeDawn(adapter));
    expect(result).toEqual({ adapter: 'acme x1' });
    expect(tf.findBackendFactory('webgpu')).not.toBeNull();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeDefined();
    // Later calls keep the first success, whatever loader they name.
    expect(await enableNodeWebGpu(missing)).toEqual({ adapter: 'acme x1' });

    const fallback = await setupBackend('webgpu');
    expect(fallback.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(fallback.tried.map((t) => [t.name, t.ok])).toEqual([
      ['webgpu', false],
      ['wasm', true],
    ]);
    await expect(setupBackend('webgpu', { strict: true })).rejects.toThrow(/Backend "webgpu" could not start: initialisation failed/);
    // Auto still means wasm in Node: webgpu is used only when named.
    expect((await setupBackend('auto')).backend).toBe('wasm');
  });
});
