/**
 * Lesson 7: one DDIM step (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12):
 * x_{t'} = √ᾱ_{t'}·x̂_0 + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z, with σ = η·√((1 − ᾱ_{t'})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t'})
 * (eq. 16), checked against the library's DDIMScheduler without clipping (clip_sample=False), so
 * the step is exactly eq. 12.
 */
import { DDIMScheduler } from '../../diffusion/ddim';
import { Rng, callLearner, compare, fmt, normals, readNumbers, runCases, type Mistake } from './check-kit';
import { libraryStep } from './library-steps';
import type { Exercise } from './types';

const PIXELS = 16;

interface Variant {
  sigmaEta?: boolean;
  sigmaFirstFactor?: boolean;
  directionMinusSigma?: boolean;
  directionAt?: 'prev' | 'current';
  x0Weight?: 'sqrt' | 'plain';
  noise?: boolean;
}

function ddimReference(xt: Float32Array, eps: Float32Array, abar: number, abarPrev: number, eta: number, z: Float32Array, v: Variant = {}): Float64Array {
  const sigma2Full = (v.sigmaFirstFactor === false ? 1 : (1 - abarPrev) / (1 - abar)) * (1 - abar / abarPrev);
  const sigma = (v.sigmaEta === false ? 1 : eta) * Math.sqrt(sigma2Full);
  const dirVar = (v.directionAt === 'current' ? 1 - abar : 1 - abarPrev) - (v.directionMinusSigma === false ? 0 : sigma * sigma);
  const direction = Math.sqrt(Math.max(0, dirVar));
  const x0Weight = v.x0Weight === 'plain' ? abarPrev : Math.sqrt(abarPrev);
  const noise = v.noise === false ? 0 : sigma;
  return Float64Array.from(xt, (x, i) => {
    const x0 = (x - Math.sqrt(1 - abar) * eps[i]) / Math.sqrt(abar);
    return x0Weight * x0 + direction * eps[i] + noise * z[i];
  });
}

function mistakes(xt: Float32Array, eps: Float32Array, abar: number, abarPrev: number, eta: number, z: Float32Array): Mistake[] {
  const ref = (v: Variant): Float64Array => ddimReference(xt, eps, abar, abarPrev, eta, z, v);
  return [
    { value: xt, message: 'you returned x_t unchanged: compute x̂₀, then eq. 12.' },
    { value: Float64Array.from(xt, (x, i) => (x - Math.sqrt(1 - abar) * eps[i]) / Math.sqrt(abar)), message: "that is x̂₀; put it back at noise level s: √ᾱ_s·x̂₀ + √(1 − ᾱ_s − σ²)·ε̂ + σ·z." },
    { value: ref({ directionAt: 'current' }), message: "the direction to x_t uses the target level: √(1 − ᾱ_{t'} − σ²)·ε̂, not √(1 − ᾱ_t)·ε̂." },
    { value: ref({ x0Weight: 'plain' }), message: "x̂₀ is weighted by √ᾱ_{t'}, not ᾱ_{t'}." },
    { value: ref({ directionMinusSigma: false }), message: "with η > 0 the direction's weight shrinks to √(1 − ᾱ_{t'} − σ_t²), so the total variance stays 1 − ᾱ_{t'}." },
    { value: ref({ sigmaEta: false }), message: 'σ_t has the factor η (eq. 16): with η = 0.5 the noise is half as large as with η = 1.' },
    { value: ref({ sigmaFirstFactor: false }), message: "σ_t² = η²·(1 − ᾱ_{t'})/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_{t'}) (eq. 16): the factor (1 − ᾱ_{t'})/(1 − ᾱ_t) is missing." },
    { value: ref({ noise: false }), message: 'the noise σ_t·z is missing: with η > 0 DDIM adds fresh noise.' },
  ];
}

export const ddimStep: Exercise = {
  id: 'ddim-step',
  lesson: 7,
  title: 'One DDIM step, deterministic and not',
  entry: 'ddimStep',
  solution: `function ddimStep(xt, epsHat, alphaBar, alphaBarPrev, eta, z) {
  const sigma = eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar) * (1 - alphaBar / alphaBarPrev));
  const dir = Math.sqrt(1 - alphaBarPrev - sigma * sigma);
  return xt.map((x, i) => {
    const x0 = (x - Math.sqrt(1 - alphaBar) * epsHat[i]) / Math.sqrt(alphaBar);
    return Math.sqrt(alphaBarPrev) * x0 + dir * epsHat[i] + sigma * z[i];
  });
}`,
  async check(fn) {
    const rng = new Rng(7);
    // (inference steps, position, η): deterministic steps first, then stochastic ones.
    const runs: Array<[number, number, number]> = [[20, 5, 0], [50, 49, 0], [20, 10, 0.5], [10, 3, 1]];
    const cases = runs.map(([steps, position, eta]) => () => {
      const scheduler = new DDIMScheduler({ clipSample: false });
      scheduler.setTimesteps(steps);
      const t = scheduler.timesteps[position];
      const prevT = scheduler.previousTimestep(t);
      const abar = scheduler.alphasCumprod[t];
      const abarPrev = prevT >= 0 ? scheduler.alphasCumprod[prevT] : scheduler.finalAlphaCumprod;
      const xt = normals(rng, PIXELS);
      const eps = normals(rng, PIXELS);
      const z = normals(rng, PIXELS);
      const call = `ddimStep(xt, epsHat, ${fmt(abar)}, ${fmt(abarPrev)}, ${eta}, z)`;
      const out = callLearner(fn, 'ddimStep', [xt, eps, abar, abarPrev, eta, z], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, PIXELS, call);
      if (!got.ok) return got.message;
      const expected = libraryStep(scheduler, eps, t, xt, { eta, z }).prevSample;
      return compare(`The step from t = ${t} to t' = ${prevT} with η = ${eta}`, got.value, expected, mistakes(xt, eps, abar, abarPrev, eta, z), 1e-3);
    });
    return runCases(cases, 'ddimStep matches DDIMScheduler.step with η = 0 (two steps, the last one included) and with η = 0.5 and 1.');
  },
};
