/**
 * Lesson 4: the sinusoidal timestep features the U-Net reads (Vaswani et al. 2017, §3.5, as
 * DDPM's get_timestep_embedding computes them): for i < d/2, sin(t·f_i) then cos(t·f_i), with
 * f_i = exp(−ln(10000)·i/(d/2 − 1)), checked against the model's own `timestepFeatures`.
 */
import * as tf from '@tensorflow/tfjs';
import { timestepFeatures } from '../../model/ops';
import { callLearner, compare, readNumbers, runCases, type Mistake } from './check-kit';
import type { Exercise } from './types';

interface Variant {
  spacing?: number;
  interleave?: boolean;
  cosFirst?: boolean;
  rising?: boolean;
}

function features(t: number, dim: number, v: Variant = {}): Float64Array {
  const half = dim / 2;
  const out = new Float64Array(dim);
  for (let i = 0; i < half; i++) {
    const f = Math.exp(((v.rising ? 1 : -1) * Math.log(10000) * i) / (v.spacing ?? half - 1));
    const [a, b] = v.cosFirst ? [Math.cos(t * f), Math.sin(t * f)] : [Math.sin(t * f), Math.cos(t * f)];
    if (v.interleave) {
      out[2 * i] = a;
      out[2 * i + 1] = b;
    } else {
      out[i] = a;
      out[half + i] = b;
    }
  }
  return out;
}

function mistakes(t: number, dim: number): Mistake[] {
  return [
    { value: features(t, dim, { interleave: true }), message: 'you interleaved sin and cos; the model puts all d/2 sines first, then all d/2 cosines.' },
    { value: features(t, dim, { cosFirst: true }), message: 'the sines come first, then the cosines.' },
    { value: features(t, dim, { spacing: dim / 2 }), message: 'the exponent divides by d/2 − 1, as DDPM does, so the last frequency is exactly 1/10000.' },
    { value: features(t, dim, { rising: true }), message: 'the frequencies fall from 1 to 1/10000: f_i = exp(−ln(10000)·i/(d/2 − 1)), with a minus sign.' },
  ];
}

export const timestepEmbedding: Exercise = {
  id: 'timestep-embedding',
  lesson: 4,
  title: 'How the network is told the time',
  entry: 'timestepEmbedding',
  solution: `function timestepEmbedding(t, dim) {
  const half = dim / 2;
  const out = new Float32Array(dim);
  for (let i = 0; i < half; i++) {
    const f = Math.exp(-Math.log(10000) * i / (half - 1));
    out[i] = Math.sin(t * f);
    out[half + i] = Math.cos(t * f);
  }
  return out;
}`,
  async check(fn) {
    const points: Array<[number, number]> = [[37, 16], [500, 64], [999, 8], [0, 16]];
    const cases = points.map(([t, dim]) => () => {
      const call = `timestepEmbedding(${t}, ${dim})`;
      const out = callLearner(fn, 'timestepEmbedding', [t, dim], call);
      if (!out.ok) return out.message;
      const got = readNumbers(out.value, dim, call, `dim = ${dim} features`);
      if (!got.ok) return got.message;
      const expected = tf.tidy(() => Float32Array.from(timestepFeatures(tf.tensor1d([t]), dim).dataSync()));
      return compare(`The features of t = ${t} (dim ${dim})`, got.value, expected, mistakes(t, dim), 1e-3);
    });
    return runCases(cases, 'timestepEmbedding matches the U-Net\'s own features for t = 0, 37, 500 and 999.');
  },
};
