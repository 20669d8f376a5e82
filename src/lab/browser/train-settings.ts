/**
 * Checks of the training settings a page sends, with messages that name the setting, and the
 * fixed choices the page does not expose.
 */
import type { RunSettings, TrainSettings } from '../lab-api';
import { LIVE_RECIPE, liveBatchSize } from '../../training/live-recipe';
import { MAX_SEED } from '../../data/rng';

/** The U-Nets a page trains: the live recipe's preset first (the default), then tiny and small. */
export const TRAIN_PRESETS = ['live', 'tiny', 'small'] as const;

/** The largest batch the lab accepts (memory on a phone, and the MNIST subset's size). */
export const MAX_BATCH = 512;
export const MAX_GRID_SAMPLES = 100;

/** The noise schedule, clip and EMA decay a page trains with: the live recipe's, as `npm run train -- --live`. */
export const TRAIN_SCHEDULER = LIVE_RECIPE.scheduler;
export const TRAIN_TIMESTEPS = LIVE_RECIPE.scheduler.numTrainTimesteps;
export const GRAD_CLIP_NORM = LIVE_RECIPE.gradClipNorm;
export const EMA_DECAY = LIVE_RECIPE.emaDecay;
export const EMA_WARMUP = LIVE_RECIPE.emaWarmup;
export const ADAM_BETA2 = LIVE_RECIPE.adamBeta2;

/**
 * Warm-up of the learning rate: the recipe's, but at most 10 % of the run, so a short run in a
 * lesson is not spent warming up.
 */
export function warmupStepsFor(totalSteps: number): number {
  return Math.min(LIVE_RECIPE.warmupSteps, Math.max(1, Math.floor(totalSteps / 10)));
}

function fail(field: keyof TrainSettings, value: unknown, expected: string): never {
  throw new RangeError(`TrainSettings.${field} must be ${expected}, got ${JSON.stringify(value)}`);
}

function integer(s: TrainSettings, field: keyof TrainSettings, min: number, max: number, expected = `an integer from ${min} to ${max}`): void {
  const v = s[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(field, v, expected);
}

/** Throws a RangeError naming the first bad setting. */
export function checkTrainSettings(s: TrainSettings): TrainSettings {
  if (typeof s !== 'object' || s === null) throw new RangeError('TrainSettings must be an object');
  if (!(TRAIN_PRESETS as readonly string[]).includes(s.preset)) fail('preset', s.preset, `one of ${TRAIN_PRESETS.join(', ')}`);
  if (s.batchSize !== 'auto') integer(s, 'batchSize', 1, MAX_BATCH, `'auto' or an integer from 1 to ${MAX_BATCH}`);
  if (typeof s.learningRate !== 'number' || !(s.learningRate > 0 && s.learningRate < 1)) fail('learningRate', s.learningRate, 'a number in (0, 1)');
  integer(s, 'steps', 1, 10_000_000);
  if (typeof s.labelDropout !== 'number' || !(s.labelDropout >= 0 && s.labelDropout <= 1)) fail('labelDropout', s.labelDropout, 'a number in [0, 1]');
  integer(s, 'seed', 0, MAX_SEED);
  integer(s, 'sampleEvery', 0, 10_000_000);
  integer(s, 'sampleCount', 1, MAX_GRID_SAMPLES);
  return { ...s };
}

/** The settings of a run shared by `workers` workers: an 'auto' batch becomes the live recipe's share per worker. */
export function resolveRunSettings(s: TrainSettings, workers: number): RunSettings {
  return { ...s, batchSize: s.batchSize === 'auto' ? liveBatchSize(workers) : s.batchSize };
}
