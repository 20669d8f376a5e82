import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_PIXELS, MnistDataset } from '../../../src/data/mnist';
import { toTensors } from '../../../src/data/tensors';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toTensors', () => {
  it('gives [B, 28, 28, 1] float32 images and [B] int32 labels with the batch values', async () => {
    const n = 6;
    const pixels = Uint8Array.from({ length: n * MNIST_PIXELS }, (_, i) => (i * 31) % 256);
    const ds = new MnistDataset(pixels, Uint8Array.from([3, 1, 4, 1, 5, 9]));
    const batch = ds.batches(4, 8).next();
    const before = tf.memory().numTensors;
    const t = toTensors(batch);
    expect(t.images.shape).toEqual([4, 28, 28, 1]);
    expect(t.images.dtype).toBe('float32');
    expect(t.labels.shape).toEqual([4]);
    expect(t.labels.dtype).toBe('int32');
    expect(Array.from(await t.labels.data())).toEqual(Array.from(batch.labels));
    const imgs = await t.images.data();
    expect(imgs).toEqual(batch.images);
    // Row 3, column 5 of the second image sits at NHWC offset ((1·28 + 3)·28 + 5)·1.
    expect(imgs[(1 * 28 + 3) * 28 + 5]).toBe(ds.image(batch.indices[1])[3 * 28 + 5]);
    expect(tf.memory().numTensors).toBe(before + 2);
    t.images.dispose();
    t.labels.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
