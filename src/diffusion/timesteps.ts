/**
 * Which of the T training timesteps a sampler visits, for the three spacings of diffusers
 * (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Table 2):
 * - leading:  0, k, 2k, … with k = ⌊T/n⌋, plus stepsOffset (the last step is close to t = 0,
 *             the first step may stop well short of T − 1);
 * - trailing: counts down from T − 1 in steps of T/n (starts at the last training timestep);
 * - linspace: n evenly spaced values on [0, T − 1], rounded.
 * Timesteps are returned as an Int32Array in descending (sampling) order.
 */
import { DEFAULT_DDIM_CONFIG, TIMESTEP_SPACINGS, type TimestepSpacing } from './config';
import { DiffusionConfigError } from './errors';
import { linspace } from './schedules';

/** Round half to even, as numpy's `round` does, so that .5 cases pick the same timestep as diffusers. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Checks a requested number of sampling steps against the training length. */
export function validateNumInferenceSteps(numInferenceSteps: unknown, numTrainTimesteps: number): number {
  const ok =
    typeof numInferenceSteps === 'number' &&
    Number.isInteger(numInferenceSteps) &&
    numInferenceSteps >= 1 &&
    numInferenceSteps <= numTrainTimesteps;
  if (!ok) {
    throw new DiffusionConfigError(
      'numInferenceSteps',
      numInferenceSteps,
      `an integer from 1 to numTrainTimesteps (${numTrainTimesteps})`,
    );
  }
  return numInferenceSteps as number;
}

/**
 * The descending timesteps for `numInferenceSteps` sampling steps. Matches diffusers'
 * `set_timesteps`, except that for "trailing" it always returns exactly n values: diffusers builds
 * that list with a floating-point `np.arange`, which for some n (e.g. T = 1000, n = 61) yields one
 * extra timestep equal to −1.
 */
export function inferenceTimesteps(
  numTrainTimesteps: number,
  numInferenceSteps: number,
  spacing: TimestepSpacing,
  stepsOffset = 0,
): Int32Array {
  const T = numTrainTimesteps;
  const n = validateNumInferenceSteps(numInferenceSteps, T);
  const out = new Int32Array(n);
  if (spacing === 'leading') {
    const ratio = Math.floor(T / n);
    for (let i = 0; i < n; i++) out[i] = (n - 1 - i) * ratio + stepsOffset;
    if (out[0] > T - 1) {
      throw new DiffusionConfigError(
        'stepsOffset',
        stepsOffset,
        `at most ${T - 1 - (n - 1) * ratio} for ${n} "leading" steps of ${T}`,
        `the first timestep would be ${out[0]}`,
      );
    }
  } else if (spacing === 'trailing') {
    // Same arithmetic as np.arange(T, 0, -T/n): element 1 is start + step, later ones start + i·δ
    // with δ = (start + step) − start, so rounding ties fall exactly as in diffusers.
    const step = -T / n;
    const delta = T + step - T;
    for (let i = 0; i < n; i++) {
      const value = i === 0 ? T : i === 1 ? T + step : T + i * delta;
      out[i] = roundHalfEven(value) - 1;
    }
  } else {
    const grid = linspace(0, T - 1, n);
    for (let i = 0; i < n; i++) out[i] = roundHalfEven(grid[n - 1 - i]);
  }
  return out;
}

/** Validates user-chosen timesteps (strictly descending integers in [0, T − 1]) and copies them. */
export function validateCustomTimesteps(timesteps: unknown, numTrainTimesteps: number): Int32Array {
  const allowed = `a non-empty, strictly descending list of integers from 0 to ${numTrainTimesteps - 1}`;
  const isList = Array.isArray(timesteps) || (ArrayBuffer.isView(timesteps) && !(timesteps instanceof DataView));
  if (!isList || (timesteps as ArrayLike<unknown>).length === 0) {
    throw new DiffusionConfigError('timesteps', timesteps, allowed);
  }
  const values = Array.from(timesteps as ArrayLike<unknown>);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= numTrainTimesteps) {
      throw new DiffusionConfigError('timesteps', timesteps, allowed, `entry ${i} is ${String(v)}`);
    }
    if (i > 0 && v >= (values[i - 1] as number)) {
      throw new DiffusionConfigError('timesteps', timesteps, allowed, `entry ${i} (${v}) is not below entry ${i - 1}`);
    }
  });
  return Int32Array.from(values as number[]);
}

/** What decides which timesteps a sampler visits: T, the spacing and the offset. */
export interface TimestepSettings {
  numTrainTimesteps: number;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
}

/**
 * The timestep settings of a model's scheduler config (a checkpoint's, say, in this library's
 * camelCase names); each one it lacks, or holds in a form no scheduler accepts, takes diffusers'
 * default (DEFAULT_DDIM_CONFIG; DDPM's are the same), so a widget can show a run's timesteps
 * before the lab has said which model it uses.
 */
export function timestepSettingsOf(config: Readonly<Record<string, unknown>> = {}): TimestepSettings {
  const d = DEFAULT_DDIM_CONFIG;
  const { numTrainTimesteps: T, timestepSpacing: spacing, stepsOffset: offset } = config;
  return {
    numTrainTimesteps: typeof T === 'number' ? T : d.numTrainTimesteps,
    timestepSpacing: (TIMESTEP_SPACINGS as readonly unknown[]).includes(spacing) ? (spacing as TimestepSpacing) : d.timestepSpacing,
    stepsOffset: typeof offset === 'number' ? offset : d.stepsOffset,
  };
}
