/**
 * The noise-aware classifier as a project checkpoint (src/lab/checkpoint.ts). The manifest's
 * `model` holds the NoisyClassifierConfig (kind "mnist-noisy-classifier", so the U-Net and
 * reference-classifier loaders refuse it clearly), `scheduler` the forward process it was trained
 * on, and `metrics` its held-out accuracy at several timesteps.
 */
import {
  CheckpointError,
  withCheckpointWeights,
  disposeNamed,
  encodeCheckpoint,
  type Checkpoint,
  type TrainingRecord,
} from '../training/checkpoint';
import { validateNoisyClassifierConfig } from './noisy-config';
import { NoisyClassifier } from './noisy-model';
import type { AccuracyAtTimestep } from './noisy-train';

export interface NoisyClassifierMetrics {
  /** Held-out accuracy with the images noised to each timestep. */
  accuracyByTimestep: AccuracyAtTimestep[];
  [key: string]: unknown;
}

export async function encodeNoisyClassifierCheckpoint(
  model: NoisyClassifier,
  info: {
    scheduler: Record<string, unknown>;
    training: TrainingRecord;
    metrics: NoisyClassifierMetrics;
    dataset: { name: string; split: string; count: number; source: string };
  },
): Promise<Checkpoint> {
  const weights = model.getWeights();
  try {
    return await encodeCheckpoint(weights, {
      weights: 'live',
      preset: 'mnist-noisy-classifier',
      model: { ...model.config, stageChannels: [...model.config.stageChannels] },
      scheduler: info.scheduler,
      training: info.training,
      dataset: info.dataset,
      metrics: info.metrics,
    });
  } finally {
    disposeNamed(weights);
  }
}

/** Builds the classifier from a checked checkpoint; a CheckpointError says what does not fit. */
export function noisyClassifierFromCheckpoint(ckpt: Checkpoint): NoisyClassifier {
  let config;
  try {
    config = validateNoisyClassifierConfig(ckpt.manifest.model);
  } catch (e) {
    throw new CheckpointError(`not a noise-aware classifier checkpoint: ${(e as Error).message}`);
  }
  return withCheckpointWeights(new NoisyClassifier(config, 0), ckpt, 'the noise-aware classifier');
}

/**
 * Checks that a classifier was trained on the forward process a diffusion model samples with:
 * same T and the same ᾱ_t everywhere (to float32 precision). Throws an Error saying what differs.
 */
export function checkSameSchedule(
  classifierAlphasCumprod: ArrayLike<number>,
  modelAlphasCumprod: ArrayLike<number>,
): void {
  if (classifierAlphasCumprod.length !== modelAlphasCumprod.length) {
    throw new Error(
      `the noise-aware classifier was trained with T = ${classifierAlphasCumprod.length} timesteps, the model samples with T = ${modelAlphasCumprod.length}`,
    );
  }
  for (let t = 0; t < modelAlphasCumprod.length; t++) {
    const a = classifierAlphasCumprod[t];
    const b = modelAlphasCumprod[t];
    if (Math.abs(a - b) > 1e-6 * Math.max(1, Math.abs(b))) {
      throw new Error(`the noise-aware classifier was trained on another noise schedule (ᾱ at t = ${t}: ${a} vs the model's ${b})`);
    }
  }
}
