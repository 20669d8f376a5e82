/**
 * Consecutive pieces of a flat tensor, reshaped to `shapes`: one kernel on wasm, cpu and webgpu
 * (../kernels/split-flat-kernels.ts), a slice per piece elsewhere. The caller owns the results.
 */
import * as tf from '@tensorflow/tfjs';
import { SPLIT_FLAT_KERNEL } from '../kernels/split-flat-kernels';

export function splitFlat(flat: tf.Tensor, shapes: readonly number[][]): tf.Tensor[] {
  const total = shapes.reduce((sum, shape) => sum + tf.util.sizeFromShape(shape), 0);
  if (flat.size !== total) throw new RangeError(`splitFlat: the tensor has ${flat.size} values, the shapes ${total}`);
  if (flat.dtype !== 'float32') throw new TypeError(`splitFlat: expected a float32 tensor, got ${flat.dtype}`);
  if (tf.getKernel(SPLIT_FLAT_KERNEL, tf.getBackend())) {
    const attrs = { shapes: shapes.map((shape) => [...shape]) } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(SPLIT_FLAT_KERNEL, { x: flat }, attrs) as unknown as tf.Tensor[];
  }
  return tf.tidy(() => {
    const line = tf.reshape(flat, [-1]);
    let offset = 0;
    return shapes.map((shape) => {
      const size = tf.util.sizeFromShape(shape);
      const piece = tf.reshape(tf.slice(line, [offset], [size]), shape);
      offset += size;
      return piece;
    });
  });
}
