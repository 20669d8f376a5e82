import { describe, expect, it } from 'vitest';
import { ringOfGaussians, type GaussianMixture2D } from '../../../src/toy2d/datasets';
import { mixtureLogDensity, mixtureScore } from '../../../src/toy2d/mixture-score';

/** Central finite differences of log p_t, in float64. */
function numericScore(m: GaussianMixture2D, x: number, y: number, alpha: number, sigma: number): [number, number] {
  const h = 1e-5;
  const dx = (mixtureLogDensity(m, x + h, y, alpha, sigma) - mixtureLogDensity(m, x - h, y, alpha, sigma)) / (2 * h);
  const dy = (mixtureLogDensity(m, x, y + h, alpha, sigma) - mixtureLogDensity(m, x, y - h, alpha, sigma)) / (2 * h);
  return [dx, dy];
}

describe('closed-form score of a noised Gaussian mixture', () => {
  const ring = ringOfGaussians();
  const skewed: GaussianMixture2D = { means: Float32Array.from([-1, 0.5, 2, -1, 0, 2]), std: 0.3, weights: Float32Array.from([0.5, 0.3, 0.2]) };
  const points = Float32Array.from([0, 0, 1.3, 0.2, -0.7, 1.1, 2.5, -2.5, 0.05, -1.4, 3, 3]);

  for (const [name, m] of [['ring', ring], ['skewed', skewed]] as const) {
    for (const [alpha, sigma] of [[1, 0], [1, 0.2], [0.8, 0.6], [0.05, 1]]) {
      it(`${name}, α = ${alpha}, σ = ${sigma}: equals finite differences of log p_t`, () => {
        const score = mixtureScore(m, points, alpha, sigma);
        for (let i = 0; i < points.length / 2; i++) {
          const [nx, ny] = numericScore(m, points[2 * i], points[2 * i + 1], alpha, sigma);
          const scale = Math.max(1, Math.hypot(nx, ny));
          expect(Math.abs(score[2 * i] - nx) / scale).toBeLessThan(2e-4);
          expect(Math.abs(score[2 * i + 1] - ny) / scale).toBeLessThan(2e-4);
        }
      });
    }
  }

  it('a single Gaussian gives −(x − αμ)/(α²s² + σ²)', () => {
    const m: GaussianMixture2D = { means: Float32Array.from([1, -2]), std: 0.5, weights: Float32Array.from([1]) };
    const s = mixtureScore(m, Float32Array.from([3, 1]), 0.6, 0.8);
    const v = 0.36 * 0.25 + 0.64;
    expect(s[0]).toBeCloseTo(-(3 - 0.6) / v, 5);
    expect(s[1]).toBeCloseTo(-(1 + 1.2) / v, 5);
  });

  it('the density integrates to 1', () => {
    let total = 0;
    const h = 0.02;
    for (let x = -4; x < 4; x += h) for (let y = -4; y < 4; y += h) total += Math.exp(mixtureLogDensity(ring, x + h / 2, y + h / 2, 0.9, 0.3)) * h * h;
    expect(total).toBeCloseTo(1, 3);
  });

  it('far from every mode the score still points home (no underflow to NaN)', () => {
    const s = mixtureScore(ring, Float32Array.from([200, -300]), 1, 0.01);
    expect(Number.isFinite(s[0]) && Number.isFinite(s[1])).toBe(true);
    expect(s[0]).toBeLessThan(0);
    expect(s[1]).toBeGreaterThan(0);
  });
});
