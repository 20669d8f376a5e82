/**
 * The recipe of a live run: what the trainer widget trains by default in a lesson, and what
 * `npm run train -- --live` trains on the command line, so the two are the same run. Each choice
 * was measured (README, "Live training"): a preset that runs at 14×14 (model/config.ts, `live`),
 * the cosine schedule (Nichol & Dhariwal 2021) with v-prediction (Salimans & Ho 2022), a short
 * warm-up and a higher learning rate than the long runs use.
 *
 * Plain data: no tensors, no DOM.
 */
import type { BetaSchedule, PredictionType } from '../diffusion/config';

export interface LiveRecipe {
  preset: 'live';
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  gradClipNorm: number;
  emaDecay: number;
  labelDropout: number;
  /** `uniform` or `min-snr:γ` (diffusion/loss-weighting.ts). */
  lossWeighting: string;
  scheduler: { numTrainTimesteps: number; betaSchedule: BetaSchedule; predictionType: PredictionType };
  /** Steps a run reaches by default: about three minutes on one core of a 2-core laptop. */
  steps: number;
}

export const LIVE_RECIPE: Readonly<LiveRecipe> = Object.freeze({
  preset: 'live',
  batchSize: 32,
  learningRate: 0.008,
  warmupSteps: 50,
  gradClipNorm: 1,
  emaDecay: 0.999,
  labelDropout: 0.1,
  lossWeighting: 'uniform',
  scheduler: Object.freeze({ numTrainTimesteps: 1000, betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction' }),
  steps: 2000,
});
