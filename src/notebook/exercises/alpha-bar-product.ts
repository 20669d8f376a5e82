/**
 * Lesson 3: ᾱ_t = ∏_{s≤t} (1 − β_s) from a β schedule (Ho et al. 2020, eq. 4 and §2), checked
 * against the library's `alphasCumprodFromBetas`. Index i holds diffusers' timestep i, the papers'
 * t = i + 1.
 */
import { alphasCumprodFromBetas } from '../../diffusion/curves';
import { computeBetas } from '../../diffusion/schedules';
import { callLearner, compare, readNumbers, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

function scan(betas: Float64Array, f: (acc: number, beta: number) => number, start: number): Float64Array {
  let acc = start;
  return betas.map((b) => (acc = f(acc, b)));
}

function mistakes(betas: Float64Array, expected: Float64Array): Mistake[] {
  return [
    { value: betas, message: 'did you use β_t where ᾱ_t belongs? ᾱ_t multiplies (1 − β_s) for every s ≤ t.' },
    { value: betas.map((b) => 1 - b), message: 'that is α_t = 1 − β_t of one step; ᾱ_t is the running product α_1·α_2·…·α_t.' },
    { value: scan(betas, (acc, b) => acc * b, 1), message: 'you multiplied the β_s; multiply α_s = 1 − β_s instead.' },
    { value: scan(betas, (acc, b) => acc - b, 1), message: 'ᾱ_t is a product of (1 − β_s), not 1 − Σβ_s (the two agree only while β is tiny).' },
    { value: Float64Array.from(expected, (_, i) => (i === 0 ? 1 : expected[i - 1])), message: 'off by one step: the entry for timestep t already includes α_t (so the first entry is 1 − β_1, not 1).' },
  ];
}

export const alphaBarProduct: Exercise = {
  id: 'alpha-bar-product',
  lesson: 3,
  title: 'ᾱ from a β schedule',
  entry: 'alphaBars',
  solution: `function alphaBars(betas) {
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= 1 - betas[i];
    out[i] = product;
  }
  return out;
}`,
  async check(fn) {
    const schedules = [
      { name: 'linear', betas: computeBetas({ betaSchedule: 'linear' }) },
      { name: 'cosine', betas: computeBetas({ betaSchedule: 'squaredcos_cap_v2' }) },
    ];
    const cases = schedules.map(({ name, betas }) => () => {
      const call = `alphaBars(betas of the ${name} schedule)`;
      const out = callLearner(fn, 'alphaBars', [Float64Array.from(betas)], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, betas.length, call, 'one ᾱ per timestep');
      if (!got.ok) return got.message;
      const expected = alphasCumprodFromBetas(betas);
      const wrongMistakes = mistakes(betas, expected);
      // Report ᾱ at t = 500 (index 499), the value lesson 3 talks about, when it is wrong there.
      const at = Math.abs(got.value[499] - expected[499]) > 1e-6 ? 499 : got.value.findIndex((v, i) => Math.abs(v - expected[i]) > 1e-6 * (1 + expected[i]));
      if (at < 0) return null;
      const single = (xs: ArrayLike<number>): number[] => [xs[at]];
      const problem = compare(`ᾱ at t = ${at + 1} (${name})`, single(got.value), single(expected), [], 1e-6);
      if (problem === null) return null;
      const matched = wrongMistakes.find((m) => compare('', got.value, m.value, [], 1e-6) === null);
      return matched ? `${problem.replace(/\.$/, '')}: ${matched.message}` : problem;
    });
    return runCases(cases, 'alphaBars matches the library for the linear and the cosine schedule.');
  },
};
