import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, validateUNetConfig, workingSize } from '../../../src/model/config';
import { describeUNet } from '../../../src/model/describe';
import { depthToSpace, spaceToDepth, UNet } from '../../../src/model/unet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the patch stem (space-to-depth)', () => {
  it('folds each 2×2 patch into channels in (dy, dx, c) order, and unfolds it back', () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i), [2, 4, 4, 3]);
    const folded = spaceToDepth(x, 2);
    expect(folded.shape).toEqual([2, 2, 2, 12]);
    const xs = x.arraySync();
    const fs = folded.arraySync();
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++)
              for (let c = 0; c < 3; c++) expect(fs[b][i][j][(dy * 2 + dx) * 3 + c]).toBe(xs[b][i * 2 + dy][j * 2 + dx][c]);
    const back = depthToSpace(folded, 2, 3);
    expect(back.arraySync()).toEqual(xs);
    tf.dispose([x, folded, back]);
  });

  it('runs the live preset at 14×14 and returns an image of the input shape', () => {
    const config = PRESETS.live;
    expect(workingSize(config)).toBe(14);
    const model = new UNet(config, 0);
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([3, 28, 28, 1]) as tf.Tensor4D;
    const t = tf.tensor1d([0, 500, 999]);
    const labels = tf.tensor1d([1, 2, 10], 'int32');
    const y = model.apply(x, t, labels);
    expect(y.shape).toEqual([3, 28, 28, 1]);
    expect(y.dataSync().every(Number.isFinite)).toBe(true);
    const first = describeUNet(config).layers.find((l) => l.name === 'in.conv');
    expect(first?.shape).toEqual([14, 14, config.baseChannels]);
    tf.dispose([x, t, labels, y]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('keeps configurations without a patch size unchanged, and rejects one that does not divide the image', () => {
    expect(validateUNetConfig(PRESETS.tiny)).toEqual(PRESETS.tiny);
    expect('patchSize' in validateUNetConfig(PRESETS.tiny)).toBe(false);
    expect(() => validateUNetConfig({ ...PRESETS.tiny, patchSize: 3 })).toThrow(/patchSize: must divide imageSize/);
    expect(() => validateUNetConfig({ ...PRESETS.tiny, channelMults: [1, 2, 2], patchSize: 2 })).toThrow(/divisible by 8/);
  });
});
