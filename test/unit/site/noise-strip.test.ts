import { describe, expect, it } from 'vitest';
// The landing page's noise strip (src/site/noise-strip.ts) draws with these two.
import { cosineAlphaBar } from '../../../src/diffusion/curves';
import { noiseClosedForm as noisedImage } from '../../../src/diffusion/forward-math';

describe('landing figure math', () => {
  it('cosine ᾱ_t starts at 1, ends at 0 and falls monotonically', () => {
    expect(cosineAlphaBar(0, 1000)).toBeCloseTo(1, 12);
    expect(cosineAlphaBar(1000, 1000)).toBeCloseTo(0, 12);
    let previous = Infinity;
    for (let t = 0; t <= 1000; t += 50) {
      const value = cosineAlphaBar(t, 1000);
      expect(value).toBeLessThan(previous);
      previous = value;
    }
    // Halfway: the angle is (0.508/1.008)·90° ≈ 45.36°, so ᾱ ≈ cos²(45.36°) ≈ 0.4938.
    // In full, f(T/2)/f(0) = cos²((0.5 + s)/(1 + s)·π/2)/cos²(s/(1 + s)·π/2) with s = 0.008.
    const s = 0.008;
    const expected = Math.cos(((0.5 + s) / (1 + s)) * (Math.PI / 2)) ** 2 / Math.cos((s / (1 + s)) * (Math.PI / 2)) ** 2;
    expect(cosineAlphaBar(500, 1000)).toBeCloseTo(expected, 12);
    expect(cosineAlphaBar(500, 1000)).toBeCloseTo(0.4938, 3);
  });

  it('q(x_t | x_0) keeps x_0 at ᾱ = 1, gives pure noise at ᾱ = 0 and mixes by square roots between', () => {
    const x0 = Float32Array.from([1, -1, 0.5]);
    const noise = Float32Array.from([0.3, 2, -1]);
    expect(Array.from(noisedImage(x0, 1, noise))).toEqual(Array.from(x0));
    expect(Array.from(noisedImage(x0, 0, noise))).toEqual(Array.from(noise));
    const mixed = noisedImage(x0, 0.25, noise);
    expect(mixed[0]).toBeCloseTo(0.5 * 1 + Math.sqrt(0.75) * 0.3, 6);
    expect(mixed[1]).toBeCloseTo(0.5 * -1 + Math.sqrt(0.75) * 2, 6);
  });
});
