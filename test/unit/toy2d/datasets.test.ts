import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians, sampleDataset, sampleDrawn, sampleMixture, TOY_DATASETS } from '../../../src/toy2d/datasets';

function moments(points: Float32Array): { mx: number; my: number; sx: number; sy: number } {
  const n = points.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i] / n;
    my += points[2 * i + 1] / n;
  }
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    vx += (points[2 * i] - mx) ** 2 / n;
    vy += (points[2 * i + 1] - my) ** 2 / n;
  }
  return { mx, my, sx: Math.sqrt(vx), sy: Math.sqrt(vy) };
}

describe('toy 2-D data sets', () => {
  it('lists the four sets', () => {
    expect(TOY_DATASETS).toEqual(['swiss-roll', 'two-moons', 'ring', 'drawn']);
  });

  for (const name of ['swiss-roll', 'two-moons', 'ring'] as const) {
    it(`${name}: centred, roughly unit spread, deterministic per seed`, () => {
      const points = sampleDataset(name, 20_000, new Rng(1));
      expect(points).toHaveLength(40_000);
      expect(points.every(Number.isFinite)).toBe(true);
      const { mx, my, sx, sy } = moments(points);
      expect(Math.abs(mx)).toBeLessThan(0.05);
      expect(Math.abs(my)).toBeLessThan(0.05);
      // The mean of the two variances is about 1 (one scale for both axes keeps the shapes).
      expect((sx * sx + sy * sy) / 2).toBeGreaterThan(0.9);
      expect((sx * sx + sy * sy) / 2).toBeLessThan(1.1);
      expect(sampleDataset(name, 50, new Rng(7))).toEqual(sampleDataset(name, 50, new Rng(7)));
      expect(sampleDataset(name, 50, new Rng(7))).not.toEqual(sampleDataset(name, 50, new Rng(8)));
    });
  }

  it('ring of Gaussians: modes on a circle, weights sum to 1, samples near the modes', () => {
    const m = ringOfGaussians({ modes: 6, radius: 2, std: 0.05 });
    expect(m.means).toHaveLength(12);
    expect(m.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    for (let k = 0; k < 6; k++) expect(Math.hypot(m.means[2 * k], m.means[2 * k + 1])).toBeCloseTo(2, 5);
    const points = sampleMixture(m, 2000, new Rng(3));
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 2000; i++) {
      let best = Infinity;
      let which = 0;
      for (let k = 0; k < 6; k++) {
        const d = Math.hypot(points[2 * i] - m.means[2 * k], points[2 * i + 1] - m.means[2 * k + 1]);
        if (d < best) [best, which] = [d, k];
      }
      expect(best).toBeLessThan(0.3);
      counts[which]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(250);
    expect(() => ringOfGaussians({ modes: 0 })).toThrow(/modes/);
    expect(() => ringOfGaussians({ std: 0 })).toThrow(/std/);
  });

  it('unequal mixture weights are respected', () => {
    const m = { means: Float32Array.from([-3, 0, 3, 0]), std: 0.1, weights: Float32Array.from([0.8, 0.2]) };
    const points = sampleMixture(m, 5000, new Rng(2));
    let left = 0;
    for (let i = 0; i < 5000; i++) if (points[2 * i] < 0) left++;
    expect(left / 5000).toBeGreaterThan(0.77);
    expect(left / 5000).toBeLessThan(0.83);
  });

  it('drawn points: samples sit near the drawn points with the given jitter', () => {
    const drawn = Float32Array.from([0, 0, 1, 1]);
    const points = sampleDrawn(drawn, 4000, new Rng(5), 0.1);
    let nearFirst = 0;
    for (let i = 0; i < 4000; i++) {
      const d0 = Math.hypot(points[2 * i], points[2 * i + 1]);
      const d1 = Math.hypot(points[2 * i] - 1, points[2 * i + 1] - 1);
      expect(Math.min(d0, d1)).toBeLessThan(0.6);
      if (d0 < d1) nearFirst++;
    }
    expect(nearFirst / 4000).toBeGreaterThan(0.45);
    expect(nearFirst / 4000).toBeLessThan(0.55);
    expect(() => sampleDrawn(new Float32Array(0), 10, new Rng(1))).toThrow(/at least one point/);
    expect(() => sampleDataset('ring', -1, new Rng(1))).toThrow(/count/);
  });
});
