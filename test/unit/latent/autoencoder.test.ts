import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { Rng } from '../../../src/data/rng';
import { CheckpointError, checkpointJson, encodeCheckpoint, parseCheckpoint, type Checkpoint } from '../../../src/training/checkpoint';
import { UNet } from '../../../src/model/unet';
import { presetConfig } from '../../../src/model/config';
import { Autoencoder } from '../../../src/latent/autoencoder';
import {
  AutoencoderConfigError,
  DEFAULT_AUTOENCODER_CONFIG,
  describeAutoencoder,
  validateAutoencoderConfig,
  type AutoencoderConfig,
} from '../../../src/latent/autoencoder-config';
import { autoencoderFromCheckpoint, encodeAutoencoderCheckpoint } from '../../../src/latent/autoencoder-checkpoint';
import { AutoencoderTrainer, meanGaussianKl } from '../../../src/latent/autoencoder-trainer';
import {
  checkNormalization,
  decodeLatents,
  encodeMeans,
  latentNormalization,
  meanSquaredError,
  normalizeInPlace,
  psnrUnitRange,
  reconstructImages,
} from '../../../src/latent/latent-codec';

beforeAll(async () => {
  // wasm: the training kernels of src/backend make a few autoencoder steps take a second, not minutes.
  await setupBackend('wasm', { strict: true });
});

/** A narrow autoencoder so the tests run quickly on tfjs' cpu backend. */
const SMALL: AutoencoderConfig = { imageSize: 28, channels: 1, widths: [4, 8, 8], latentChannels: 2 };

const training = {
  steps: 3, wallTimeSeconds: 1, backend: 'cpu', batchSize: 4, learningRate: 1e-3, warmupSteps: 0,
  gradClipNorm: 1, emaDecay: 0, labelDropout: 0, seed: 0,
};
const dataset = { name: 'mnist', split: 'train', count: 4, source: 'test' };

/** Blob-like "digits": a bright disc at a random place on a dark background, in [−1, 1]. */
function blobs(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count * 784).fill(-1);
  for (let n = 0; n < count; n++) {
    const cx = 8 + rng.int(12);
    const cy = 8 + rng.int(12);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < 30) out[n * 784 + y * 28 + x] = 1;
  }
  return out;
}

const NORM = { shift: [0.1, -0.2], scale: [2, 3] };

async function checkpointOf(ae: Autoencoder, normalization = NORM): Promise<Checkpoint> {
  return encodeAutoencoderCheckpoint(ae, { normalization, training, dataset, metrics: { testReconstructionMse: 0.5 } });
}

describe('autoencoder config', () => {
  it('counts parameters and FLOPs from the layer shapes, and the model agrees', () => {
    const d = describeAutoencoder(DEFAULT_AUTOENCODER_CONFIG);
    const ae = new Autoencoder(DEFAULT_AUTOENCODER_CONFIG, 0);
    expect(ae.paramCount()).toBe(d.params);
    expect(d.encoderParams + d.decoderParams).toBe(d.params);
    // The decoder's last layers run at 28×28: the first, 1 → 16 channels, costs 2·28²·9·1·16.
    expect(d.layers[0]).toMatchObject({ name: 'enc.in', shape: [28, 28, 16], flops: 2 * 28 * 28 * 9 * 16 });
    expect(d.layers.find((l) => l.name === 'enc.out')!.shape).toEqual([7, 7, 8]);
    expect(d.decoderFlops).toBeGreaterThan(d.encoderFlops);
    ae.dispose();
  });

  it('refuses configurations it cannot build, naming the field', () => {
    expect(() => validateAutoencoderConfig({ ...SMALL, imageSize: 30 })).toThrow(/divisible by 4/);
    expect(() => validateAutoencoderConfig({ ...SMALL, widths: [4, 8] })).toThrow(AutoencoderConfigError);
    expect(() => validateAutoencoderConfig({ ...SMALL, latentChannels: 9 })).toThrow(/latentChannels/);
    expect(() => validateAutoencoderConfig({ ...SMALL, kind: 'x' })).toThrow(/unknown field/);
  });
});

describe('Autoencoder', () => {
  it('encodes 28×28×1 to 7×7×c means and log-variances and decodes back into (−1, 1)', () => {
    const ae = new Autoencoder(SMALL, 1);
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(blobs(3, 1), [3, 28, 28, 1]);
    const { mean, logvar } = ae.encode(x);
    expect(mean.shape).toEqual([3, 7, 7, 2]);
    expect(logvar.shape).toEqual([3, 7, 7, 2]);
    const y = ae.decode(mean);
    expect(y.shape).toEqual([3, 28, 28, 1]);
    const values = y.dataSync();
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.min(...values)).toBeGreaterThan(-1);
    tf.dispose([x, mean, logvar, y]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => ae.decode(tf.zeros([1, 7, 7, 3]) as tf.Tensor4D)).toThrow(/\[B, 7, 7, 2\]/);
    ae.dispose();
  });

  it('the KL of N(0, 1) against N(0, 1) is 0, and of N(1, e) is ½(e − 1 − 1 + 1)', () => {
    const zero = meanGaussianKl(tf.zeros([2, 3]), tf.zeros([2, 3]));
    expect(zero.dataSync()[0]).toBeCloseTo(0, 6);
    const one = meanGaussianKl(tf.ones([1]), tf.ones([1]));
    // −½(1 + 1 − 1 − e) = ½(e − 1)
    expect(one.dataSync()[0]).toBeCloseTo(0.5 * (Math.E - 1), 5);
    tf.dispose([zero, one]);
  });

  it('training lowers the reconstruction loss and leaks no tensors', async () => {
    const ae = new Autoencoder(SMALL, 2);
    const trainer = new AutoencoderTrainer(ae, { seed: 3, adam: { learningRate: 3e-3, warmupSteps: 0, gradClipNorm: 1 } });
    const images = blobs(8, 4);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) trainer.trainStep(images, 8);
    const points = await trainer.flushLosses();
    expect(tf.memory().numTensors).toBe(start);
    expect(points).toHaveLength(30);
    const first = points.slice(0, 5).reduce((s, p) => s + p.reconstruction, 0) / 5;
    const last = points.slice(-5).reduce((s, p) => s + p.reconstruction, 0) / 5;
    expect(last).toBeLessThan(first * 0.8);
    expect(points.every((p) => Number.isFinite(p.kl) && p.kl >= 0)).toBe(true);
    trainer.dispose();
    ae.dispose();
  });
});

describe('latent codec', () => {
  it('encodes in chunks like in one batch, normalises each channel to mean 0 and spread 1, and decodes with it undone', async () => {
    const ae = new Autoencoder(SMALL, 5);
    const images = blobs(5, 6);
    const whole = await encodeMeans(ae, images, 5, 5);
    const chunked = await encodeMeans(ae, images, 5, 2);
    expect(chunked.length).toBe(5 * 7 * 7 * 2);
    for (let i = 0; i < whole.length; i++) expect(chunked[i]).toBeCloseTo(whole[i], 5);
    const norm = latentNormalization(whole, 2);
    const z = normalizeInPlace(whole.slice(), norm);
    const again = latentNormalization(z, 2);
    for (let c = 0; c < 2; c++) {
      expect(again.shift[c]).toBeCloseTo(0, 5);
      expect(again.scale[c]).toBeCloseTo(1, 4);
    }
    // D(z / scale + shift) = D(μ): decoding normalised latents with their normalisation gives the reconstructions.
    const viaNormalised = await decodeLatents(ae, z, 5, norm);
    const recon = await reconstructImages(ae, images, 5);
    for (let i = 0; i < recon.length; i += 97) expect(viaNormalised[i]).toBeCloseTo(recon[i], 4);
    await expect(encodeMeans(ae, images, 4)).rejects.toThrow(/4 images need/);
    expect(() => checkNormalization({ shift: [0, 0], scale: [1, 0] }, 2)).toThrow(/positive scales/);
    expect(() => checkNormalization({ shift: [0], scale: [1] }, 2)).toThrow(/2 shifts/);
    ae.dispose();
  });

  it('MSE and PSNR on the [−1, 1] scale', () => {
    expect(meanSquaredError(Float32Array.of(1, -1), Float32Array.of(0, -1))).toBe(0.5);
    expect(psnrUnitRange(0.04)).toBeCloseTo(20, 10);
  });
});

describe('autoencoder checkpoints', () => {
  it('round-trips weights, config and normalisation', async () => {
    const ae = new Autoencoder(SMALL, 7);
    const ckpt = await checkpointOf(ae);
    const json = JSON.stringify(checkpointJson(ckpt));
    const loaded = autoencoderFromCheckpoint(await parseCheckpoint(json, ckpt.data));
    expect(loaded.normalization).toEqual(NORM);
    expect(loaded.model.config).toEqual(SMALL);
    const images = blobs(2, 8);
    expect(await reconstructImages(loaded.model, images, 2)).toEqual(await reconstructImages(ae, images, 2));
    loaded.model.dispose();
    ae.dispose();
  });

  it('refuses a corrupt weights file, a U-Net checkpoint, and a missing normalisation', async () => {
    const ae = new Autoencoder(SMALL, 9);
    const ckpt = await checkpointOf(ae);
    const json = JSON.stringify(checkpointJson(ckpt));
    const corrupt = ckpt.data.slice(0);
    new Uint8Array(corrupt)[100] ^= 0xff;
    await expect(parseCheckpoint(json, corrupt)).rejects.toThrow(/corrupt/);

    const unet = new UNet(presetConfig('tiny'), 0);
    const weights = unet.getWeights();
    const unetCkpt = await encodeCheckpoint(weights, { weights: 'ema', preset: 'tiny', model: { ...unet.config }, scheduler: {}, training, dataset });
    tf.dispose(Object.values(weights));
    expect(() => autoencoderFromCheckpoint(unetCkpt)).toThrow(CheckpointError);
    expect(() => autoencoderFromCheckpoint(unetCkpt)).toThrow(/not an autoencoder checkpoint/);

    const noScale = { ...ckpt, manifest: { ...ckpt.manifest, model: { ...ckpt.manifest.model, latentScale: [1, 0] } } };
    expect(() => autoencoderFromCheckpoint(noScale)).toThrow(/no valid latent normalisation/);
    const before = tf.memory().numTensors;
    const wrongShape = { ...ckpt, manifest: { ...ckpt.manifest, model: { ...ckpt.manifest.model, widths: [4, 8, 16] } } };
    expect(() => autoencoderFromCheckpoint(wrongShape)).toThrow(/do not match/);
    expect(tf.memory().numTensors).toBe(before);
    unet.dispose();
    ae.dispose();
  });
});
