import { describe, expect, it } from 'vitest';
import { accuracy, argmaxRows, classCoverage, perClassAccuracy } from '../../../src/eval/classes';

describe('class measures', () => {
  it('argmaxRows picks the largest entry of each row', () => {
    expect([...argmaxRows([0, 3, 1, 5, -1, 2, 7, 7, 0], 3, 3)]).toEqual([1, 0, 0]);
  });

  it('accuracy and per-class accuracy', () => {
    expect(accuracy([1, 2, 3, 4], [1, 2, 0, 4])).toBe(0.75);
    expect(perClassAccuracy([1, 1, 0, 2], [1, 0, 0, 2], 4)).toEqual([0.5, 1, 1, NaN]);
    expect(() => accuracy([1], [1, 2])).toThrow();
  });

  it('coverage shares sum to one and entropy spans 0..1', () => {
    const uniform = classCoverage(Array.from({ length: 1000 }, (_, i) => i % 10), 10);
    expect(uniform.shares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(uniform.classesCovered).toBe(10);
    expect(uniform.normalizedEntropy).toBeCloseTo(1, 12);
    const skewed = classCoverage([3, 3, 3, 1, 3, 3, 7], 10);
    expect(skewed.shares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(skewed.counts[3]).toBe(5);
    expect(skewed.classesCovered).toBe(3);
    expect(skewed.minShare).toBe(0);
    expect(skewed.maxShare).toBeCloseTo(5 / 7, 14);
    expect(classCoverage([4, 4, 4], 10).normalizedEntropy).toBe(0);
    expect(() => classCoverage([10], 10)).toThrow(/not a class/);
  });
});
