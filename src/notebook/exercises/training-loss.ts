/**
 * Lesson 5: the simplified training loss of Ho et al. 2020 (Algorithm 1, eq. 14):
 * L = mean ‖ε − ε_θ(√ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, t)‖², with x_t built by the library's
 * `noiseClosedForm` and a stand-in network whose calls the check records.
 */
import { noiseClosedForm } from '../../diffusion/forward-math';
import { Rng, callLearner, close, compare, fmt, normals, readNumbers, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

const PIXELS = 16;

/** A stand-in for the network: any fixed function of (x_t, t) will do for checking the loss. */
function standInNetwork(xt: ArrayLike<number>, t: number): Float32Array {
  return Float32Array.from(xt, (v, i) => 0.6 * v + 0.1 * Math.sin(i + t / 100));
}

function mean(xs: ArrayLike<number>, f: (v: number) => number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += f(xs[i]);
  return s / xs.length;
}

function mistakes(x0: Float32Array, noise: Float32Array, t: number, xt: Float32Array): Mistake[] {
  const pred = standInNetwork(xt, t);
  const diff = pred.map((p, i) => p - noise[i]);
  const mse = mean(diff, (d) => d * d);
  return [
    { value: [mean(pred.map((p, i) => p - x0[i]), (d) => d * d)], message: "the target is the noise ε that made x_t, not x₀ (Ho et al. eq. 14): compare the network's output with noise." },
    { value: [mse * PIXELS], message: `you summed the squared errors; take their mean (the sum is ${PIXELS}× larger).` },
    { value: [mean(diff, Math.abs)], message: 'square the differences: the loss is the mean squared error.' },
    { value: [Math.sqrt(mse)], message: 'that is the root of the mean squared error; return the mean squared error itself.' },
  ];
}

export const trainingLoss: Exercise = {
  id: 'training-loss',
  lesson: 5,
  title: 'The training loss',
  entry: 'trainingLoss',
  solution: `function trainingLoss(predictNoise, x0, noise, alphaBar, t) {
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  const xt = x0.map((v, i) => a * v + b * noise[i]);
  const epsHat = predictNoise(xt, t);
  let sum = 0;
  for (let i = 0; i < noise.length; i++) sum += (epsHat[i] - noise[i]) ** 2;
  return sum / noise.length;
}`,
  async check(fn) {
    const rng = new Rng(5);
    const cases = [[0.5, 300], [0.05, 800], [0.98, 20]].map(([abar, t]) => () => {
      const x0 = normals(rng, PIXELS, 0.7);
      const noise = normals(rng, PIXELS);
      const xt = noiseClosedForm(x0, abar, noise);
      const calls: Array<{ x: Float64Array; t: unknown }> = [];
      const network = (x: ArrayLike<number>, tt: number): Float32Array => {
        calls.push({ x: Float64Array.from(x), t: tt });
        return standInNetwork(x, tt);
      };
      const call = `trainingLoss(predictNoise, x0, noise, ${abar}, ${t})`;
      const out = callLearner(fn, 'trainingLoss', [network, x0, noise, abar, t], call);
      if (!out.ok) return out.message;
      if (calls.length === 0) return `${call} never called predictNoise: the loss compares the network's prediction predictNoise(x_t, t) with the noise.`;
      const seen = calls[calls.length - 1];
      if (seen.x.length !== PIXELS) return `predictNoise got ${seen.x.length} values; pass it x_t, one value per pixel.`;
      if (close(seen.x, x0, 1e-5)) return 'you passed x₀ to the network: it must see the noised x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε.';
      if (close(seen.x, noise, 1e-5)) return 'you passed the noise to the network: it must see the noised x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε.';
      if (!close(seen.x, xt, 1e-4)) {
        return `the network got an x_t that differs from √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (value 0 is ${fmt(seen.x[0])}, expected ${fmt(xt[0])}): build x_t with the closed form of lesson 2.`;
      }
      if (seen.t !== t) return `predictNoise was called with t = ${String(seen.t)}; pass the timestep t (${t}) so the network knows the noise level.`;
      const got = readNumbers(out.value, 1, call, 'one number, the loss');
      if (!got.ok) return got.message;
      const pred = standInNetwork(xt, t);
      const expected = mean(pred.map((p, i) => p - noise[i]), (d) => d * d);
      return compare(`The loss at ᾱ_t = ${abar}`, got.value, [expected], mistakes(x0, noise, t, xt), 1e-4);
    });
    return runCases(cases, 'trainingLoss noises x₀ correctly, asks the network about x_t and t, and returns the mean squared error on ε.');
  },
};
