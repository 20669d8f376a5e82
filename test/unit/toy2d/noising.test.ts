import { describe, expect, it } from 'vitest';
import { noiseProcess, VE_SIGMA_MAX, VE_SIGMA_MIN, VP_BETA_MAX, VP_BETA_MIN } from '../../../src/toy2d/noising';

const h = 1e-5;
const derivative = (f: (t: number) => number, t: number): number => (f(t + h) - f(t - h)) / (2 * h);

describe('VP and VE noising (Song et al. 2021)', () => {
  const vp = noiseProcess('vp', 0.01);
  const ve = noiseProcess('ve', 0.01);

  it('VP preserves variance: α² + σ² = 1, and α follows dα/dt = −½β(t)α', () => {
    for (const t of [0.01, 0.1, 0.4, 0.9, 1]) {
      expect(vp.alpha(t) ** 2 + vp.sigma(t) ** 2).toBeCloseTo(1, 10);
      expect(derivative(vp.alpha, t)).toBeCloseTo(-0.5 * vp.driftRate(t) * vp.alpha(t), 5);
      expect(vp.driftRate(t)).toBeCloseTo(VP_BETA_MIN + t * (VP_BETA_MAX - VP_BETA_MIN), 10);
    }
    // At t = 1 almost nothing of the data is left: ᾱ = exp(−10.05).
    expect(vp.alpha(1) ** 2).toBeCloseTo(Math.exp(-(VP_BETA_MAX + VP_BETA_MIN) / 2), 12);
    expect(vp.priorStd).toBeCloseTo(1, 10);
  });

  it('VE keeps the signal, σ grows geometrically, and g² = dσ²/dt', () => {
    expect(ve.sigma(0)).toBeCloseTo(VE_SIGMA_MIN, 12);
    expect(ve.sigma(1)).toBeCloseTo(VE_SIGMA_MAX, 10);
    for (const t of [0.05, 0.5, 0.95]) {
      expect(ve.alpha(t)).toBe(1);
      expect(ve.driftRate(t)).toBe(0);
      expect(ve.diffusionSquared(t) / derivative((s) => ve.sigma(s) ** 2, t)).toBeCloseTo(1, 5);
    }
    expect(ve.priorStd).toBeGreaterThan(VE_SIGMA_MAX);
  });

  it('VP marginal variance obeys the SDE: dΣ/dt = β(t)(1 − Σ) for Σ = σ²', () => {
    for (const t of [0.05, 0.3, 0.7]) {
      expect(derivative((s) => vp.sigma(s) ** 2, t)).toBeCloseTo(vp.diffusionSquared(t) * (1 - vp.sigma(t) ** 2), 4);
    }
  });

  it('timeForSigma inverts σ(t) and clamps to [tMin, 1]', () => {
    for (const p of [vp, ve]) {
      for (const t of [0.02, 0.2, 0.5, 0.8]) expect(p.timeForSigma(p.sigma(t))).toBeCloseTo(t, 8);
      expect(p.timeForSigma(0)).toBe(p.tMin);
      expect(p.timeForSigma(1e6)).toBe(1);
    }
  });
});
