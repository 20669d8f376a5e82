import { describe, expect, it } from 'vitest';
import { defaultWorkerCount, MAX_WORKERS } from '../../../src/lab/browser/web-worker-replicas';
import { replicaSourceFor } from '../../../src/lab/browser/training-workers';

describe('training workers in the page', () => {
  it('by default, one per core, capped by MAX_WORKERS and device memory; one on a GPU', () => {
    expect(defaultWorkerCount('wasm', { hardwareConcurrency: 1 })).toBe(1);
    expect(defaultWorkerCount('wasm', { hardwareConcurrency: 2 })).toBe(2);
    expect(defaultWorkerCount('wasm', { hardwareConcurrency: 3 })).toBe(3);
    expect(defaultWorkerCount('wasm', { hardwareConcurrency: 16 })).toBe(MAX_WORKERS);
    expect(defaultWorkerCount('wasm', { hardwareConcurrency: 16, deviceMemory: 2 })).toBe(2);
    expect(defaultWorkerCount('wasm', { hardwareConcurrency: 16, deviceMemory: 0.5 })).toBe(1);
    expect(defaultWorkerCount('cpu', { hardwareConcurrency: 8 })).toBe(4);
    expect(defaultWorkerCount('webgpu', { hardwareConcurrency: 8 })).toBe(1);
    expect(defaultWorkerCount('wasm', {})).toBe(1);
  });

  it('takes a fixed count as it is on wasm and cpu (one worker on a GPU), and refuses a bad one naming the option', () => {
    expect(replicaSourceFor({ workers: 3 }, 'wasm').workers).toBe(3);
    expect(replicaSourceFor({ workers: 2 }, 'cpu').workers).toBe(2);
    expect(replicaSourceFor({ workers: 2 }, 'webgpu').workers).toBe(1);
    expect(() => replicaSourceFor({ workers: 0 }, 'wasm')).toThrow("LabOptions.workers must be 'auto' or an integer from 1 to 16, got 0");
    expect(() => replicaSourceFor({ workers: 1.5 }, 'wasm')).toThrow(RangeError);
  });
});
