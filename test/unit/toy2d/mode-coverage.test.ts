import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians, sampleMixture } from '../../../src/toy2d/datasets';
import { assignToModes, modeCoverage, type ModeSet } from '../../../src/toy2d/mode-coverage';

const ring = ringOfGaussians({ modes: 8, radius: 2, std: 0.1 });

/** `perMode[m]` points placed exactly on mode m's centre. */
function onCentres(modes: ModeSet, perMode: number[]): Float32Array {
  const out: number[] = [];
  perMode.forEach((count, m) => {
    for (let i = 0; i < count; i++) out.push(modes.means[2 * m], modes.means[2 * m + 1]);
  });
  return Float32Array.from(out);
}

describe('assignToModes', () => {
  it('gives each point its nearest mode within radiusInStd·std, else −1', () => {
    const [cx, cy] = [ring.means[2], ring.means[3]]; // mode 1, at 45°
    const ux = cx / 2;
    const uy = cy / 2; // unit vector towards mode 1 (radius 2)
    const points = Float32Array.from([
      cx, cy,
      cx + 0.29 * ux, cy + 0.29 * uy, // 2.9σ out: inside
      cx + 0.31 * ux, cy + 0.31 * uy, // 3.1σ out: outside
      0, 0, // the centre of the ring: far from every mode
      Number.NaN, 1,
    ]);
    expect(Array.from(assignToModes(points, ring))).toEqual([1, 1, -1, -1, -1]);
    // A wider radius takes the 3.1σ point in.
    expect(Array.from(assignToModes(points, ring, { radiusInStd: 4 }))).toEqual([1, 1, 1, -1, -1]);
  });

  it('picks the nearer of two modes', () => {
    const close = { means: Float32Array.from([0, 0, 1, 0]), std: 1 };
    expect(Array.from(assignToModes(Float32Array.from([0.4, 0, 0.6, 0]), close))).toEqual([0, 1]);
  });

  it('rejects malformed modes and options', () => {
    expect(() => assignToModes(new Float32Array(2), { means: new Float32Array(0), std: 1 })).toThrow(/at least one mode/);
    expect(() => assignToModes(new Float32Array(2), { means: new Float32Array(3), std: 1 })).toThrow(/x, y pairs/);
    expect(() => assignToModes(new Float32Array(2), { means: new Float32Array(2), std: 0 })).toThrow(/std must be/);
    expect(() => assignToModes(new Float32Array(2), ring, { radiusInStd: -1 })).toThrow(/radiusInStd/);
  });
});

describe('modeCoverage', () => {
  it('counts every mode of an even spread, with even shares', () => {
    const cov = modeCoverage(onCentres(ring, [10, 10, 10, 10, 10, 10, 10, 10]), ring);
    expect(cov.total).toBe(80);
    expect(cov.modesHit).toBe(8);
    expect(cov.counts).toEqual([10, 10, 10, 10, 10, 10, 10, 10]);
    expect(cov.shares.every((s) => s === 0.125)).toBe(true);
    expect(cov.highQuality).toBe(1);
    expect(cov.effectiveModes).toBeCloseTo(8, 10);
    expect(cov.fairShare).toBe(0.125);
    expect(cov.hitShare).toBeCloseTo(0.25 / 8, 12);
  });

  it('sees a collapse onto one mode', () => {
    const points = onCentres(ring, [0, 0, 0, 95, 0, 0, 0, 0]);
    const stray = Float32Array.from([...points, 0, 0, 0.1, 0.2, 5, 5, -1, 0, 0, -1]); // 5 points off every mode
    const cov = modeCoverage(stray, ring);
    expect(cov.modesHit).toBe(1);
    expect(cov.hit).toEqual([false, false, false, true, false, false, false, false]);
    expect(cov.shares[3]).toBeCloseTo(0.95, 12);
    expect(cov.highQuality).toBeCloseTo(0.95, 12);
    expect(cov.effectiveModes).toBeCloseTo(1, 12);
  });

  it('needs hitFraction of the fair share for a mode to count as hit', () => {
    // 100 points: mode 0 holds 3 (3 % < 25 % of 12.5 % = 3.125 %), mode 1 holds 4 (4 % ≥ 3.125 %).
    const counts = [3, 4, 93, 0, 0, 0, 0, 0];
    const cov = modeCoverage(onCentres(ring, counts), ring);
    expect(cov.hit.slice(0, 3)).toEqual([false, true, true]);
    expect(cov.modesHit).toBe(2);
    // At hitFraction 0 any point makes a hit; at 1 a mode needs its whole fair share.
    expect(modeCoverage(onCentres(ring, counts), ring, { hitFraction: 0 }).modesHit).toBe(3);
    expect(modeCoverage(onCentres(ring, counts), ring, { hitFraction: 1 }).modesHit).toBe(1);
    // effectiveModes = exp(entropy) of (0.03, 0.04, 0.93).
    const p = [0.03, 0.04, 0.93];
    expect(cov.effectiveModes).toBeCloseTo(Math.exp(-p.reduce((h, q) => h + q * Math.log(q), 0)), 6);
  });

  it('matches the mixture itself: all modes, and 1 − e^(−9/2) of the points within 3σ', () => {
    const points = sampleMixture(ring, 20_000, new Rng(3));
    const cov = modeCoverage(points, ring);
    expect(cov.modesHit).toBe(8);
    // For an isotropic 2-D Gaussian, P(‖x − μ‖ ≤ 3σ) = 1 − exp(−3²/2) ≈ 0.9889.
    expect(Math.abs(cov.highQuality - (1 - Math.exp(-4.5)))).toBeLessThan(0.004);
    for (const share of cov.shares) expect(Math.abs(share - 0.125 * cov.highQuality)).toBeLessThan(0.01);
    expect(cov.effectiveModes).toBeGreaterThan(7.98);
  });

  it('handles no points and points far away', () => {
    const empty = modeCoverage(new Float32Array(0), ring, { hitFraction: 0 });
    expect(empty).toMatchObject({ total: 0, modesHit: 0, highQuality: 0, effectiveModes: 0 });
    const far = modeCoverage(Float32Array.from([10, 10, -10, 3]), ring);
    expect(far).toMatchObject({ total: 2, modesHit: 0, highQuality: 0, effectiveModes: 0 });
    expect(() => modeCoverage(new Float32Array(2), ring, { hitFraction: Number.NaN })).toThrow(/hitFraction/);
  });
});
