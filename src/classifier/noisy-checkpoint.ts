/**
 * The noise-aware classifier's checkpoint kind (src/training/model-checkpoint.ts). The manifest's
 * `model` holds the NoisyClassifierConfig (kind "mnist-noisy-classifier", so the U-Net and
 * reference-classifier loaders refuse it clearly), `scheduler` the forward process it was trained
 * on, and `metrics` its held-out accuracy at several timesteps.
 */
import type { Checkpoint, TrainingRecord } from '../training/checkpoint';
import { encodeModelCheckpoint, modelFromCheckpoint, type ModelCheckpointKind } from '../training/model-checkpoint';
import { validateNoisyClassifierConfig, type NoisyClassifierConfig } from './noisy-config';
import { NoisyClassifier } from './noisy-model';
import type { AccuracyAtTimestep } from './noisy-train';

export interface NoisyClassifierMetrics {
  /** Held-out accuracy with the images noised to each timestep. */
  accuracyByTimestep: AccuracyAtTimestep[];
  [key: string]: unknown;
}

export const NOISY_CLASSIFIER_CHECKPOINT: ModelCheckpointKind<NoisyClassifierConfig, NoisyClassifier> = {
  what: 'the noise-aware classifier',
  refusal: 'not a noise-aware classifier checkpoint',
  readConfig: (manifest) => validateNoisyClassifierConfig(manifest.model),
  build: (config) => new NoisyClassifier(config, 0),
};

export function encodeNoisyClassifierCheckpoint(
  model: NoisyClassifier,
  info: {
    scheduler: Record<string, unknown>;
    training: TrainingRecord;
    metrics: NoisyClassifierMetrics;
    dataset: { name: string; split: string; count: number; source: string };
  },
): Promise<Checkpoint> {
  return encodeModelCheckpoint(model, {
    preset: 'mnist-noisy-classifier',
    model: { ...model.config, stageChannels: [...model.config.stageChannels] },
    scheduler: info.scheduler,
    training: info.training,
    dataset: info.dataset,
    metrics: info.metrics,
  });
}

/** Builds the classifier from a checked checkpoint; a CheckpointError says what does not fit. */
export function noisyClassifierFromCheckpoint(ckpt: Checkpoint): NoisyClassifier {
  return modelFromCheckpoint(ckpt, NOISY_CLASSIFIER_CHECKPOINT).model;
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
