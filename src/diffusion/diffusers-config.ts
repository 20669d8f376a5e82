/**
 * Conversion between this project's camelCase scheduler configs and the snake_case dicts that
 * diffusers stores in `scheduler_config.json` and accepts in `Scheduler.from_config(...)`.
 */
import {
  resolveDDIMConfig,
  resolveDDPMConfig,
  type DDIMConfig,
  type DDPMConfig,
  type SchedulerClassName,
  type SchedulerConfig,
} from './config';
import { DiffusionConfigError } from './errors';

/** A JSON-ready diffusers scheduler config. */
export type DiffusersConfigDict = Record<string, string | number | boolean | number[] | null>;

// Key order follows the diffusers constructors, so the copied JSON reads like diffusers' own.
const DDPM_ORDER = [
  'numTrainTimesteps', 'betaStart', 'betaEnd', 'betaSchedule', 'trainedBetas', 'varianceType', 'clipSample',
  'predictionType', 'clipSampleRange', 'timestepSpacing', 'stepsOffset', 'rescaleBetasZeroSnr',
] as const;
const DDIM_ORDER = [
  'numTrainTimesteps', 'betaStart', 'betaEnd', 'betaSchedule', 'trainedBetas', 'clipSample', 'setAlphaToOne',
  'stepsOffset', 'predictionType', 'clipSampleRange', 'timestepSpacing', 'rescaleBetasZeroSnr',
] as const;

const CLASS_NAMES: readonly SchedulerClassName[] = ['DDPMScheduler', 'DDIMScheduler'];

/** Keys diffusers writes that carry no setting of ours (only meaningful with thresholding on). */
const THRESHOLDING_ONLY_KEYS = ['dynamic_thresholding_ratio', 'sample_max_value'];

function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The diffusers dict for a resolved config (e.g. for a "copy as diffusers config" button):
 * `_class_name` first, then every setting in snake_case, and `thresholding: false` because this
 * project does not implement dynamic thresholding.
 */
export function toDiffusersConfig(config: SchedulerConfig): DiffusersConfigDict {
  const order = config.className === 'DDPMScheduler' ? DDPM_ORDER : DDIM_ORDER;
  const source = config as unknown as Record<string, unknown>;
  const out: DiffusersConfigDict = { _class_name: config.className };
  for (const key of order) {
    const value = source[key];
    out[camelToSnake(key)] = key === 'trainedBetas' ? (value === null ? null : [...(value as number[])]) : (value as string | number | boolean);
  }
  out.thresholding = false;
  return out;
}

/**
 * Reads a diffusers scheduler dict back into a resolved config. The target class comes from
 * `target`, else from `_class_name`, else it is DDIM when `set_alpha_to_one` is present and DDPM
 * otherwise. Keys that diffusers' other schedulers use (and `_diffusers_version`) are ignored, as
 * diffusers itself does; a key of the other class (e.g. `variance_type` when reading a DDIM) is
 * ignored too. Dynamic thresholding turned on is rejected.
 */
export function fromDiffusersConfig(dict: Record<string, unknown>, target: 'DDPMScheduler'): DDPMConfig;
export function fromDiffusersConfig(dict: Record<string, unknown>, target: 'DDIMScheduler'): DDIMConfig;
export function fromDiffusersConfig(dict: Record<string, unknown>, target?: SchedulerClassName): SchedulerConfig;
export function fromDiffusersConfig(dict: Record<string, unknown>, target?: SchedulerClassName): SchedulerConfig {
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) {
    throw new DiffusionConfigError('config', dict, 'a diffusers scheduler config object');
  }
  if (target !== undefined && !CLASS_NAMES.includes(target)) {
    throw new DiffusionConfigError('className', target, '"DDPMScheduler" or "DDIMScheduler"');
  }
  let className = target;
  if (className === undefined) {
    const named = dict._class_name;
    if (named === undefined) {
      className = 'set_alpha_to_one' in dict ? 'DDIMScheduler' : 'DDPMScheduler';
    } else if (CLASS_NAMES.includes(named as SchedulerClassName)) {
      className = named as SchedulerClassName;
    } else {
      throw new DiffusionConfigError(
        '_class_name',
        named,
        '"DDPMScheduler" or "DDIMScheduler" (or name the target class explicitly)',
      );
    }
  }
  if (dict.thresholding !== undefined && dict.thresholding !== false) {
    throw new DiffusionConfigError('thresholding', dict.thresholding, 'false (dynamic thresholding is not implemented)');
  }
  const known: readonly string[] = className === 'DDPMScheduler' ? DDPM_ORDER : DDIM_ORDER;
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dict)) {
    if (key.startsWith('_') || key === 'thresholding' || THRESHOLDING_ONLY_KEYS.includes(key)) continue;
    const camel = snakeToCamel(key);
    if (known.includes(camel)) input[camel] = value;
  }
  return className === 'DDPMScheduler' ? resolveDDPMConfig(input) : resolveDDIMConfig(input);
}
