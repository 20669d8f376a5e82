/**
 * The recipe of a live run: what the trainer widget trains by default in a lesson, and what
 * `npm run train -- --live` trains on the command line, so the two are the same run. Each choice
 * was measured (README, "Live training"): a preset that runs at 14×14 (model/config.ts, `live`),
 * the cosine schedule (Nichol & Dhariwal 2021) with v-prediction (Salimans & Ho 2022), a short
 * warm-up and a higher learning rate than the long runs use, Adam with β₂ = 0.95, and an EMA
 * whose warm-up follows the live weights closely in the first minutes (training/ema.ts).
 *
 * The batch is a fixed share per worker: a run with more workers trains on a larger batch at the
 * same learning rate, as Goyal et al. 2017 (§2.2) keep each worker's batch fixed when workers are
 * added. Measured on a 2-core machine (README, "Results: live training in a lesson"): with one
 * worker, 32 rows per step learned more in 60 s than 64; with two workers, 64 (32 each) learned
 * more than 32, and scaling the learning rate up with it did not help. Runs with 3 or 4 workers
 * were not measured.
 *
 * Plain data: no tensors, no DOM.
 */
import type { BetaSchedule, PredictionType } from '../diffusion/config';

export interface LiveRecipe {
  preset: 'live';
  /** Images per worker per step; a run's batch is this times its workers (liveBatchSize). */
  batchPerWorker: number;
  learningRate: number;
  /** Adam's β₂ (Kingma & Ba 2015): how many past gradients its second-moment estimate averages. */
  adamBeta2: number;
  warmupSteps: number;
  gradClipNorm: number;
  emaDecay: number;
  /** K of the EMA's warm-up (1 + n) / (K + n) (training/ema.ts). */
  emaWarmup: number;
  labelDropout: number;
  /** `uniform` or `min-snr:γ` (diffusion/loss-weighting.ts). */
  lossWeighting: string;
  scheduler: { numTrainTimesteps: number; betaSchedule: BetaSchedule; predictionType: PredictionType };
  /** Steps a run reaches by default: about three minutes on one core of a 2-core laptop. */
  steps: number;
}

export const LIVE_RECIPE: Readonly<LiveRecipe> = Object.freeze({
  preset: 'live',
  batchPerWorker: 32,
  learningRate: 0.008,
  adamBeta2: 0.95,
  warmupSteps: 50,
  gradClipNorm: 1,
  emaDecay: 0.999,
  emaWarmup: 40,
  labelDropout: 0.1,
  lossWeighting: 'uniform',
  scheduler: Object.freeze({ numTrainTimesteps: 1000, betaSchedule: 'squaredcos_cap_v2', predictionType: 'v_prediction' }),
  steps: 2000,
});

/** The batch of a live run shared by `workers` data-parallel workers: the recipe's share for each. */
export function liveBatchSize(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${String(workers)}`);
  return LIVE_RECIPE.batchPerWorker * workers;
}
