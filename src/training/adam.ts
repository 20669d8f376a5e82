import * as tf from '@tensorflow/tfjs';
import { adamUpdate, FUSED_ADAM_DEFAULTS, type FusedAdamConfig } from '../backend/ops/adam';

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) with bias correction, a linear learning-rate warm-up and
 * clipping by global norm (Pascanu et al. 2013). Written out instead of using tf.train.adam so
 * that (a) the learning rate can change every step, (b) the moments can be saved and restored for
 * an exact resume, and (c) nothing reads back from the GPU: the clip factor stays a tensor.
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
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  /** tfjs's global variable names → the parameter names the moments are keyed by. */
  private readonly names: Map<string, string>;

  constructor(private readonly params: ReadonlyMap<string, tf.Variable>, config: Partial<AdamConfig> = {}) {
    this.config = { ...DEFAULT_ADAM, ...config };
    this.names = new Map([...params].map(([name, v]) => [v.name, name]));
    // Unnamed variables: tfjs names must be unique per process, and several trainers may exist.
    tf.tidy(() => {
      for (const [name, p] of params) {
        this.m.set(name, tf.variable(tf.zerosLike(p), false));
        this.v.set(name, tf.variable(tf.zerosLike(p), false));
      }
    });
  }

  /** The learning rate used for update number `step` (0-based). */
  learningRateAt(step: number): number {
    const { learningRate, warmupSteps } = this.config;
    if (warmupSteps <= 0) return learningRate;
    return learningRate * Math.min(1, (step + 1) / warmupSteps);
  }

  /**
   * Applies one update. `grads` maps parameter names to gradients; they are not disposed here.
   * Returns the global gradient norm (before clipping) as a scalar tensor the caller owns.
   */
  apply(grads: tf.NamedTensorMap): tf.Scalar {
    const { beta1, beta2, epsilon, gradClipNorm } = this.config;
    const t = this.step + 1;
    const attrs = { learningRate: this.learningRateAt(this.step), beta1, beta2, epsilon, step: t };
    const norm = tf.tidy(() => {
      // ‖g‖ over every parameter at once: one concatenation, square and sum (a handful of kernels)
      // instead of a square and a sum per parameter.
      const flat = tf.concat([...this.params.keys()].map((name) => tf.reshape(this.gradFor(grads, name), [-1])));
      const globalNorm = tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar;
      const clipping = Number.isFinite(gradClipNorm) && gradClipNorm > 0;
      const scale = clipping
        ? tf.minimum(1, tf.div(gradClipNorm, tf.add(globalNorm, 1e-6)))
        : tf.scalar(1);
      for (const [name, p] of this.params) {
        const g = tf.mul(this.gradFor(grads, name), scale);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        // One fused kernel per parameter on wasm/cpu, three shaders on webgpu (Kingma & Ba 2015, Algorithm 1).
        const [pNew, mNew, vNew] = adamUpdate(p, g, m, v, attrs);
        m.assign(mNew);
        v.assign(vNew);
        p.assign(pNew);
      }
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
      for (const [internal, g] of Object.entries(grads)) named[this.names.get(internal) ?? internal] = g;
      this.apply(named).dispose();
      return value;
    });
  }

  /** Moments as named tensors (clones) for a checkpoint. */
  getState(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, m] of this.m) out[`adam.m/${name}`] = m.clone();
    for (const [name, v] of this.v) out[`adam.v/${name}`] = v.clone();
    return out;
  }

  /** Restores moments saved by getState; throws (and changes nothing) if anything is missing. */
  setState(state: tf.NamedTensorMap, step: number): void {
    const pairs: Array<[tf.Variable, tf.Tensor]> = [];
    for (const [prefix, map] of [['adam.m/', this.m], ['adam.v/', this.v]] as const) {
      for (const [name, variable] of map) {
        const value = state[prefix + name];
        if (!value) throw new Error(`Optimizer state is missing "${prefix}${name}"`);
        if (!tf.util.arraysEqual(value.shape, variable.shape)) {
          throw new Error(`Optimizer state "${prefix}${name}" has shape [${value.shape}], expected [${variable.shape}]`);
        }
        pairs.push([variable, value]);
      }
    }
    for (const [variable, value] of pairs) variable.assign(value);
    this.step = step;
  }

  dispose(): void {
    for (const m of this.m.values()) m.dispose();
    for (const v of this.v.values()) v.dispose();
    this.m.clear();
    this.v.clear();
  }

  private gradFor(grads: tf.NamedTensorMap, name: string): tf.Tensor {
    const g = grads[name];
    if (!g) throw new Error(`No gradient for parameter "${name}"`);
    return g;
  }
}
