import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { DDPMScheduler } from '../../../src/diffusion';
import { CheckpointError, checkpointJson, encodeCheckpoint, parseCheckpoint } from '../../../src/training/checkpoint';
import { Trainer } from '../../../src/training/trainer';
import { UNet } from '../../../src/model/unet';
import { describeUNet } from '../../../src/model/describe';
import { presetConfig } from '../../../src/model/config';
import { Autoencoder } from '../../../src/latent/autoencoder';
import { DEFAULT_AUTOENCODER_CONFIG, type AutoencoderConfig } from '../../../src/latent/autoencoder-config';
import { autoencoderFromCheckpoint, encodeAutoencoderCheckpoint } from '../../../src/latent/autoencoder-checkpoint';
import { classCounts, LatentBatches, parseClassWeights, skewedIndices } from '../../../src/latent/latent-batches';
import { checkLatentPair, latentUNetFromCheckpoint } from '../../../src/latent/latent-checkpoint';
import { LATENT_SCHEDULER_SETTINGS, latentSamplingCost, latentUNetConfig, pixelSamplingCost } from '../../../src/latent/latent-model';
import { sampleLatentImages } from '../../../src/latent/latent-sampling';
import { qualityFigures } from '../../../src/latent/latent-api';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

const SMALL: AutoencoderConfig = { imageSize: 28, channels: 1, widths: [4, 8, 8], latentChannels: 2 };
const training = {
  steps: 1, wallTimeSeconds: 1, backend: 'wasm', batchSize: 4, learningRate: 1e-3, warmupSteps: 0,
  gradClipNorm: 1, emaDecay: 0, labelDropout: 0, seed: 0,
};
const dataset = { name: 'mnist', split: 'train', count: 4, source: 'test' };

describe('the latent U-Net', () => {
  it('is a single-level U-Net at 7×7 that the existing code builds, smaller per step than the pixel model', () => {
    const config = latentUNetConfig(DEFAULT_AUTOENCODER_CONFIG);
    expect(config).toMatchObject({ imageSize: 7, channels: 4, channelMults: [1], attention: true, numClasses: 10 });
    const unet = new UNet(config, 0);
    const out = tf.tidy(() => unet.apply(tf.randomNormal([3, 7, 7, 4]) as tf.Tensor4D, tf.tensor1d([0, 500, 999]), tf.tensor1d([1, 2, 10], 'int32')));
    expect(out.shape).toEqual([3, 7, 7, 4]);
    out.dispose();
    const latent = describeUNet(config).flopsPerImage;
    const pixel = describeUNet(presetConfig('small')).flopsPerImage;
    expect(latent).toBeLessThan(pixel / 2);
    unet.dispose();
  });

  it('counts the cost of a run: two evaluations per guided step, plus one decoder pass in latent space', () => {
    const pixel = pixelSamplingCost(presetConfig('small'), 20, true);
    expect(pixel.nfe).toBe(40);
    expect(pixel.totalFlops).toBe(40 * pixel.flopsPerStep);
    expect(pixel.valuesPerImage).toBe(784);
    const latent = latentSamplingCost(latentUNetConfig(DEFAULT_AUTOENCODER_CONFIG), DEFAULT_AUTOENCODER_CONFIG, 20, false);
    expect(latent.nfe).toBe(20);
    expect(latent.decodeFlops).toBeGreaterThan(0);
    expect(latent.totalFlops).toBe(20 * latent.flopsPerStep + latent.decodeFlops);
    expect(latent.valuesPerImage).toBe(196);
  });

  it('trains on latents with the shared trainer (finite losses, no leaks)', async () => {
    const config = latentUNetConfig(SMALL, { baseChannels: 8 });
    const model = new UNet(config, 1);
    const ema = new UNet(config, 1);
    const size = 7 * 7 * 2;
    const latents = new Float32Array(16 * size).map((_, i) => Math.sin(i));
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
    const batches = new LatentBatches(latents, labels, size, 4, 0);
    const trainer = new Trainer(model, ema, new DDPMScheduler({ ...LATENT_SCHEDULER_SETTINGS }), batches, {
      batchSize: 4, numClasses: 10, seed: 0, imageShape: [7, 7, 2], adam: { warmupSteps: 0 },
    });
    const before = tf.memory().numTensors;
    await trainer.train({ steps: 5, yieldToEventLoop: async () => {} });
    expect(trainer.losses).toHaveLength(5);
    expect(trainer.losses.every((p) => Number.isFinite(p.loss) && p.loss > 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
    ema.dispose();
  });
});

describe('latent batches and the skewed subset', () => {
  it('gives every latent once per epoch with its label, and resumes from a saved state', () => {
    const size = 3;
    const latents = Float32Array.from({ length: 10 * size }, (_, i) => Math.floor(i / size));
    const labels = Int32Array.from({ length: 10 }, (_, i) => i);
    const a = new LatentBatches(latents, labels, size, 5, 4);
    const seen: number[] = [];
    for (let b = 0; b < 2; b++) {
      const { images, labels: l } = a.next();
      for (let k = 0; k < 5; k++) {
        expect(images[k * size]).toBe(l[k]);
        seen.push(l[k]);
      }
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const state = JSON.parse(JSON.stringify(a.getState()));
    const next = a.next();
    const b = new LatentBatches(latents, labels, size, 5, 99);
    b.setState(state);
    expect(b.next()).toEqual(next);
    expect(() => new LatentBatches(latents, labels, size, 11, 0)).toThrow(/batch size/);
  });

  it('keeps a share w/max(w) of each class', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
    const idx = skewedIndices(labels, [5, 5, 5, 5, 5, 1, 1, 1, 1, 1], 0);
    const counts = classCounts(Array.from(idx, (i) => labels[i]));
    expect(counts).toEqual([100, 100, 100, 100, 100, 20, 20, 20, 20, 20]);
    expect([...idx]).toEqual([...idx].sort((x, y) => x - y));
    expect(new Set(idx).size).toBe(idx.length);
    expect(skewedIndices(labels, [5, 5, 5, 5, 5, 1, 1, 1, 1, 1], 1)).not.toEqual(idx);
  });

  it('parses class weights and explains bad ones', () => {
    expect(parseClassWeights('5,5,5,5,5,1,1,1,1,1')).toEqual([5, 5, 5, 5, 5, 1, 1, 1, 1, 1]);
    expect(() => parseClassWeights('5,5,5')).toThrow(/10 numbers/);
    expect(() => parseClassWeights('0,0,0,0,0,0,0,0,0,0')).toThrow(/not all 0/);
    expect(() => parseClassWeights('1,1,1,1,1,1,1,1,1,-1')).toThrow(/≥ 0/);
  });
});

describe('latent checkpoints', () => {
  it('pairs a latent model with its autoencoder by hash, refuses another, and samples decoded digits', async () => {
    const ae = new Autoencoder(SMALL, 3);
    const normalization = { shift: [0.5, -0.5], scale: [2, 1.5] };
    const aeCkpt = await encodeAutoencoderCheckpoint(ae, { normalization, training, dataset, metrics: {} });
    const loadedAe = autoencoderFromCheckpoint(await parseCheckpoint(JSON.stringify(checkpointJson(aeCkpt)), aeCkpt.data));
    const config = latentUNetConfig(SMALL, { baseChannels: 8 });
    const unet = new UNet(config, 2);
    const weights = unet.getWeights();
    const latentSpace = { autoencoder: 'x', contentHash: aeCkpt.manifest.contentHash, ...normalization, shape: [7, 7, 2] };
    const ckpt = await encodeCheckpoint(weights, {
      weights: 'ema', preset: 'latent-small', model: { ...config }, scheduler: { clipSample: false }, training, dataset, metrics: { latentSpace },
    });
    tf.dispose(Object.values(weights));
    const parsed = await parseCheckpoint(JSON.stringify(checkpointJson(ckpt)), ckpt.data);
    expect(checkLatentPair(parsed, loadedAe).scale).toEqual([2, 1.5]);
    const renormalised = { ...parsed, manifest: { ...parsed.manifest, metrics: { latentSpace: { ...latentSpace, scale: [1, 1] } } } };
    expect(() => checkLatentPair(renormalised, loadedAe)).toThrow(/another latent normalisation/);

    const other = { ...parsed, manifest: { ...parsed.manifest, metrics: { latentSpace: { ...latentSpace, contentHash: 'f'.repeat(64) } } } };
    expect(() => checkLatentPair(other, loadedAe)).toThrow(CheckpointError);
    expect(() => checkLatentPair(other, loadedAe)).toThrow(/another|autoencoder fff/);
    const noSpace = { ...parsed, manifest: { ...parsed.manifest, metrics: {} } };
    expect(() => checkLatentPair(noSpace, loadedAe)).toThrow(/names no autoencoder/);

    const { unet: loaded } = latentUNetFromCheckpoint(parsed, loadedAe);
    const before = tf.memory().numTensors;
    const out = await sampleLatentImages({
      unet: loaded, autoencoder: loadedAe.model, normalization: loadedAe.normalization, trainedScheduler: parsed.manifest.scheduler,
      sampler: 'ddim', steps: 3, guidance: 1, labels: [3, 7], count: 2, seed: 5,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.images.length).toBe(2 * 784);
    expect(out.latents.length).toBe(2 * 98);
    expect(out.nfe).toBe(6);
    expect(out.images.every((v) => v >= -1 && v <= 1)).toBe(true);
    const again = await sampleLatentImages({
      unet: loaded, autoencoder: loadedAe.model, normalization: loadedAe.normalization, trainedScheduler: parsed.manifest.scheduler,
      sampler: 'ddim', steps: 3, guidance: 1, labels: [3, 7], count: 2, seed: 5,
    });
    expect(again.images).toEqual(out.images);
    loaded.dispose();
    unet.dispose();
    loadedAe.model.dispose();
    ae.dispose();
  });
});

describe('quality figures from evaluation reports', () => {
  it('reads a pixel report (lists of runs) and a latent report (one unconditional run)', () => {
    const pixel = { n: 400, conditional: [{ guidance: 1, accuracy: 0.97, fid: 18, sampler: 'ddim', steps: 50 }], unconditional: [{ sampler: 'ddim', steps: 10, fid: 190 }] };
    expect(qualityFigures(pixel)).toEqual([
      { guidance: 1, accuracy: 0.97, fid: 18, n: 400, sampler: 'ddim', steps: 50 },
      { guidance: null, accuracy: null, fid: 190, n: 400, sampler: 'ddim', steps: 10 },
    ]);
    const latent = { n: 200, sampler: 'ddim', steps: 50, conditional: [], unconditional: { fid: 40 } };
    expect(qualityFigures(latent)).toEqual([{ guidance: null, accuracy: null, fid: 40, n: 200, sampler: 'ddim', steps: 50 }]);
    expect(qualityFigures(null)).toEqual([]);
  });
});
