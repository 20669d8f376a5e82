import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  BACKEND_NAMES,
  BackendChoiceError,
  backendsForHost,
  detectHost,
  parseBackendPreference,
  registerTrainingKernels,
  setupBackend,
} from '../../../src/backend';

describe('parseBackendPreference', () => {
  it('accepts every backend name and auto, ignoring case and spaces', () => {
    for (const name of BACKEND_NAMES) expect(parseBackendPreference(` ${name.toUpperCase()} `)).toBe(name);
    expect(parseBackendPreference('auto')).toBe('auto');
    expect(parseBackendPreference(undefined)).toBe('auto');
    expect(parseBackendPreference('')).toBe('auto');
  });

  it('rejects an unknown name with a message listing the allowed values', () => {
    expect(() => parseBackendPreference('tensorflow')).toThrow(BackendChoiceError);
    expect(() => parseBackendPreference('tensorflow')).toThrow(/allowed values: auto, webgpu, webgl, wasm, cpu/);
    expect(() => parseBackendPreference(3)).toThrow(BackendChoiceError);
  });
});

describe('host', () => {
  it('is Node here, which offers wasm then cpu', () => {
    expect(detectHost()).toBe('node');
    expect(backendsForHost('node')).toEqual(['wasm', 'cpu']);
    expect(backendsForHost('browser')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });
});

describe('setupBackend in Node', () => {
  it('auto picks wasm first and reports what it tried', async () => {
    const result = await setupBackend();
    expect(result.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(result.tried).toEqual([{ name: 'wasm', ok: true }]);
    expect(result.reason).toMatch(/wasm/);
  });

  it('honours a named backend', async () => {
    const result = await setupBackend('cpu');
    expect(result.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(result.reason).toBe('cpu as requested');
    await setupBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses a backend Node cannot offer, naming the allowed ones', async () => {
    await expect(setupBackend('webgl')).rejects.toThrow(BackendChoiceError);
    await expect(setupBackend('webgpu')).rejects.toThrow(/allowed values here: auto, wasm, cpu/);
    await expect(setupBackend('gpu')).rejects.toThrow(/allowed values: auto, webgpu, webgl, wasm, cpu/);
  });
});

describe('registerTrainingKernels', () => {
  it('fills the gaps of the wasm backend and is idempotent', () => {
    const first = registerTrainingKernels();
    const keys = first.map((k) => `${k.backendName}/${k.kernelName}`);
    expect(keys).toContain('wasm/Conv2DBackpropFilter');
    expect(keys).toContain('wasm/Conv2DBackpropInput');
    expect(keys).toContain('wasm/OneHot');
    expect(keys).toContain('cpu/Conv2DBackpropFilter');
    expect(first.find((k) => k.backendName === 'wasm' && k.kernelName === 'Conv2DBackpropFilter')?.replaced).toBe(false);
    expect(registerTrainingKernels()).toBe(first);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('leaves tensors neither leaked nor shared wrongly when Identity shares data', async () => {
    await setupBackend('wasm');
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(await b.data())).toEqual([1, 2, 3]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
