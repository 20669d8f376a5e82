import { describe, expect, it } from 'vitest';
import { LIVE_RECIPE, liveBatchSize } from '../../../src/training/live-recipe';

describe('the live batch', () => {
  it('is the recipe’s 32 rows for each worker', () => {
    expect(LIVE_RECIPE.batchPerWorker).toBe(32);
    expect(liveBatchSize(1)).toBe(32);
    expect(liveBatchSize(2)).toBe(64);
    expect(liveBatchSize(4)).toBe(128);
  });

  it('refuses a worker count that is not a whole number ≥ 1', () => {
    expect(() => liveBatchSize(0)).toThrow('workers must be a whole number ≥ 1, got 0');
    expect(() => liveBatchSize(1.5)).toThrow(RangeError);
    expect(() => liveBatchSize(Number.NaN)).toThrow(RangeError);
  });
});
