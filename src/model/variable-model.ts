/**
 * What the hand-written models (the U-Net, the classifiers of src/classifier, the latent
 * autoencoder) have in common: named tf.Variables made from a list of parameter specs (seeded by
 * initialWeights: one Rng fork per spec in order), weight copies and checked replacement by name
 * (the names are the checkpoints' weight names), and disposal.
 */
import * as tf from '@tensorflow/tfjs';
import { initialWeights } from './init';
import type { VariableSpec } from './plan';

export type ParamSpec = VariableSpec;

export abstract class VariableModel {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  private readonly specs: readonly ParamSpec[];
  private disposed = false;

  /** `label` names the model in error messages. */
  protected constructor(
    private readonly label: string,
    specs: ParamSpec[],
    seed: number,
  ) {
    this.specs = specs;
    const values = initialWeights(specs, seed);
    const vars = new Map<string, tf.Variable>();
    specs.forEach((spec, i) => {
      const init = tf.tensor(values[i], spec.shape, 'float32');
      // Unnamed: tfjs variable names are global, and tests build several models.
      vars.set(spec.name, tf.variable(init, true));
      init.dispose();
    });
    this.variables = vars;
  }

  paramCount(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Copies of all weights by name; the caller disposes them. */
  getWeights(): tf.NamedTensorMap {
    this.assertLive();
    const out: tf.NamedTensorMap = {};
    for (const [name, v] of this.variables) out[name] = tf.clone(v);
    return out;
  }

  /**
   * Replaces every weight. The map must hold exactly this model's names, float32, with matching
   * shapes; otherwise weightsError says what is missing, unexpected or mismatched and no variable
   * is touched. The caller keeps ownership of the given tensors.
   */
  setWeights(map: tf.NamedTensorMap): void {
    this.assertLive();
    const missing: string[] = [];
    const mismatched: string[] = [];
    for (const spec of this.specs) {
      const t = map[spec.name];
      if (!t) missing.push(spec.name);
      else if (t.isDisposed) mismatched.push(`${spec.name} is disposed`);
      else if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, spec.shape)) {
        mismatched.push(`${spec.name} is ${t.dtype} [${t.shape.join(', ')}], expected float32 [${spec.shape.join(', ')}]`);
      }
    }
    const unexpected = Object.keys(map).filter((name) => !this.variables.has(name));
    if (missing.length || unexpected.length || mismatched.length) throw this.weightsError(missing, unexpected, mismatched);
    for (const [name, v] of this.variables) v.assign(map[name]);
  }

  /** The error setWeights throws; a model may give its own type. */
  protected weightsError(missing: string[], unexpected: string[], mismatched: string[]): Error {
    const problems = [...missing.map((n) => `missing ${n}`), ...mismatched, ...unexpected.map((n) => `unexpected ${n}`)];
    return new Error(`${this.label}.setWeights: weights do not fit (nothing changed): ${problems.join('; ')}`);
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    this.disposed = true;
  }

  /** Throws unless x is a batch of single-channel size×size images (and the model is live). */
  protected checkImages(x: tf.Tensor4D, size: number): void {
    this.assertLive();
    if (x.rank !== 4 || x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== 1) {
      throw new Error(`${this.label}: x must be [B, ${size}, ${size}, 1], got [${x.shape.join(', ')}]`);
    }
  }

  protected assertLive(): void {
    if (this.disposed) throw new Error(`${this.label}: used after dispose()`);
  }

  protected variable(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`${this.label}: no variable ${name}`);
    return v;
  }

  protected v1(name: string): tf.Tensor1D {
    return this.variable(name) as unknown as tf.Tensor1D;
  }

  protected v2(name: string): tf.Tensor2D {
    return this.variable(name) as unknown as tf.Tensor2D;
  }

  protected v4(name: string): tf.Tensor4D {
    return this.variable(name) as unknown as tf.Tensor4D;
  }
}
