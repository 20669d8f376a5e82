/**
 * The U-Net's building blocks written with a deliberately small set of raw tfjs ops (conv2d with a
 * fused bias, pad, matMul, element-wise arithmetic with broadcasting, reshape, concat, mean, rsqrt,
 * sigmoid, softmax, oneHot; sin/cos only on the timestep, which needs no gradient). Keeping to this set lets
 * src/backend guarantee a gradient for every op on every backend (webgpu, webgl, wasm, cpu).
 *
 * All functions expect NHWC tensors and are meant to run inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * 3×3 (or 1×1) convolution, stride 1, zero padding that keeps the size ('same'), plus bias. The
 * bias goes into the convolution kernel (tf.fused.conv2d), which adds it while writing the output
 * instead of in a second pass; its gradient is the sum of dy over batch and pixels, as for a
 * separate add. The fused op's gradient always computes the input gradient too, so for a
 * convolution whose input needs none (the first one, on the image) `inputNeedsGradient: false`
 * uses a plain convolution and add, whose gradients are only computed where used.
 */
export function convSame(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, options: { inputNeedsGradient?: boolean } = {}): tf.Tensor4D {
  if (options.inputNeedsGradient === false) return tf.add(tf.conv2d(x, kernel, 1, 'same'), bias);
  return tf.fused.conv2d({ x, filter: kernel, strides: 1, pad: 'same', bias });
}

/**
 * 3×3 convolution with stride 2 that halves an even side (28 → 14 → 7).
 *
 * tfjs's 'same' padding with stride 2 follows TensorFlow: on an even side it pads 0 rows on top
 * and 1 at the bottom (same for columns), so the sampling grid leans to one corner. We pad one
 * pixel on every side instead (as PyTorch's Conv2d(padding=1) and diffusers' Downsample2D do),
 * which is symmetric, gives ceil(n/2) outputs, and lets weights move between this model and a
 * PyTorch one without shifting the image.
 */
export function downsampleConv(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  return tf.fused.conv2d({ x: padded, filter: kernel, strides: 2, pad: 'valid', bias });
}

/**
 * Nearest-neighbour 2× upsampling by broadcasting against ones, never with
 * tf.image.resizeNearestNeighbor: the cpu backend's gradient of that op is wrong for batch > 1,
 * and broadcasting multiplies have a correct gradient (a sum over the copies) on every backend.
 * Two rank-4 steps (some backends limit the rank of broadcasting ops):
 *   [B, H, W, C] → [B, H·W, 1, C] × ones[1, 1, 2, 1] → [B, H, 2W, C]   (repeat columns)
 *   [B, H, 2W, C] → [B, H, 1, 2W·C] × ones[1, 1, 2, 1] → [B, 2H, 2W, C] (repeat rows)
 */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const twice = tf.ones([1, 1, 2, 1]);
  const cols = tf.reshape(tf.mul(tf.reshape(x, [b, h * w, 1, c]), twice), [b, h, 2 * w, c]);
  const rows = tf.mul(tf.reshape(cols, [b, h, 1, 2 * w * c]), twice);
  return tf.reshape(rows, [b, 2 * h, 2 * w, c]);
}

/**
 * Group normalisation (Wu & He 2018, eq. 1–3): normalise each group of C/G channels over all
 * its pixels, then scale and shift per channel. Batch independent, so training and sampling
 * behave the same at any batch size. The implementation lives with the backend kernels: on
 * wasm and cpu it is one fused kernel (forward and gradient), elsewhere plain tfjs ops; as ~10
 * small broadcasting ops it was the largest cost of a CPU training step.
 */
import { groupNorm } from '../backend/ops/group-norm';
export { groupNorm };

/**
 * SiLU / swish (Elfwing et al. 2018; Ramachandran et al. 2017): x · σ(x). Like groupNorm it lives
 * with the backend kernels: on wasm and cpu its gradient is one fused kernel.
 */
import { silu } from '../backend/ops/silu';
export { silu };

/** Dense layer on a matrix of row vectors: x [N, Din] · W [Din, Dout] + b. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, kernel), bias);
}

export interface AttentionWeights {
  normGamma: tf.Tensor1D;
  normBeta: tf.Tensor1D;
  q: [tf.Tensor2D, tf.Tensor1D];
  k: [tf.Tensor2D, tf.Tensor1D];
  v: [tf.Tensor2D, tf.Tensor1D];
  proj: [tf.Tensor2D, tf.Tensor1D];
}

/**
 * Single-head self-attention over the pixels with a residual connection, as in DDPM's AttnBlock
 * (Ho et al. 2020, App. B): softmax(Q Kᵀ / √C) V (Vaswani et al. 2017, eq. 1), the 1×1
 * projections written as matrix products on the flattened [B·H·W, C] features.
 */
export function selfAttention(x: tf.Tensor4D, wts: AttentionWeights, groups: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const n = h * w;
  const flat: tf.Tensor2D = tf.reshape(groupNorm(x, wts.normGamma, wts.normBeta, groups), [b * n, c]);
  const q = tf.reshape(dense(flat, ...wts.q), [b, n, c]);
  const k = tf.reshape(dense(flat, ...wts.k), [b, n, c]);
  const v = tf.reshape(dense(flat, ...wts.v), [b, n, c]);
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c));
  const attended: tf.Tensor2D = tf.reshape(tf.matMul(tf.softmax(scores), v), [b * n, c]);
  return tf.add(x, tf.reshape(dense(attended, ...wts.proj), [b, h, w, c]));
}

/**
 * Sinusoidal timestep features (Vaswani et al. 2017, §3.5, as used by DDPM's
 * get_timestep_embedding): for i < d/2, sin(t·f_i) and cos(t·f_i) with
 * f_i = exp(−ln(10000)·i / (d/2 − 1)). Returns [B, d]. The frequencies are constants computed
 * in JavaScript; no gradient flows into t.
 */
export function timestepFeatures(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const freqs = new Float32Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.exp((-Math.log(10000) * i) / (half - 1));
  const args = tf.mul(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), tf.tensor2d(freqs, [1, half]));
  return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D;
}
