/**
 * Moving between pixels and diffusion latents with a trained autoencoder, in chunks and with plain
 * arrays in and out (for the CLI tools and the lab worker alike).
 *
 * Latent normalisation: the diffusion model works on z = (μ(x) − shift) · scale, so that the
 * latents of the training data have mean 0 and standard deviation 1, the unit-variance input the
 * noise schedule is designed for. Rombach et al. 2022 rescale KL-regularised latents by one scalar
 * 1/σ̂ estimated on data (§4.3.2 and App. G; Stable Diffusion's scale_factor 0.18215), and later
 * autoencoders add a shift (diffusers' AutoencoderKL config for Stable Diffusion 3: shift_factor
 * and scaling_factor). Here both are per channel: this encoder's channels sit at clearly different
 * means (after one global rescaling: −0.16 to 2.04, each with a spread of only about 0.6), so a
 * scalar would leave each channel's signal weaker than the noise it is mixed with and the offsets as
 * a constant the model must learn.
 */
import * as tf from '@tensorflow/tfjs';
import type { Autoencoder } from './autoencoder';

/** Values per latent (side² · c). */
export function latentSize(ae: Autoencoder): number {
  const [h, w, c] = ae.latentShape;
  return h * w * c;
}

/** Encoder means μ(x) (unscaled) for `count` images in [−1, 1]: count × latentSize values. */
export async function encodeMeans(ae: Autoencoder, images: Float32Array, count: number, batch = 256): Promise<Float32Array> {
  const { imageSize: s, channels } = ae.config;
  const pixels = s * s * channels;
  if (images.length !== count * pixels) throw new RangeError(`encode: ${count} images need ${count * pixels} values, got ${images.length}`);
  const per = latentSize(ae);
  const out = new Float32Array(count * per);
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const mean = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * pixels, (start + size) * pixels), [size, s, s, channels]);
      const e = ae.encode(x);
      e.logvar.dispose();
      return e.mean;
    });
    try {
      out.set((await mean.data()) as Float32Array, start * per);
    } finally {
      mean.dispose();
    }
  }
  return out;
}

/** Per-channel shift and scale: z = (μ − shift[c]) · scale[c]. */
export interface LatentNormalization {
  shift: number[];
  scale: number[];
}

/** Per-channel mean and 1 / standard deviation of channel-last latents (Float64 accumulation). */
export function latentNormalization(latents: Float32Array, channels: number): LatentNormalization {
  const n = latents.length / channels;
  if (!Number.isInteger(n) || n < 2) throw new Error(`latentNormalization needs at least 2 values per channel (${latents.length} values, ${channels} channels)`);
  const sum = new Float64Array(channels);
  for (let i = 0; i < latents.length; i++) sum[i % channels] += latents[i];
  const mean = Array.from(sum, (s) => s / n);
  const sq = new Float64Array(channels);
  for (let i = 0; i < latents.length; i++) sq[i % channels] += (latents[i] - mean[i % channels]) ** 2;
  const std = Array.from(sq, (s) => Math.sqrt(s / (n - 1)));
  if (!std.every((v) => v > 0)) throw new Error('latentNormalization: a latent channel has zero spread; the encoder is untrained or broken');
  return { shift: mean, scale: std.map((v) => 1 / v) };
}

/** Checks a normalisation read from a manifest: two arrays of `channels` finite numbers, scales > 0. */
export function checkNormalization(value: unknown, channels: number): LatentNormalization {
  const v = value as Partial<LatentNormalization> | null;
  const ok = (a: unknown, positive: boolean): a is number[] =>
    Array.isArray(a) && a.length === channels && a.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!v || !ok(v.shift, false) || !ok(v.scale, true)) {
    throw new Error(`a latent normalisation needs ${channels} shifts and ${channels} positive scales, got ${JSON.stringify(value)}`);
  }
  return { shift: [...v.shift], scale: [...v.scale] };
}

/** z = (μ − shift) · scale, in place, for channel-last values; returns the array. */
export function normalizeInPlace(values: Float32Array, norm: LatentNormalization): Float32Array {
  const c = norm.scale.length;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - norm.shift[i % c]) * norm.scale[i % c];
  return values;
}

/** Mean and standard deviation over every value (for reports). */
export function overallStats(values: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  const mean = s / values.length;
  let q = 0;
  for (let i = 0; i < values.length; i++) q += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / Math.max(1, values.length - 1)) };
}

/** The identity normalisation for `channels` channels. */
export function identityNormalization(channels: number): LatentNormalization {
  return { shift: new Array<number>(channels).fill(0), scale: new Array<number>(channels).fill(1) };
}

/**
 * Images for diffusion latents: D(z / scale + shift). `latents` holds count × latentSize
 * normalised values; returns count × s × s × C values in [−1, 1].
 */
export async function decodeLatents(
  ae: Autoencoder,
  latents: Float32Array,
  count: number,
  norm: LatentNormalization,
  batch = 256,
): Promise<Float32Array> {
  const [h, w, c] = ae.latentShape;
  const per = h * w * c;
  if (latents.length !== count * per) throw new RangeError(`decode: ${count} latents need ${count * per} values, got ${latents.length}`);
  const { imageSize: s, channels } = ae.config;
  const pixels = s * s * channels;
  const out = new Float32Array(count * pixels);
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const img = tf.tidy(() => {
      const z = tf.add(
        tf.div(tf.tensor4d(latents.subarray(start * per, (start + size) * per), [size, h, w, c]), tf.tensor1d(norm.scale)),
        tf.tensor1d(norm.shift),
      ) as tf.Tensor4D;
      return ae.decode(z);
    });
    try {
      out.set((await img.data()) as Float32Array, start * pixels);
    } finally {
      img.dispose();
    }
  }
  return out;
}

/** decode(μ(x)) for `count` images: the reconstructions. */
export async function reconstructImages(ae: Autoencoder, images: Float32Array, count: number, batch = 256): Promise<Float32Array> {
  const means = await encodeMeans(ae, images, count, batch);
  return decodeLatents(ae, means, count, identityNormalization(ae.config.latentChannels), batch);
}

/** Mean squared error per value between two equally long arrays. */
export function meanSquaredError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`meanSquaredError: lengths ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** PSNR in dB for signals in [−1, 1] (peak-to-peak 2): 10 · log10(2² / MSE). */
export function psnrUnitRange(mse: number): number {
  return 10 * Math.log10(4 / mse);
}
