/**
 * Lesson 11: where SDEdit starts (Meng et al. 2022, "SDEdit: Guided Image Synthesis and Editing
 * with Stochastic Differential Equations", §3.2), as the library's editing pipeline does it
 * (src/diffusion/pipelines/editing.ts, like diffusers' image-to-image pipelines): of the n
 * sampling timesteps τ_0 > … > τ_{n−1}, only the last ⌊n·strength⌋ run, so t₀ = τ_{n − ⌊n·strength⌋};
 * the guide image is noised to t₀ with q(x_{t₀} | x_0) (Ho et al. 2020, eq. 4).
 */
import * as tf from '@tensorflow/tfjs';
import { DDIMScheduler } from '../../diffusion/ddim';
import { sdeditStart } from '../../diffusion/pipelines/editing-schedule';
import { Rng, callLearner, close, compare, fmt, normals, readNumbers, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

const PIXELS = 16;

function noised(x0: Float32Array, noise: Float32Array, abar: number): Float64Array {
  return Float64Array.from(x0, (v, i) => Math.sqrt(abar) * v + Math.sqrt(1 - abar) * noise[i]);
}

function t0Mistakes(timesteps: Int32Array, strength: number, T: number): Array<{ t0: number; message: string }> {
  const n = timesteps.length;
  const run = Math.floor(n * strength + 1e-9);
  return [
    { t0: timesteps[Math.min(run, n - 1)], message: `you counted from the wrong end: ⌊n·strength⌋ = ${run} steps are left to run, so the run starts at position n − ${run} of timesteps.` },
    { t0: Math.round(strength * T), message: 'the paper puts t₀ = strength·T on a continuous clock; here t₀ must be one of the sampler\'s timesteps: timesteps[n − ⌊n·strength⌋].' },
    { t0: Math.round(strength * (T - 1)), message: 'the paper puts t₀ = strength·T on a continuous clock; here t₀ must be one of the sampler\'s timesteps: timesteps[n − ⌊n·strength⌋].' },
    { t0: timesteps[Math.max(0, n - run - 1)], message: 'off by one position: the run starts at timesteps[n − ⌊n·strength⌋].' },
  ];
}

function xtMistakes(x0: Float32Array, noise: Float32Array, alphasCumprod: Float32Array, t0: number): Mistake[] {
  return [
    { value: x0, message: 'x_{t₀} is the guide image itself: noise it to t₀ first.' },
    { value: noised(x0, noise, alphasCumprod[t0 - 1] ?? 1), message: `use ᾱ = alphasCumprod[t₀] (diffusers counts timesteps from 0), not alphasCumprod[t₀ − 1].` },
    { value: Float64Array.from(x0, (v, i) => alphasCumprod[t0] * v + (1 - alphasCumprod[t0]) * noise[i]), message: 'the weights are √ᾱ_{t₀} and √(1 − ᾱ_{t₀}), not ᾱ and 1 − ᾱ.' },
    { value: noise, message: 'that is pure noise: SDEdit keeps √ᾱ_{t₀} of the guide image.' },
  ];
}

export const sdeditStartExercise: Exercise = {
  id: 'sdedit-start',
  lesson: 11,
  title: "SDEdit's starting point",
  entry: 'sdeditStartingPoint',
  solution: `function sdeditStartingPoint(x0, strength, timesteps, alphasCumprod, noise) {
  const n = timesteps.length;
  const run = Math.min(Math.floor(n * strength + 1e-9), n);   // steps that will run
  if (run === 0) return { t0: null, xt: Float32Array.from(x0) };
  const t0 = timesteps[n - run];
  const a = alphasCumprod[t0];
  return { t0, xt: x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * noise[i]) };
}`,
  async check(fn) {
    const rng = new Rng(11);
    const runs: Array<[number, number]> = [[50, 0.6], [20, 0.25], [50, 1], [20, 0]];
    const cases = runs.map(([steps, strength]) => () => {
      const scheduler = new DDIMScheduler();
      scheduler.setTimesteps(steps);
      const timesteps = Int32Array.from(scheduler.timesteps);
      const x0 = normals(rng, PIXELS, 0.8).map((v) => Math.max(-1, Math.min(1, v)));
      const noise = normals(rng, PIXELS);
      const call = `sdeditStartingPoint(x0, ${strength}, timesteps (${steps} steps), alphasCumprod, noise)`;
      const out = callLearner(fn, 'sdeditStartingPoint', [x0, strength, timesteps, Float32Array.from(scheduler.alphasCumprod), noise], call);
      if (!out.ok) return out.message;
      const value = out.value as { t0?: unknown; xt?: unknown } | undefined;
      if (typeof value !== 'object' || value === null || !('t0' in value) || !('xt' in value)) {
        return `${call} must return an object { t0, xt }: the starting timestep and the noised image.`;
      }
      const start = sdeditStart(timesteps, strength);
      if (start.startTimestep === null) {
        if (value.t0 !== null) return `With strength 0 no step runs: return t0 = null (got ${String(value.t0)}) and the image unchanged.`;
        const got = readNumbers(value.xt, PIXELS, `${call}.xt`);
        if (!got.ok) return got.message;
        return close(got.value, x0, 1e-6) ? null : 'With strength 0 no step runs: xt must be the guide image unchanged.';
      }
      const t0 = start.startTimestep;
      if (value.t0 !== t0) {
        const known = t0Mistakes(timesteps, strength, scheduler.config.numTrainTimesteps).find((m) => m.t0 === value.t0 && m.t0 !== t0);
        return `With strength ${strength} and ${steps} steps, t₀ is ${String(value.t0)}, expected ${t0}${known ? `: ${known.message}` : '.'}`;
      }
      const got = readNumbers(value.xt, PIXELS, `${call}.xt`);
      if (!got.ok) return got.message;
      const expected = tf.tidy(() => Float32Array.from(scheduler.addNoise(tf.tensor2d(x0, [1, PIXELS]), tf.tensor2d(noise, [1, PIXELS]), t0).dataSync()));
      return compare(`x_{t₀} at t₀ = ${t0} (ᾱ = ${fmt(scheduler.alphasCumprod[t0])})`, got.value, expected, xtMistakes(x0, noise, scheduler.alphasCumprod, t0), 1e-4);
    });
    return runCases(cases, 'sdeditStartingPoint picks the same t₀ as the editing pipeline and noises the guide image to it, for strengths 0.6, 0.25, 1 and 0.');
  },
};
