/** The details of the events <diffusion-score-field> sends (see its header comment and ../docs.ts). */
import type { ToyDatasetName } from '../../toy2d/datasets';
import type { Noising } from '../../toy2d/noising';
import type { ParticleSampler, ToySamplerName } from '../../toy2d/samplers';
import type { TrainLoopProgress } from '../../toy2d/train-loop';

export interface ScoreFieldProgressDetail {
  state: 'training' | 'paused' | 'done';
  step: number;
  totalSteps: number;
  loss: number;
  smoothedLoss: number;
  stepsPerSecond: number;
}

export interface ScoreFieldTrainedDetail {
  step: number;
  loss: number;
  smoothedLoss: number;
  stepsPerSecond: number;
  trainingSeconds: number;
  dataset: ToyDatasetName;
  noising: Noising;
  /** Mean cosine similarity of learned and true score on the plot's grid (NaN without a true score). */
  cosineGrid: number;
  /** The same at samples of the noised data p_t. */
  cosineData: number;
  t: number;
}

export interface ScoreFieldSampledDetail {
  sampler: ToySamplerName;
  particles: number;
  steps: number;
  updates: number;
  ms: number;
  /** For mixtures (ring, drawn): share of particles within 3 std of a mode, and the modes reached. */
  onMode: number;
  modesCovered: number;
}

/** `diffusion-progress` for the training loop's progress. */
export function progressDetail(p: TrainLoopProgress): ScoreFieldProgressDetail {
  return {
    state: p.running ? 'training' : p.step >= p.targetSteps ? 'done' : 'paused',
    step: p.step,
    totalSteps: p.targetSteps,
    loss: p.loss,
    smoothedLoss: p.smoothedLoss,
    stepsPerSecond: p.stepsPerSecond,
  };
}

/** `score-field-trained` when a run reached its steps, with the agreement of the fields at t. */
export function trainedDetail(
  p: TrainLoopProgress,
  run: { dataset: ToyDatasetName; noising: Noising; t: number },
  cosine: { cosineGrid: number; cosineData: number },
): ScoreFieldTrainedDetail {
  return {
    step: p.step,
    loss: p.loss,
    smoothedLoss: p.smoothedLoss,
    stepsPerSecond: p.stepsPerSecond,
    trainingSeconds: p.trainingMs / 1000,
    dataset: run.dataset,
    noising: run.noising,
    cosineGrid: cosine.cosineGrid,
    cosineData: cosine.cosineData,
    t: run.t,
  };
}

/** `score-field-sampled` when particles arrived; `fit` as src/toy2d/score-comparison.ts's particleFit gives it. */
export function sampledDetail(
  run: ParticleSampler,
  steps: number,
  busyMs: number,
  fit: { onMode: number; modesCovered: number } | null,
): ScoreFieldSampledDetail {
  return {
    sampler: run.sampler,
    particles: run.points.length / 2,
    steps,
    updates: run.updates,
    ms: busyMs,
    onMode: fit ? fit.onMode : Number.NaN,
    modesCovered: fit ? fit.modesCovered : Number.NaN,
  };
}
