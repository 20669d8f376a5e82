/**
 * The latent diffusion model: the project's U-Net run on the autoencoder's 7×7×c latents instead
 * of 28×28 pixels (Rombach et al. 2022, §3.2: the same ε-prediction objective, eq. 2, with x
 * replaced by z = E(x); samples are D(z₀)).
 *
 * The U-Net code needs no change: a single-level configuration (channelMults [1], no resampling)
 * at imageSize 7 is the pixel model's own 7×7 level (32 channels, self-attention) with c input
 * channels, so the two models differ in where they work rather than in how they are built.
 *
 * Plain data here (no tfjs): the widget and the lessons show the counts without loading a model.
 */
import { validateUNetConfig, type UNetConfig } from '../model/config';
import { describeUNet } from '../model/describe';
import { describeAutoencoder, latentSide, type AutoencoderConfig } from './autoencoder-config';

/** The latent denoiser for a given autoencoder. */
export function latentUNetConfig(ae: AutoencoderConfig, options: { numClasses?: number; baseChannels?: number } = {}): UNetConfig {
  return validateUNetConfig({
    imageSize: latentSide(ae),
    channels: ae.latentChannels,
    baseChannels: options.baseChannels ?? 32,
    channelMults: [1],
    resBlocksPerLevel: 1,
    attention: true,
    groups: 8,
    timeEmbedDim: 64,
    numClasses: options.numClasses ?? 10,
  });
}

/**
 * Scheduler settings of the latent model: diffusers' defaults (linear β from 1e-4 to 0.02 over
 * 1000 steps, ε-prediction) except clipSample, which must be off: normalised latents have unit
 * variance, not a [−1, 1] range, and clipping x̂₀ to [−1, 1] would cut them.
 */
export const LATENT_SCHEDULER_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({ clipSample: false });

/** How a latent checkpoint names the autoencoder whose latents it was trained on (in manifest.metrics). */
export interface LatentSpaceRecord {
  autoencoder: string;
  /** SHA-256 of the autoencoder's weights: a latent model only makes sense with that decoder. */
  contentHash: string;
  /** The normalisation the training latents had (the autoencoder's, copied for the record). */
  shift: number[];
  scale: number[];
  shape: [number, number, number];
}

export interface SamplingCost {
  /** Forward FLOPs of one network evaluation for one image. */
  flopsPerStep: number;
  /** Network evaluations per image for the run (2 per step with guidance). */
  nfe: number;
  /** FLOPs to decode one image at the end (0 in pixel space). */
  decodeFlops: number;
  /** Everything per image: nfe × flopsPerStep + decodeFlops. */
  totalFlops: number;
  /** Values per image the denoiser works on. */
  valuesPerImage: number;
}

/** Cost of sampling one image in pixel space with `unet`. */
export function pixelSamplingCost(unet: UNetConfig, steps: number, guided: boolean): SamplingCost {
  const flopsPerStep = describeUNet(unet).flopsPerImage;
  const nfe = steps * (guided ? 2 : 1);
  return { flopsPerStep, nfe, decodeFlops: 0, totalFlops: nfe * flopsPerStep, valuesPerImage: unet.imageSize ** 2 * unet.channels };
}

/** Cost of sampling one image in latent space: the steps on 7×7×c, then one decoder pass. */
export function latentSamplingCost(unet: UNetConfig, ae: AutoencoderConfig, steps: number, guided: boolean): SamplingCost {
  const flopsPerStep = describeUNet(unet).flopsPerImage;
  const nfe = steps * (guided ? 2 : 1);
  const decodeFlops = describeAutoencoder(ae).decoderFlops;
  return { flopsPerStep, nfe, decodeFlops, totalFlops: nfe * flopsPerStep + decodeFlops, valuesPerImage: unet.imageSize ** 2 * unet.channels };
}

/** Reads the latent-space record of a latent checkpoint's metrics, or throws with what is missing. */
export function latentSpaceOf(metrics: Record<string, unknown> | undefined): LatentSpaceRecord {
  const r = metrics?.latentSpace as Partial<LatentSpaceRecord> | undefined;
  if (!r || typeof r.contentHash !== 'string' || !Array.isArray(r.shape) || !Array.isArray(r.shift) || !Array.isArray(r.scale)) {
    throw new Error('this checkpoint names no autoencoder (metrics.latentSpace is missing): it is not a latent diffusion model');
  }
  return { autoencoder: String(r.autoencoder ?? ''), contentHash: r.contentHash, shift: [...r.shift], scale: [...r.scale], shape: r.shape as [number, number, number] };
}
