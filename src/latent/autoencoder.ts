/**
 * The MNIST autoencoder as a tfjs model (layout and counts in autoencoder-config.ts).
 *
 * The encoder outputs a mean and a log-variance per latent value, the KL-regularised autoencoder
 * of Rombach et al. 2022 (§3.1, "KL-reg."): training decodes a sample z = μ + σ·ε (the
 * reparameterisation of Kingma & Welling 2014, §2.4) and adds a small KL penalty towards N(0, I),
 * which keeps the latent space smooth, so that the slightly-off latents a diffusion model produces
 * still decode to clean digits. Latent diffusion uses the mean μ.
 *
 * Variables are created once from the plan with the project's seeded initialiser, owned here, and
 * freed by dispose(). Every method that returns tensors runs inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { downsampleConv, silu, upsampleNearest2x, convSame } from '../model/ops';
import { VariableModel } from '../model/variable-model';
import {
  autoencoderLayers,
  autoencoderVariableSpecs,
  describeAutoencoder,
  latentSide,
  validateAutoencoderConfig,
  type AutoencoderConfig,
  type AutoencoderDescription,
  type AutoencoderLayer,
} from './autoencoder-config';

/**
 * Starting log-variance of q(z|x): σ = e^(−3) ≈ 0.05. With σ = 1 at the start, z is mostly noise,
 * the decoder learns to output the mean digit and training stalls there for hundreds of steps;
 * starting nearly deterministic lets it learn as a plain autoencoder first, and the KL term then
 * sets how much noise the latents carry.
 */
export const INITIAL_LOGVAR = -6;

/** Log-variances are clamped to this range before exp (as the LDM code does), so σ never overflows. */
const LOGVAR_RANGE: [number, number] = [-30, 20];

export interface Encoded {
  /** [B, s/4, s/4, c] latent means. */
  mean: tf.Tensor4D;
  /** [B, s/4, s/4, c] clamped log-variances. */
  logvar: tf.Tensor4D;
}

export class Autoencoder extends VariableModel {
  readonly config: AutoencoderConfig;
  readonly description: AutoencoderDescription;
  private readonly layers: AutoencoderLayer[];

  constructor(config: AutoencoderConfig, seed = 0) {
    const valid = validateAutoencoderConfig(config);
    super('Autoencoder', autoencoderVariableSpecs(valid), seed);
    this.config = valid;
    this.description = describeAutoencoder(this.config);
    this.layers = autoencoderLayers(this.config);
    tf.tidy(() => {
      const bias = this.variables.get('enc.out.bias')!;
      const c = this.config.latentChannels;
      bias.assign(tf.concat([tf.zeros([c]), tf.fill([c], INITIAL_LOGVAR)]));
    });
  }

  /** Shape of one latent: [s/4, s/4, c]. */
  get latentShape(): [number, number, number] {
    const side = latentSide(this.config);
    return [side, side, this.config.latentChannels];
  }

  /** Mean and log-variance of q(z|x) for images x [B, s, s, C] in [−1, 1]. */
  encode(x: tf.Tensor4D): Encoded {
    this.assertLive();
    const { imageSize, channels } = this.config;
    if (x.rank !== 4 || x.shape[1] !== imageSize || x.shape[2] !== imageSize || x.shape[3] !== channels) {
      throw new Error(`Autoencoder.encode: x must be [B, ${imageSize}, ${imageSize}, ${channels}], got [${x.shape.join(', ')}]`);
    }
    const [mean, logvar] = tf.tidy(() => {
      const h = this.run(x, 'encoder');
      const c = this.config.latentChannels;
      const [m, lv] = tf.split(h, [c, c], 3) as [tf.Tensor4D, tf.Tensor4D];
      return [m, tf.clipByValue(lv, ...LOGVAR_RANGE)];
    });
    return { mean: mean as tf.Tensor4D, logvar: logvar as tf.Tensor4D };
  }

  /** Images in (−1, 1) for latents z [B, s/4, s/4, c] (unscaled: the encoder's own units). */
  decode(z: tf.Tensor4D): tf.Tensor4D {
    this.assertLive();
    const [side, , c] = this.latentShape;
    if (z.rank !== 4 || z.shape[1] !== side || z.shape[2] !== side || z.shape[3] !== c) {
      throw new Error(`Autoencoder.decode: z must be [B, ${side}, ${side}, ${c}], got [${z.shape.join(', ')}]`);
    }
    return tf.tidy(() => this.run(z, 'decoder'));
  }

  /** decode(mean(encode(x))): what the widget shows as the reconstruction. */
  reconstruct(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const { mean, logvar } = this.encode(x);
      logvar.dispose();
      return this.decode(mean);
    });
  }

  private run(input: tf.Tensor4D, part: 'encoder' | 'decoder'): tf.Tensor4D {
    let h = input;
    for (const l of this.layers) {
      if (l.part !== part) continue;
      if (l.upsampleBefore) h = upsampleNearest2x(h);
      const kernel = this.variable(`${l.name}.kernel`) as tf.Tensor4D;
      const bias = this.variable(`${l.name}.bias`) as tf.Tensor1D;
      h = l.stride === 2 ? downsampleConv(h, kernel, bias) : convSame(h, kernel, bias);
      if (l.activation === 'silu') h = silu(h);
      else if (l.activation === 'tanh') h = tf.tanh(h);
    }
    return h;
  }
}
