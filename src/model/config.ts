/**
 * Configuration of the small U-Net (Ronneberger et al. 2015; as used for diffusion by Ho et al.
 * 2020, "Denoising Diffusion Probabilistic Models", Appendix B) and its named presets.
 *
 * This module is plain data and validation: it never imports tfjs, so lessons and docs can show a
 * configuration without loading a tensor library.
 */

export interface UNetConfig {
  /** Side of the square input image in pixels (28 for MNIST). */
  imageSize: number;
  /** Image channels (1 for MNIST). */
  channels: number;
  /** Feature channels at the first (full) resolution. */
  baseChannels: number;
  /** Channel multiplier per resolution level; level i runs at imageSize / 2^i. */
  channelMults: number[];
  /** Residual blocks per level on the way down (the way up has one more, as in DDPM). */
  resBlocksPerLevel: number;
  /** Single-head self-attention in the middle block, at the lowest resolution. */
  attention: boolean;
  /** GroupNorm groups (Wu & He 2018); must divide every channel count. */
  groups: number;
  /** Width of the timestep (and label) embedding. */
  timeEmbedDim: number;
  /** Number of classes (10 for MNIST); 0 = unconditional. Label `numClasses` is the null label. */
  numClasses: number;
  /**
   * Side of the pixel patches folded into channels before the first convolution (space-to-depth,
   * as in the patchify stem of Peebles & Xie 2023 and the pixel-unshuffle of Shi et al. 2016), and
   * unfolded after the last. 2 runs the whole network at 14×14 on 2×2×C-channel inputs: a quarter
   * of the FLOPs per channel, so the same budget buys a wider network. Absent means 1.
   */
  patchSize?: number;
}

export type PresetName = 'tiny' | 'small' | 'base' | 'live';

/**
 * Named configurations. Parameter and FLOP counts come from `describeUNet` (see
 * src/model/describe.ts); FLOPs are per image for one forward pass.
 *
 * - `tiny`: unit tests and live training on a CPU inside a lesson. Two levels (28, 14), no
 *   attention: 39,289 parameters, 19.4 MFLOPs.
 * - `small`: the shipped MNIST checkpoint. Three levels (28, 14, 7) with attention at 7×7; the
 *   channels grow as the resolution shrinks, so parameters sit where pixels are few: 163,881
 *   parameters, 28.1 MFLOPs, small enough to train on a 2-core CPU (wasm) in about an hour at
 *   batch 128 for 4k steps, the budget at which public MNIST U-Nets of this size reach ~97 %
 *   guided accuracy.
 * - `base`: a wider network for a GPU backend (WebGPU / WebGL): 1,479,169 parameters, 471 MFLOPs.
 */
export const PRESETS: Record<PresetName, UNetConfig> = {
  tiny: {
    imageSize: 28,
    channels: 1,
    baseChannels: 8,
    channelMults: [1, 2],
    resBlocksPerLevel: 1,
    attention: false,
    groups: 4,
    timeEmbedDim: 32,
    numClasses: 10,
  },
  small: {
    imageSize: 28,
    channels: 1,
    baseChannels: 8,
    channelMults: [1, 2, 4],
    resBlocksPerLevel: 1,
    attention: true,
    groups: 4,
    timeEmbedDim: 64,
    numClasses: 10,
  },
  live: {
    imageSize: 28,
    channels: 1,
    baseChannels: 16,
    channelMults: [1, 2],
    resBlocksPerLevel: 1,
    attention: false,
    groups: 4,
    timeEmbedDim: 64,
    numClasses: 10,
    patchSize: 2,
  },
  base: {
    imageSize: 28,
    channels: 1,
    baseChannels: 32,
    channelMults: [1, 2, 2],
    resBlocksPerLevel: 2,
    attention: true,
    groups: 8,
    timeEmbedDim: 128,
    numClasses: 10,
  },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A copy of a preset, safe to modify. */
export function presetConfig(name: PresetName): UNetConfig {
  const preset = PRESETS[name];
  if (!preset) {
    throw new ModelConfigError('preset', `unknown preset "${String(name)}"; allowed: ${PRESET_NAMES.join(', ')}`);
  }
  return { ...preset, channelMults: [...preset.channelMults] };
}

/** A configuration that cannot build a U-Net. `field` names the offending setting. */
export class ModelConfigError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`UNetConfig.${field}: ${message}`);
    this.name = 'ModelConfigError';
    this.field = field;
  }
}

const FIELDS: ReadonlyArray<keyof UNetConfig> = [
  'imageSize',
  'channels',
  'baseChannels',
  'channelMults',
  'resBlocksPerLevel',
  'attention',
  'groups',
  'timeEmbedDim',
  'numClasses',
  'patchSize',
];

/** Fields a configuration may leave out (older checkpoints predate them). */
const OPTIONAL_FIELDS: ReadonlyArray<keyof UNetConfig> = ['patchSize'];

const MAX_LEVELS = 4;
const MAX_RES_BLOCKS = 4;

function intInRange(obj: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ModelConfigError(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Checks an untrusted value (a preset, a checkpoint manifest, URL state) and returns a fresh,
 * fully typed copy. Unknown fields are rejected so that a misspelt setting cannot pass silently.
 */
export function validateUNetConfig(c: unknown): UNetConfig {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new ModelConfigError('(root)', `must be an object with fields ${FIELDS.join(', ')}`);
  }
  const obj = c as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new ModelConfigError(key, `unknown field; allowed fields: ${FIELDS.join(', ')}`);
    }
  }
  for (const key of FIELDS) {
    if (!(key in obj) && !OPTIONAL_FIELDS.includes(key)) throw new ModelConfigError(key, 'is missing');
  }

  const imageSize = intInRange(obj, 'imageSize', 4, 256);
  const channels = intInRange(obj, 'channels', 1, 4);
  const baseChannels = intInRange(obj, 'baseChannels', 1, 512);
  const resBlocksPerLevel = intInRange(obj, 'resBlocksPerLevel', 1, MAX_RES_BLOCKS);
  const groups = intInRange(obj, 'groups', 1, 512);
  // The sinusoidal features use timeEmbedDim / 2 frequencies, and their spacing divides by
  // (half - 1), so at least 4 features are needed.
  const timeEmbedDim = intInRange(obj, 'timeEmbedDim', 4, 2048);
  if (timeEmbedDim % 2 !== 0) {
    throw new ModelConfigError('timeEmbedDim', `must be even (sine and cosine halves), got ${timeEmbedDim}`);
  }
  const numClasses = intInRange(obj, 'numClasses', 0, 1000);

  if (typeof obj.attention !== 'boolean') {
    throw new ModelConfigError('attention', `must be true or false, got ${JSON.stringify(obj.attention)}`);
  }
  const attention = obj.attention;

  const mults = obj.channelMults;
  if (!Array.isArray(mults) || mults.length < 1 || mults.length > MAX_LEVELS) {
    throw new ModelConfigError(
      'channelMults',
      `must be an array of 1 to ${MAX_LEVELS} positive integers (one per resolution level), got ${JSON.stringify(mults)}`,
    );
  }
  for (const m of mults) {
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 16) {
      throw new ModelConfigError('channelMults', `entries must be integers in [1, 16], got ${JSON.stringify(mults)}`);
    }
  }
  const channelMults = [...(mults as number[])];

  const patchSize = obj.patchSize === undefined ? 1 : intInRange(obj, 'patchSize', 1, 4);
  if (imageSize % patchSize !== 0) {
    throw new ModelConfigError('patchSize', `must divide imageSize (${imageSize}), got ${patchSize}`);
  }

  // Each downsampling halves the side exactly (stride 2, symmetric padding 1 gives ceil(n/2)), and
  // the up path doubles it back, so every level but the last needs an even side.
  const factor = 2 ** (channelMults.length - 1);
  if ((imageSize / patchSize) % factor !== 0) {
    throw new ModelConfigError(
      'imageSize',
      `must be divisible by ${factor * patchSize} for ${channelMults.length} levels${patchSize > 1 ? ` after ${patchSize}×${patchSize} patches` : ''}, got ${imageSize}`,
    );
  }

  for (const width of [baseChannels, ...channelMults.map((m) => baseChannels * m)]) {
    if (width % groups !== 0) {
      throw new ModelConfigError(
        'groups',
        `must divide every channel count (${[...new Set(channelMults.map((m) => baseChannels * m))].join(', ')}), got ${groups}`,
      );
    }
  }

  return {
    imageSize,
    channels,
    baseChannels,
    channelMults,
    resBlocksPerLevel,
    attention,
    groups,
    timeEmbedDim,
    numClasses,
    // Written only when it changes something, so older configurations round-trip unchanged.
    ...(patchSize > 1 ? { patchSize } : {}),
  };
}

/** The side the network's first level runs at: the image side over the patch side. */
export function workingSize(config: UNetConfig): number {
  return config.imageSize / (config.patchSize ?? 1);
}

/** Channels the first convolution reads and the last writes: each patch's pixels. */
export function workingChannels(config: UNetConfig): number {
  return config.channels * (config.patchSize ?? 1) ** 2;
}
