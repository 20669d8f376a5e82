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
import { initialWeights } from '../model/init';
import { downsampleConv, silu, upsampleNearest2x, convSame } from '../model/ops';
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

export class Autoencoder {
  readonly config: AutoencoderConfig;
  readonly description: AutoencoderDescription;
  readonly variables: ReadonlyMap<string, tf.Variable>;
  private readonly layers: AutoencoderLayer[];
  private disposed = false;

  constructor(config: AutoencoderConfig, seed = 0) {
    this.config = validateAutoencoderConfig(config);
    this.description = describeAutoencoder(this.config);
    this.layers = autoencoderLayers(this.config);
    const specs = autoencoderVariableSpecs(this.config);
    const values = initialWeights(specs, seed);
    const vars = new Map<string, tf.Variable>();
    specs.forEach((spec, i) => {
      const init = tf.tensor(values[i], spec.shape, 'float32');
      vars.set(spec.name, tf.variable(init, true));
      init.dispose();
    });
    this.variables = vars;
    tf.tidy(() => {
      const bias = vars.get('enc.out.bias')!;
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

  paramCount(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Copies of all weights by name; the caller disposes them. */
  getWeights(): tf.NamedTensorMap {
    this.assertLive();
    const out: tf.NamedTensorMap = {};
    for (const [name, v] of this.variables) out[name] = tf.clone(v);
    return out;
  }

  /**
   * Replaces every weight; the map must hold exactly this model's names and shapes (float32),
   * otherwise nothing is changed and the error lists what does not fit.
   */
  setWeights(map: tf.NamedTensorMap): void {
    this.assertLive();
    const problems: string[] = [];
    for (const [name, v] of this.variables) {
      const given = map[name];
      if (!given) problems.push(`missing ${name}`);
      else if (given.dtype !== 'float32' || !tf.util.arraysEqual(given.shape, v.shape)) {
        problems.push(`${name} is ${given.dtype} [${given.shape.join(', ')}], expected float32 [${v.shape.join(', ')}]`);
      }
    }
    for (const name of Object.keys(map)) if (!this.variables.has(name)) problems.push(`unexpected ${name}`);
    if (problems.length) throw new Error(`Autoencoder.setWeights: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? ` (+${problems.length - 6} more)` : ''}`);
    for (const [name, v] of this.variables) v.assign(map[name]);
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private run(input: tf.Tensor4D, part: 'encoder' | 'decoder'): tf.Tensor4D {
    let h = input;
    for (const l of this.layers) {
      if (l.part !== part) continue;
      if (l.upsampleBefore) h = upsampleNearest2x(h);
      const kernel = this.v(`${l.name}.kernel`) as tf.Tensor4D;
      const bias = this.v(`${l.name}.bias`) as tf.Tensor1D;
      h = l.stride === 2 ? downsampleConv(h, kernel, bias) : convSame(h, kernel, bias);
      if (l.activation === 'silu') h = silu(h);
      else if (l.activation === 'tanh') h = tf.tanh(h);
    }
    return h;
  }

  private v(name: string): tf.Tensor {
    const v = this.variables.get(name);
    if (!v) throw new Error(`Autoencoder: no variable named ${name}`);
    return v;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('Autoencoder: used after dispose()');
  }
}
