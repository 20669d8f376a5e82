/**
 * diffusers' own DDIMScheduler tests, reproduced at diffusers' tolerances.
 *
 * Expectations: huggingface/diffusers tests/schedulers/test_scheduler_ddim.py
 * @ 40ef851bd52719f6b4382cef2e3fb670c0d29ad3. Behaviour read from DDIMScheduler in
 * src/diffusers/schedulers/scheduling_ddim.py of the diffusers fork a-r-r-o-w/diffusers
 * @ 471d0ce30b83fe3d50737908d305dd610203a0f0 (the index's copies of huggingface/diffusers'
 * scheduler sources are older than these tests). Fixtures: see diffusers-fixtures.ts.
 * All DDIM full loops use η = 0, so no random numbers are involved.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DDIMScheduler,
  DiffusionConfigError,
  fromDiffusersConfig,
  toDiffusersConfig,
  type DDIMConfigInput,
} from '../../../src/diffusion';
import { Rng } from '../../../src/data/rng';
import {
  SHAPE,
  absSumAndMean,
  dummyModel,
  dummyNoiseDeter,
  dummySampleDeter,
  printReproduced,
  type Reproduced,
} from './diffusers-fixtures';

const reproduced: Reproduced[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  printReproduced('diffusers DDIMScheduler expectations (test_scheduler_ddim.py @ 40ef851b)', reproduced);
});

/** diffusers' `get_scheduler_config` for DDIM. */
function schedulerConfig(extra: DDIMConfigInput = {}): DDIMConfigInput {
  return { numTrainTimesteps: 1000, betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'linear', clipSample: true, ...extra };
}

function expectClose(test: string, quantity: string, achieved: number, expected: number, tol: number): void {
  reproduced.push({ test, quantity, expected, achieved: Number(achieved.toPrecision(9)), tolerance: `< ${tol}` });
  expect(Math.abs(achieved - expected)).toBeLessThan(tol);
}

/** diffusers' `full_loop`: 10 steps, η = 0. */
function fullLoop(config: DDIMConfigInput): { sum: number; mean: number } {
  const scheduler = new DDIMScheduler(schedulerConfig(config));
  scheduler.setTimesteps(10);
  let sample = dummySampleDeter();
  for (const t of scheduler.timesteps) {
    const residual = dummyModel(sample, t);
    const out = scheduler.step(residual, t, sample, { eta: 0 });
    tf.dispose([residual, out.predOriginalSample, sample]);
    sample = out.prevSample;
  }
  const stats = absSumAndMean(sample);
  sample.dispose();
  return stats;
}

describe('DDIMScheduler reproduces diffusers test_scheduler_ddim.py', () => {
  it('test_steps_offset', () => {
    const scheduler = new DDIMScheduler(schedulerConfig({ stepsOffset: 1 }));
    scheduler.setTimesteps(5);
    const got = Array.from(scheduler.timesteps);
    reproduced.push({
      test: 'test_steps_offset',
      quantity: 'timesteps (steps_offset=1, 5 steps)',
      expected: '[801, 601, 401, 201, 1]',
      achieved: `[${got.join(', ')}]`,
      tolerance: 'exact',
    });
    expect(got).toEqual([801, 601, 401, 201, 1]);
  });

  it('test_variance', () => {
    const scheduler = new DDIMScheduler(schedulerConfig());
    const cases: Array<[number, number, number]> = [
      [0, 0, 0.0],
      [420, 400, 0.14771],
      [980, 960, 0.3246],
      [487, 486, 0.00979],
      [999, 998, 0.02],
    ];
    for (const [t, prev, expected] of cases) {
      expectClose('test_variance', `_get_variance(${t}, ${prev})`, scheduler.getVariance(t, prev), expected, 1e-5);
    }
  });

  it('test_full_loop_no_noise', () => {
    const { sum, mean } = fullLoop({});
    expectClose('test_full_loop_no_noise', 'sum |x|', sum, 172.0067, 1e-2);
    expectClose('test_full_loop_no_noise', 'mean |x|', mean, 0.223967, 1e-3);
  });

  it('test_full_loop_with_v_prediction', () => {
    const { sum, mean } = fullLoop({ predictionType: 'v_prediction' });
    expectClose('test_full_loop_with_v_prediction', 'sum |x|', sum, 52.5302, 1e-2);
    expectClose('test_full_loop_with_v_prediction', 'mean |x|', mean, 0.0684, 1e-3);
  });

  it('test_full_loop_with_set_alpha_to_one', () => {
    const { sum, mean } = fullLoop({ setAlphaToOne: true, betaStart: 0.01 });
    expectClose('test_full_loop_with_set_alpha_to_one', 'sum |x|', sum, 149.8295, 1e-2);
    expectClose('test_full_loop_with_set_alpha_to_one', 'mean |x|', mean, 0.1951, 1e-3);
  });

  it('test_full_loop_with_no_set_alpha_to_one', () => {
    const { sum, mean } = fullLoop({ setAlphaToOne: false, betaStart: 0.01 });
    expectClose('test_full_loop_with_no_set_alpha_to_one', 'sum |x|', sum, 149.0784, 1e-2);
    expectClose('test_full_loop_with_no_set_alpha_to_one', 'mean |x|', mean, 0.1941, 1e-3);
  });

  it('test_full_loop_with_noise (10 steps, start at index 8)', () => {
    const scheduler = new DDIMScheduler(schedulerConfig());
    scheduler.setTimesteps(10);
    const timesteps = scheduler.timesteps.slice(8);
    expect(Array.from(timesteps)).toEqual([100, 0]);
    const x0 = dummySampleDeter();
    const noise = dummyNoiseDeter();
    let sample = scheduler.addNoise(x0, noise, timesteps.slice(0, 1));
    tf.dispose([x0, noise]);
    for (const t of timesteps) {
      const residual = dummyModel(sample, t);
      const out = scheduler.step(residual, t, sample, { eta: 0 });
      tf.dispose([residual, out.predOriginalSample, sample]);
      sample = out.prevSample;
    }
    const { sum, mean } = absSumAndMean(sample);
    sample.dispose();
    expectClose('test_full_loop_with_noise', 'sum |x|', sum, 354.5418, 1e-2);
    expectClose('test_full_loop_with_noise', 'mean |x|', mean, 0.4616, 1e-3);
  });

  it('test_num_inference_steps_zero_raises', () => {
    const scheduler = new DDIMScheduler(schedulerConfig());
    expect(() => scheduler.setTimesteps(0)).toThrow(DiffusionConfigError);
    reproduced.push({ test: 'test_num_inference_steps_zero_raises', quantity: 'raises', expected: 'error', achieved: 'DiffusionConfigError', tolerance: 'exact' });
  });
});

/**
 * check_over_configs / check_over_forward: a scheduler rebuilt from its saved (diffusers) config
 * steps exactly like the original; DDIM's defaults there are η = 0 and 50 inference steps.
 */
function checkRoundTrip(config: DDIMConfigInput, t: number, numInferenceSteps = 50, eta = 0): number {
  const scheduler = new DDIMScheduler(config);
  const rebuilt = new DDIMScheduler(fromDiffusersConfig(toDiffusersConfig(scheduler.config), 'DDIMScheduler'));
  scheduler.setTimesteps(numInferenceSteps);
  rebuilt.setTimesteps(numInferenceSteps);
  const rng = new Rng(99);
  const sample = tf.tensor(rng.fillUniform(new Float32Array(4 * 3 * 8 * 8)), SHAPE);
  const residual = tf.mul(sample, 0.1);
  const a = scheduler.step(residual, t, sample, { eta, rng: new Rng(0) });
  const b = rebuilt.step(residual, t, sample, { eta, rng: new Rng(0) });
  const diff = tf.tidy(() => tf.sum(tf.abs(tf.sub(a.prevSample, b.prevSample))).dataSync()[0]);
  tf.dispose([sample, residual, a.prevSample, a.predOriginalSample, b.prevSample, b.predOriginalSample]);
  return diff;
}

describe('DDIMScheduler config sweeps of test_scheduler_ddim.py (save/load equivalence)', () => {
  it('test_timesteps', () => {
    for (const numTrainTimesteps of [100, 500, 1000]) {
      expect(checkRoundTrip(schedulerConfig({ numTrainTimesteps }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_steps_offset sweep', () => {
    for (const stepsOffset of [0, 1]) expect(checkRoundTrip(schedulerConfig({ stepsOffset }), 0)).toBeLessThan(1e-5);
  });

  it('test_betas (β ≥ 1 is rejected here, where diffusers accepts beta_end = 2)', () => {
    const starts = [0.0001, 0.001, 0.01];
    const ends = [0.002, 0.02, 0.2];
    starts.forEach((betaStart, i) => {
      expect(checkRoundTrip(schedulerConfig({ betaStart, betaEnd: ends[i] }), 0)).toBeLessThan(1e-5);
    });
    expect(() => new DDIMScheduler(schedulerConfig({ betaStart: 0.1, betaEnd: 2 }))).toThrow(/betaEnd: 2/);
  });

  it('test_schedules', () => {
    for (const betaSchedule of ['linear', 'squaredcos_cap_v2'] as const) {
      expect(checkRoundTrip(schedulerConfig({ betaSchedule }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_prediction_type', () => {
    for (const predictionType of ['epsilon', 'v_prediction'] as const) {
      expect(checkRoundTrip(schedulerConfig({ predictionType }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_clip_sample', () => {
    for (const clipSample of [true, false]) expect(checkRoundTrip(schedulerConfig({ clipSample }), 0)).toBeLessThan(1e-5);
  });

  it('test_timestep_spacing', () => {
    for (const timestepSpacing of ['trailing', 'leading'] as const) {
      expect(checkRoundTrip(schedulerConfig({ timestepSpacing }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_rescale_betas_zero_snr', () => {
    for (const rescaleBetasZeroSnr of [true, false]) {
      expect(checkRoundTrip(schedulerConfig({ rescaleBetasZeroSnr }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_time_indices', () => {
    for (const t of [1, 10, 49]) expect(checkRoundTrip(schedulerConfig(), t)).toBeLessThan(1e-5);
  });

  it('test_inference_steps', () => {
    const cases: Array<[number, number]> = [
      [1, 10],
      [10, 50],
      [50, 500],
    ];
    for (const [t, n] of cases) expect(checkRoundTrip(schedulerConfig(), t, n)).toBeLessThan(1e-5);
  });

  it('test_eta', () => {
    const cases: Array<[number, number]> = [
      [1, 0.0],
      [10, 0.5],
      [49, 1.0],
    ];
    for (const [t, eta] of cases) expect(checkRoundTrip(schedulerConfig(), t, 50, eta)).toBeLessThan(1e-5);
  });
});
