/**
 * SiLU / swish, x·σ(x) (Elfwing et al. 2018; Ramachandran et al. 2017). The forward pass is the
 * same two tfjs ops everywhere (σ, then a product); on wasm, cpu and webgpu the backward pass is
 * one fused kernel (../kernels/silu-kernels.ts) instead of the five element-wise kernels that the
 * two ops' own gradients take. Use inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { SILU_GRAD_KERNEL } from '../kernels/silu-kernels';

/** True when the active backend has the fused gradient kernel. */
export function hasFusedSilu(backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(SILU_GRAD_KERNEL, backendName) !== undefined;
}

/** The plain composite, x·σ(x), with the gradients of its two ops. */
export function siluComposite<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

export function silu<T extends tf.Tensor>(x: T): T {
  if (x.dtype !== 'float32' || !hasFusedSilu()) return siluComposite(x);
  const fused = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xIn = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const s = tf.sigmoid(xIn);
    save([xIn, s]);
    return {
      value: tf.mul(xIn, s),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ss] = saved;
        return tf.engine().runKernel(SILU_GRAD_KERNEL, { dy, x: xs, s: ss }) as tf.Tensor;
      },
    };
  });
  return fused(x) as T;
}
