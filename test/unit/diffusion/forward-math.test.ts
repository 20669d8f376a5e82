/**
 * The forward process on plain arrays: the closed form of Ho et al. 2020 (eq. 4) and the chain of
 * single steps (eq. 2) must give the same distribution for x_t.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { computeAlphasCumprod, computeBetas } from '../../../src/diffusion/index';
import {
  IterativeForward,
  alphaBarAt,
  expectedPixelStats,
  forwardCoefficients,
  forwardStep,
  noiseClosedForm,
  noiseIterative,
  noiseOfSample,
  pixelStats,
  seededNoise,
  standardNormalPdf,
} from '../../../src/diffusion/forward-math';

/** A stand-in for a digit: mostly background (−1) with a block of ink (+1), many pixels. */
function patternImage(pixels: number): Float32Array {
  const x = new Float32Array(pixels).fill(-1);
  for (let i = 0; i < pixels; i++) if (i % 5 === 0 || i % 7 === 0) x[i] = 1;
  return x;
}

describe('forward coefficients', () => {
  const abar = computeAlphasCumprod({ betaSchedule: 'linear' });

  it('ᾱ_0 = 1 and ᾱ_t is diffusers’ alphas_cumprod[t − 1]', () => {
    expect(alphaBarAt(abar, 0)).toBe(1);
    expect(alphaBarAt(abar, 1)).toBeCloseTo(1 - 0.0001, 12);
    expect(alphaBarAt(abar, 1000)).toBe(abar[999]);
    // Linear 1e-4…0.02 over T = 1000: ᾱ_T ≈ 4.04e-5 (the "almost pure noise" end of Ho et al. 2020).
    expect(alphaBarAt(abar, 1000)).toBeGreaterThan(3.9e-5);
    expect(alphaBarAt(abar, 1000)).toBeLessThan(4.2e-5);
  });

  it('√ᾱ and √(1 − ᾱ) square to a sum of 1 and reject steps outside 0…T', () => {
    for (const t of [0, 1, 250, 500, 1000]) {
      const c = forwardCoefficients(abar, t);
      expect(c.sqrtAlphaBar ** 2 + c.sqrtOneMinusAlphaBar ** 2).toBeCloseTo(1, 12);
      expect(c.alphaBar).toBe(alphaBarAt(abar, t));
    }
    expect(() => alphaBarAt(abar, -1)).toThrow(RangeError);
    expect(() => alphaBarAt(abar, 1001)).toThrow(/0 to 1000/);
    expect(() => alphaBarAt(abar, 2.5)).toThrow(RangeError);
  });

  it('ᾱ falls monotonically from 1', () => {
    let previous = 1;
    for (let t = 1; t <= 1000; t++) {
      const value = alphaBarAt(abar, t);
      expect(value).toBeLessThan(previous);
      previous = value;
    }
  });
});

describe('closed form (Ho et al. 2020, eq. 4)', () => {
  it('mixes x_0 and ε by √ᾱ and √(1 − ᾱ)', () => {
    const x0 = Float32Array.from([1, -1, 0.5, 0]);
    const eps = Float32Array.from([0.2, -0.4, 1.5, -2]);
    expect(Array.from(noiseClosedForm(x0, 1, eps))).toEqual(Array.from(x0));
    expect(Array.from(noiseClosedForm(x0, 0, eps))).toEqual(Array.from(eps));
    const mixed = noiseClosedForm(x0, 0.36, eps);
    expect(mixed[0]).toBeCloseTo(0.6 * 1 + 0.8 * 0.2, 6);
    expect(mixed[2]).toBeCloseTo(0.6 * 0.5 + 0.8 * 1.5, 6);
    expect(() => noiseClosedForm(x0, 1.5, eps)).toThrow(RangeError);
    expect(() => noiseClosedForm(x0, 0.5, new Float32Array(3))).toThrow(/noise has 3/);
  });

  it('recovers the ε that eq. 4 mixed in, and refuses ᾱ = 1', () => {
    const x0 = Float32Array.from([1, -1, 0.5, 0]);
    const eps = Float32Array.from([0.2, -0.4, 1.5, -2]);
    const coeff = forwardCoefficients(Float64Array.from([0.9, 0.36]), 2);
    const back = noiseOfSample(noiseClosedForm(x0, coeff.alphaBar, eps), x0, coeff);
    for (let i = 0; i < eps.length; i++) expect(back[i]).toBeCloseTo(eps[i], 5);
    expect(() => noiseOfSample(x0, x0, forwardCoefficients(Float64Array.from([0.9]), 0))).toThrow(RangeError);
    expect(() => noiseOfSample(new Float32Array(3), x0, coeff)).toThrow(/x_t has 3/);
  });

  it('seeded noise is reproducible and standard normal', () => {
    const a = seededNoise(50_000, 11);
    expect(Array.from(a.slice(0, 8))).toEqual(Array.from(seededNoise(8, 11)));
    expect(Array.from(a.slice(0, 8))).not.toEqual(Array.from(seededNoise(8, 12)));
    const s = pixelStats(a);
    expect(Math.abs(s.mean)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.02);
  });
});

describe('step by step (Ho et al. 2020, eq. 2) against the closed form', () => {
  const betas = computeBetas({ betaSchedule: 'linear' });
  const abar = computeAlphasCumprod({ betaSchedule: 'linear' });

  it('t = 0 is x_0, and with the same seed the first step equals the closed form exactly', () => {
    const x0 = patternImage(784);
    expect(Array.from(noiseIterative(x0, betas, 0, new Rng(3)))).toEqual(Array.from(x0));
    // ᾱ_1 = 1 − β_1 and ε_1 is the first draw of Rng(3), the same ε the closed form uses.
    const stepped = noiseIterative(x0, betas, 1, new Rng(3));
    const closed = noiseClosedForm(x0, alphaBarAt(abar, 1), seededNoise(784, 3));
    for (let i = 0; i < 784; i++) expect(stepped[i]).toBeCloseTo(closed[i], 5);
  });

  it('forwardStep scales by √(1 − β) and adds √β of noise', () => {
    const x = Float32Array.from([2, -2]);
    const rng = new Rng(5);
    const n0 = new Rng(5).normal();
    forwardStep(x, 0.19, rng);
    expect(x[0]).toBeCloseTo(0.9 * 2 + Math.sqrt(0.19) * n0, 5);
    expect(() => forwardStep(x, -0.1, rng)).toThrow(RangeError);
  });

  for (const schedule of ['linear', 'squaredcos_cap_v2'] as const) {
    it(`both give N(√ᾱ_t·x_0, (1 − ᾱ_t)·I) over many pixels (${schedule})`, () => {
      // T = 100 keeps the chain short; the pixels are many, so sampling error is about 0.005.
      const settings = { betaSchedule: schedule, numTrainTimesteps: 100 };
      const b = computeBetas(settings);
      const ab = computeAlphasCumprod(settings);
      const x0 = patternImage(40_000);
      for (const t of [10, 50, 100]) {
        const a = alphaBarAt(ab, t);
        const closed = noiseClosedForm(x0, a, seededNoise(x0.length, 21));
        const stepped = noiseIterative(x0, b, t, new Rng(22));
        // The noise part x_t − √ᾱ_t·x_0 must be N(0, 1 − ᾱ_t) in both.
        const residual = (x: Float32Array): Float32Array => x.map((v, i) => v - Math.sqrt(a) * x0[i]);
        const rc = pixelStats(residual(closed));
        const rs = pixelStats(residual(stepped));
        const sigma = Math.sqrt(1 - a);
        expect(Math.abs(rc.mean)).toBeLessThan(0.02);
        expect(Math.abs(rs.mean)).toBeLessThan(0.02);
        expect(rc.std / sigma).toBeGreaterThan(0.98);
        expect(rc.std / sigma).toBeLessThan(1.02);
        expect(rs.std / sigma).toBeGreaterThan(0.98);
        expect(rs.std / sigma).toBeLessThan(1.02);
        // And the pixels as a whole match what x_0's mean and spread predict, in both.
        const expected = expectedPixelStats(x0, a);
        for (const s of [pixelStats(closed), pixelStats(stepped)]) {
          expect(Math.abs(s.mean - expected.mean)).toBeLessThan(0.02);
          expect(Math.abs(s.std - expected.std)).toBeLessThan(0.02);
        }
      }
    });
  }

  it('the chain ends close to N(0, 1) under the linear schedule at T = 1000', () => {
    const x0 = patternImage(784 * 8);
    const s = pixelStats(noiseIterative(x0, betas, 1000, new Rng(9)));
    expect(Math.abs(s.mean)).toBeLessThan(0.05);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.04);
  });

  it('IterativeForward gives the same x_t going forward, backward and from scratch', () => {
    const x0 = patternImage(784);
    const chain = new IterativeForward(x0, betas, 4);
    const at300 = chain.at(300);
    const at500 = chain.at(500); // continues from 300
    const again300 = chain.at(300); // replays from x_0
    expect(Array.from(again300)).toEqual(Array.from(at300));
    expect(Array.from(at500)).toEqual(Array.from(noiseIterative(x0, betas, 500, new Rng(4))));
    // at() returns copies, so callers cannot disturb the chain.
    at500.fill(0);
    expect(Array.from(chain.at(500))).toEqual(Array.from(noiseIterative(x0, betas, 500, new Rng(4))));
    expect(chain.steps).toBe(1000);
    // Going back between snapshots (every 7 steps here) and forward again changes nothing.
    const small = new IterativeForward(x0, betas, 4, 7);
    const expected = Array.from(noiseIterative(x0, betas, 23, new Rng(4)));
    small.at(60);
    expect(Array.from(small.at(23))).toEqual(expected);
    small.at(3);
    expect(Array.from(small.at(23))).toEqual(expected);
    expect(() => chain.at(1001)).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('pixelStats gives population mean and standard deviation', () => {
    const s = pixelStats([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(s.min).toBe(1);
    expect(s.max).toBe(4);
    expect(Number.isNaN(pixelStats([]).mean)).toBe(true);
  });

  it('the standard normal pdf peaks at 1/√(2π) and integrates to 1', () => {
    expect(standardNormalPdf(0)).toBeCloseTo(0.3989422804, 9);
    let area = 0;
    for (let x = -8; x < 8; x += 0.001) area += standardNormalPdf(x + 0.0005) * 0.001;
    expect(area).toBeCloseTo(1, 6);
  });
});
