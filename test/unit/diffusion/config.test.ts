/**
 * Configuration: diffusers' defaults, frozen resolved configs, `DiffusionConfigError` messages,
 * and the diffusers dict round trip.
 *
 * Defaults checked against the DDPMScheduler / DDIMScheduler constructors in the diffusers fork
 * a-r-r-o-w/diffusers, src/diffusers/schedulers/scheduling_ddpm.py @ 0fe9180ff911d073c228e2b01e75863e59362646
 * and scheduling_ddim.py @ 471d0ce30b83fe3d50737908d305dd610203a0f0.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DDIMScheduler,
  DDPMScheduler,
  DEFAULT_DDIM_CONFIG,
  DEFAULT_DDPM_CONFIG,
  DiffusionConfigError,
  classifierFreeGuidance,
  computeBetas,
  createScheduler,
  fromDiffusersConfig,
  resolveDDIMConfig,
  resolveDDPMConfig,
  toDiffusersConfig,
  type DDIMConfigInput,
  type DDPMConfigInput,
} from '../../../src/diffusion';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs `fn`, expects a DiffusionConfigError, and returns it. */
function configError(fn: () => unknown): DiffusionConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DiffusionConfigError);
    expect(err).toBeInstanceOf(Error);
    return err as DiffusionConfigError;
  }
  throw new Error('expected a DiffusionConfigError');
}

describe('defaults equal diffusers', () => {
  it('DDPMScheduler', () => {
    expect(toDiffusersConfig(new DDPMScheduler().config)).toEqual({
      _class_name: 'DDPMScheduler',
      num_train_timesteps: 1000,
      beta_start: 0.0001,
      beta_end: 0.02,
      beta_schedule: 'linear',
      trained_betas: null,
      variance_type: 'fixed_small',
      clip_sample: true,
      prediction_type: 'epsilon',
      clip_sample_range: 1.0,
      timestep_spacing: 'leading',
      steps_offset: 0,
      rescale_betas_zero_snr: false,
      thresholding: false,
    });
  });

  it('DDIMScheduler', () => {
    expect(toDiffusersConfig(new DDIMScheduler().config)).toEqual({
      _class_name: 'DDIMScheduler',
      num_train_timesteps: 1000,
      beta_start: 0.0001,
      beta_end: 0.02,
      beta_schedule: 'linear',
      trained_betas: null,
      clip_sample: true,
      set_alpha_to_one: true,
      steps_offset: 0,
      prediction_type: 'epsilon',
      clip_sample_range: 1.0,
      timestep_spacing: 'leading',
      rescale_betas_zero_snr: false,
      thresholding: false,
    });
  });

  it('resolved configs are frozen and complete', () => {
    const ddpm = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
    expect(Object.isFrozen(ddpm.config)).toBe(true);
    expect(() => {
      (ddpm.config as { betaStart: number }).betaStart = 0.5;
    }).toThrow(TypeError);
    expect(ddpm.config).toEqual({ ...DEFAULT_DDPM_CONFIG, betaSchedule: 'squaredcos_cap_v2' });
    const ddim = new DDIMScheduler({ trainedBetas: [0.1, 0.2, 0.3] });
    expect(Object.isFrozen(ddim.config.trainedBetas)).toBe(true);
    expect(ddim.config.numTrainTimesteps).toBe(3);
    expect(ddim.config).toEqual({ ...DEFAULT_DDIM_CONFIG, trainedBetas: [0.1, 0.2, 0.3], numTrainTimesteps: 3 });
  });
});

describe('DiffusionConfigError names the setting, the value and what is allowed', () => {
  const ddpmCases: Array<[string, DDPMConfigInput, RegExp]> = [
    ['β = 0', { betaStart: 0 }, /Invalid betaStart: 0\b.*strictly between 0 and 1/],
    ['β = 1', { betaEnd: 1 }, /Invalid betaEnd: 1\b.*strictly between 0 and 1/],
    ['negative β', { betaStart: -0.1 }, /Invalid betaStart: -0\.1.*strictly between 0 and 1/],
    ['NaN β', { betaEnd: Number.NaN }, /Invalid betaEnd: NaN.*strictly between 0 and 1/],
    ['T < 1', { numTrainTimesteps: 0 }, /Invalid numTrainTimesteps: 0\..*integer ≥ 1/],
    ['non-integer T', { numTrainTimesteps: 2.5 }, /Invalid numTrainTimesteps: 2\.5.*integer ≥ 1/],
    ['NaN T', { numTrainTimesteps: Number.NaN }, /Invalid numTrainTimesteps: NaN.*integer ≥ 1/],
    ['T as a string', { numTrainTimesteps: '1000' as never }, /Invalid numTrainTimesteps: "1000".*integer ≥ 1/],
    [
      'unknown schedule',
      { betaSchedule: 'cosine' as never },
      /Invalid betaSchedule: "cosine".*"linear", "scaled_linear", "squaredcos_cap_v2" or "sigmoid"/,
    ],
    ['unknown spacing', { timestepSpacing: 'uniform' as never }, /Invalid timestepSpacing: "uniform".*"leading", "trailing" or "linspace"/],
    [
      'unknown prediction',
      { predictionType: 'v-prediction' as never },
      /Invalid predictionType: "v-prediction".*"epsilon", "v_prediction" or "sample"/,
    ],
    [
      'unsupported variance',
      { varianceType: 'learned' as never },
      /Invalid varianceType: "learned".*"fixed_small", "fixed_small_log", "fixed_large" or "fixed_large_log"/,
    ],
    ['betaStart > betaEnd (linear)', { betaStart: 0.03, betaEnd: 0.02 }, /Invalid betaStart: 0\.03.*≤ betaEnd \(0\.02\)/],
    [
      'betaStart > betaEnd (sigmoid)',
      { betaSchedule: 'sigmoid', betaStart: 0.03 },
      /Invalid betaStart: 0\.03.*sigmoid.*≤ betaEnd/,
    ],
    ['clipSampleRange = 0', { clipSampleRange: 0 }, /Invalid clipSampleRange: 0\..*> 0/],
    ['negative clipSampleRange', { clipSampleRange: -1 }, /Invalid clipSampleRange: -1\..*> 0/],
    ['NaN clipSampleRange', { clipSampleRange: Number.NaN }, /Invalid clipSampleRange: NaN.*> 0/],
    ['negative stepsOffset', { stepsOffset: -1 }, /Invalid stepsOffset: -1\..*integer from 0 to 999/],
    ['stepsOffset ≥ T', { stepsOffset: 1000 }, /Invalid stepsOffset: 1000\..*integer from 0 to 999/],
    ['clipSample not boolean', { clipSample: 'yes' as never }, /Invalid clipSample: "yes".*true or false/],
    ['trainedBetas ≥ 1', { trainedBetas: [0.1, 1.2], numTrainTimesteps: 2 }, /Invalid trainedBetas: \[0\.1, 1\.2\].*entry 1 is 1\.2.*strictly between 0 and 1/],
    ['trainedBetas NaN', { trainedBetas: [Number.NaN] }, /Invalid trainedBetas: \[NaN\].*entry 0 is NaN/],
    ['trainedBetas length', { trainedBetas: [0.1, 0.3], numTrainTimesteps: 1000 }, /Invalid trainedBetas: \[0\.1, 0\.3\].*got 2 values.*exactly numTrainTimesteps \(1000\)/],
    ['rescale with T = 1', { numTrainTimesteps: 1, rescaleBetasZeroSnr: true }, /Invalid rescaleBetasZeroSnr: true.*numTrainTimesteps is 1/],
    ['unknown setting', { betaShedule: 'linear' } as never, /Invalid betaShedule: "linear".*unknown setting.*betaSchedule/],
    ['DDIM setting on DDPM', { setAlphaToOne: true } as never, /Invalid setAlphaToOne: true.*unknown setting/],
  ];

  for (const [name, input, message] of ddpmCases) {
    it(name, () => {
      const err = configError(() => new DDPMScheduler(input));
      expect(err.message).toMatch(message);
      expect(err.message.startsWith(`Invalid ${err.setting}:`)).toBe(true);
    });
  }

  it('cosine ignores betaStart > betaEnd (it does not use them)', () => {
    expect(() => new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2', betaStart: 0.03, betaEnd: 0.02 })).not.toThrow();
  });

  it('DDIM settings', () => {
    expect(configError(() => new DDIMScheduler({ setAlphaToOne: 1 as never })).message).toMatch(
      /Invalid setAlphaToOne: 1\..*true or false/,
    );
    expect(configError(() => new DDIMScheduler({ varianceType: 'fixed_small' } as DDIMConfigInput)).setting).toBe(
      'varianceType',
    );
  });

  it('more inference steps than training steps', () => {
    const ddpm = new DDPMScheduler();
    expect(configError(() => ddpm.setTimesteps(1001)).message).toMatch(
      /Invalid numInferenceSteps: 1001\..*integer from 1 to numTrainTimesteps \(1000\)/,
    );
    const ddim = new DDIMScheduler({ numTrainTimesteps: 100 });
    expect(configError(() => ddim.setTimesteps(101)).message).toMatch(/numInferenceSteps: 101.*\(100\)/);
    expect(configError(() => ddim.setTimesteps(2.5)).setting).toBe('numInferenceSteps');
    expect(configError(() => ddim.setTimesteps(Number.NaN)).message).toMatch(/numInferenceSteps: NaN/);
  });

  it('stepsOffset that pushes a "leading" timestep past T − 1', () => {
    const ddim = new DDIMScheduler({ stepsOffset: 200 });
    const err = configError(() => ddim.setTimesteps(5));
    expect(err.message).toMatch(/Invalid stepsOffset: 200 \(the first timestep would be 1000\).*at most 199/);
  });

  it('eta outside [0, 1] and a non-finite guidance weight', () => {
    const ddim = new DDIMScheduler();
    ddim.setTimesteps(10);
    const x = tf.zeros([1, 2]);
    expect(configError(() => ddim.step(x, 900, x, { eta: 1.5 })).message).toMatch(/Invalid eta: 1\.5.*0.*1/);
    expect(configError(() => ddim.step(x, 900, x, { eta: Number.NaN })).setting).toBe('eta');
    expect(configError(() => classifierFreeGuidance(x, x, Number.NaN)).message).toMatch(/Invalid guidanceWeight: NaN/);
    x.dispose();
  });

  it('curve functions validate too', () => {
    expect(configError(() => computeBetas({ betaSchedule: 'quadratic' as never })).setting).toBe('betaSchedule');
  });
});

describe('diffusers config round trip', () => {
  const ddpmConfigs: DDPMConfigInput[] = [
    {},
    { betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, predictionType: 'v_prediction' },
    { betaSchedule: 'squaredcos_cap_v2', varianceType: 'fixed_large', clipSample: false, timestepSpacing: 'trailing' },
    { betaSchedule: 'sigmoid', varianceType: 'fixed_small_log', clipSampleRange: 2.5, stepsOffset: 1 },
    { trainedBetas: [0.01, 0.02, 0.5], rescaleBetasZeroSnr: true, varianceType: 'fixed_large_log', timestepSpacing: 'linspace' },
  ];
  const ddimConfigs: DDIMConfigInput[] = [
    {},
    { setAlphaToOne: false, stepsOffset: 1, betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 },
    { rescaleBetasZeroSnr: true, timestepSpacing: 'trailing', predictionType: 'sample', numTrainTimesteps: 50 },
  ];

  it('toDiffusersConfig → JSON → fromDiffusersConfig gives the same config', () => {
    for (const input of ddpmConfigs) {
      const config = resolveDDPMConfig(input);
      const dict = JSON.parse(JSON.stringify(toDiffusersConfig(config))) as Record<string, unknown>;
      expect(fromDiffusersConfig(dict)).toEqual(config);
    }
    for (const input of ddimConfigs) {
      const config = resolveDDIMConfig(input);
      const dict = JSON.parse(JSON.stringify(toDiffusersConfig(config))) as Record<string, unknown>;
      expect(fromDiffusersConfig(dict)).toEqual(config);
    }
  });

  it('reads a Stable Diffusion v1 scheduler_config.json into a DDIM config', () => {
    // The keys and values of runwayml/stable-diffusion-v1-5's scheduler/scheduler_config.json.
    const sd = {
      _class_name: 'PNDMScheduler',
      _diffusers_version: '0.6.0',
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      num_train_timesteps: 1000,
      set_alpha_to_one: false,
      skip_prk_steps: true,
      steps_offset: 1,
      trained_betas: null,
      clip_sample: false,
    };
    expect(configError(() => fromDiffusersConfig(sd)).setting).toBe('_class_name');
    const config = fromDiffusersConfig(sd, 'DDIMScheduler');
    expect(config).toEqual({
      ...DEFAULT_DDIM_CONFIG,
      betaEnd: 0.012,
      betaSchedule: 'scaled_linear',
      betaStart: 0.00085,
      setAlphaToOne: false,
      stepsOffset: 1,
      clipSample: false,
    });
    const ddim = createScheduler(config);
    expect(ddim).toBeInstanceOf(DDIMScheduler);
    ddim.setTimesteps(50);
    expect(ddim.timesteps[0]).toBe(981);
    expect(ddim.timesteps[49]).toBe(1);
  });

  it('infers the class from the keys when _class_name is absent', () => {
    expect(fromDiffusersConfig({ set_alpha_to_one: false }).className).toBe('DDIMScheduler');
    expect(fromDiffusersConfig({ variance_type: 'fixed_large' }).className).toBe('DDPMScheduler');
    const scheduler = createScheduler(fromDiffusersConfig({ variance_type: 'fixed_large' }), { seed: 5 });
    expect(scheduler).toBeInstanceOf(DDPMScheduler);
    expect(toDiffusersConfig(scheduler.config).variance_type).toBe('fixed_large');
  });

  it('rejects thresholding and bad values with camelCase setting names', () => {
    expect(configError(() => fromDiffusersConfig({ thresholding: true })).message).toMatch(
      /Invalid thresholding: true.*not implemented/,
    );
    expect(configError(() => fromDiffusersConfig({ beta_schedule: 'cosine' })).setting).toBe('betaSchedule');
    expect(() => fromDiffusersConfig({ thresholding: false, sample_max_value: 1.0, dynamic_thresholding_ratio: 0.995 })).not.toThrow();
  });
});
