import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians, sampleMixture } from '../../../src/toy2d/datasets';
import { fieldGrid, meanCosine, noisedPoints } from '../../../src/toy2d/field-compare';
import { mixtureScore } from '../../../src/toy2d/mixture-score';
import { noiseProcess } from '../../../src/toy2d/noising';

describe('field comparison helpers', () => {
  it('fieldGrid covers the square at cell centres, top row first', () => {
    const g = fieldGrid(-1, 1, 2);
    expect(Array.from(g)).toEqual([-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
    expect(fieldGrid(-3, 3, 20)).toHaveLength(800);
    expect(() => fieldGrid(0, 1, 0)).toThrow(/n must be/);
  });

  it('meanCosine: 1 for equal directions, −1 for opposite, 0 for orthogonal, skips zero vectors', () => {
    const a = Float32Array.from([1, 0, 0, 2, 0, 0]);
    expect(meanCosine(a, Float32Array.from([3, 0, 0, 0.5, 1, 1]))).toBeCloseTo(1, 6);
    expect(meanCosine(a, Float32Array.from([-1, 0, 0, -1, 1, 1]))).toBeCloseTo(-1, 6);
    expect(meanCosine(a, Float32Array.from([0, 1, 1, 0, 1, 1]))).toBeCloseTo(0, 6);
    expect(meanCosine(new Float32Array(2), new Float32Array(2))).toBeNaN();
    expect(() => meanCosine(new Float32Array(2), new Float32Array(4))).toThrow(/differ/);
  });

  it('noisedPoints follow the marginal: VP keeps unit variance, the true score agrees with itself', () => {
    const ring = ringOfGaussians();
    const p = noiseProcess('vp', 0.01);
    const clean = sampleMixture(ring, 5000, new Rng(1));
    const x = noisedPoints(clean, 0.5, p, new Rng(2));
    let v = 0;
    for (const value of x) v += (value * value) / x.length;
    // Ring variance per coordinate is 1 + 0.1², kept by VP.
    expect(v).toBeGreaterThan(0.95);
    expect(v).toBeLessThan(1.06);
    const s = mixtureScore(ring, x, p.alpha(0.5), p.sigma(0.5));
    expect(meanCosine(s, s)).toBeCloseTo(1, 6);
    expect(meanCosine(s, s.map((value) => -value))).toBeCloseTo(-1, 6);
  });
});

describe('mixtureFit', async () => {
  const { mixtureFit } = await import('../../../src/toy2d/mixture-fit');
  it('counts points on modes and the modes they cover', () => {
    const ring = ringOfGaussians();
    const fit = mixtureFit(ring, sampleMixture(ring, 800, new Rng(4)));
    expect(fit.onMode).toBeGreaterThan(0.95);
    expect(fit.modesCovered).toBe(8);
    // Every point on the first mode: one mode covered; points at the origin: none on a mode.
    const collapsed = new Float32Array(200).map((_, i) => ring.means[i % 2]);
    expect(mixtureFit(ring, collapsed)).toEqual({ onMode: 1, modesCovered: 1, modes: 8 });
    expect(mixtureFit(ring, new Float32Array(200)).onMode).toBe(0);
  });
});
