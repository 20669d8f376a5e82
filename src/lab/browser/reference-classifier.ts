/**
 * Labels and confidences from the reference MNIST classifier (src/classifier), loaded once from
 * the assets folder. Confidence is the softmax probability of the predicted class.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierFromCheckpoint, type MnistClassifier } from '../../classifier';
import type { Classification } from '../lab-api';
import { fetchCheckpoint } from './checkpoint-sources';

const BATCH = 256;

export async function loadReferenceClassifier(folderUrl: string): Promise<MnistClassifier> {
  const ckpt = await fetchCheckpoint(folderUrl);
  if (!ckpt) {
    throw new Error(`no reference classifier at ${folderUrl} (the assets folder holds no classifier checkpoint; check assetsBase)`);
  }
  return classifierFromCheckpoint(ckpt);
}

export async function classifyImages(model: MnistClassifier, images: Float32Array, count: number): Promise<Classification> {
  const side = model.config.imageSize;
  const pixels = side * side;
  if (!Number.isInteger(count) || count < 0 || images.length !== count * pixels) {
    throw new RangeError(`classify: ${count} images of ${side}×${side} need ${count * pixels} values, got ${images.length}`);
  }
  const labels = new Int32Array(count);
  const confidence = new Float32Array(count);
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start);
    const [best, prob] = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * pixels, (start + size) * pixels), [size, side, side, 1]);
      const p = tf.softmax(model.logits(x));
      return [tf.argMax(p, 1), tf.max(p, 1)];
    });
    try {
      labels.set((await best.data()) as Int32Array, start);
      confidence.set((await prob.data()) as Float32Array, start);
    } finally {
      best.dispose();
      prob.dispose();
    }
  }
  return { labels, confidence };
}
