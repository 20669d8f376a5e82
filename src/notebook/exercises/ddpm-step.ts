/**
 * Lesson 6: one ancestral step as the library's DDPMScheduler takes it (diffusers' defaults:
 * clip_sample, variance "fixed_small"): x̂_0 from ε̂ (Ho et al. 2020, eq. 15), clipped to [−1, 1];
 * the posterior mean μ̃(x_t, x̂_0) of eq. 7 with the jump's α = ᾱ_t/ᾱ_{t'} and β = 1 − α; plus
 * σ·z with σ² = β̃ = (1 − ᾱ_{t'})/(1 − ᾱ_t)·β (eq. 7).
 */
import { DDPMScheduler } from '../../diffusion/ddpm';
import { Rng, callLearner, compare, fmt, normals, readNumbers, runCases, type Mistake } from './check-kit';
import { libraryStep } from './library-steps';
import type { Exercise } from './types';

const PIXELS = 16;

interface Variant {
  clip?: boolean;
  noise?: 'std' | 'variance' | 'beta' | 'none';
  beta?: 'jump' | 'alphaBar';
}

/** The step in float64 with the usual mistakes switchable (the correct one is the default). */
function ddpmReference(xt: Float32Array, eps: Float32Array, abar: number, abarPrev: number, z: Float32Array, v: Variant = {}): Float64Array {
  const alpha = abar / abarPrev;
  const beta = v.beta === 'alphaBar' ? 1 - abar : 1 - alpha;
  const variance = ((1 - abarPrev) / (1 - abar)) * beta;
  const scale = { std: Math.sqrt(variance), variance, beta: Math.sqrt(beta), none: 0 }[v.noise ?? 'std'];
  return Float64Array.from(xt, (x, i) => {
    let x0 = (x - Math.sqrt(1 - abar) * eps[i]) / Math.sqrt(abar);
    if (v.clip !== false) x0 = Math.min(1, Math.max(-1, x0));
    const mean = (Math.sqrt(abarPrev) * beta * x0) / (1 - abar) + (Math.sqrt(1 - beta) * (1 - abarPrev) * x) / (1 - abar);
    return mean + scale * z[i];
  });
}

function mistakes(xt: Float32Array, eps: Float32Array, abar: number, abarPrev: number, z: Float32Array): Mistake[] {
  const ref = (v: Variant): Float64Array => ddpmReference(xt, eps, abar, abarPrev, z, v);
  return [
    { value: xt, message: 'you returned x_t unchanged: compute x̂₀, the posterior mean and add σ·z.' },
    { value: ref({ clip: false }), message: 'x̂₀ was not clipped to [−1, 1]: clip it before the posterior mean (eqs. 6–7 with clipped x̂₀, diffusers\' clip_sample=True). The ε-form of eq. 11 is the same step without clipping.' },
    { value: Float64Array.from(xt, (x, i) => (x - (1 - abar / abarPrev) * eps[i]) / Math.sqrt(abar / abarPrev)), message: "ε̂'s weight in eq. 11 is β/√(1 − ᾱ_t), and the step needs clipped x̂₀ and the noise σ·z: follow eqs. 6–7 with x̂₀ from lesson 4." },
    { value: ref({ noise: 'none' }), message: 'the noise σ·z is missing: add it (the scheduler only skips it at the last step).' },
    { value: ref({ noise: 'variance' }), message: 'you scaled z by the variance β̃; scale it by the standard deviation σ = √β̃.' },
    { value: ref({ noise: 'beta' }), message: 'σ² = β is the "fixed_large" choice; this scheduler uses β̃ = (1 − ᾱ_{t\'})/(1 − ᾱ_t)·β (Ho et al. eq. 7).' },
    { value: ref({ beta: 'alphaBar' }), message: "the step's β is 1 − ᾱ_t/ᾱ_{t'} (the jump from t to t'), not 1 − ᾱ_t." },
  ];
}

export const ddpmStep: Exercise = {
  id: 'ddpm-step',
  lesson: 6,
  title: 'One DDPM step',
  entry: 'ddpmStep',
  solution: `function ddpmStep(xt, epsHat, alphaBar, alphaBarPrev, z) {
  const alpha = alphaBar / alphaBarPrev;          // α of the jump t → t'
  const beta = 1 - alpha;
  const sigma = Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar) * beta);
  return xt.map((x, i) => {
    const x0 = (x - Math.sqrt(1 - alphaBar) * epsHat[i]) / Math.sqrt(alphaBar);
    const x0c = Math.min(1, Math.max(-1, x0));   // clip_sample
    const mean = Math.sqrt(alphaBarPrev) * beta / (1 - alphaBar) * x0c
               + Math.sqrt(alpha) * (1 - alphaBarPrev) / (1 - alphaBar) * x;
    return mean + sigma * z[i];
  });
}`,
  async check(fn) {
    const rng = new Rng(6);
    // (inference steps, position in the run): a step of the full chain, a 50-step jump, the last step.
    const runs: Array<[number, number]> = [[1000, 400], [50, 10], [50, 49]];
    const cases = runs.map(([steps, position]) => () => {
      const scheduler = new DDPMScheduler();
      scheduler.setTimesteps(steps);
      const t = scheduler.timesteps[position];
      const prevT = scheduler.previousTimestep(t);
      const abar = scheduler.alphasCumprod[t];
      const abarPrev = prevT >= 0 ? scheduler.alphasCumprod[prevT] : 1;
      const xt = normals(rng, PIXELS);
      const eps = normals(rng, PIXELS);
      const z = normals(rng, PIXELS);
      const call = `ddpmStep(xt, epsHat, ${fmt(abar)}, ${fmt(abarPrev)}, z)`;
      const out = callLearner(fn, 'ddpmStep', [xt, eps, abar, abarPrev, z], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, PIXELS, call);
      if (!got.ok) return got.message;
      const expected = libraryStep(scheduler, eps, t, xt, { z }).prevSample;
      return compare(`The step from t = ${t} to t' = ${prevT} (${steps} steps)`, got.value, expected, mistakes(xt, eps, abar, abarPrev, z), 1e-3);
    });
    return runCases(cases, "ddpmStep matches DDPMScheduler.step for a step of the full chain, a 50-step jump and the last step.");
  },
};
