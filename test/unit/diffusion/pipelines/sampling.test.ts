import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/data/rng';
import { DDIMScheduler, DDPMScheduler, classifierFreeGuidance } from '../../../../src/diffusion';
import { UNet, type UNetConfig } from '../../../../src/model';
import { expandLabels, initialNoise, sample, schedulerFor, stepNoiseRng, type SamplingStep } from '../../../../src/diffusion/pipelines/sampling';

/** A very small conditional U-Net on 8×8 images, so every test runs in well under a second on the cpu backend. */
const CONFIG: UNetConfig = {
  imageSize: 8,
  channels: 1,
  baseChannels: 4,
  channelMults: [1, 2],
  resBlocksPerLevel: 1,
  attention: false,
  groups: 2,
  timeEmbedDim: 8,
  numClasses: 10,
};
const PIXELS = 64;

let model: UNet;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = new UNet(CONFIG, 3);
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('sample', () => {
  it('returns count images of the model size for DDPM and DDIM, with finite values', async () => {
    for (const sampler of ['ddpm', 'ddim'] as const) {
      const out = await sample({ model, scheduler: schedulerFor(sampler), steps: 4, xT: initialNoise(1, 3, PIXELS), rng: stepNoiseRng(1) });
      expect(out.count).toBe(3);
      expect(out.images).toHaveLength(3 * PIXELS);
      expect(out.images.every(Number.isFinite)).toBe(true);
      expect(out.nfe).toBe(4);
    }
  });

  it('starts DDPM and DDIM from the same x_T for the same seed, and reports every step', async () => {
    const seen: Record<string, SamplingStep[]> = { ddpm: [], ddim: [] };
    for (const sampler of ['ddpm', 'ddim'] as const) {
      await sample({
        model,
        scheduler: schedulerFor(sampler),
        steps: 5,
        xT: initialNoise(42, 2, PIXELS),
        rng: stepNoiseRng(42),
        onStep: (s) => {
          seen[sampler].push(s);
        },
      });
    }
    const xT = initialNoise(42, 2, PIXELS);
    expect(Array.from(seen.ddpm[0].xt)).toEqual(Array.from(xT));
    expect(Array.from(seen.ddim[0].xt)).toEqual(Array.from(xT));
    expect(seen.ddim.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    expect(seen.ddim.every((s) => s.total === 5 && s.x0.length === 2 * PIXELS)).toBe(true);
    // Timesteps descend ("leading" spacing of 1000 over 5 steps).
    expect(seen.ddim.map((s) => s.timestep)).toEqual([800, 600, 400, 200, 0]);
    // Another seed gives other noise; the step-noise stream is not the x_T stream.
    expect(maxAbsDiff(initialNoise(43, 2, PIXELS), xT)).toBeGreaterThan(0.1);
    const stepNoise = stepNoiseRng(42).fillNormal(new Float32Array(2 * PIXELS));
    expect(maxAbsDiff(stepNoise, xT)).toBeGreaterThan(0.1);
  });

  it('DDIM with η = 0 is deterministic whatever the step noise; η = 1 and DDPM use it', async () => {
    const run = async (sampler: 'ddpm' | 'ddim', eta: number, noiseSeed: number) =>
      (await sample({ model, scheduler: schedulerFor(sampler), steps: 4, eta, xT: initialNoise(5, 2, PIXELS), rng: new Rng(noiseSeed) })).images;
    expect(maxAbsDiff(await run('ddim', 0, 1), await run('ddim', 0, 2))).toBe(0);
    expect(maxAbsDiff(await run('ddim', 1, 1), await run('ddim', 1, 2))).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(await run('ddpm', 0, 1), await run('ddpm', 0, 2))).toBeGreaterThan(1e-3);
    // Same step-noise seed: the same result.
    expect(maxAbsDiff(await run('ddpm', 0, 9), await run('ddpm', 0, 9))).toBe(0);
  });

  it('counts network evaluations: one per step, two per guided step', async () => {
    const base = { model, steps: 3, xT: initialNoise(2, 4, PIXELS), rng: stepNoiseRng(2) };
    const labels = [0, 1, 2, null];
    expect((await sample({ ...base, scheduler: schedulerFor('ddim'), labels })).nfe).toBe(3);
    expect((await sample({ ...base, scheduler: schedulerFor('ddim'), labels, guidance: 2 })).nfe).toBe(6);
    // Guidance without any label is the unconditional prediction: no second pass is made.
    expect((await sample({ ...base, scheduler: schedulerFor('ddim'), labels: [null, null, null, null], guidance: 2 })).nfe).toBe(3);
  });

  it('a guided step equals (1+w)·ε(x,c) − w·ε(x) computed separately', async () => {
    const w = 1.5;
    const labels = [3, 7];
    const xT = initialNoise(11, 2, PIXELS);
    const out = await sample({ model, scheduler: schedulerFor('ddim'), steps: 1, guidance: w, labels, xT, rng: stepNoiseRng(11) });
    const scheduler = new DDIMScheduler();
    scheduler.setTimesteps(1);
    const t = scheduler.timesteps[0];
    const expected = tf.tidy(() => {
      const x = tf.tensor4d(xT, [2, 8, 8, 1]);
      const tt = tf.fill([2], t, 'float32') as tf.Tensor1D;
      const cond = model.apply(x, tt, tf.tensor1d(labels, 'int32'));
      const uncond = model.apply(x, tt, tf.tensor1d([10, 10], 'int32'));
      const step = scheduler.step(classifierFreeGuidance(cond, uncond, w), t, x);
      return step.prevSample.dataSync() as Float32Array;
    });
    expect(maxAbsDiff(out.images, expected)).toBeLessThan(1e-5);
    const unguided = await sample({ model, scheduler: schedulerFor('ddim'), steps: 1, labels, xT, rng: stepNoiseRng(11) });
    expect(maxAbsDiff(out.images, unguided.images)).toBeGreaterThan(1e-6);
  });

  it('leaves no tensors behind, also when recording steps with guidance', async () => {
    await sample({ model, scheduler: schedulerFor('ddpm'), steps: 2, xT: initialNoise(1, 1, PIXELS), rng: stepNoiseRng(1) });
    const before = tf.memory().numTensors;
    await sample({ model, scheduler: schedulerFor('ddpm'), steps: 3, xT: initialNoise(1, 2, PIXELS), rng: stepNoiseRng(1) });
    await sample({
      model,
      scheduler: schedulerFor('ddim'),
      steps: 3,
      eta: 0.5,
      guidance: 1,
      labels: [1, 2],
      xT: initialNoise(1, 2, PIXELS),
      rng: stepNoiseRng(1),
      onStep: () => undefined,
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on abort with an AbortError and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const visited: number[] = [];
    const run = sample({
      model,
      scheduler: schedulerFor('ddpm'),
      steps: 10,
      xT: initialNoise(3, 2, PIXELS),
      rng: stepNoiseRng(3),
      signal: controller.signal,
      onStep: (s) => {
        visited.push(s.index);
        if (s.index === 1) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(visited).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before);

    const aborted = new AbortController();
    aborted.abort();
    await expect(
      sample({ model, scheduler: schedulerFor('ddim'), steps: 2, xT: initialNoise(3, 1, PIXELS), rng: stepNoiseRng(3), signal: aborted.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad requests with clear messages', async () => {
    const base = { model, scheduler: schedulerFor('ddim'), steps: 2, rng: stepNoiseRng(0) };
    await expect(sample({ ...base, xT: new Float32Array(PIXELS + 1) })).rejects.toThrow(/whole number/);
    await expect(sample({ ...base, xT: initialNoise(0, 1, PIXELS), labels: [10] })).rejects.toThrow(/not a class 0\.\.9/);
    await expect(sample({ ...base, xT: initialNoise(0, 1, PIXELS), eta: 2 })).rejects.toThrow(/eta/);
    await expect(sample({ ...base, xT: initialNoise(0, 1, PIXELS), guidance: -1 })).rejects.toThrow(/guidance/);
    await expect(sample({ ...base, xT: initialNoise(0, 1, PIXELS), steps: 5000 })).rejects.toThrow();
  });
});

describe('sampling helpers', () => {
  it('schedulerFor carries the trained noise schedule to either sampler', () => {
    const trained = { ...new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2', numTrainTimesteps: 500 }).config };
    const ddim = schedulerFor('ddim', trained);
    expect(ddim).toBeInstanceOf(DDIMScheduler);
    expect(ddim.config.betaSchedule).toBe('squaredcos_cap_v2');
    expect(ddim.numTrainTimesteps).toBe(500);
    const ddpm = schedulerFor('ddpm', trained);
    expect(ddpm).toBeInstanceOf(DDPMScheduler);
    expect(Array.from(ddpm.alphasCumprod)).toEqual(Array.from(ddim.alphasCumprod));
    expect(() => schedulerFor('euler' as never)).toThrow(/unknown sampler/);
  });

  it('expandLabels gives one label per image', () => {
    expect(expandLabels(3, 2)).toEqual([3, 3]);
    expect(expandLabels(null, 2)).toEqual([null, null]);
    expect(expandLabels(undefined, 1)).toEqual([null]);
    expect(expandLabels([1, null], 2)).toEqual([1, null]);
    expect(() => expandLabels([1], 2)).toThrow(/one per image/);
  });
});

describe('DDIM with clipSample', () => {
  it('recomputes ε from the clipped x̂₀, so x_{t-1} stays consistent with it', async () => {
    // A stand-in network whose ε makes x̂₀ fall far outside [-1, 1].
    const wild = {
      config: CONFIG,
      apply: (x: tf.Tensor4D) => tf.tidy(() => tf.mul(tf.onesLike(x), -3) as tf.Tensor4D),
    } as unknown as UNet;
    const xT = initialNoise(5, 1, PIXELS);
    const scheduler = schedulerFor('ddim', { clipSample: true });
    const out = await sample({ model: wild, scheduler, steps: 1, eta: 0, xT, rng: stepNoiseRng(5) });
    // One step to the final ᾱ = 1 (setAlphaToOne) lands on the clipped x̂₀.
    expect(out.images.every((v) => v >= -1 - 1e-6 && v <= 1 + 1e-6)).toBe(true);
    const two = schedulerFor('ddim', { clipSample: true });
    let secondInput: Float32Array = new Float32Array(0);
    await sample({
      model: wild,
      scheduler: two,
      steps: 2,
      eta: 0,
      xT,
      rng: stepNoiseRng(5),
      recordSteps: true,
      onStep: (s) => {
        if (s.index === 1) secondInput = s.xt;
      },
    });
    two.setTimesteps(2);
    const [t0] = Array.from(two.timesteps);
    const t1 = two.previousTimestep(t0);
    const a0 = two.alphasCumprod[t0];
    const a1 = two.alphasCumprod[t1];
    // Expected first step with ε recomputed from the clipped x̂₀: x_{t1} = √ā1·x̂₀ᶜ + √(1−ā1)·ε̂ᶜ.
    const mid = xT.map((x) => {
      const x0c = Math.max(-1, Math.min(1, (x - Math.sqrt(1 - a0) * -3) / Math.sqrt(a0)));
      const epsC = (x - Math.sqrt(a0) * x0c) / Math.sqrt(1 - a0);
      return Math.sqrt(a1) * x0c + Math.sqrt(1 - a1) * epsC;
    });
    expect(maxAbsDiff(secondInput, Float32Array.from(mid))).toBeLessThan(1e-4);
  });
});
