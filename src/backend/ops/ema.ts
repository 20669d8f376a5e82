/**
 * shadow ← decay·shadow + (1 − decay)·live for one weight tensor: one fused kernel on wasm, cpu
 * and webgpu (../kernels/ema-kernels.ts), tfjs ops elsewhere. The caller owns the result.
 */
import * as tf from '@tensorflow/tfjs';
import { EMA_KERNEL } from '../kernels/ema-kernels';

export function emaUpdate(shadow: tf.Tensor, live: tf.Tensor, decay: number): tf.Tensor {
  if (tf.getKernel(EMA_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(EMA_KERNEL, { shadow, live }, { decay }) as tf.Tensor;
  }
  return tf.tidy(() => tf.add(tf.mul(shadow, decay), tf.mul(live, 1 - decay)));
}
