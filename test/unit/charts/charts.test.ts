/** The pure parts of the chart helpers (binning, grey levels, tick labels); drawing is tested in e2e. */
import { describe, expect, it } from 'vitest';
import { binDensities, formatPowerOfTen, toGrey } from '../../../src/charts/index';

describe('histogram binning', () => {
  it('gives densities whose area is the share of values inside the domain', () => {
    const values = [-0.9, -0.1, 0.1, 0.2, 0.9, 5];
    const { densities, outside } = binDensities(values, 4, [-1, 1]);
    expect(outside).toBe(1);
    // Bin width 0.5, six values: one value in a bin is a density of 1 / (6 · 0.5).
    expect(Array.from(densities)).toEqual([1 / 3, 1 / 3, 2 / 3, 1 / 3]);
    const area = densities.reduce((a, d) => a + d * 0.5, 0);
    expect(area).toBeCloseTo(5 / 6, 12);
  });

  it('puts the upper edge into the last bin and skips non-finite values', () => {
    const { densities, outside } = binDensities([1, Number.NaN, -1], 2, [-1, 1]);
    expect(outside).toBe(1);
    expect(densities[0]).toBeGreaterThan(0);
    expect(densities[1]).toBeGreaterThan(0);
  });
});

describe('grey levels', () => {
  it('maps [-1, 1] onto 0..255 and clamps outside values', () => {
    expect(toGrey(-1)).toBe(0);
    expect(toGrey(1)).toBe(255);
    expect(toGrey(0)).toBe(128);
    expect(toGrey(3)).toBe(255);
    expect(toGrey(-7)).toBe(0);
    expect(toGrey(Number.NaN)).toBe(0);
  });
});

describe('log-axis labels', () => {
  it('writes powers of ten with superscripts', () => {
    expect(formatPowerOfTen(1e-4)).toBe('10⁻⁴');
    expect(formatPowerOfTen(1)).toBe('1');
    expect(formatPowerOfTen(10)).toBe('10');
    expect(formatPowerOfTen(1000)).toBe('10³');
  });
});
