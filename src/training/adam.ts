import * as tf from '@tensorflow/tfjs';
import { adamUpdate, FUSED_ADAM_DEFAULTS, type FusedAdamConfig } from '../backend/ops/adam';
import { concatNamed, FlatVariables } from './flat-variables';

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) with bias correction, a linear learning-rate warm-up and
 * clipping by global norm (Pascanu et al. 2013). Written out instead of using tf.train.adam so
 * that (a) the learning rate can change every step, (b) the moments can be saved and restored for
 * an exact resume, and (c) nothing reads back from the GPU: the clip factor stays a tensor.
 *
 * The parameters (a float32 copy, see flat-variables.ts), both moments and the gradient are each
 * one flat tensor in parameter order, so a step is a fixed handful of kernels whatever the number
 * of parameter tensors: the gradients' concatenation, the norm, one product by the clip factor, one
 * fused update (three shaders on WebGPU) and one write-back into the parameters. Per parameter
 * tensor it would be a product and an update each, about 400 kernels for the live preset.
 */

export interface AdamConfig extends FusedAdamConfig {
  /** Steps of linear warm-up from 0 to learningRate (Goyal et al. 2017). */
  warmupSteps: number;
  /** Clip the global gradient norm to this value; 0 or Infinity turns clipping off. */
  gradClipNorm: number;
}

export const DEFAULT_ADAM: AdamConfig = {
  ...FUSED_ADAM_DEFAULTS,
  warmupSteps: 200,
  gradClipNorm: 1,
};

export class Adam {
  readonly config: AdamConfig;
  /** Number of updates applied so far. */
  step = 0;
  private readonly names: readonly string[];
  /** The parameters, mirrored by one flat tensor that the update reads and writes. */
  private readonly flatParams: FlatVariables;
  /** First and second moment estimates, flat, in parameter order. */
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  /** tfjs's global variable names → the parameter names the moments are keyed by. */
  private readonly internalNames: Map<string, string>;

  constructor(private readonly params: ReadonlyMap<string, tf.Variable>, config: Partial<AdamConfig> = {}) {
    this.config = { ...DEFAULT_ADAM, ...config };
    this.names = [...params.keys()];
    this.internalNames = new Map([...params].map(([name, v]) => [v.name, name]));
    this.flatParams = new FlatVariables([...params.values()]);
    // Unnamed variables: tfjs names must be unique per process, and several trainers may exist.
    [this.m, this.v] = tf.tidy(() => [tf.variable(tf.zeros([this.flatParams.size]), false), tf.variable(tf.zeros([this.flatParams.size]), false)]);
  }

  /** The learning rate used for update number `step` (0-based). */
  learningRateAt(step: number): number {
    const { learningRate, warmupSteps } = this.config;
    if (warmupSteps <= 0) return learningRate;
    return learningRate * Math.min(1, (step + 1) / warmupSteps);
  }

  /** Number of parameter values (the length of a flat gradient). */
  get size(): number {
    return this.flatParams.size;
  }

  /**
   * The parameters as one flat tensor, as of the last update (owned by this optimiser: read it,
   * do not dispose it). The EMA reads it instead of gathering the parameters again.
   */
  parameters(): tf.Tensor1D {
    return this.flatParams.flat() as tf.Tensor1D;
  }

  /**
   * Applies one update. `grads` maps parameter names to gradients; they are not disposed here.
   * Returns the global gradient norm (before clipping) as a scalar tensor the caller owns.
   */
  apply(grads: tf.NamedTensorMap): tf.Scalar {
    return tf.tidy(() => this.applyFlat(tf.concat(this.names.map((name) => tf.reshape(this.gradFor(grads, name), [-1])))));
  }

  /**
   * Applies one update from a flat gradient in parameter order (not disposed here). Returns the
   * global gradient norm (before clipping) as a scalar tensor the caller owns.
   */
  applyFlat(gradient: tf.Tensor): tf.Scalar {
    if (gradient.size !== this.size) throw new RangeError(`flat gradient has ${gradient.size} values, the parameters ${this.size}`);
    const { beta1, beta2, epsilon, gradClipNorm } = this.config;
    const t = this.step + 1;
    const attrs = { learningRate: this.learningRateAt(this.step), beta1, beta2, epsilon, step: t };
    const norm = tf.tidy(() => {
      const flat = tf.reshape(gradient, [-1]);
      const globalNorm = tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar;
      const clipping = Number.isFinite(gradClipNorm) && gradClipNorm > 0;
      // g·min(1, c/‖g‖): one product over every parameter (a product by 1 changes nothing, so
      // without clipping there is none).
      const g = clipping ? tf.mul(flat, tf.minimum(1, tf.div(gradClipNorm, tf.add(globalNorm, 1e-6)))) : flat;
      // One fused kernel on wasm/cpu, three shaders on webgpu (Kingma & Ba 2015, Algorithm 1).
      const [pNew, mNew, vNew] = adamUpdate(this.flatParams.flat(), g, this.m, this.v, attrs);
      this.m.assign(mNew);
      this.v.assign(vNew);
      this.flatParams.write(pNew);
      return globalNorm;
    });
    this.step = t;
    return norm;
  }

  /**
   * One update on the gradient of `loss` with respect to every parameter; returns the loss, which
   * the caller disposes. (tf.variableGrads keys the gradients by tfjs's variable names; they are
   * mapped back to the parameter names here.)
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, [...this.params.values()]);
      const named: tf.NamedTensorMap = {};
      for (const [internal, g] of Object.entries(grads)) named[this.internalNames.get(internal) ?? internal] = g;
      this.apply(named).dispose();
      return value;
    });
  }

  /** Moments as named tensors (new tensors, one per parameter) for a checkpoint. */
  getState(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [prefix, flat] of [['adam.m/', this.m], ['adam.v/', this.v]] as const) {
      this.flatParams.split(flat).forEach((t, i) => (out[prefix + this.names[i]] = t));
    }
    return out;
  }

  /** Restores moments saved by getState; throws (and changes nothing) if anything is missing. */
  setState(state: tf.NamedTensorMap, step: number): void {
    const shapes = this.flatParams.shapes;
    const m = concatNamed('Optimizer state', state, this.names.map((n) => `adam.m/${n}`), shapes);
    let v: tf.Tensor1D;
    try {
      v = concatNamed('Optimizer state', state, this.names.map((n) => `adam.v/${n}`), shapes);
    } catch (error) {
      m.dispose();
      throw error;
    }
    try {
      this.setFlatState(m, v, step);
    } finally {
      tf.dispose([m, v]);
    }
  }

  /**
   * Restores moments given flat, in parameter order (as a replica receives them); the tensors are
   * not disposed here. Throws, changing nothing, if a length is wrong.
   */
  setFlatState(m: tf.Tensor, v: tf.Tensor, step: number): void {
    for (const [name, t] of [['m', m], ['v', v]] as const) {
      if (t.size !== this.size) throw new RangeError(`Optimizer state ${name} has ${t.size} values, the parameters ${this.size}`);
    }
    tf.tidy(() => {
      this.m.assign(tf.reshape(m, [-1]) as tf.Tensor1D);
      this.v.assign(tf.reshape(v, [-1]) as tf.Tensor1D);
    });
    this.step = step;
  }

  dispose(): void {
    if (this.m.isDisposed) return;
    this.m.dispose();
    this.v.dispose();
    this.flatParams.dispose();
  }

  private gradFor(grads: tf.NamedTensorMap, name: string): tf.Tensor {
    const g = grads[name];
    if (!g) throw new Error(`No gradient for parameter "${name}"`);
    return g;
  }
}
