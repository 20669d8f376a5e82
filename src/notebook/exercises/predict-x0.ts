/**
 * Lesson 4: x̂_0 from the predicted noise, x̂_0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t (Ho et al. 2020,
 * eq. 15; diffusers' `pred_original_sample` for prediction_type "epsilon"), checked against the
 * DDPMScheduler's own x̂_0 (unclipped).
 */
import { DDPMScheduler } from '../../diffusion/ddpm';
import { Rng, callLearner, compare, normals, readNumbers, runCases, fmt, type Mistake } from './check-kit';
import { libraryStep } from './library-steps';
import type { Exercise } from './types';

const PIXELS = 16;

function x0With(xt: Float32Array, eps: Float32Array, xtWeight: number, epsWeight: number): Float64Array {
  return Float64Array.from(xt, (v, i) => xtWeight * v - epsWeight * eps[i]);
}

function mistakes(xt: Float32Array, eps: Float32Array, abar: number): Mistake[] {
  const sa = Math.sqrt(abar);
  const sb = Math.sqrt(1 - abar);
  return [
    { value: xt, message: 'you returned x_t unchanged: remove the predicted noise and rescale.' },
    { value: x0With(xt, eps, sa, sb * sa), message: `your x̂₀ is off by a factor ᾱ_t = ${fmt(abar)}: divide by √ᾱ_t, don't multiply.` },
    { value: x0With(xt, eps, 1, sb), message: `your x̂₀ is off by a factor √ᾱ_t = ${fmt(sa)}: after removing the noise, divide by √ᾱ_t.` },
    { value: x0With(xt, eps, 1 / abar, sb / abar), message: 'divide by √ᾱ_t, not by ᾱ_t.' },
    { value: x0With(xt, eps, 1 / sa, (1 - abar) / sa), message: "the noise's weight is √(1 − ᾱ_t), not 1 − ᾱ_t." },
    { value: x0With(xt, eps, 1 / sa, -sb / sa), message: 'subtract the noise, x_t − √(1 − ᾱ_t)·ε̂; you added it.' },
  ];
}

export const predictX0: Exercise = {
  id: 'predict-x0',
  lesson: 4,
  title: 'x̂₀ from the predicted noise',
  entry: 'predictX0',
  solution: `function predictX0(xt, epsHat, alphaBar) {
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  return xt.map((v, i) => (v - b * epsHat[i]) / a);
}`,
  async check(fn) {
    const rng = new Rng(4);
    const scheduler = new DDPMScheduler({ clipSample: false });
    const cases = [400, 50, 900].map((t) => () => {
      const abar = scheduler.alphasCumprod[t];
      const xt = normals(rng, PIXELS);
      const eps = normals(rng, PIXELS);
      const call = `predictX0(xt, epsHat, ${fmt(abar)})`;
      const out = callLearner(fn, 'predictX0', [xt, eps, abar], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, PIXELS, call);
      if (!got.ok) return got.message;
      const expected = libraryStep(scheduler, eps, t, xt).predOriginalSample;
      return compare(`x̂₀ at diffusers' timestep ${t} (ᾱ_t = ${fmt(abar)})`, got.value, expected, mistakes(xt, eps, abar), 1e-3);
    });
    return runCases(cases, "predictX0 matches the scheduler's x̂₀ at timesteps 400, 50 and 900.");
  },
};
