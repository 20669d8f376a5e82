import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { encodeCheckpoint, parseCheckpoint, CheckpointError, checkpointJson, type Checkpoint } from '../../../src/training/checkpoint';
import { writeCheckpointDir, readCheckpointDir } from '../../../src/training/checkpoint-node';
import { unetFromCheckpoint } from '../../../src/model/unet-checkpoint';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const training = {
  steps: 0, wallTimeSeconds: 0, backend: 'cpu', batchSize: 2, learningRate: 1e-3, warmupSteps: 0,
  gradClipNorm: 1, emaDecay: 0.999, labelDropout: 0.1, seed: 5,
};

async function checkpointOf(model: UNet): Promise<Checkpoint> {
  const weights = model.getWeights();
  const ckpt = await encodeCheckpoint(weights, {
    weights: 'ema',
    preset: 'tiny',
    model: { ...model.config },
    scheduler: { numTrainTimesteps: 1000 },
    training,
    dataset: { name: 'mnist', split: 'train', count: 0, source: 'test' },
  });
  tf.dispose(Object.values(weights));
  return ckpt;
}

function probe(model: UNet): Float32Array {
  return tf.tidy(() => {
    const x = tf.linspace(-1, 1, 2 * 28 * 28).reshape([2, 28, 28, 1]) as tf.Tensor4D;
    return model.apply(x, tf.tensor1d([10, 500]), tf.tensor1d([3, 10], 'int32')).dataSync() as Float32Array;
  });
}

describe('checkpoints', () => {
  it('save → load round trip gives identical outputs', async () => {
    const model = new UNet(presetConfig('tiny'), 7);
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeCheckpointDir(dir, await checkpointOf(model));
    const loaded = unetFromCheckpoint(await readCheckpointDir(dir));
    expect(loaded.config).toEqual(model.config);
    expect(probe(loaded)).toEqual(probe(model));
    const before = tf.memory().numTensors;
    unetFromCheckpoint(await readCheckpointDir(dir)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    loaded.dispose();
  });

  it('refuses a corrupt weights file, naming it corrupt', async () => {
    const model = new UNet(presetConfig('tiny'), 7);
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeCheckpointDir(dir, await checkpointOf(model));
    const bytes = await readFile(join(dir, 'weights.bin'));
    bytes[100] ^= 0xff;
    await writeFile(join(dir, 'weights.bin'), bytes);
    await expect(readCheckpointDir(dir)).rejects.toThrow(/weights\.bin is corrupt/);
    model.dispose();
  });

  it('refuses a truncated weights file, naming it truncated', async () => {
    const model = new UNet(presetConfig('tiny'), 7);
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeCheckpointDir(dir, await checkpointOf(model));
    const bytes = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'weights.bin'), bytes.subarray(0, bytes.length - 1000));
    await expect(readCheckpointDir(dir)).rejects.toThrow(/truncated/);
    model.dispose();
  });

  it('refuses JSON that is broken or not a checkpoint', async () => {
    const data = new ArrayBuffer(0);
    await expect(parseCheckpoint('{"format": "diffusion-lab-check', data)).rejects.toThrow(/not valid JSON/);
    await expect(parseCheckpoint('{"format": "layers-model"}', data)).rejects.toThrow(/not a Diffusion Lab checkpoint/);
  });

  it('refuses a checkpoint from a newer format version', async () => {
    const model = new UNet(presetConfig('tiny'), 7);
    const ckpt = await checkpointOf(model);
    const json = checkpointJson(ckpt);
    json.userDefinedMetadata.manifest.version = 99;
    await expect(parseCheckpoint(JSON.stringify(json), ckpt.data)).rejects.toThrow(/version 99 is not supported/);
    model.dispose();
  });

  it('refuses weights that do not match the model config, without building a model', async () => {
    const model = new UNet(presetConfig('tiny'), 7);
    const ckpt = await checkpointOf(model);
    const wrongConfig = { ...ckpt, manifest: { ...ckpt.manifest, model: { ...ckpt.manifest.model, baseChannels: 16 } } };
    const before = tf.memory().numTensors;
    expect(() => unetFromCheckpoint(wrongConfig)).toThrow(CheckpointError);
    expect(() => unetFromCheckpoint(wrongConfig)).toThrow(/do not match the model/);
    expect(tf.memory().numTensors).toBe(before);
    const unknownField = { ...ckpt, manifest: { ...ckpt.manifest, model: { ...ckpt.manifest.model, wings: 2 } } };
    expect(() => unetFromCheckpoint(unknownField)).toThrow(/model config does not match this code/);
    model.dispose();
  });
});
