/**
 * Plain Adam (Kingma & Ba 2015, Algorithm 1, with bias correction; the same arithmetic as
 * tf.train.adam) that updates each parameter tensor with one fused kernel on wasm and cpu
 * (../kernels/adam-kernels.ts), three shaders on webgpu (../kernels/webgpu-adam-kernels.ts), and
 * tfjs ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, type AdamAttrs } from '../kernels/adam-kernels';

/** The hyperparameters of Algorithm 1; src/training/adam.ts's AdamConfig adds warm-up and clipping. */
export interface FusedAdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const FUSED_ADAM_DEFAULTS: FusedAdamConfig = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * New [param, m, v] for one update; the caller owns the results. `attrs.step` is the 1-based
 * update number.
 */
export function adamUpdate(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (tf.getKernel(ADAM_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(ADAM_KERNEL, { param, grad, m, v }, { ...attrs }) as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  return tf.tidy(() => {
    const { beta1, beta2, epsilon, learningRate, step } = attrs;
    const m2 = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
    const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
    const mHat = tf.div(m2, 1 - beta1 ** step);
    const vHat = tf.div(v2, 1 - beta2 ** step);
    const p2 = tf.sub(param, tf.div(tf.mul(mHat, learningRate), tf.add(tf.sqrt(vHat), epsilon)));
    return [p2, m2, v2] as [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}

/** Adam over a fixed list of variables; owns its moment tensors. */
export class FusedAdam {
  readonly config: FusedAdamConfig;
  /** Updates applied so far. */
  step = 0;
  private readonly m: tf.Tensor[];
  private readonly v: tf.Tensor[];

  constructor(private readonly params: readonly tf.Variable[], config: Partial<FusedAdamConfig> = {}) {
    this.config = { ...FUSED_ADAM_DEFAULTS, ...config };
    this.m = params.map((p) => tf.zerosLike(p));
    this.v = params.map((p) => tf.zerosLike(p));
  }

  /** Applies one update; grads[i] belongs to params[i] (missing gradients skip the parameter). */
  apply(grads: ReadonlyArray<tf.Tensor | undefined>): void {
    this.step += 1;
    const attrs: AdamAttrs = { ...this.config, step: this.step };
    this.params.forEach((p, i) => {
      const g = grads[i];
      if (!g) return;
      const [p2, m2, v2] = adamUpdate(p, g, this.m[i], this.v[i], attrs);
      p.assign(p2);
      p2.dispose();
      this.m[i].dispose();
      this.v[i].dispose();
      this.m[i] = m2;
      this.v[i] = v2;
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
