/**
 * Lesson 2: sample q(x_t | x_0) in one jump, x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (Ho et al. 2020,
 * "Denoising Diffusion Probabilistic Models", eq. 4), checked against the library's
 * `noiseClosedForm`.
 */
import { noiseClosedForm } from '../../diffusion/forward-math';
import { Rng, callLearner, compare, normals, readNumbers, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

const PIXELS = 16;

function mix(x0: Float32Array, noise: Float32Array, a: number, b: number): Float64Array {
  return Float64Array.from(x0, (v, i) => a * v + b * noise[i]);
}

function mistakes(x0: Float32Array, noise: Float32Array, abar: number): Mistake[] {
  return [
    { value: x0, message: 'you returned x₀ unchanged: mix in the noise, x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε.' },
    { value: mix(x0, noise, abar, 1 - abar), message: 'the weights are ᾱ_t and 1 − ᾱ_t; use their square roots, √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (Ho et al. eq. 4).' },
    { value: mix(x0, noise, Math.sqrt(1 - abar), Math.sqrt(abar)), message: 'the weights are swapped: x₀ keeps √ᾱ_t, the noise gets √(1 − ᾱ_t).' },
    { value: mix(x0, noise, Math.sqrt(abar), 1 - abar), message: "the noise's weight is the standard deviation √(1 − ᾱ_t), not the variance 1 − ᾱ_t." },
    { value: mix(x0, noise, 1, Math.sqrt(1 - abar)), message: 'x₀ must shrink by √ᾱ_t as the noise grows, or the variance of x_t climbs above 1.' },
  ];
}

export const closedFormNoise: Exercise = {
  id: 'closed-form-noise',
  lesson: 2,
  title: 'Jump to any timestep',
  entry: 'qSample',
  solution: `function qSample(x0, alphaBar, noise) {
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  return x0.map((v, i) => a * v + b * noise[i]);
}`,
  async check(fn) {
    const rng = new Rng(2);
    const cases = [0.9, 0.5, 0.0778, 0.001].map((abar) => () => {
      const x0 = normals(rng, PIXELS, 0.6);
      const noise = normals(rng, PIXELS);
      const call = `qSample(x0, ${abar}, noise)`;
      const out = callLearner(fn, 'qSample', [x0, abar, noise], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, PIXELS, call);
      if (!got.ok) return got.message;
      return compare(`With ᾱ_t = ${abar}`, got.value, noiseClosedForm(x0, abar, noise), mistakes(x0, noise, abar));
    });
    return runCases(cases, 'qSample matches the closed form at ᾱ_t = 0.9, 0.5, 0.078 and 0.001.');
  },
};
