/**
 * Configuration of the reference MNIST classifier: the network whose penultimate features give
 * the feature space for classifier-FID and KID, and whose predictions score class-conditional
 * samples. Plain data, no tfjs.
 */

export const CLASSIFIER_KIND = 'mnist-classifier';

export interface ClassifierConfig {
  kind: typeof CLASSIFIER_KIND;
  /** Side of the square, single-channel input (28 for MNIST). */
  imageSize: number;
  /** Channels of the 3×3 stem convolution at full resolution. */
  stemChannels: number;
  /** One entry per stage: a stride-2 3×3 convolution to this width, then a 3×3 convolution. */
  stageChannels: number[];
  /** Width of the penultimate dense layer: the feature vector used for FID / KID. */
  featureDim: number;
  numClasses: number;
}

export const DEFAULT_CLASSIFIER_CONFIG: ClassifierConfig = {
  kind: CLASSIFIER_KIND,
  imageSize: 28,
  stemChannels: 32,
  stageChannels: [32, 64],
  featureDim: 128,
  numClasses: 10,
};

export class ClassifierConfigError extends Error {
  constructor(message: string) {
    super(`classifier config: ${message}`);
    this.name = 'ClassifierConfigError';
  }
}

const FIELDS = ['kind', 'imageSize', 'stemChannels', 'stageChannels', 'featureDim', 'numClasses'];

function positiveInt(obj: Record<string, unknown>, key: string, max: number): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new ClassifierConfigError(`${key} must be an integer in [1, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks an untrusted value (e.g. a checkpoint manifest) and returns a typed copy. */
export function validateClassifierConfig(value: unknown): ClassifierConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ClassifierConfigError(`must be an object with fields ${FIELDS.join(', ')}`);
  }
  const obj = value as Record<string, unknown>;
  if (obj.kind !== CLASSIFIER_KIND) {
    throw new ClassifierConfigError(`kind must be "${CLASSIFIER_KIND}", got ${JSON.stringify(obj.kind)} (is this a U-Net checkpoint?)`);
  }
  for (const key of Object.keys(obj)) {
    if (!FIELDS.includes(key)) throw new ClassifierConfigError(`unknown field "${key}"; allowed: ${FIELDS.join(', ')}`);
  }
  const imageSize = positiveInt(obj, 'imageSize', 256);
  const stemChannels = positiveInt(obj, 'stemChannels', 512);
  const featureDim = positiveInt(obj, 'featureDim', 4096);
  const numClasses = positiveInt(obj, 'numClasses', 1000);
  const stages = obj.stageChannels;
  if (!Array.isArray(stages) || stages.length < 1 || stages.length > 4) {
    throw new ClassifierConfigError(`stageChannels must list 1 to 4 widths, got ${JSON.stringify(stages)}`);
  }
  for (const c of stages) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > 512) {
      throw new ClassifierConfigError(`stageChannels entries must be integers in [1, 512], got ${JSON.stringify(stages)}`);
    }
  }
  return { kind: CLASSIFIER_KIND, imageSize, stemChannels, stageChannels: [...(stages as number[])], featureDim, numClasses };
}

/** Side of the feature map after the stages (each stride-2 step gives ceil(n / 2)). */
export function finalSide(config: ClassifierConfig): number {
  let side = config.imageSize;
  for (let i = 0; i < config.stageChannels.length; i++) side = Math.ceil(side / 2);
  return side;
}
