/**
 * What <diffusion-forward> shows for one x_0, schedule, seed and t: x_t in one go (the closed form,
 * Ho et al. 2020, eq. 4) and one step at a time (eq. 2), the noise beside it and the pixel
 * statistics of both. The maths is src/diffusion/forward-math.ts; this keeps what is slow to
 * rebuild (ε, and the step-by-step chain with its snapshots) between calls, keyed by what each
 * depends on, so moving t or playing costs only the new steps.
 */
import type { ScheduleCurves } from '../../diffusion/curves';
import {
  IterativeForward,
  expectedPixelStats,
  forwardCoefficients,
  noiseClosedForm,
  noiseOfSample,
  pixelStats,
  seededNoise,
  type ForwardCoefficients,
  type PixelStats,
} from '../../diffusion/forward-math';
import type { ForwardMode } from './settings';

const SIDE = 28;

/** The x_0 to noise, with a key that changes whenever the image does. */
export interface ForwardSource {
  key: string;
  image: () => Float32Array;
}

export interface ForwardView {
  coeff: ForwardCoefficients;
  x0: Float32Array;
  /** ε of the closed form, or in the chain the noise its steps added, rescaled (see below). */
  noise: Float32Array;
  /** The x_t of the chosen mode. */
  shown: Float32Array;
  closedStats: PixelStats;
  iterativeStats: PixelStats;
  /** The statistics of `shown`. */
  shownStats: PixelStats;
  expected: { mean: number; std: number };
}

export interface ForwardRequest {
  source: ForwardSource;
  curves: ScheduleCurves;
  /** Changes whenever the curves do. */
  curvesKey: string;
  seed: number;
  /** t in 0…T, 0 = the clean digit (src/diffusion/forward-math.ts counts this way). */
  t: number;
  mode: ForwardMode;
}

/** The closed form and the step-by-step chain, side by side, with their inputs cached. */
export class ForwardChain {
  private x0Key = '';
  private x0: Float32Array = new Float32Array(SIDE * SIDE).fill(-1);
  private noiseKey = -1;
  private noise: Float32Array = new Float32Array(SIDE * SIDE);
  private chainKey = '';
  private chain: IterativeForward | null = null;

  view({ source, curves, curvesKey, seed, t, mode }: ForwardRequest): ForwardView {
    if (source.key !== this.x0Key) {
      this.x0 = source.image();
      this.x0Key = source.key;
    }
    if (this.noiseKey !== seed) {
      this.noise = seededNoise(SIDE * SIDE, seed);
      this.noiseKey = seed;
    }
    const chainKey = `${this.x0Key}|${curvesKey}|${seed}`;
    if (chainKey !== this.chainKey || !this.chain) {
      // Same seed as ε: the chain's first step draws exactly ε, so x_1 matches the closed form.
      this.chain = new IterativeForward(this.x0, curves.betas, seed);
      this.chainKey = chainKey;
    }
    const coeff = forwardCoefficients(curves.alphasCumprod, t);
    const closed = noiseClosedForm(this.x0, coeff.alphaBar, this.noise);
    const iterative = this.chain.at(t);
    const shownIterative = mode === 'iterative';
    const shown = shownIterative ? iterative : closed;
    // In the chain, the noise it added, rescaled to unit variance: the ε for which eq. 4 gives
    // exactly this x_t, itself a sample of N(0, I).
    let noise = this.noise;
    if (shownIterative && coeff.sqrtOneMinusAlphaBar > 0 && t > 0) noise = noiseOfSample(iterative, this.x0, coeff);
    const closedStats = pixelStats(closed);
    const iterativeStats = pixelStats(iterative);
    return {
      coeff,
      x0: this.x0,
      noise,
      shown,
      closedStats,
      iterativeStats,
      shownStats: shownIterative ? iterativeStats : closedStats,
      expected: expectedPixelStats(this.x0, coeff.alphaBar),
    };
  }
}
