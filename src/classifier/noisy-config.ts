/**
 * Configuration of the noise-aware classifier p_φ(y | x_t, t) used for classifier guidance
 * (Dhariwal & Nichol 2021, "Diffusion Models Beat GANs on Image Synthesis", sec. 4): a small CNN
 * that sees a noised image x_t and its timestep t. Plain data, no tfjs.
 *
 * `schedule` records the forward process it was trained on (diffusers' scheduler fields); the
 * guidance gradient only means something for a sampler that uses the same ᾱ_t.
 */

export const NOISY_CLASSIFIER_KIND = 'mnist-noisy-classifier';

export interface NoisyClassifierConfig {
  kind: typeof NOISY_CLASSIFIER_KIND;
  /** Side of the square, single-channel input (28 for MNIST). */
  imageSize: number;
  /** Channels of the 3×3 stem convolution at full resolution. */
  stemChannels: number;
  /** One entry per stage: a stride-2 3×3 convolution to this width, then a 3×3 convolution. */
  stageChannels: number[];
  /** Width of the sinusoidal timestep features and of the timestep embedding (even). */
  timeEmbedDim: number;
  /** Groups of the group normalisation after every convolution (divides every width). */
  groups: number;
  numClasses: number;
  /** Timesteps of the forward process it was trained on (T). */
  numTrainTimesteps: number;
}

export const DEFAULT_NOISY_CLASSIFIER_CONFIG: NoisyClassifierConfig = {
  kind: NOISY_CLASSIFIER_KIND,
  imageSize: 28,
  stemChannels: 16,
  stageChannels: [32, 64],
  timeEmbedDim: 32,
  groups: 8,
  numClasses: 10,
  numTrainTimesteps: 1000,
};

export class NoisyClassifierConfigError extends Error {
  constructor(message: string) {
    super(`noisy classifier config: ${message}`);
    this.name = 'NoisyClassifierConfigError';
  }
}

const FIELDS = ['kind', 'imageSize', 'stemChannels', 'stageChannels', 'timeEmbedDim', 'groups', 'numClasses', 'numTrainTimesteps'];

function positiveInt(obj: Record<string, unknown>, key: string, max: number): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new NoisyClassifierConfigError(`${key} must be an integer in [1, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks an untrusted value (e.g. a checkpoint manifest's `model`) and returns a typed copy. */
export function validateNoisyClassifierConfig(value: unknown): NoisyClassifierConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NoisyClassifierConfigError(`must be an object with fields ${FIELDS.join(', ')}`);
  }
  const obj = value as Record<string, unknown>;
  if (obj.kind !== NOISY_CLASSIFIER_KIND) {
    throw new NoisyClassifierConfigError(
      `kind must be "${NOISY_CLASSIFIER_KIND}", got ${JSON.stringify(obj.kind)} (is this the reference classifier or a U-Net checkpoint?)`,
    );
  }
  for (const key of Object.keys(obj)) {
    if (!FIELDS.includes(key)) throw new NoisyClassifierConfigError(`unknown field "${key}"; allowed: ${FIELDS.join(', ')}`);
  }
  const imageSize = positiveInt(obj, 'imageSize', 256);
  const stemChannels = positiveInt(obj, 'stemChannels', 512);
  const timeEmbedDim = positiveInt(obj, 'timeEmbedDim', 1024);
  if (timeEmbedDim % 2 !== 0 || timeEmbedDim < 4) {
    throw new NoisyClassifierConfigError(`timeEmbedDim must be even and ≥ 4 (sine and cosine halves), got ${timeEmbedDim}`);
  }
  const groups = positiveInt(obj, 'groups', 512);
  const numClasses = positiveInt(obj, 'numClasses', 1000);
  const numTrainTimesteps = positiveInt(obj, 'numTrainTimesteps', 100000);
  const stages = obj.stageChannels;
  if (!Array.isArray(stages) || stages.length < 1 || stages.length > 4) {
    throw new NoisyClassifierConfigError(`stageChannels must list 1 to 4 widths, got ${JSON.stringify(stages)}`);
  }
  for (const c of stages) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > 512) {
      throw new NoisyClassifierConfigError(`stageChannels entries must be integers in [1, 512], got ${JSON.stringify(stages)}`);
    }
  }
  for (const c of [stemChannels, ...(stages as number[])]) {
    if (c % groups !== 0) throw new NoisyClassifierConfigError(`groups (${groups}) must divide every width, not ${c}`);
  }
  return {
    kind: NOISY_CLASSIFIER_KIND,
    imageSize,
    stemChannels,
    stageChannels: [...(stages as number[])],
    timeEmbedDim,
    groups,
    numClasses,
    numTrainTimesteps,
  };
}
