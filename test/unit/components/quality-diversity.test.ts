import { describe, expect, it } from 'vitest';
import { meanPairwiseDistance } from '../../../src/eval/diversity';
import { describeQuality, qualityOf } from '../../../src/components/sampler/quality';

describe('meanPairwiseDistance', () => {
  it('is the mean RMS distance over all pairs', () => {
    // Three 2-pixel images: (0, 0), (1, 1) and (0, 2).
    const images = Float32Array.from([0, 0, 1, 1, 0, 2]);
    const d01 = Math.sqrt((1 + 1) / 2);
    const d02 = Math.sqrt((0 + 4) / 2);
    const d12 = Math.sqrt((1 + 1) / 2);
    expect(meanPairwiseDistance(images, 3, 2)).toBeCloseTo((d01 + d02 + d12) / 3, 6);
  });

  it('is 0 for identical samples, 2 for all-black against all-white, and NaN for one sample', () => {
    expect(meanPairwiseDistance(new Float32Array(8).fill(0.3), 4, 2)).toBe(0);
    expect(meanPairwiseDistance(Float32Array.from([-1, -1, 1, 1]), 2, 2)).toBeCloseTo(2, 6);
    expect(meanPairwiseDistance(Float32Array.from([1, 2]), 1, 2)).toBeNaN();
    expect(() => meanPairwiseDistance(new Float32Array(5), 2, 2)).toThrow(/2 images of 2 values need 4 values, got 5/);
  });
});

describe('quality with diversity', () => {
  it('reports the diversity next to accuracy and confidence', () => {
    const out = { labels: Int32Array.from([3, 3, 5, 3]), confidence: Float32Array.from([0.9, 0.8, 0.4, 0.7]) };
    const r = qualityOf(out, 3, 0.4567);
    expect(r.diversity).toBe(0.4567);
    expect(describeQuality(r)).toBe(
      'The reference classifier reads 3 of 4 as a 3 (75 %); mean confidence 0.70; diversity 0.457 (mean pairwise RMS pixel distance).',
    );
    expect(qualityOf(out, 3).diversity).toBeNaN();
  });
});
