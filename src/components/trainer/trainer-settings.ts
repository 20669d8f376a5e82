/**
 * The settings of <diffusion-trainer> as attributes: defaults, limits and parsers. Pure data and
 * parsing (no tensors, no DOM), so the docs module and unit tests can use them too. The lab checks
 * the same settings again in its worker (src/lab/browser/train-settings.ts) and shares its limits.
 */
import type { TrainSettings } from '../../lab/lab-api';
import { MAX_BATCH, TRAIN_PRESETS } from '../../lab/browser/train-settings';
import { parseEnumAttr, parseFloatAttr, parseIntAttr, type ParseResult, type RawAttr } from '../base/attributes';

export type TrainPreset = (typeof TRAIN_PRESETS)[number];
export { MAX_BATCH, TRAIN_PRESETS };

/** Longest run the widget offers: its loss curve keeps one point per step. */
export const MAX_TRAIN_STEPS = 20_000;
export const MAX_SEED = 2 ** 32 - 1;
/** Samples in the preview grid: one per class, labels 0 to 9. */
export const PREVIEW_SAMPLES = 10;

/** Defaults for a run inside a lesson: the tiny U-Net learns digit shapes within a few hundred steps. */
export const TRAINER_DEFAULTS = Object.freeze({
  preset: 'tiny' as TrainPreset,
  batchSize: 32,
  learningRate: 0.002,
  steps: 2000,
  labelDropout: 0.1,
  seed: 0,
  sampleEvery: 100,
});

export const PRESET_HINTS: Readonly<Record<string, string>> = Object.freeze({
  base: 'the "base" preset needs a GPU and hours of training; the widget offers "tiny" and "small"',
  medium: 'the widget offers "tiny" (fast, for lessons) and "small" (the shipped model)',
  large: 'the widget offers "tiny" (fast, for lessons) and "small" (the shipped model)',
});

export const parsePreset = (raw: RawAttr): ParseResult<TrainPreset> =>
  parseEnumAttr<TrainPreset>('preset', raw, TRAIN_PRESETS, { default: TRAINER_DEFAULTS.preset, hints: PRESET_HINTS });

export const parseBatchSize = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('batch-size', raw, { min: 1, max: MAX_BATCH, default: TRAINER_DEFAULTS.batchSize });

/** Adam's peak learning rate (Kingma & Ba 2015), strictly between 0 and 1 as the lab requires. */
export const parseLearningRate = (raw: RawAttr): ParseResult<number> =>
  parseFloatAttr('learning-rate', raw, { min: 0, max: 1, minExclusive: true, maxExclusive: true, default: TRAINER_DEFAULTS.learningRate });

export const parseSteps = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('steps', raw, { min: 1, max: MAX_TRAIN_STEPS, default: TRAINER_DEFAULTS.steps });

/** Probability of replacing the label by the null label, so one network learns ε(x, c) and ε(x) (Ho & Salimans 2022). */
export const parseLabelDropout = (raw: RawAttr): ParseResult<number> =>
  parseFloatAttr('label-dropout', raw, { min: 0, max: 1, default: TRAINER_DEFAULTS.labelDropout });

export const parseSeed = (raw: RawAttr): ParseResult<number> => parseIntAttr('seed', raw, { min: 0, max: MAX_SEED, default: TRAINER_DEFAULTS.seed });

export const parseSampleEvery = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('sample-every', raw, { min: 0, max: MAX_TRAIN_STEPS, default: TRAINER_DEFAULTS.sampleEvery });

/** The settings a run is started or continued with. */
export function trainSettings(values: Omit<TrainSettings, 'sampleCount'>): TrainSettings {
  return { ...values, sampleCount: PREVIEW_SAMPLES };
}

/** Whether `name` is one of the presets a run can be started with. */
export function isTrainPreset(name: string): name is TrainPreset {
  return (TRAIN_PRESETS as readonly string[]).includes(name);
}
