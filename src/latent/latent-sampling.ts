/**
 * Sampling from latent diffusion: the shared DDPM/DDIM loop (src/diffusion/pipelines/sampling.ts) on 7×7×c
 * latents, then one decoder pass D(z₀ / scale + shift) to pixels (Rombach et al. 2022, §3.2). Seeds work as in
 * pixel space: x_T from Rng(seed), step noise from stepNoiseRng(seed).
 */
import type { Autoencoder } from './autoencoder';
import { decodeLatents, type LatentNormalization } from './latent-codec';
import { initialNoise, sample, schedulerFor, stepNoiseRng, type ImageLabel, type NoisePredictor, type SamplerName } from '../diffusion/pipelines/sampling';

export interface LatentSampleOptions {
  unet: NoisePredictor;
  autoencoder: Autoencoder;
  normalization: LatentNormalization;
  /** The latent checkpoint's scheduler record. */
  trainedScheduler: Record<string, unknown>;
  sampler: SamplerName;
  steps: number;
  eta?: number;
  guidance?: number;
  labels?: ArrayLike<ImageLabel> | null;
  count: number;
  seed: number;
  batchSize?: number;
  signal?: AbortSignal;
  yieldToEventLoop?: () => Promise<void>;
}

export interface LatentSampleResult {
  /** count × 28 × 28 decoded images in (−1, 1). */
  images: Float32Array;
  /** count × 7 × 7 × c final (normalised) latents. */
  latents: Float32Array;
  count: number;
  nfe: number;
  /** Milliseconds in the denoising loop and in the decoder. */
  denoiseMs: number;
  decodeMs: number;
}

export async function sampleLatentImages(o: LatentSampleOptions): Promise<LatentSampleResult> {
  const { imageSize, channels } = o.unet.config;
  const [h, w, c] = o.autoencoder.latentShape;
  if (imageSize !== h || imageSize !== w || channels !== c) {
    throw new Error(`the latent model works on ${imageSize}×${imageSize}×${channels} but the autoencoder's latents are ${h}×${w}×${c}`);
  }
  const started = performance.now();
  const result = await sample({
    model: o.unet,
    scheduler: schedulerFor(o.sampler, o.trainedScheduler),
    steps: o.steps,
    eta: o.eta ?? 0,
    guidance: o.guidance ?? 0,
    labels: o.labels ?? null,
    xT: initialNoise(o.seed, o.count, h * w * c),
    rng: stepNoiseRng(o.seed),
    batchSize: o.batchSize,
    signal: o.signal,
    yieldToEventLoop: o.yieldToEventLoop,
    recordSteps: false,
  });
  const denoised = performance.now();
  const images = await decodeLatents(o.autoencoder, result.images, result.count, o.normalization, o.batchSize ?? 256);
  return {
    images,
    latents: result.images,
    count: result.count,
    nfe: result.nfe,
    denoiseMs: denoised - started,
    decodeMs: performance.now() - denoised,
  };
}
