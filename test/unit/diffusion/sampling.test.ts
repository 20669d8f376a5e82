/**
 * Tensor behaviour of the schedulers: the forward process against its closed form, prediction-type
 * consistency, DDIM determinism, noise sources, reduced-step DDPM, guidance, and tensor hygiene
 * (no leaks, inputs untouched, results always new tensors). Behaviour as in DDPMScheduler /
 * DDIMScheduler of the diffusers fork a-r-r-o-w/diffusers (scheduling_ddpm.py @ 0fe9180f…,
 * scheduling_ddim.py @ 471d0ce3…); expected values are computed from the papers' formulas.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import {
  DDIMScheduler,
  DDPMScheduler,
  classifierFreeGuidance,
  guidanceScaleFromWeight,
  guidanceWeightFromScale,
  type PredictionType,
  type StepResult,
} from '../../../src/diffusion';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE = [4, 6, 6, 1];

function randomNormal(seed: number, shape = SHAPE): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed).fillNormal(new Float32Array(size)), shape);
}

/** Images in [-0.9, 0.9], inside the clip range so that clipping never acts unless a test wants it. */
function randomImages(seed: number, shape = SHAPE): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed).fillUniform(new Float32Array(size), -0.9, 0.9), shape);
}

function values(x: tf.Tensor): Float32Array {
  return x.dataSync() as Float32Array;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function disposeResult(r: StepResult): void {
  tf.dispose([r.prevSample, r.predOriginalSample]);
}

describe('addNoise and getVelocity against the closed form', () => {
  const scheduler = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
  const ac = scheduler.alphasCumprod;
  const ts = [0, 10, 500, 999];
  const perItem = SHAPE.slice(1).reduce((a, b) => a * b, 1);

  function expectClosedForm(result: tf.Tensor, x0: tf.Tensor, noise: tf.Tensor, tOf: (b: number) => number): void {
    const r = values(result);
    const x = values(x0);
    const e = values(noise);
    for (let i = 0; i < r.length; i++) {
      const a = ac[tOf(Math.floor(i / perItem))];
      expect(r[i]).toBeCloseTo(Math.sqrt(a) * x[i] + Math.sqrt(1 - a) * e[i], 5);
    }
  }

  it('one timestep per batch item, as number[], Int32Array or Tensor1D', () => {
    const x0 = randomImages(1);
    const noise = randomNormal(2);
    const tTensor = tf.tensor1d(ts, 'int32');
    for (const t of [ts, Int32Array.from(ts), tTensor]) {
      const xt = scheduler.addNoise(x0, noise, t);
      expect(xt.shape).toEqual(SHAPE);
      expectClosedForm(xt, x0, noise, (b) => ts[b]);
      xt.dispose();
    }
    tf.dispose([x0, noise, tTensor]);
  });

  it('one number, or a length-1 list, is broadcast over the batch', () => {
    const x0 = randomImages(3);
    const noise = randomNormal(4);
    for (const t of [250, [250], tf.tensor1d([250], 'int32')] as const) {
      const xt = scheduler.addNoise(x0, noise, t);
      expectClosedForm(xt, x0, noise, () => 250);
      xt.dispose();
      if (t instanceof tf.Tensor) t.dispose();
    }
    tf.dispose([x0, noise]);
  });

  it('works for 2-D toy data [B, 2]', () => {
    const x0 = tf.tensor2d([[1, -1], [0.5, 0.25]]);
    const noise = tf.tensor2d([[0.1, 0.2], [-0.3, 0.4]]);
    const xt = scheduler.addNoise(x0, noise, [0, 999]);
    const a0 = ac[0];
    const a1 = ac[999];
    const expected = [
      Math.sqrt(a0) * 1 + Math.sqrt(1 - a0) * 0.1,
      Math.sqrt(a0) * -1 + Math.sqrt(1 - a0) * 0.2,
      Math.sqrt(a1) * 0.5 + Math.sqrt(1 - a1) * -0.3,
      Math.sqrt(a1) * 0.25 + Math.sqrt(1 - a1) * 0.4,
    ];
    Array.from(values(xt)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([x0, noise, xt]);
  });

  it('rejects bad timesteps and shapes', () => {
    const x0 = randomImages(5);
    const noise = randomNormal(6);
    expect(() => scheduler.addNoise(x0, noise, 1000)).toThrow(RangeError);
    expect(() => scheduler.addNoise(x0, noise, [1, 2])).toThrow(/2 timesteps for a batch of 4/);
    expect(() => scheduler.addNoise(x0, noise, [1, 2, 3.5, 4])).toThrow(/got 3\.5/);
    const wrong = tf.zeros([4, 6, 6, 2]);
    expect(() => scheduler.addNoise(x0, wrong, 3)).toThrow(/shapes/);
    tf.dispose([x0, noise, wrong]);
  });

  it('getVelocity = √ᾱ·ε − √(1−ᾱ)·x_0, and x_0 = √ᾱ·x_t − √(1−ᾱ)·v', () => {
    const x0 = randomImages(7);
    const noise = randomNormal(8);
    const v = scheduler.getVelocity(x0, noise, ts);
    const xt = scheduler.addNoise(x0, noise, ts);
    const vv = values(v);
    const x = values(x0);
    const e = values(noise);
    const xtv = values(xt);
    for (let i = 0; i < vv.length; i++) {
      const a = ac[ts[Math.floor(i / perItem)]];
      expect(vv[i]).toBeCloseTo(Math.sqrt(a) * e[i] - Math.sqrt(1 - a) * x[i], 5);
      expect(Math.sqrt(a) * xtv[i] - Math.sqrt(1 - a) * vv[i]).toBeCloseTo(x[i], 4);
    }
    tf.dispose([x0, noise, v, xt]);
  });
});

describe('prediction types agree', () => {
  const types: PredictionType[] = ['epsilon', 'v_prediction', 'sample'];

  /** The exact model output of each type for x_t = addNoise(x0, noise, t). */
  function exactOutputs(t: number, x0: tf.Tensor, noise: tf.Tensor): Record<PredictionType, tf.Tensor> {
    const out = {} as Record<PredictionType, tf.Tensor>;
    for (const predictionType of types) {
      out[predictionType] = new DDPMScheduler({ predictionType }).trainingTarget(x0, noise, t);
    }
    return out;
  }

  it('trainingTarget is ε, v or x_0', () => {
    const x0 = randomImages(9);
    const noise = randomNormal(10);
    const targets = exactOutputs(300, x0, noise);
    const v = new DDPMScheduler().getVelocity(x0, noise, 300);
    expect(maxAbsDiff(targets.epsilon, noise)).toBe(0);
    expect(maxAbsDiff(targets.sample, x0)).toBe(0);
    expect(maxAbsDiff(targets.v_prediction, v)).toBe(0);
    expect(targets.epsilon).not.toBe(noise);
    tf.dispose([x0, noise, v, ...Object.values(targets)]);
  });

  it('DDIM and DDPM steps from exact ε, v and x_0 give the same x̂_0 and x_{t−1}', () => {
    const x0 = randomImages(11);
    const noise = randomNormal(12);
    const stepNoise = randomNormal(13);
    for (const t of [980, 500, 20]) {
      const outputs = exactOutputs(t, x0, noise);
      const xt = new DDPMScheduler().addNoise(x0, noise, t);
      const results: StepResult[] = [];
      for (const predictionType of types) {
        const ddim = new DDIMScheduler({ predictionType, clipSample: false });
        ddim.setTimesteps(50);
        results.push(ddim.step(outputs[predictionType], t, xt, { eta: 0.5, noise: stepNoise }));
        const ddpm = new DDPMScheduler({ predictionType, clipSample: false });
        ddpm.setTimesteps(50);
        results.push(ddpm.step(outputs[predictionType], t, xt, { noise: stepNoise }));
      }
      for (const r of results) expect(maxAbsDiff(r.predOriginalSample, x0)).toBeLessThan(2e-3);
      for (let i = 2; i < results.length; i++) {
        expect(maxAbsDiff(results[i].prevSample, results[i % 2].prevSample)).toBeLessThan(2e-3);
      }
      results.forEach(disposeResult);
      tf.dispose([xt, ...Object.values(outputs)]);
    }
    tf.dispose([x0, noise, stepNoise]);
  });
});

describe('DDIM', () => {
  it('η = 0 is deterministic and draws no random numbers', () => {
    const ddim = new DDIMScheduler();
    ddim.setTimesteps(20);
    const before = ddim.rng.getState();
    const run = (): tf.Tensor => {
      let x = randomNormal(14);
      for (const t of ddim.timesteps) {
        const eps = tf.mul(x, 0.3);
        const out = ddim.step(eps, t, x);
        tf.dispose([eps, x, out.predOriginalSample]);
        x = out.prevSample;
      }
      return x;
    };
    const a = run();
    const b = run();
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(ddim.rng.getState()).toEqual(before);
    tf.dispose([a, b]);
  });

  it('η = 0 reaches x_0 exactly from an exact ε (Song et al. 2021, eq. 12)', () => {
    const ddim = new DDIMScheduler({ clipSample: false });
    ddim.setTimesteps(10);
    const x0 = randomImages(15);
    const noise = randomNormal(16);
    let x = ddim.addNoise(x0, noise, ddim.timesteps[0]);
    for (const t of ddim.timesteps) {
      const out = ddim.step(noise, t, x);
      tf.dispose([x, out.predOriginalSample]);
      x = out.prevSample;
    }
    expect(maxAbsDiff(x, x0)).toBeLessThan(1e-4);
    tf.dispose([x, x0, noise]);
  });

  it('η > 0 draws from the seeded Rng: same seed, same samples; options.rng and options.noise take over', () => {
    const sample = randomNormal(17);
    const eps = tf.mul(sample, 0.2);
    const stepAt = (ddim: DDIMScheduler, extra = {}): StepResult => {
      ddim.setTimesteps(10);
      return ddim.step(eps, 500, sample, { eta: 1, ...extra });
    };
    const a = stepAt(new DDIMScheduler({}, { seed: 7 }));
    const b = stepAt(new DDIMScheduler({}, { seed: 7 }));
    const c = stepAt(new DDIMScheduler({}, { seed: 8 }));
    const d = stepAt(new DDIMScheduler({}, { seed: 8 }), { rng: new Rng(7) });
    expect(maxAbsDiff(a.prevSample, b.prevSample)).toBe(0);
    expect(maxAbsDiff(a.prevSample, c.prevSample)).toBeGreaterThan(0.01);
    expect(maxAbsDiff(a.prevSample, d.prevSample)).toBe(0);

    const zeros = tf.zerosLike(sample);
    const owner = new DDIMScheduler({}, { seed: 7 });
    const state = owner.rng.getState();
    const e = stepAt(owner, { noise: zeros });
    const f = stepAt(new DDIMScheduler(), { eta: 0 });
    expect(owner.rng.getState()).toEqual(state);
    // With zero noise, η only changes the direction term's weight; with η = 0 nothing is added.
    expect(maxAbsDiff(e.prevSample, f.prevSample)).toBeGreaterThan(0);
    [a, b, c, d, e, f].forEach(disposeResult);
    tf.dispose([sample, eps, zeros]);
  });

  it('useClippedModelOutput re-derives ε̂ from the clipped x̂_0 (no effect without clipping)', () => {
    const ddim = new DDIMScheduler();
    ddim.setTimesteps(10);
    const calm = tf.mul(randomImages(18), 0.5);
    const wild = tf.mul(randomNormal(19), 5);
    const eps = tf.mul(randomNormal(20), 0.1);
    const plain = ddim.step(eps, 100, calm);
    const clippedPath = ddim.step(eps, 100, calm, { useClippedModelOutput: true });
    // Here x̂_0 = (x − √(1−ᾱ)ε)/√ᾱ stays inside ±1, so clipping changes nothing.
    expect(tf.tidy(() => tf.max(tf.abs(plain.predOriginalSample)).dataSync()[0])).toBeLessThan(1);
    expect(maxAbsDiff(plain.prevSample, clippedPath.prevSample)).toBeLessThan(1e-5);
    const wildPlain = ddim.step(eps, 100, wild);
    const wildClipped = ddim.step(eps, 100, wild, { useClippedModelOutput: true });
    expect(maxAbsDiff(wildPlain.prevSample, wildClipped.prevSample)).toBeGreaterThan(0.1);
    expect(maxAbsDiff(wildPlain.predOriginalSample, wildClipped.predOriginalSample)).toBe(0);
    [plain, clippedPath, wildPlain, wildClipped].forEach(disposeResult);
    tf.dispose([calm, wild, eps]);
  });

  it('needs setTimesteps before step, like diffusers', () => {
    const ddim = new DDIMScheduler();
    const x = tf.zeros([1, 2]);
    expect(() => ddim.step(x, 10, x)).toThrow(/setTimesteps/);
    x.dispose();
  });

  it('getVariance follows Song et al. 2021 eq. 16 with η = 1, and setAlphaToOne sets the last ᾱ', () => {
    const ddim = new DDIMScheduler({ setAlphaToOne: false });
    ddim.setTimesteps(10);
    const ac = ddim.alphasCumprod;
    expect(ddim.previousTimestep(900)).toBe(800);
    expect(ddim.getVariance(900)).toBeCloseTo(((1 - ac[800]) / (1 - ac[900])) * (1 - ac[900] / ac[800]), 6);
    expect(ddim.finalAlphaCumprod).toBe(ac[0]);
    expect(ddim.getVariance(0)).toBeCloseTo(0, 12);
    expect(new DDIMScheduler().finalAlphaCumprod).toBe(1);
  });
});

describe('DDPM', () => {
  it('with fewer inference steps, the step uses the jump t → t − ⌊T/n⌋ (posterior of Ho et al. 2020, eq. 7)', () => {
    const ddpm = new DDPMScheduler({ clipSample: false });
    ddpm.setTimesteps(10);
    expect(Array.from(ddpm.timesteps)).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    expect(ddpm.previousTimestep(900)).toBe(800);
    expect(ddpm.previousTimestep(0)).toBe(-100);

    const ac = ddpm.alphasCumprod;
    const [a, ap] = [ac[900], ac[800]];
    const alpha = a / ap;
    const beta = 1 - alpha;
    expect(ddpm.getVariance(900)).toBeCloseTo(((1 - ap) / (1 - a)) * beta, 6);

    const x0 = randomImages(21);
    const eps = randomNormal(22);
    const xt = ddpm.addNoise(x0, eps, 900);
    const zeros = tf.zerosLike(xt);
    const out = ddpm.step(eps, 900, xt, { noise: zeros });
    const mean = values(out.prevSample);
    const xs = values(x0);
    const xts = values(xt);
    for (let i = 0; i < mean.length; i++) {
      const expected = ((Math.sqrt(ap) * beta) / (1 - a)) * xs[i] + ((Math.sqrt(alpha) * (1 - ap)) / (1 - a)) * xts[i];
      expect(mean[i]).toBeCloseTo(expected, 3);
    }
    expect(maxAbsDiff(out.predOriginalSample, x0)).toBeLessThan(2e-3);
    disposeResult(out);
    tf.dispose([x0, eps, xt, zeros]);
  });

  it('variance types: fixed_small = posterior variance, fixed_large = β of the jump', () => {
    const small = new DDPMScheduler({ varianceType: 'fixed_small' });
    const smallLog = new DDPMScheduler({ varianceType: 'fixed_small_log' });
    const large = new DDPMScheduler({ varianceType: 'fixed_large' });
    const largeLog = new DDPMScheduler({ varianceType: 'fixed_large_log' });
    for (const s of [small, smallLog, large, largeLog]) s.setTimesteps(20);
    const ac = small.alphasCumprod;
    const [a, ap] = [ac[950], ac[900]];
    expect(small.getVariance(950)).toBeCloseTo(((1 - ap) / (1 - a)) * (1 - a / ap), 6);
    expect(smallLog.getVariance(950)).toBe(small.getVariance(950));
    expect(large.getVariance(950)).toBeCloseTo(1 - a / ap, 6);
    expect(largeLog.getVariance(950)).toBe(large.getVariance(950));
    expect(small.getVariance(0)).toBe(1e-20);
  });

  it('noise comes from the seeded Rng; t = 0 adds none', () => {
    const sample = randomNormal(23);
    const eps = tf.mul(sample, 0.5);
    const a = new DDPMScheduler({}, { seed: 3 }).step(eps, 700, sample);
    const b = new DDPMScheduler({}, { seed: 3 }).step(eps, 700, sample);
    const c = new DDPMScheduler({}, { seed: 4 }).step(eps, 700, sample);
    expect(maxAbsDiff(a.prevSample, b.prevSample)).toBe(0);
    expect(maxAbsDiff(a.prevSample, c.prevSample)).toBeGreaterThan(1e-3);
    const last = new DDPMScheduler({}, { seed: 3 });
    const state = last.rng.getState();
    const d = last.step(eps, 0, sample);
    expect(last.rng.getState()).toEqual(state);
    [a, b, c, d].forEach(disposeResult);
    tf.dispose([sample, eps]);
  });

  it('rejects a bad timestep or mismatched shapes', () => {
    const ddpm = new DDPMScheduler();
    const x = tf.zeros([2, 3]);
    const y = tf.zeros([2, 4]);
    expect(() => ddpm.step(x, 1000, x)).toThrow(RangeError);
    expect(() => ddpm.step(x, -1, x)).toThrow(RangeError);
    expect(() => ddpm.step(x, 1.5, x)).toThrow(RangeError);
    expect(() => ddpm.step(x, 10, y)).toThrow(/shapes/);
    ddpm.setTimesteps({ timesteps: [50, 20] });
    expect(() => ddpm.previousTimestep(30)).toThrow(/not one of the custom timesteps/);
    tf.dispose([x, y]);
  });
});

describe('classifier-free guidance (Ho & Salimans 2022, eq. 6)', () => {
  it('ε̃ = (1 + w)·ε_c − w·ε_u, equal to diffusers\' ε_u + s·(ε_c − ε_u) with s = 1 + w', () => {
    const cond = randomNormal(24);
    const uncond = randomNormal(25);
    for (const w of [0, 0.5, 3, 7.5]) {
      const guided = classifierFreeGuidance(cond, uncond, w);
      const c = values(cond);
      const u = values(uncond);
      const g = values(guided);
      const s = guidanceScaleFromWeight(w);
      for (let i = 0; i < g.length; i++) {
        expect(g[i]).toBeCloseTo((1 + w) * c[i] - w * u[i], 4);
        expect(g[i]).toBeCloseTo(u[i] + s * (c[i] - u[i]), 4);
      }
      expect(guided).not.toBe(cond);
      guided.dispose();
    }
    expect(guidanceScaleFromWeight(0)).toBe(1);
    expect(guidanceWeightFromScale(7.5)).toBe(6.5);
    expect(guidanceWeightFromScale(guidanceScaleFromWeight(2.25))).toBe(2.25);
    const wrong = tf.zeros([1, 1]);
    expect(() => classifierFreeGuidance(cond, wrong, 1)).toThrow(/shapes/);
    tf.dispose([cond, uncond, wrong]);
  });
});

describe('tensor hygiene', () => {
  it('step loops, addNoise, getVelocity and guidance leak no tensors', () => {
    const x0 = randomImages(26);
    const noise = randomNormal(27);
    const tTensor = tf.tensor1d([1, 2, 3, 4], 'int32');
    const before = tf.memory().numTensors;

    const ddpm = new DDPMScheduler({ predictionType: 'v_prediction' });
    ddpm.setTimesteps(25);
    let x = tf.clone(noise);
    for (const t of ddpm.timesteps) {
      const out1 = tf.mul(x, 0.1);
      const r = ddpm.step(out1, t, x);
      tf.dispose([out1, x, r.predOriginalSample]);
      x = r.prevSample;
    }
    const ddim = new DDIMScheduler({ predictionType: 'sample', clipSample: false });
    ddim.setTimesteps(25);
    for (const t of ddim.timesteps) {
      const out1 = tf.mul(x, 0.5);
      const r = ddim.step(out1, t, x, { eta: 0.5, useClippedModelOutput: true });
      tf.dispose([out1, x, r.predOriginalSample]);
      x = r.prevSample;
    }
    x.dispose();
    tf.dispose([
      ddpm.addNoise(x0, noise, tTensor),
      ddpm.addNoise(x0, noise, [5]),
      ddpm.getVelocity(x0, noise, 9),
      ddpm.trainingTarget(x0, noise, tTensor),
      classifierFreeGuidance(x0, noise, 2),
    ]);
    expect(() => ddpm.addNoise(x0, noise, [1, 2])).toThrow();

    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, noise, tTensor]);
  });

  it('inputs are left untouched and results are new tensors, even when x̂_0 is the model output', () => {
    const sample = randomImages(28);
    const output = randomImages(29);
    const sampleValues = Float32Array.from(values(sample));
    const outputValues = Float32Array.from(values(output));
    const ddim = new DDIMScheduler({ predictionType: 'sample', clipSample: false });
    ddim.setTimesteps(10);
    const r = ddim.step(output, 500, sample);
    expect(r.predOriginalSample).not.toBe(output);
    expect(r.prevSample).not.toBe(sample);
    expect(maxAbsDiff(r.predOriginalSample, output)).toBe(0);
    disposeResult(r);
    expect(output.isDisposed).toBe(false);
    expect(sample.isDisposed).toBe(false);
    expect(Array.from(values(sample))).toEqual(Array.from(sampleValues));
    expect(Array.from(values(output))).toEqual(Array.from(outputValues));
    tf.dispose([sample, output]);
  });
});
