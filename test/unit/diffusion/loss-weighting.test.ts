import { describe, expect, it } from 'vitest';
import { formatLossWeighting, lossWeights, parseLossWeighting } from '../../../src/diffusion/loss-weighting';

// ᾱ at three noise levels: SNR = 9, 1 and 1/9.
const ALPHA_BAR = [0.9, 0.5, 0.1];

describe('loss weighting', () => {
  it('is 1 everywhere when uniform', () => {
    expect([...lossWeights(ALPHA_BAR, 'epsilon', { kind: 'uniform' })]).toEqual([1, 1, 1]);
  });

  it('counts min(SNR, γ) of the x₀ loss on every target (Hang et al. 2023)', () => {
    const g = { kind: 'min-snr', gamma: 5 } as const;
    const snr = [9, 1, 1 / 9];
    const eps = lossWeights(ALPHA_BAR, 'epsilon', g);
    const v = lossWeights(ALPHA_BAR, 'v_prediction', g);
    const x0 = lossWeights(ALPHA_BAR, 'sample', g);
    for (let i = 0; i < 3; i++) {
      const clipped = Math.min(snr[i], 5);
      // The ε loss is SNR × the x₀ loss, the v loss (SNR + 1) × it: each weight undoes that factor.
      expect(eps[i] * snr[i]).toBeCloseTo(clipped, 5);
      expect(v[i] * (snr[i] + 1)).toBeCloseTo(clipped, 5);
      expect(x0[i]).toBeCloseTo(clipped, 5);
    }
  });

  it('reads and writes the command-line form', () => {
    expect(parseLossWeighting('min-snr:5')).toEqual({ kind: 'min-snr', gamma: 5 });
    expect(parseLossWeighting('min-snr')).toEqual({ kind: 'min-snr', gamma: 5 });
    expect(formatLossWeighting(parseLossWeighting('uniform'))).toBe('uniform');
    expect(() => parseLossWeighting('snr')).toThrow(/min-snr/);
  });
});
