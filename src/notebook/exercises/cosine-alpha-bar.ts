/**
 * Lesson 3: ᾱ_t of the cosine schedule, ᾱ_t = f(t)/f(0) with f(t) = cos²(((t/T + s)/(1 + s))·π/2)
 * and s = 0.008 (Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models",
 * eq. 17), checked against the library's `cosineAlphaBar` (t counted as the papers do: 0…T).
 */
import { cosineAlphaBar } from '../../diffusion/curves';
import { COSINE_S } from '../../diffusion/schedules';
import { callLearner, compare, readNumber, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

/** f of eq. 17 with the usual mistakes switchable. */
function f(t: number, T: number, o: { s?: number; square?: boolean; divide?: boolean; trig?: (x: number) => number } = {}): number {
  const s = o.s ?? COSINE_S;
  const angle = ((t / T + s) / (o.divide === false ? 1 : 1 + s)) * (Math.PI / 2);
  const c = (o.trig ?? Math.cos)(angle);
  return o.square === false ? c : c * c;
}

function mistakes(t: number, T: number): Mistake[] {
  const one = (v: number): number[] => [v];
  return [
    { value: one(f(t, T)), message: 'that is f(t) itself; divide by f(0) so that ᾱ_0 = 1 (eq. 17).' },
    { value: one(f(t, T, { square: false }) / f(0, T, { square: false })), message: 'the cosine is squared in eq. 17: f(t) = cos²(…).' },
    { value: one(f(t, T, { s: 0 }) / f(0, T, { s: 0 })), message: 'the offset s = 0.008 is missing (Nichol & Dhariwal §3.2: it keeps β from being tiny near t = 0).' },
    { value: one(f(t, T, { divide: false }) / f(0, T, { divide: false })), message: 'divide (t/T + s) by (1 + s) before multiplying by π/2.' },
    { value: one(1 - f(t, T) / f(0, T)), message: 'that is 1 − ᾱ_t, the noise variance: return ᾱ_t itself.' },
    { value: one(f(t, T, { trig: Math.sin }) / f(0, T, { trig: Math.sin })), message: 'use cos, not sin.' },
  ];
}

export const cosineAlphaBarExercise: Exercise = {
  id: 'cosine-alpha-bar',
  lesson: 3,
  title: "The cosine schedule's ᾱ",
  entry: 'cosineAlphaBarAt',
  solution: `function cosineAlphaBarAt(t, T) {
  const s = 0.008;
  const f = (u) => Math.cos(((u / T + s) / (1 + s)) * Math.PI / 2) ** 2;
  return f(t) / f(0);
}`,
  async check(fn) {
    const points: Array<[number, number]> = [[500, 1000], [0, 1000], [250, 1000], [900, 1000], [10, 50]];
    const got: number[] = [];
    for (const [t, T] of points) {
      const call = `cosineAlphaBarAt(${t}, ${T})`;
      const out = callLearner(fn, 'cosineAlphaBarAt', [t, T], call);
      if (!out.ok) return { passed: false, messages: [out.message] };
      const value = readNumber(out.value, call);
      if (!value.ok) return { passed: false, messages: [value.message] };
      got.push(value.value);
    }
    // A mistake is named only when it explains every point, so a coincidence at one t is not blamed.
    const expected = points.map(([t, T]) => cosineAlphaBar(t, T));
    const all = (k: number): number[] => points.map(([t, T]) => mistakes(t, T)[k].value[0]);
    const named = mistakes(0, 1).map((m, k) => ({ value: all(k), message: m.message }));
    const cases = points.map(([t, T], i) => () => {
      const problem = compare(`ᾱ at t = ${t} (T = ${T})`, [got[i]], [expected[i]], [], 1e-7);
      if (problem === null) return null;
      const known = named.find((m) => compare('', got, m.value, [], 1e-7) === null && compare('', m.value, expected, [], 1e-7) !== null);
      return known ? `${problem.replace(/\.$/, '')}: ${known.message}` : problem;
    });
    return runCases(cases, 'cosineAlphaBarAt matches eq. 17 at t = 0, 250, 500 and 900 of 1000, and at t = 10 of 50.');
  },
};
