/**
 * Configuration and layer plan of the small MNIST autoencoder that gives latent diffusion its
 * latent space (Rombach et al. 2022, "High-Resolution Image Synthesis with Latent Diffusion
 * Models", §3.1: a convolutional encoder E and decoder D with spatial downsampling factor f, here
 * f = 4: 28×28×1 → 7×7×c).
 *
 * Plain data, no tfjs: lessons and the widget show the parameter and FLOP counts without loading a
 * tensor library, and the tfjs model (autoencoder.ts) builds its variables from the same plan, so
 * the counts shown are those of the network that runs.
 *
 * Layout (every convolution 3×3; SiLU after each except the heads):
 *   encoder: in 1→w0 @28 · down w0→w1 @14 (stride 2) · w1→w1 @14 · down w1→w2 @7 · w2→w2 @7 ·
 *            head w2→2c @7 (c means and c log-variances, the KL-regularised variant of §3.1)
 *   decoder: in c→w2 @7 · w2→w2 @7 · ×2 nearest · w2→w1 @14 · w1→w1 @14 · ×2 nearest ·
 *            w1→w0 @28 · head w0→1 @28, then tanh so the output lies in (−1, 1) like the data.
 */
import type { InitSpec, VariableSpec } from '../model/plan';

export interface AutoencoderConfig {
  /** Side of the input image (28 for MNIST); must be divisible by 4. */
  imageSize: number;
  /** Image channels (1 for MNIST). */
  channels: number;
  /** Feature channels at the full, half and quarter resolution. */
  widths: [number, number, number];
  /** Channels c of the latent at imageSize / 4. */
  latentChannels: number;
}

export const DEFAULT_AUTOENCODER_CONFIG: AutoencoderConfig = {
  imageSize: 28,
  channels: 1,
  widths: [16, 32, 32],
  latentChannels: 4,
};

/** A configuration that cannot build an autoencoder; `field` names the offending setting. */
export class AutoencoderConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`AutoencoderConfig.${field}: ${message}`);
    this.name = 'AutoencoderConfigError';
  }
}

const FIELDS = ['imageSize', 'channels', 'widths', 'latentChannels'] as const;

function int(obj: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new AutoencoderConfigError(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks an untrusted value (a manifest) and returns a typed copy; unknown fields are refused. */
export function validateAutoencoderConfig(value: unknown): AutoencoderConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AutoencoderConfigError('(root)', `must be an object with fields ${FIELDS.join(', ')}`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new AutoencoderConfigError(key, `unknown field; allowed: ${FIELDS.join(', ')}`);
  }
  const imageSize = int(obj, 'imageSize', 4, 256);
  if (imageSize % 4 !== 0) throw new AutoencoderConfigError('imageSize', `must be divisible by 4 (two halvings), got ${imageSize}`);
  const channels = int(obj, 'channels', 1, 4);
  const latentChannels = int(obj, 'latentChannels', 1, 4);
  const w = obj.widths;
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 512)) {
    throw new AutoencoderConfigError('widths', `must be three integers in [1, 512] (full, half, quarter resolution), got ${JSON.stringify(w)}`);
  }
  return { imageSize, channels, widths: [w[0], w[1], w[2]], latentChannels };
}

/** Side of the latent: imageSize / 4. */
export function latentSide(config: AutoencoderConfig): number {
  return config.imageSize / 4;
}

/** One convolution of the plan. */
export interface AutoencoderLayer {
  /** e.g. "enc.down.0". Variables are `${name}.kernel` and `${name}.bias`. */
  name: string;
  part: 'encoder' | 'decoder';
  inChannels: number;
  outChannels: number;
  /** Output side. */
  size: number;
  stride: 1 | 2;
  /** Nearest 2× upsampling before the convolution. */
  upsampleBefore: boolean;
  activation: 'silu' | 'none' | 'tanh';
}

export function autoencoderLayers(config: AutoencoderConfig): AutoencoderLayer[] {
  const { imageSize: s, channels, latentChannels: c } = config;
  const [w0, w1, w2] = config.widths;
  const L = (
    name: string,
    part: AutoencoderLayer['part'],
    inChannels: number,
    outChannels: number,
    size: number,
    opts: Partial<Pick<AutoencoderLayer, 'stride' | 'upsampleBefore' | 'activation'>> = {},
  ): AutoencoderLayer => ({ name, part, inChannels, outChannels, size, stride: 1, upsampleBefore: false, activation: 'silu', ...opts });
  return [
    L('enc.in', 'encoder', channels, w0, s),
    L('enc.down.0', 'encoder', w0, w1, s / 2, { stride: 2 }),
    L('enc.mid.0', 'encoder', w1, w1, s / 2),
    L('enc.down.1', 'encoder', w1, w2, s / 4, { stride: 2 }),
    L('enc.mid.1', 'encoder', w2, w2, s / 4),
    L('enc.out', 'encoder', w2, 2 * c, s / 4, { activation: 'none' }),
    L('dec.in', 'decoder', c, w2, s / 4),
    L('dec.mid.1', 'decoder', w2, w2, s / 4),
    L('dec.up.1', 'decoder', w2, w1, s / 2, { upsampleBefore: true }),
    L('dec.mid.0', 'decoder', w1, w1, s / 2),
    L('dec.up.0', 'decoder', w1, w0, s, { upsampleBefore: true }),
    L('dec.out', 'decoder', w0, channels, s, { activation: 'tanh' }),
  ];
}

const KERNEL = 3;

/** Variables in order: per layer a 3×3 kernel (He-uniform before SiLU, Glorot for the heads) and a zero bias. */
export function autoencoderVariableSpecs(config: AutoencoderConfig): VariableSpec[] {
  return autoencoderLayers(config).flatMap((l) => {
    const fanIn = KERNEL * KERNEL * l.inChannels;
    const fanOut = KERNEL * KERNEL * l.outChannels;
    const init: InitSpec = l.activation === 'silu' ? { kind: 'he', fanIn } : { kind: 'glorot', fanIn, fanOut };
    return [
      { name: `${l.name}.kernel`, shape: [KERNEL, KERNEL, l.inChannels, l.outChannels], init },
      { name: `${l.name}.bias`, shape: [l.outChannels], init: { kind: 'zeros' } },
    ];
  });
}

export interface AutoencoderDescription {
  params: number;
  encoderParams: number;
  decoderParams: number;
  /** Forward FLOPs per image (2 × multiply-adds of the convolutions; activations not counted). */
  encoderFlops: number;
  decoderFlops: number;
  layers: Array<{ name: string; part: 'encoder' | 'decoder'; shape: [number, number, number]; params: number; flops: number }>;
}

export function describeAutoencoder(config: AutoencoderConfig): AutoencoderDescription {
  const layers = autoencoderLayers(validateAutoencoderConfig(config)).map((l) => ({
    name: l.name,
    part: l.part,
    shape: [l.size, l.size, l.outChannels] as [number, number, number],
    params: KERNEL * KERNEL * l.inChannels * l.outChannels + l.outChannels,
    flops: 2 * l.size * l.size * KERNEL * KERNEL * l.inChannels * l.outChannels,
  }));
  const sum = (part: 'encoder' | 'decoder', key: 'params' | 'flops'): number =>
    layers.filter((l) => l.part === part).reduce((s, l) => s + l[key], 0);
  return {
    params: sum('encoder', 'params') + sum('decoder', 'params'),
    encoderParams: sum('encoder', 'params'),
    decoderParams: sum('decoder', 'params'),
    encoderFlops: sum('encoder', 'flops'),
    decoderFlops: sum('decoder', 'flops'),
    layers,
  };
}
