/**
 * `models` and `mnist` in the kernel: the shipped checkpoint (fetched as the lab does), the page
 * trainer's model (its checkpoint bytes, asked of the page), and digits from the course's MNIST
 * subset. Each model answers `eps(x, t, label)` with ε̂ whatever its network predicts.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../data/rng';
import type { MnistDataset } from '../../data/mnist';
import type { MnistSplit } from '../../data/mnist-assets';
import { loadMnistFromUrl } from '../../data/mnist-url';
import { schedulerFor } from '../../diffusion/pipelines/sampling';
import type { DDIMScheduler, DDPMScheduler } from '../../diffusion';
import { checkpointJsonUrl, fetchCheckpoint } from '../../lab/browser/checkpoint-sources';
import { unetFromCheckpoint } from '../../model/unet-checkpoint';
import { autoencoderFromCheckpoint } from '../../latent/autoencoder-checkpoint';
import type { UNet } from '../../model/unet';
import { parseCheckpoint, type Checkpoint } from '../../training/checkpoint';

import { SHIPPED_CHECKPOINT_DIR } from '../../lab/asset-folders';
import { LATENT_CHECKPOINT_DIRS } from '../../latent/latent-api';

/** The latent-diffusion autoencoder. */
const AUTOENCODER_DIR = LATENT_CHECKPOINT_DIRS.autoencoder;
const MAX_DIGITS = 1000;

export interface ModelConfig {
  numTrainTimesteps: number;
  betaSchedule: string;
  predictionType: string;
}

/** A checkpoint's U-Net as cells use it. */
export class KernelModel {
  readonly config: ModelConfig;
  private readonly alphasCumprod: Float32Array;

  constructor(
    private readonly unet: UNet,
    private readonly schedulerConfig: Record<string, unknown>,
  ) {
    const reference = schedulerFor('ddpm', schedulerConfig);
    this.alphasCumprod = reference.alphasCumprod;
    this.config = {
      numTrainTimesteps: reference.config.numTrainTimesteps,
      betaSchedule: String(reference.config.betaSchedule),
      predictionType: reference.config.predictionType,
    };
  }

  /** A scheduler configured like the model's training (its schedule, T and prediction type). */
  scheduler(kind: 'ddpm' | 'ddim' = 'ddpm'): DDPMScheduler | DDIMScheduler {
    if (kind !== 'ddpm' && kind !== 'ddim') throw new Error(`m.scheduler: expected "ddpm" or "ddim", got ${JSON.stringify(kind)}`);
    return schedulerFor(kind, this.schedulerConfig);
  }

  /**
   * ε̂(x_t, t, label) as a new tensor shaped like x. A v-predicting network's output is turned into
   * ε̂ = √ᾱ_t·v̂ + √(1−ᾱ_t)·x_t (Salimans & Ho 2022, §4 and App. D); an x₀-predicting one's into
   * ε̂ = (x_t − √ᾱ_t·x̂₀)/√(1−ᾱ_t).
   */
  eps(x: tf.Tensor, t: number | number[], label: number | null | Array<number | null> = null): tf.Tensor4D {
    const { imageSize, channels, numClasses } = this.unet.config;
    if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.shape[1] !== imageSize || x.shape[2] !== imageSize || x.shape[3] !== channels) {
      const shape = x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x;
      throw new Error(`m.eps: x must be a tensor shaped [n, ${imageSize}, ${imageSize}, ${channels}], got ${shape}`);
    }
    const n = x.shape[0];
    const T = this.config.numTrainTimesteps;
    const steps = Array.isArray(t) ? t : new Array<number>(n).fill(t);
    if (steps.length !== n) throw new Error(`m.eps: t has ${steps.length} timesteps for ${n} images`);
    steps.forEach((s, i) => {
      if (!Number.isInteger(s) || s < 0 || s >= T) throw new Error(`m.eps: t${Array.isArray(t) ? `[${i}]` : ''} = ${s} is not a whole timestep 0..${T - 1}`);
    });
    const labels = Array.isArray(label) ? label : new Array<number | null>(n).fill(label);
    if (labels.length !== n) throw new Error(`m.eps: label has ${labels.length} entries for ${n} images`);
    const ids = labels.map((l, i) => {
      if (l === null || l === undefined) return numClasses;
      if (!Number.isInteger(l) || l < 0 || l >= numClasses) throw new Error(`m.eps: label ${l}${Array.isArray(label) ? ` (image ${i})` : ''} is not a digit 0..${numClasses - 1} (use null for none)`);
      return l;
    });
    const abar = steps.map((s) => this.alphasCumprod[s]);
    return tf.tidy(() => {
      const out = this.unet.apply(x as tf.Tensor4D, tf.tensor1d(steps, 'int32'), numClasses > 0 ? tf.tensor1d(ids, 'int32') : null);
      if (this.config.predictionType === 'epsilon') return out;
      const sa = tf.tensor4d(abar.map(Math.sqrt), [n, 1, 1, 1]);
      const sb = tf.tensor4d(abar.map((a) => Math.sqrt(1 - a)), [n, 1, 1, 1]);
      if (this.config.predictionType === 'v_prediction') return tf.add(tf.mul(sa, out), tf.mul(sb, x)) as tf.Tensor4D;
      return tf.div(tf.sub(x, tf.mul(sa, out)), sb) as tf.Tensor4D;
    });
  }

  dispose(): void {
    this.unet.dispose();
  }
}

function modelFrom(ckpt: Checkpoint): KernelModel {
  return new KernelModel(unetFromCheckpoint(ckpt), { ...ckpt.manifest.scheduler });
}

/** The shipped autoencoder of latent diffusion (lesson 9), as cells use it. */
export interface KernelAutoencoder {
  /** Shape of one latent, [side, side, channels]. */
  latentShape: [number, number, number];
  /** The mean of q(z|x) for images x [n, 28, 28, 1] in [−1, 1]. */
  encode(x: tf.Tensor4D): tf.Tensor4D;
  /** Images for latents z [n, ...latentShape]. */
  decode(z: tf.Tensor4D): tf.Tensor4D;
}

export interface DigitsOptions {
  label?: number;
  seed?: number;
  split?: MnistSplit;
}

export interface KernelData {
  /** Counts tensors the kernel itself keeps (model weights), so a cell is not blamed for them. */
  owned(): number;
  mnist: { digits(n: number, options?: DigitsOptions): Promise<{ images: tf.Tensor4D; labels: number[] }> };
  models: { shipped(): Promise<KernelModel>; trained(): Promise<KernelModel>; autoencoder(): Promise<KernelAutoencoder> };
}

/** `askPage` returns the trainer's checkpoint files, or rejects with the page's reason. */
export function kernelData(assetsBase: string, askPage: () => Promise<{ json: string; weights: ArrayBuffer }>): KernelData {
  let ownedTensors = 0;
  const owning = async <T>(load: () => Promise<T>): Promise<T> => {
    const before = tf.memory().numTensors;
    try {
      return await load();
    } finally {
      ownedTensors += tf.memory().numTensors - before;
    }
  };
  const datasets = new Map<MnistSplit, Promise<MnistDataset>>();
  const dataset = (split: MnistSplit): Promise<MnistDataset> => {
    let loading = datasets.get(split);
    if (!loading) {
      loading = loadMnistFromUrl(`${assetsBase}mnist/`, split);
      loading.catch(() => datasets.delete(split));
      datasets.set(split, loading);
    }
    return loading;
  };
  let shipped: Promise<KernelModel> | null = null;
  let autoencoder: Promise<KernelAutoencoder> | null = null;

  return {
    owned: () => ownedTensors,
    mnist: {
      async digits(n, options = {}) {
        if (!Number.isInteger(n) || n < 1 || n > MAX_DIGITS) throw new Error(`mnist.digits: n must be a whole number 1..${MAX_DIGITS}, got ${String(n)}`);
        const split = options.split ?? 'train';
        if (split !== 'train' && split !== 'test') throw new Error(`mnist.digits: split must be "train" or "test", got ${JSON.stringify(split)}`);
        const { label } = options;
        if (label !== undefined && (!Number.isInteger(label) || label < 0 || label > 9)) throw new Error(`mnist.digits: label must be a digit 0..9, got ${String(label)}`);
        const data = await dataset(split);
        const pool: number[] = [];
        for (let i = 0; i < data.count; i++) if (label === undefined || data.label(i) === label) pool.push(i);
        if (pool.length < n) throw new Error(`mnist.digits: the ${split} subset has only ${pool.length} images${label === undefined ? '' : ` of ${label}`}, not ${n}`);
        const rng = new Rng(options.seed ?? 0);
        for (let i = 0; i < n; i++) {
          const j = i + rng.int(pool.length - i);
          [pool[i], pool[j]] = [pool[j], pool[i]];
        }
        const batch = data.gather(pool.slice(0, n));
        return { images: tf.tensor4d(batch.images, [n, 28, 28, 1]), labels: Array.from(batch.labels) };
      },
    },
    models: {
      shipped() {
        if (!shipped) {
          const folder = `${assetsBase}${SHIPPED_CHECKPOINT_DIR}`;
          shipped = owning(async () => {
            const ckpt = await fetchCheckpoint(folder);
            if (!ckpt) throw new Error(`models.shipped: there is no shipped checkpoint at ${checkpointJsonUrl(folder).href}`);
            return modelFrom(ckpt);
          });
          shipped.catch(() => (shipped = null));
        }
        return shipped;
      },
      autoencoder() {
        if (!autoencoder) {
          const folder = `${assetsBase}${AUTOENCODER_DIR}`;
          autoencoder = owning(async () => {
            const ckpt = await fetchCheckpoint(folder);
            if (!ckpt) throw new Error(`models.autoencoder: there is no autoencoder checkpoint at ${checkpointJsonUrl(folder).href}`);
            const { model } = autoencoderFromCheckpoint(ckpt);
            return {
              latentShape: model.latentShape,
              encode: (x: tf.Tensor4D) =>
                tf.tidy(() => {
                  const { mean, logvar } = model.encode(x);
                  logvar.dispose();
                  return mean;
                }),
              decode: (z: tf.Tensor4D) => model.decode(z),
            };
          });
          autoencoder.catch(() => (autoencoder = null));
        }
        return autoencoder;
      },
      async trained() {
        const files = await askPage();
        return owning(async () => {
          // The trainer's model as it is now. One fetched before stays usable (an earlier cell's
          // variable may hold it); Restart frees them all with the worker.
          return modelFrom(await parseCheckpoint(files.json, files.weights));
        });
      },
    },
  };
}
