/**
 * diffusers' own DDPMScheduler tests, reproduced at diffusers' tolerances.
 *
 * Expectations: huggingface/diffusers tests/schedulers/test_scheduler_ddpm.py
 * @ 95ff47117056a76908fd38e65ef36dcc07bb7ce6. Behaviour read from DDPMScheduler in
 * src/diffusers/schedulers/scheduling_ddpm.py of the diffusers fork a-r-r-o-w/diffusers
 * @ 0fe9180ff911d073c228e2b01e75863e59362646 (the index's copies of huggingface/diffusers'
 * scheduler sources are older than these tests). Fixtures: see diffusers-fixtures.ts.
 *
 * The full-loop tests draw step noise from `torch.manual_seed(0)`; torch-randn.ts reproduces that
 * stream and the noise is passed to `step` explicitly.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DDPMScheduler,
  DiffusionConfigError,
  fromDiffusersConfig,
  toDiffusersConfig,
  type DDPMConfigInput,
} from '../../../src/diffusion';
import { Rng } from '../../../src/data/rng';
import {
  SHAPE,
  absSumAndMean,
  dummyModel,
  dummyNoiseDeter,
  dummySampleDeter,
  printReproduced,
  torchNoiseSource,
  type Reproduced,
} from './diffusers-fixtures';
import { TorchCpuGenerator } from './torch-randn';

const reproduced: Reproduced[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  printReproduced('diffusers DDPMScheduler expectations (test_scheduler_ddpm.py @ 95ff4711)', reproduced);
});

/** diffusers' `get_scheduler_config` for DDPM. */
function schedulerConfig(extra: DDPMConfigInput = {}): DDPMConfigInput {
  return {
    numTrainTimesteps: 1000,
    betaStart: 0.0001,
    betaEnd: 0.02,
    betaSchedule: 'linear',
    varianceType: 'fixed_small',
    clipSample: true,
    ...extra,
  };
}

function expectClose(test: string, quantity: string, achieved: number, expected: number, tol: number): void {
  reproduced.push({ test, quantity, expected, achieved: Number(achieved.toPrecision(9)), tolerance: `< ${tol}` });
  expect(Math.abs(achieved - expected)).toBeLessThan(tol);
}

/** The loop of test_full_loop_no_noise / test_full_loop_with_v_prediction. */
function fullLoop(config: DDPMConfigInput): { sum: number; mean: number } {
  const scheduler = new DDPMScheduler(config);
  const noise = torchNoiseSource(0);
  let sample = dummySampleDeter();
  for (let t = scheduler.numTrainTimesteps - 1; t >= 0; t--) {
    const residual = dummyModel(sample, t);
    const stepNoise = t > 0 ? noise() : undefined;
    const out = scheduler.step(residual, t, sample, { noise: stepNoise });
    tf.dispose([residual, stepNoise, out.predOriginalSample, sample]);
    sample = out.prevSample;
  }
  const stats = absSumAndMean(sample);
  sample.dispose();
  return stats;
}

describe('torch noise stream used by the full-loop tests', () => {
  it('matches the widely printed torch.manual_seed(0); torch.randn(16)', () => {
    const expected = [
      -1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152, 0.3223, -1.2633, 0.35, 0.3081, 0.1198,
      1.2377, 1.1168, -0.2473,
    ];
    const got = new TorchCpuGenerator(0).randn(16);
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });
});

describe('DDPMScheduler reproduces diffusers test_scheduler_ddpm.py', () => {
  it('test_variance', () => {
    const scheduler = new DDPMScheduler(schedulerConfig());
    expectClose('test_variance', '_get_variance(0)', scheduler.getVariance(0), 0.0, 1e-5);
    expectClose('test_variance', '_get_variance(487)', scheduler.getVariance(487), 0.00979, 1e-5);
    expectClose('test_variance', '_get_variance(999)', scheduler.getVariance(999), 0.02, 1e-5);
  });

  it('test_full_loop_no_noise (1000 steps, noise from torch.manual_seed(0))', () => {
    const { sum, mean } = fullLoop(schedulerConfig());
    expectClose('test_full_loop_no_noise', 'sum |x|', sum, 258.9606, 1e-2);
    expectClose('test_full_loop_no_noise', 'mean |x|', mean, 0.3372, 1e-3);
  });

  it('test_full_loop_with_v_prediction', () => {
    const { sum, mean } = fullLoop(schedulerConfig({ predictionType: 'v_prediction' }));
    expectClose('test_full_loop_with_v_prediction', 'sum |x|', sum, 202.0296, 1e-2);
    expectClose('test_full_loop_with_v_prediction', 'mean |x|', mean, 0.2631, 1e-3);
  });

  it('test_full_loop_with_noise (add_noise at t = 1, then steps 1 and 0)', () => {
    const scheduler = new DDPMScheduler(schedulerConfig());
    const tStart = scheduler.numTrainTimesteps - 2;
    const timesteps = scheduler.timesteps.slice(tStart);
    expect(Array.from(timesteps)).toEqual([1, 0]);
    const noise = torchNoiseSource(0);
    const x0 = dummySampleDeter();
    const deterNoise = dummyNoiseDeter();
    let sample = scheduler.addNoise(x0, deterNoise, timesteps.slice(0, 1));
    tf.dispose([x0, deterNoise]);
    for (const t of timesteps) {
      const residual = dummyModel(sample, t);
      const stepNoise = t > 0 ? noise() : undefined;
      const out = scheduler.step(residual, t, sample, { noise: stepNoise });
      tf.dispose([residual, stepNoise, out.predOriginalSample, sample]);
      sample = out.prevSample;
    }
    const { sum, mean } = absSumAndMean(sample);
    sample.dispose();
    expectClose('test_full_loop_with_noise', 'sum |x|', sum, 387.9466, 1e-2);
    expectClose('test_full_loop_with_noise', 'mean |x|', mean, 0.5051, 1e-3);
  });

  it('test_custom_timesteps', () => {
    const scheduler = new DDPMScheduler(schedulerConfig());
    const timesteps = [100, 87, 50, 1, 0];
    scheduler.setTimesteps({ timesteps });
    const prev = Array.from(scheduler.timesteps, (t) => scheduler.previousTimestep(t));
    reproduced.push({
      test: 'test_custom_timesteps',
      quantity: 'previous_timestep for [100, 87, 50, 1, 0]',
      expected: '[87, 50, 1, 0, -1]',
      achieved: `[${prev.join(', ')}]`,
      tolerance: 'exact',
    });
    expect(prev).toEqual([87, 50, 1, 0, -1]);
  });

  it('test_custom_timesteps_increasing_order', () => {
    const scheduler = new DDPMScheduler(schedulerConfig());
    expect(() => scheduler.setTimesteps({ timesteps: [100, 87, 50, 51, 0] })).toThrow(DiffusionConfigError);
    expect(() => scheduler.setTimesteps({ timesteps: [100, 87, 50, 51, 0] })).toThrow(/timesteps.*descending/);
    reproduced.push({ test: 'test_custom_timesteps_increasing_order', quantity: 'raises', expected: 'error', achieved: 'DiffusionConfigError', tolerance: 'exact' });
  });

  it('test_custom_timesteps_too_large', () => {
    const scheduler = new DDPMScheduler(schedulerConfig());
    expect(() => scheduler.setTimesteps({ timesteps: [scheduler.config.numTrainTimesteps] })).toThrow(
      DiffusionConfigError,
    );
    reproduced.push({ test: 'test_custom_timesteps_too_large', quantity: 'raises', expected: 'error', achieved: 'DiffusionConfigError', tolerance: 'exact' });
  });

  it('test_trained_betas: explicit betas survive a diffusers config round trip', () => {
    // diffusers passes [0.1, 0.3] with num_train_timesteps = 1000; here the length must equal T.
    const scheduler = new DDPMScheduler({ ...schedulerConfig(), numTrainTimesteps: 2, trainedBetas: [0.1, 0.3] });
    const again = new DDPMScheduler(fromDiffusersConfig(toDiffusersConfig(scheduler.config), 'DDPMScheduler'));
    expect(Array.from(again.betas)).toEqual(Array.from(scheduler.betas));
    expect(Array.from(scheduler.betas)).toEqual([Math.fround(0.1), Math.fround(0.3)]);
  });
});

/**
 * diffusers' check_over_configs / check_over_forward: a scheduler rebuilt from its saved config
 * steps exactly like the original (sum |Δ| < 1e-5). Here the saved config is our diffusers dict.
 */
function checkRoundTrip(config: DDPMConfigInput, t: number): number {
  const scheduler = new DDPMScheduler(config);
  const rebuilt = new DDPMScheduler(fromDiffusersConfig(toDiffusersConfig(scheduler.config), 'DDPMScheduler'));
  const rng = new Rng(1234);
  const sample = tf.tensor(rng.fillUniform(new Float32Array(4 * 3 * 8 * 8)), SHAPE);
  const residual = tf.mul(sample, 0.1);
  const noise = tf.tensor(rng.fillNormal(new Float32Array(sample.size)), SHAPE);
  const a = scheduler.step(residual, t, sample, { noise });
  const b = rebuilt.step(residual, t, sample, { noise });
  const diff = tf.tidy(() => tf.sum(tf.abs(tf.sub(a.prevSample, b.prevSample))).dataSync()[0]);
  tf.dispose([sample, residual, noise, a.prevSample, a.predOriginalSample, b.prevSample, b.predOriginalSample]);
  return diff;
}

describe('DDPMScheduler config sweeps of test_scheduler_ddpm.py (save/load equivalence)', () => {
  it('test_timesteps', () => {
    for (const numTrainTimesteps of [1, 5, 100, 1000]) {
      expect(checkRoundTrip(schedulerConfig({ numTrainTimesteps }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_betas (β ≥ 1 is rejected here, where diffusers accepts beta_end = 2)', () => {
    const starts = [0.0001, 0.001, 0.01];
    const ends = [0.002, 0.02, 0.2];
    starts.forEach((betaStart, i) => {
      expect(checkRoundTrip(schedulerConfig({ betaStart, betaEnd: ends[i] }), 0)).toBeLessThan(1e-5);
    });
    expect(() => new DDPMScheduler(schedulerConfig({ betaStart: 0.1, betaEnd: 2 }))).toThrow(/betaEnd: 2/);
  });

  it('test_schedules', () => {
    for (const betaSchedule of ['linear', 'squaredcos_cap_v2'] as const) {
      expect(checkRoundTrip(schedulerConfig({ betaSchedule }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_variance_type ("other" is rejected here; diffusers silently accepts it)', () => {
    for (const varianceType of ['fixed_small', 'fixed_large'] as const) {
      expect(checkRoundTrip(schedulerConfig({ varianceType }), 0)).toBeLessThan(1e-5);
    }
    expect(() => new DDPMScheduler(schedulerConfig({ varianceType: 'other' as never }))).toThrow(DiffusionConfigError);
  });

  it('test_clip_sample', () => {
    for (const clipSample of [true, false]) {
      expect(checkRoundTrip(schedulerConfig({ clipSample }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_prediction_type', () => {
    for (const predictionType of ['epsilon', 'sample', 'v_prediction'] as const) {
      expect(checkRoundTrip(schedulerConfig({ predictionType }), 0)).toBeLessThan(1e-5);
    }
  });

  it('test_time_indices', () => {
    for (const t of [0, 500, 999]) expect(checkRoundTrip(schedulerConfig(), t)).toBeLessThan(1e-5);
  });
});
