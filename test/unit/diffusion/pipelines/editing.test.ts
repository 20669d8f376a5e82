import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../../../../src/diffusion';
import { UNet, type UNetConfig } from '../../../../src/model';
import { inpaint, sdedit, type InpaintOptions } from '../../../../src/diffusion/pipelines/editing';
import { downMoves, repaintMoves, sdeditStart, straightMoves } from '../../../../src/diffusion/pipelines/editing-schedule';
import { initialNoise, schedulerFor, stepNoiseRng, type NoisePredictor, type SamplingStep } from '../../../../src/diffusion/pipelines/sampling';

/** A very small conditional U-Net on 8×8 images (as in sampling.test.ts): fast on the cpu backend. */
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

/** An 8×8 "digit": a bright bar on a dark background, values in [-1, 1]. */
function bar(): Float32Array {
  const img = new Float32Array(PIXELS).fill(-1);
  for (let y = 1; y < 7; y++) {
    img[y * 8 + 3] = 0.9;
    img[y * 8 + 4] = 0.6;
  }
  return img;
}

/** The right half is to be filled in (1), the left half kept (0). */
function rightHalf(): Float32Array {
  return Float32Array.from({ length: PIXELS }, (_, i) => (i % 8 >= 4 ? 1 : 0));
}

/**
 * A network that knows the data set is one image x*: it returns the exact ε of x_t for x*,
 * ε = (x_t − √ᾱ_t·x*)/√(1 − ᾱ_t). Any correct sampler driven by it must end on x*.
 */
function oracle(target: Float32Array, alphasCumprod: Float32Array): NoisePredictor & { calls: number } {
  const table = tf.keep(tf.tensor1d(alphasCumprod));
  const x0 = tf.keep(tf.tensor4d(target, [1, 8, 8, 1]));
  return {
    config: { imageSize: 8, channels: 1, numClasses: 10 },
    calls: 0,
    apply(x, t) {
      this.calls++;
      return tf.tidy(() => {
        const a = tf.gather(table, tf.cast(t, 'int32')).reshape([-1, 1, 1, 1]);
        return tf.div(tf.sub(x, tf.mul(tf.sqrt(a), x0)), tf.sqrt(tf.sub(1, a))) as tf.Tensor4D;
      });
    },
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function image(all: Float32Array, i: number): Float32Array {
  return all.subarray(i * PIXELS, (i + 1) * PIXELS);
}

/** Values of `img` where `mask` is `which`. */
function region(img: Float32Array, mask: Float32Array, which: 0 | 1): number[] {
  return Array.from(img).filter((_, i) => mask[i] === which);
}

function base(overrides: Partial<InpaintOptions> = {}): InpaintOptions {
  return {
    model,
    scheduler: schedulerFor('ddim'),
    steps: 6,
    image: bar(),
    mask: rightHalf(),
    method: 'replacement',
    count: 3,
    seed: 7,
    ...overrides,
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = new UNet(CONFIG, 3);
});

describe('repaintMoves (Lugmayr et al. 2022 jump schedule)', () => {
  it('is the plain run for r = 1, and adds (r − 1)·j steps at every j-th level below n − j', () => {
    expect(repaintMoves(8, 2, 1)).toEqual(straightMoves(8));
    // n = 20, j = 5: jumps at levels 0, 5, 10 (15 is not below 15).
    expect(downMoves(repaintMoves(20, 5, 3))).toBe(20 + 3 * 2 * 5);
    // j = 1 is Algorithm 1: resample at every level except the first.
    expect(downMoves(repaintMoves(10, 1, 2))).toBe(10 + 9);
  });

  it('goes down, jumps back j levels r − 1 times, and always ends at the clean image', () => {
    const text = repaintMoves(6, 2, 3).map((m) => (m.kind === 'down' ? `d${m.position}` : `u${m.from}→${m.to}`));
    expect(text).toEqual(['d0', 'd1', 'd2', 'u3→1', 'd1', 'd2', 'u3→1', 'd1', 'd2', 'd3', 'd4', 'u5→3', 'd3', 'd4', 'u5→3', 'd3', 'd4', 'd5']);
    for (const [n, j, r] of [[20, 5, 3], [9, 4, 2], [7, 6, 5]]) {
      const moves = repaintMoves(n, j, r);
      expect(moves.at(-1)).toEqual({ kind: 'down', position: n - 1 });
      let at = 0;
      for (const m of moves) {
        if (m.kind === 'down') {
          expect(m.position).toBe(at);
          at += 1;
        } else {
          expect(m.from).toBe(at);
          expect(m.to).toBe(at - j);
          expect(m.from).toBeLessThan(n);
          at = m.to;
        }
      }
      expect(at).toBe(n);
    }
    expect(() => repaintMoves(10, 0, 2)).toThrow(/jumpLength must be a whole number ≥ 1/);
  });
});

describe('sdeditStart', () => {
  const leading20 = Int32Array.from({ length: 20 }, (_, i) => 950 - 50 * i);
  it('runs ⌊steps·strength⌋ of the steps, from t₀ = the first of those', () => {
    expect(sdeditStart(leading20, 0)).toEqual({ runSteps: 0, startPosition: 20, startTimestep: null });
    expect(sdeditStart(leading20, 1)).toEqual({ runSteps: 20, startPosition: 0, startTimestep: 950 });
    expect(sdeditStart(leading20, 0.5)).toEqual({ runSteps: 10, startPosition: 10, startTimestep: 450 });
    expect(sdeditStart(leading20, 0.52).runSteps).toBe(10);
    expect(sdeditStart(Int32Array.from({ length: 100 }, (_, i) => 990 - 10 * i), 0.29).runSteps).toBe(29);
    expect(() => sdeditStart(leading20, 1.5)).toThrow('strength must be a number from 0 (keep the input) to 1 (start from noise), got 1.5');
  });
});

describe('inpaint', () => {
  it('replacement: the kept region of every result is the original exactly; the filled region is new (DDPM and DDIM)', async () => {
    for (const sampler of ['ddpm', 'ddim'] as const) {
      const o = base({ scheduler: schedulerFor(sampler) });
      const out = await inpaint(o);
      expect(out.count).toBe(3);
      expect(out.steps).toBe(6);
      expect(out.nfe).toBe(6);
      expect(out.images.every(Number.isFinite)).toBe(true);
      for (let i = 0; i < 3; i++) {
        expect(region(image(out.images, i), o.mask, 0)).toEqual(region(o.image, o.mask, 0));
        expect(maxAbsDiff(region(image(out.images, i), o.mask, 1), region(o.image, o.mask, 1))).toBeGreaterThan(0.05);
      }
      // Different seeds, different fills.
      expect(maxAbsDiff(image(out.images, 0), image(out.images, 1))).toBeGreaterThan(1e-3);
    }
  });

  it('RePaint: kept region exact, r·j extra steps are taken, and r = 1 is the replacement method', async () => {
    const o = base({ scheduler: schedulerFor('ddpm'), method: 'repaint', steps: 6, jumpLength: 2, resampleCount: 3 });
    const steps: SamplingStep[] = [];
    const out = await inpaint({ ...o, onStep: (s) => void steps.push(s) });
    expect(out.steps).toBe(downMoves(repaintMoves(6, 2, 3)));
    expect(steps.map((s) => s.index)).toEqual(Array.from({ length: out.steps }, (_, i) => i));
    // The timesteps go back up after every jump: 6 leading steps of 1000 are 830, 664, …, 0.
    expect(steps.map((s) => s.timestep).slice(0, 6)).toEqual([830, 664, 498, 664, 498, 664]);
    for (let i = 0; i < 3; i++) expect(region(image(out.images, i), o.mask, 0)).toEqual(region(o.image, o.mask, 0));

    const once = await inpaint({ ...o, resampleCount: 1 });
    const replaced = await inpaint({ ...o, method: 'replacement' });
    expect(once.steps).toBe(6);
    expect(maxAbsDiff(once.images, replaced.images)).toBe(0);
    expect(maxAbsDiff(once.images, out.images)).toBeGreaterThan(1e-3);
  });

  it('replacement: before every step the kept region is the original noised to that step, √ᾱ_t·x₀ + √(1 − ᾱ_t)·z', async () => {
    const scheduler = schedulerFor('ddim');
    const o = base({ scheduler, steps: 5, count: 1, seed: 9 });
    const seen: SamplingStep[] = [];
    await inpaint({ ...o, onStep: (s) => void seen.push(s) });
    // DDIM with η = 0 draws no step noise: image 0's stream holds only the kept region's noise, one block per step.
    const rng = stepNoiseRng(9);
    for (let k = 1; k < seen.length; k++) {
      const z = rng.fillNormal(new Float32Array(PIXELS));
      const a = scheduler.alphasCumprod[seen[k].timestep];
      const expected = o.image.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * z[i]);
      expect(maxAbsDiff(region(seen[k].xt, o.mask, 0), region(expected, o.mask, 0))).toBeLessThan(1e-5);
      expect(maxAbsDiff(region(seen[k].xt, o.mask, 1), region(expected, o.mask, 1))).toBeGreaterThan(1e-3);
    }
  });

  it('ends on the one image an oracle network knows, for both methods', async () => {
    const target = bar();
    const scheduler = schedulerFor('ddim');
    const net = oracle(target, scheduler.alphasCumprod);
    // The kept half is the target's, and so is the filled half once sampled.
    const replaced = await inpaint(base({ model: net, scheduler, steps: 10 }));
    const repainted = await inpaint(base({ model: net, scheduler: schedulerFor('ddim'), steps: 10, method: 'repaint', jumpLength: 3, resampleCount: 2 }));
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(image(replaced.images, i), target)).toBeLessThan(1e-3);
      expect(maxAbsDiff(image(repainted.images, i), target)).toBeLessThan(1e-3);
    }
  });

  it('is reproducible: same seed, same fills; result i of seed s is result 0 of seed s + i; chunking changes nothing', async () => {
    const o = base({ scheduler: schedulerFor('ddpm'), count: 3, seed: 40 });
    const a = await inpaint(o);
    const b = await inpaint({ ...o, scheduler: schedulerFor('ddpm') });
    expect(maxAbsDiff(a.images, b.images)).toBe(0);
    const third = await inpaint({ ...o, scheduler: schedulerFor('ddpm'), count: 1, seed: 42 });
    expect(maxAbsDiff(third.images, image(a.images, 2))).toBe(0);
    const chunked = await inpaint({ ...o, scheduler: schedulerFor('ddpm'), batchSize: 2 });
    expect(maxAbsDiff(chunked.images, a.images)).toBeLessThan(1e-6);
    // x_T of result i is initialNoise(seed + i).
    expect(Array.from(image(a.xStart, 1))).toEqual(Array.from(initialNoise(41, 1, PIXELS)));
    const other = await inpaint({ ...o, scheduler: schedulerFor('ddpm'), seed: 41 });
    expect(maxAbsDiff(image(other.images, 0), image(a.images, 0))).toBeGreaterThan(1e-3);
  });

  it('guides towards a label: two network evaluations per step, and another result', async () => {
    const plain = await inpaint(base({ labels: 3 }));
    const guided = await inpaint(base({ labels: 3, guidance: 2 }));
    expect(plain.nfe).toBe(6);
    expect(guided.nfe).toBe(12);
    expect(guided.modelCalls).toBe(6);
    expect(maxAbsDiff(plain.images, guided.images)).toBeGreaterThan(1e-5);
  });

  it('rejects bad requests with messages that say what is allowed', async () => {
    await expect(inpaint(base({ mask: new Float32Array(10) }))).rejects.toThrow('mask must have one value per pixel (a Float32Array of 64 values), got 10 values');
    await expect(inpaint(base({ mask: new Float32Array(PIXELS).fill(2) }))).rejects.toThrow('mask values must lie in [0, 1] (1 = fill in, 0 = keep)');
    await expect(inpaint(base({ image: new Float32Array(5) }))).rejects.toThrow('image must be one 8×8×1 image (a Float32Array of 64 values), got 5 values');
    await expect(inpaint(base({ method: 'blend' as never }))).rejects.toThrow('unknown inpainting method "blend"; allowed: replacement, repaint');
    await expect(inpaint(base({ method: 'repaint', steps: 6, jumpLength: 6, resampleCount: 2 }))).rejects.toThrow(
      'jumpLength (j) must be a whole number from 1 to steps − 1 (5) for RePaint to resample, got 6',
    );
    await expect(inpaint(base({ steps: 0 }))).rejects.toThrow('steps must be a whole number from 1 to 1000, got 0');
    await expect(inpaint(base({ labels: 12 }))).rejects.toThrow('label 12 of result 0 is not a class 0…9 (use null for none)');
    await expect(inpaint(base({ seed: 1.5 }))).rejects.toThrow('seed must be a whole number, got 1.5');
  });
});

describe('sdedit', () => {
  it('strength 0 returns the input unchanged, without a network call', async () => {
    const net = oracle(bar(), schedulerFor('ddim').alphasCumprod);
    const input = bar();
    input[0] = 0.25;
    const out = await sdedit({ model: net, scheduler: schedulerFor('ddim'), steps: 10, image: input, strength: 0, count: 2, seed: 3 });
    expect(net.calls).toBe(0);
    expect(out.steps).toBe(0);
    expect(out.startTimestep).toBeNull();
    expect(Array.from(image(out.images, 0))).toEqual(Array.from(input));
    expect(Array.from(image(out.images, 1))).toEqual(Array.from(input));
  });

  it('noises to t₀ with q(x_t₀ | x_0), runs ⌊steps·strength⌋ steps, and is reproducible', async () => {
    const input = bar();
    const steps: SamplingStep[] = [];
    const o = { model, scheduler: schedulerFor('ddpm'), steps: 10, image: input, strength: 0.6, count: 2, seed: 11 };
    const out = await sdedit({ ...o, onStep: (s) => void steps.push(s) });
    expect(out.steps).toBe(6);
    expect(out.startTimestep).toBe(500);
    expect(steps.map((s) => s.timestep)).toEqual([500, 400, 300, 200, 100, 0]);
    // x_{t₀} = √ᾱ·x + √(1 − ᾱ)·ε with ε = initialNoise(seed + i).
    const a = new DDIMScheduler().alphasCumprod[500];
    const eps = initialNoise(12, 1, PIXELS);
    const expected = input.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * eps[i]);
    expect(maxAbsDiff(image(out.xStart, 1), expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(steps[0].xt, out.xStart)).toBe(0);
    const again = await sdedit({ ...o, scheduler: schedulerFor('ddpm') });
    expect(maxAbsDiff(again.images, out.images)).toBe(0);
    expect(maxAbsDiff(image(out.images, 0), input)).toBeGreaterThan(0.05);
  });

  it('with an oracle network, a rough input ends on the one image the network knows', async () => {
    const target = bar();
    const rough = new Float32Array(PIXELS).fill(-1);
    for (let y = 2; y < 6; y++) rough[y * 8 + 3] = 1;
    const scheduler = schedulerFor('ddim');
    const out = await sdedit({ model: oracle(target, scheduler.alphasCumprod), scheduler, steps: 10, image: rough, strength: 0.7, count: 1, seed: 0 });
    expect(maxAbsDiff(out.images, target)).toBeLessThan(1e-3);
  });

  it('rejects a strength outside [0, 1]', async () => {
    await expect(sdedit({ model, scheduler: schedulerFor('ddim'), steps: 10, image: bar(), strength: -0.1, count: 1, seed: 0 })).rejects.toThrow(
      'strength must be a number from 0 (keep the input) to 1 (start from noise), got -0.1',
    );
  });
});

describe('tensors', () => {
  it('are all freed: inpainting (RePaint, guided, recorded), SDEdit, and a run stopped half-way', async () => {
    await inpaint(base({ steps: 2 }));
    const before = tf.memory().numTensors;
    await inpaint(base({ scheduler: schedulerFor('ddpm'), method: 'repaint', steps: 4, jumpLength: 1, resampleCount: 2, labels: [1, 2, null], guidance: 1, batchSize: 2, onStep: () => undefined }));
    await sdedit({ model, scheduler: schedulerFor('ddim'), steps: 5, eta: 0.5, image: bar(), strength: 0.8, count: 2, seed: 1, labels: 4, guidance: 2, onStep: () => undefined });
    const controller = new AbortController();
    const stopped = inpaint(
      base({
        steps: 8,
        signal: controller.signal,
        onStep: (s) => {
          if (s.index === 2) controller.abort();
        },
      }),
    );
    await expect(stopped).rejects.toMatchObject({ name: 'AbortError', stepsDone: 3 });
    await expect(inpaint(base({ mask: new Float32Array(3) }))).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
