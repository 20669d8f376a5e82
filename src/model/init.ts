/**
 * Deterministic initial values for the U-Net's variables, drawn from the project's seeded Rng so
 * that the same seed gives the same network in Node and in every browser backend.
 *
 * Uniform variance-scaling: a uniform draw on [-a, a] has variance a²/3, so
 * - Glorot-uniform (Glorot & Bengio 2010, eq. 16): a = sqrt(6 / (fan_in + fan_out));
 * - He-uniform (He et al. 2015, eq. 10, Var = 2 / fan_in): a = sqrt(6 / fan_in).
 */
import { Rng } from '../data/rng';
import { shapeSize, type InitSpec, type VariableSpec } from './plan';

export function initialValues(spec: InitSpec, size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  switch (spec.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'normal':
      rng.fillNormal(out);
      for (let i = 0; i < size; i++) out[i] *= spec.std;
      return out;
    case 'glorot': {
      const a = Math.sqrt(6 / (spec.fanIn + spec.fanOut));
      return rng.fillUniform(out, -a, a);
    }
    case 'he': {
      const a = Math.sqrt(6 / spec.fanIn);
      return rng.fillUniform(out, -a, a);
    }
  }
}

/**
 * Values for every variable, in order. Each variable draws from its own forked stream, so the
 * values of one variable depend only on the seed and its position in the list.
 */
export function initialWeights(specs: readonly VariableSpec[], seed: number): Float32Array[] {
  const root = new Rng(seed);
  return specs.map((s) => initialValues(s.init, shapeSize(s.shape), root.fork()));
}
