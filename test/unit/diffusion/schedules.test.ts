/**
 * Pure schedule maths: β curves, ᾱ, SNR, log-SNR and the timestep spacings. Schedules and spacings
 * follow DDPMScheduler / DDIMScheduler in the diffusers fork a-r-r-o-w/diffusers,
 * src/diffusers/schedulers/scheduling_ddpm.py @ 0fe9180ff911d073c228e2b01e75863e59362646; the expected
 * values here come from the papers cited in each test, not from diffusers' tests.
 */
import { describe, expect, it } from 'vitest';
import {
  BETA_SCHEDULES,
  COSINE_MAX_BETA,
  DEFAULT_DDPM_CONFIG,
  computeAlphasCumprod,
  computeBetas,
  computeLogSnr,
  computeSnr,
  computeSqrtAlphasCumprod,
  computeSqrtOneMinusAlphasCumprod,
  inferenceTimesteps,
  roundHalfEven,
  scheduleCurves,
  type ScheduleSettingsInput,
} from '../../../src/diffusion';

const T = 1000;

describe('β schedules', () => {
  it('linear runs from betaStart to betaEnd in equal steps (Ho et al. 2020, §4)', () => {
    const betas = computeBetas({ betaSchedule: 'linear' });
    expect(betas.length).toBe(T);
    expect(betas[0]).toBe(0.0001);
    expect(betas[T - 1]).toBe(0.02);
    const step = (0.02 - 0.0001) / (T - 1);
    for (let i = 1; i < T; i++) expect(betas[i] - betas[i - 1]).toBeCloseTo(step, 12);
  });

  it('scaled_linear is linear in √β', () => {
    const betas = computeBetas({ betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
    expect(betas[0]).toBeCloseTo(0.00085, 15);
    expect(betas[T - 1]).toBeCloseTo(0.012, 15);
    const roots = Array.from(betas, Math.sqrt);
    const step = (Math.sqrt(0.012) - Math.sqrt(0.00085)) / (T - 1);
    for (let i = 1; i < T; i++) expect(roots[i] - roots[i - 1]).toBeCloseTo(step, 12);
  });

  it('cosine ᾱ matches Nichol & Dhariwal 2021 eq. 17, with β capped at 0.999', () => {
    const s = 0.008;
    const f = (t: number): number => Math.cos(((t / T + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    const betas = computeBetas({ betaSchedule: 'squaredcos_cap_v2' });
    const alphasCumprod = computeAlphasCumprod({ betaSchedule: 'squaredcos_cap_v2' });
    // Index i is the paper's t = i + 1. Before the cap acts, ᾱ_t = f(t)/f(0) exactly.
    for (let i = 0; i < T - 1; i++) {
      expect(betas[i]).toBeLessThan(COSINE_MAX_BETA);
      expect(Math.abs(alphasCumprod[i] - f(i + 1) / f(0))).toBeLessThan(1e-12 + 1e-9 * alphasCumprod[i]);
    }
    // f(T) = 0 would make β_T = 1; the cap keeps it at 0.999.
    expect(betas[T - 1]).toBe(0.999);
    expect(Math.max(...betas)).toBe(0.999);
  });

  it('sigmoid spans betaStart + σ(±6)·(betaEnd − betaStart) and rises monotonically', () => {
    const betas = computeBetas({ betaSchedule: 'sigmoid', betaStart: 0.0001, betaEnd: 0.02 });
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(betas[0]).toBeCloseTo(0.0001 + sig(-6) * 0.0199, 15);
    expect(betas[T - 1]).toBeCloseTo(0.0001 + sig(6) * 0.0199, 15);
    for (let i = 1; i < T; i++) expect(betas[i]).toBeGreaterThan(betas[i - 1]);
  });

  it('trainedBetas are used as given', () => {
    expect(Array.from(computeBetas({ trainedBetas: [0.1, 0.2, 0.4] }))).toEqual([0.1, 0.2, 0.4]);
  });

  it('zero terminal SNR rescale (Lin et al. 2024, Algorithm 1): ᾱ_T = 0, ᾱ_1 unchanged', () => {
    for (const betaSchedule of BETA_SCHEDULES) {
      const plain = computeAlphasCumprod({ betaSchedule });
      const rescaled = scheduleCurves({ betaSchedule, rescaleBetasZeroSnr: true });
      expect(rescaled.alphasCumprod[0]).toBeCloseTo(plain[0], 14);
      expect(rescaled.alphasCumprod[T - 1]).toBe(0);
      expect(rescaled.betas[T - 1]).toBe(1);
      expect(rescaled.snr[T - 1]).toBe(0);
      expect(rescaled.logSnr[T - 1]).toBe(-Infinity);
      // √ᾱ is an affine map of the original √ᾱ.
      const a = Math.sqrt(plain[0]);
      const b = Math.sqrt(plain[T - 1]);
      const mid = 500;
      expect(Math.sqrt(rescaled.alphasCumprod[mid])).toBeCloseTo(((Math.sqrt(plain[mid]) - b) * a) / (a - b), 12);
    }
  });
});

describe('curves', () => {
  const configs: ScheduleSettingsInput[] = [
    ...BETA_SCHEDULES.map((betaSchedule) => ({ betaSchedule })),
    { betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 },
    { betaSchedule: 'linear', rescaleBetasZeroSnr: true },
    { numTrainTimesteps: 10 },
  ];

  it('log-SNR is strictly decreasing for every schedule', () => {
    for (const config of configs) {
      const logSnr = computeLogSnr(config);
      for (let i = 1; i < logSnr.length; i++) expect(logSnr[i]).toBeLessThan(logSnr[i - 1]);
    }
  });

  it('SNR = ᾱ/(1 − ᾱ) = exp(log-SNR), and the two x_t weights are a unit vector', () => {
    for (const config of configs) {
      const alphasCumprod = computeAlphasCumprod(config);
      const snr = computeSnr(config);
      const logSnr = computeLogSnr(config);
      const sa = computeSqrtAlphasCumprod(config);
      const sb = computeSqrtOneMinusAlphasCumprod(config);
      for (let i = 0; i < alphasCumprod.length; i++) {
        const a = alphasCumprod[i];
        expect(snr[i]).toBeCloseTo(a / (1 - a), 10);
        if (a > 0) expect(Math.exp(logSnr[i]) / snr[i]).toBeCloseTo(1, 12);
        expect(sa[i] ** 2 + sb[i] ** 2).toBeCloseTo(1, 14);
      }
    }
  });

  it('ᾱ is the running product of 1 − β', () => {
    const { betas, alphas, alphasCumprod } = scheduleCurves({ betaSchedule: 'scaled_linear' });
    let product = 1;
    for (let i = 0; i < betas.length; i++) {
      expect(alphas[i]).toBe(1 - betas[i]);
      product *= alphas[i];
      expect(alphasCumprod[i]).toBeCloseTo(product, 15);
    }
  });

  it('accepts a full scheduler config (non-schedule keys are ignored)', () => {
    expect(Array.from(computeBetas(DEFAULT_DDPM_CONFIG))).toEqual(Array.from(computeBetas()));
  });
});

describe('timestep spacing (Lin et al. 2024, Table 2, T = 1000, 10 steps, 0-based)', () => {
  it('leading', () => {
    expect(Array.from(inferenceTimesteps(T, 10, 'leading'))).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    expect(Array.from(inferenceTimesteps(T, 10, 'leading', 1))).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });

  it('trailing', () => {
    expect(Array.from(inferenceTimesteps(T, 10, 'trailing'))).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  });

  it('linspace', () => {
    expect(Array.from(inferenceTimesteps(T, 10, 'linspace'))).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
  });

  it('rounds halves to even like numpy (np.linspace(0, 997, 3).round() = [0, 498, 997])', () => {
    expect(Array.from(inferenceTimesteps(998, 3, 'linspace'))).toEqual([997, 498, 0]);
    expect(Array.from(inferenceTimesteps(1000, 3, 'linspace'))).toEqual([999, 500, 0]);
    expect([0.5, 1.5, 2.5, -0.5, 498.5, 499.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, 498, 500, 2, 3]);
  });

  it('trailing always gives n non-negative timesteps (diffusers gives a 62nd, −1, for n = 61)', () => {
    const ts = inferenceTimesteps(T, 61, 'trailing');
    expect(ts.length).toBe(61);
    expect(Array.from(ts.slice(-2))).toEqual([32, 15]);
    for (let n = 1; n <= T; n++) {
      const all = inferenceTimesteps(T, n, 'trailing');
      expect(all.length).toBe(n);
      expect(all[0]).toBe(T - 1);
      expect(Math.min(...all)).toBeGreaterThanOrEqual(0);
    }
  });

  it('one step and all steps', () => {
    expect(Array.from(inferenceTimesteps(T, 1, 'leading'))).toEqual([0]);
    expect(Array.from(inferenceTimesteps(T, 1, 'trailing'))).toEqual([999]);
    expect(Array.from(inferenceTimesteps(T, 1, 'linspace'))).toEqual([0]);
    for (const spacing of ['leading', 'trailing', 'linspace'] as const) {
      const ts = inferenceTimesteps(T, T, spacing);
      expect(Array.from(ts)).toEqual(Array.from({ length: T }, (_, i) => T - 1 - i));
    }
  });
});
