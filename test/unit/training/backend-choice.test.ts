import { describe, expect, it } from 'vitest';
import { chooseBackend, CHOICE_MAX_AGE_MS, describeChoice, deviceKey, pickFastest, rememberedChoice, type StepTiming } from '../../../src/training/backend-choice';

const timings: StepTiming[] = [
  { backend: 'wasm', workers: 1, msPerStep: 98.4 },
  { backend: 'wasm', workers: 2, msPerStep: 84.7 },
  { backend: 'webgpu', workers: 1, msPerStep: null, note: 'no step within 2 s' },
  { backend: 'webgl', workers: 1, msPerStep: 310.2 },
];
const device = deviceKey({ userAgent: 'Test/1', cores: 2, gpu: 'webgpu google (fallback)' });

describe('the measured backend choice', () => {
  it('picks the quickest figure, whatever the backend is called', () => {
    expect(pickFastest(timings)).toMatchObject({ backend: 'wasm', workers: 2 });
    const gpuWins = timings.map((t) => (t.backend === 'webgpu' ? { ...t, msPerStep: 20, note: undefined } : t));
    expect(pickFastest(gpuWins)).toMatchObject({ backend: 'webgpu' });
    expect(pickFastest([{ backend: 'webgpu', workers: 1, msPerStep: Number.NaN }])).toBeNull();
  });

  it('prefers fewer workers on a tie', () => {
    expect(pickFastest([{ backend: 'wasm', workers: 2, msPerStep: 90 }, { backend: 'wasm', workers: 1, msPerStep: 90 }])).toMatchObject({ workers: 1 });
  });

  it('says the figures behind the choice in one line', () => {
    expect(describeChoice(timings, { backend: 'wasm', workers: 2 })).toBe(
      'wasm 98 ms/step · wasm ×2 workers 85 ms/step · webgpu (no step within 2 s) · webgl 310 ms/step → wasm ×2 workers',
    );
  });

  it('falls back, and says so, when no candidate finished a step', () => {
    const none: StepTiming[] = [{ backend: 'wasm', workers: 1, msPerStep: null, note: 'no step within 10 s' }];
    const c = chooseBackend(none, device, 'wasm', 1000);
    expect(c).toMatchObject({ backend: 'wasm', workers: 1, device, measuredAt: 1000 });
    expect(c.summary).toMatch(/no backend finished a step in time/);
  });

  it('trusts a remembered choice only for the same device, while recent and well formed', () => {
    const c = chooseBackend(timings, device, 'wasm', 10_000);
    const stored = JSON.parse(JSON.stringify(c));
    expect(rememberedChoice(stored, device, 20_000)).toEqual(c);
    expect(rememberedChoice(stored, deviceKey({ userAgent: 'Test/1', cores: 8, gpu: null }), 20_000)).toBeNull();
    expect(rememberedChoice(stored, device, 10_000 + CHOICE_MAX_AGE_MS)).toBeNull();
    expect(rememberedChoice({ ...stored, backend: 'tpu' }, device, 20_000)).toBeNull();
    expect(rememberedChoice({ ...stored, workers: 0 }, device, 20_000)).toBeNull();
    expect(rememberedChoice('wasm', device, 20_000)).toBeNull();
    expect(rememberedChoice(undefined, device, 20_000)).toBeNull();
  });
});
