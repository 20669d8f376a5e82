/**
 * models.trained() in the kernel: a second call must not free the model an earlier cell still
 * holds, and the kernel counts the new weights as its own (so no cell is blamed for them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { checkpointJson, encodeCheckpoint } from '../../../src/training/checkpoint';
import { kernelData } from '../../../src/notebook/kernel/kernel-models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function trainerFiles(): Promise<{ json: string; weights: ArrayBuffer }> {
  const model = new UNet(presetConfig('tiny'), 7);
  const weights = model.getWeights();
  const ckpt = await encodeCheckpoint(weights, {
    weights: 'ema',
    preset: 'tiny',
    model: { ...model.config },
    scheduler: { numTrainTimesteps: 1000 },
    training: { steps: 0, wallTimeSeconds: 0, backend: 'cpu', batchSize: 2, learningRate: 1e-3, warmupSteps: 0, gradClipNorm: 1, emaDecay: 0.999, labelDropout: 0.1, seed: 5 },
    dataset: { name: 'mnist', split: 'train', count: 0, source: 'test' },
  });
  tf.dispose(Object.values(weights));
  return { json: JSON.stringify(checkpointJson(ckpt)), weights: ckpt.data as ArrayBuffer };
}

describe('kernel models', () => {
  it('keeps the model of an earlier models.trained() usable after a new call', async () => {
    const files = await trainerFiles();
    const data = kernelData('http://localhost/assets/', async () => ({ json: files.json, weights: files.weights.slice(0) }));
    const first = await data.models.trained();
    const ownedAfterFirst = data.owned();
    const second = await data.models.trained();
    expect(data.owned()).toBeGreaterThan(ownedAfterFirst);
    const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    const fromFirst = first.eps(x, 500, 3);
    const fromSecond = second.eps(x, 500, 3);
    expect(fromFirst.shape).toEqual([1, 28, 28, 1]);
    expect(Array.from(fromFirst.dataSync())).toEqual(Array.from(fromSecond.dataSync()));
    tf.dispose([x, fromFirst, fromSecond]);
  });
});
