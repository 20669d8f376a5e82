/**
 * Lesson 8: classifier-free guidance, ε̃ = (1 + w)·ε(x, c) − w·ε(x) (Ho & Salimans 2022,
 * "Classifier-Free Diffusion Guidance", eq. 6), with w in the paper's convention as the library's
 * `classifierFreeGuidance` takes it (diffusers' guidance_scale is s = 1 + w).
 */
import * as tf from '@tensorflow/tfjs';
import { classifierFreeGuidance } from '../../diffusion/guidance';
import { Rng, callLearner, compare, normals, readNumbers, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

const PIXELS = 16;

function combine(a: Float32Array, b: Float32Array, wa: number, wb: number): Float64Array {
  return Float64Array.from(a, (v, i) => wa * v + wb * b[i]);
}

function mistakes(cond: Float32Array, uncond: Float32Array, w: number): Mistake[] {
  return [
    { value: cond, message: 'you returned the conditional prediction alone: that is w = 0, no guidance.' },
    { value: combine(uncond, cond, 1 - w, w), message: `that is diffusers' form ε(x) + s·(ε(x, c) − ε(x)) with s = w. Here w is Ho & Salimans' weight and diffusers' scale is s = 1 + w: use (1 + w)·ε(x, c) − w·ε(x).` },
    { value: combine(uncond, cond, 1 + w, -w), message: 'the two predictions are swapped: the conditional one gets 1 + w, the unconditional one −w.' },
    { value: combine(cond, uncond, 1 + w, w), message: 'subtract w·ε(x): guidance moves away from the unconditional prediction.' },
    { value: combine(cond, uncond, w, -w), message: 'the conditional prediction has weight 1 + w, not w.' },
  ];
}

export const classifierFreeGuidanceExercise: Exercise = {
  id: 'classifier-free-guidance',
  lesson: 8,
  title: 'Classifier-free guidance',
  entry: 'guidedEps',
  solution: `function guidedEps(epsCond, epsUncond, w) {
  return epsCond.map((c, i) => (1 + w) * c - w * epsUncond[i]);
}`,
  async check(fn) {
    const rng = new Rng(8);
    const cases = [2, 0, 0.5, 4].map((w) => () => {
      const cond = normals(rng, PIXELS);
      const uncond = normals(rng, PIXELS);
      const call = `guidedEps(epsCond, epsUncond, ${w})`;
      const out = callLearner(fn, 'guidedEps', [cond, uncond, w], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, PIXELS, call);
      if (!got.ok) return got.message;
      const expected = tf.tidy(() => Float32Array.from(classifierFreeGuidance(tf.tensor1d(cond), tf.tensor1d(uncond), w).dataSync()));
      return compare(`With w = ${w}`, got.value, expected, mistakes(cond, uncond, w), 1e-4);
    });
    return runCases(cases, "guidedEps matches the library's classifierFreeGuidance at w = 0, 0.5, 2 and 4.");
  },
};
