/**
 * Scheduler settings, named like Hugging Face diffusers' `DDPMScheduler` / `DDIMScheduler` arguments
 * in camelCase, with the same defaults, so a learner can carry a setting from a lesson into diffusers
 * unchanged (`toDiffusersConfig` gives the snake_case dict, `fromDiffusersConfig` reads one back).
 *
 * Not supported: diffusers' dynamic `thresholding` (Saharia et al. 2022, "Imagen", §2.3) with its
 * `dynamic_thresholding_ratio` and `sample_max_value`, and the `learned` / `learned_range` variance
 * types (they need a model that predicts its variance). A diffusers dict that turns thresholding on is
 * rejected rather than silently sampled differently.
 */
import { DiffusionConfigError, listNames } from './errors';

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];

export const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large', 'fixed_large_log'] as const;
export type VarianceType = (typeof VARIANCE_TYPES)[number];

export type SchedulerClassName = 'DDPMScheduler' | 'DDIMScheduler';

/** The settings that define the forward process β_1..β_T (what the curve functions need). */
export interface ScheduleSettings {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly betaSchedule: BetaSchedule;
  /** Explicit β values (diffusers' `trained_betas`); `null` when the schedule computes them. */
  readonly trainedBetas: readonly number[] | null;
  readonly rescaleBetasZeroSnr: boolean;
}

/** Settings shared by DDPM and DDIM sampling. */
export interface SamplerSettings extends ScheduleSettings {
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  readonly predictionType: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
}

/** A fully resolved, frozen DDPM configuration. `className` mirrors diffusers' `_class_name`. */
export interface DDPMConfig extends SamplerSettings {
  readonly className: 'DDPMScheduler';
  readonly varianceType: VarianceType;
}

/** A fully resolved, frozen DDIM configuration. `className` mirrors diffusers' `_class_name`. */
export interface DDIMConfig extends SamplerSettings {
  readonly className: 'DDIMScheduler';
  readonly setAlphaToOne: boolean;
}

export type SchedulerConfig = DDPMConfig | DDIMConfig;

type Input<T> = { -readonly [K in keyof Omit<T, 'trainedBetas' | 'className'>]?: T[K] } & {
  trainedBetas?: ArrayLike<number> | null;
};

/** What a caller may pass for the schedule part; every field is optional. */
export type ScheduleSettingsInput = Input<ScheduleSettings>;
export type DDPMConfigInput = Input<DDPMConfig> & { className?: 'DDPMScheduler' };
export type DDIMConfigInput = Input<DDIMConfig> & { className?: 'DDIMScheduler' };

/** diffusers' defaults (DDPMScheduler.__init__ / DDIMScheduler.__init__). */
export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = Object.freeze({
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  trainedBetas: null,
  rescaleBetasZeroSnr: false,
});

const DEFAULT_SAMPLER_SETTINGS: SamplerSettings = Object.freeze({
  ...DEFAULT_SCHEDULE_SETTINGS,
  clipSample: true,
  clipSampleRange: 1.0,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
  stepsOffset: 0,
});

export const DEFAULT_DDPM_CONFIG: DDPMConfig = Object.freeze({
  ...DEFAULT_SAMPLER_SETTINGS,
  className: 'DDPMScheduler',
  varianceType: 'fixed_small',
});

export const DEFAULT_DDIM_CONFIG: DDIMConfig = Object.freeze({
  ...DEFAULT_SAMPLER_SETTINGS,
  className: 'DDIMScheduler',
  setAlphaToOne: true,
});

const DDPM_KEYS = Object.keys(DEFAULT_DDPM_CONFIG);
const DDIM_KEYS = Object.keys(DEFAULT_DDIM_CONFIG);

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------

function oneOf<T extends string>(setting: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DiffusionConfigError(setting, value, listNames(allowed));
  }
  return value as T;
}

function bool(setting: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new DiffusionConfigError(setting, value, 'true or false');
  return value;
}

function integerAtLeast(setting: string, value: unknown, min: number, max = Infinity): number {
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  if (!ok) {
    const range = max === Infinity ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new DiffusionConfigError(setting, value, range);
  }
  return value as number;
}

/** A probability-like β in the open interval (0, 1). */
function openUnit(setting: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new DiffusionConfigError(setting, value, 'a number strictly between 0 and 1');
  }
  return value;
}

function positive(setting: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new DiffusionConfigError(setting, value, 'a finite number > 0');
  }
  return value;
}

function rejectUnknownKeys(input: object, known: readonly string[], what: string): void {
  for (const [key, value] of Object.entries(input)) {
    // An explicit `undefined` means "not given", for known and unknown keys alike.
    if (value !== undefined && !known.includes(key)) {
      throw new DiffusionConfigError(key, value, `one of the ${what} settings: ${known.join(', ')}`, 'unknown setting');
    }
  }
}

function pick<T>(input: Record<string, unknown>, key: string, fallback: T): unknown {
  return input[key] === undefined ? fallback : input[key];
}

function requireObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new DiffusionConfigError('config', input, 'an object of settings');
  }
  return input as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

/**
 * Fills in defaults for the schedule settings and validates them. Keys that are not schedule
 * settings are ignored here, so a full scheduler config can be passed to the curve functions.
 */
export function resolveScheduleSettings(input: ScheduleSettingsInput = {}): ScheduleSettings {
  const raw = requireObject(input);
  const d = DEFAULT_SCHEDULE_SETTINGS;
  const betaSchedule = oneOf('betaSchedule', pick(raw, 'betaSchedule', d.betaSchedule), BETA_SCHEDULES);
  const betaStart = openUnit('betaStart', pick(raw, 'betaStart', d.betaStart));
  const betaEnd = openUnit('betaEnd', pick(raw, 'betaEnd', d.betaEnd));
  const rescaleBetasZeroSnr = bool('rescaleBetasZeroSnr', pick(raw, 'rescaleBetasZeroSnr', d.rescaleBetasZeroSnr));

  let trainedBetas: readonly number[] | null = null;
  const rawTrained = raw.trainedBetas;
  if (rawTrained !== undefined && rawTrained !== null) {
    const isList = Array.isArray(rawTrained) || (ArrayBuffer.isView(rawTrained) && !(rawTrained instanceof DataView));
    if (!isList || (rawTrained as ArrayLike<number>).length < 1) {
      throw new DiffusionConfigError('trainedBetas', rawTrained, 'null or a non-empty list of numbers strictly between 0 and 1');
    }
    const values = Array.from(rawTrained as ArrayLike<number>, Number);
    values.forEach((b, i) => {
      if (!Number.isFinite(b) || b <= 0 || b >= 1) {
        throw new DiffusionConfigError('trainedBetas', rawTrained, 'null or a non-empty list of numbers strictly between 0 and 1', `entry ${i} is ${b}`);
      }
    });
    trainedBetas = Object.freeze(values);
  }

  let numTrainTimesteps: number;
  if (trainedBetas !== null) {
    numTrainTimesteps = integerAtLeast('numTrainTimesteps', pick(raw, 'numTrainTimesteps', trainedBetas.length), 1);
    if (numTrainTimesteps !== trainedBetas.length) {
      throw new DiffusionConfigError(
        'trainedBetas',
        trainedBetas,
        `exactly numTrainTimesteps (${numTrainTimesteps}) values`,
        `got ${trainedBetas.length} values`,
      );
    }
  } else {
    numTrainTimesteps = integerAtLeast('numTrainTimesteps', pick(raw, 'numTrainTimesteps', d.numTrainTimesteps), 1);
    // linear, scaled_linear and sigmoid interpolate from betaStart to betaEnd: a decreasing schedule
    // would add most noise first, which no model in diffusers is trained for.
    if (betaSchedule !== 'squaredcos_cap_v2' && betaStart > betaEnd) {
      throw new DiffusionConfigError('betaStart', betaStart, `a value ≤ betaEnd (${betaEnd})`, `the ${betaSchedule} schedule rises from betaStart to betaEnd`);
    }
  }
  if (rescaleBetasZeroSnr && numTrainTimesteps < 2) {
    throw new DiffusionConfigError('rescaleBetasZeroSnr', true, 'false when numTrainTimesteps is 1', 'rescaling needs at least 2 timesteps');
  }
  return Object.freeze({ numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, rescaleBetasZeroSnr });
}

function resolveSamplerSettings(raw: Record<string, unknown>): SamplerSettings {
  const schedule = resolveScheduleSettings(raw as ScheduleSettingsInput);
  const d = DEFAULT_SAMPLER_SETTINGS;
  return {
    ...schedule,
    clipSample: bool('clipSample', pick(raw, 'clipSample', d.clipSample)),
    clipSampleRange: positive('clipSampleRange', pick(raw, 'clipSampleRange', d.clipSampleRange)),
    predictionType: oneOf('predictionType', pick(raw, 'predictionType', d.predictionType), PREDICTION_TYPES),
    timestepSpacing: oneOf('timestepSpacing', pick(raw, 'timestepSpacing', d.timestepSpacing), TIMESTEP_SPACINGS),
    stepsOffset: integerAtLeast('stepsOffset', pick(raw, 'stepsOffset', d.stepsOffset), 0, schedule.numTrainTimesteps - 1),
  };
}

function checkClassName(raw: Record<string, unknown>, expected: SchedulerClassName): void {
  if (raw.className !== undefined && raw.className !== expected) {
    throw new DiffusionConfigError('className', raw.className, JSON.stringify(expected));
  }
}

/** Validates a DDPM configuration and fills in diffusers' defaults. Throws `DiffusionConfigError`. */
export function resolveDDPMConfig(input: DDPMConfigInput = {}): DDPMConfig {
  const raw = requireObject(input);
  rejectUnknownKeys(raw, DDPM_KEYS, 'DDPMScheduler');
  checkClassName(raw, 'DDPMScheduler');
  const sampler = resolveSamplerSettings(raw);
  const varianceType = oneOf('varianceType', pick(raw, 'varianceType', DEFAULT_DDPM_CONFIG.varianceType), VARIANCE_TYPES);
  return Object.freeze({ className: 'DDPMScheduler', ...sampler, varianceType });
}

/** Validates a DDIM configuration and fills in diffusers' defaults. Throws `DiffusionConfigError`. */
export function resolveDDIMConfig(input: DDIMConfigInput = {}): DDIMConfig {
  const raw = requireObject(input);
  rejectUnknownKeys(raw, DDIM_KEYS, 'DDIMScheduler');
  checkClassName(raw, 'DDIMScheduler');
  const sampler = resolveSamplerSettings(raw);
  const setAlphaToOne = bool('setAlphaToOne', pick(raw, 'setAlphaToOne', DEFAULT_DDIM_CONFIG.setAlphaToOne));
  return Object.freeze({ className: 'DDIMScheduler', ...sampler, setAlphaToOne });
}

