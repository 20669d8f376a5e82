/**
 * Turns a batch of plain arrays into tensors. Kept apart from ./mnist so that the dataset, the
 * parser and the asset script do not load tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_SIDE, type MnistBatch } from './mnist';

export interface MnistBatchTensors {
  /** [B, 28, 28, 1] float32 in [-1, 1]. */
  images: tf.Tensor4D;
  /** [B] int32 class labels. */
  labels: tf.Tensor1D;
}

/** New tensors for a batch; the caller owns them and must dispose both (or create them in tf.tidy). */
export function toTensors(batch: MnistBatch): MnistBatchTensors {
  const images = tf.tensor4d(batch.images, [batch.size, MNIST_SIDE, MNIST_SIDE, 1], 'float32');
  const labels = tf.tensor1d(batch.labels, 'int32');
  return { images, labels };
}
