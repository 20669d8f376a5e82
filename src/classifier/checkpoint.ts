/**
 * The classifier's checkpoint kind (src/training/model-checkpoint.ts). The manifest's `model`
 * holds the ClassifierConfig (kind "mnist-classifier", so a U-Net loader refuses it clearly) and
 * `metrics` the test accuracy.
 */
import type { Checkpoint, TrainingRecord } from '../training/checkpoint';
import { encodeModelCheckpoint, modelFromCheckpoint, type ModelCheckpointKind } from '../training/model-checkpoint';
import { validateClassifierConfig, type ClassifierConfig } from './config';
import { MnistClassifier } from './model';

export interface ClassifierMetrics {
  testAccuracy: number;
  testLoss: number;
  validationAccuracy: number;
  epochs: number;
  bestEpoch: number;
  [key: string]: unknown;
}

export const CLASSIFIER_CHECKPOINT: ModelCheckpointKind<ClassifierConfig, MnistClassifier> = {
  what: 'the classifier',
  refusal: 'not a classifier checkpoint',
  readConfig: (manifest) => validateClassifierConfig(manifest.model),
  build: (config) => new MnistClassifier(config, 0),
};

export function encodeClassifierCheckpoint(
  model: MnistClassifier,
  info: { training: TrainingRecord; metrics: ClassifierMetrics; dataset: { name: string; split: string; count: number; source: string } },
): Promise<Checkpoint> {
  return encodeModelCheckpoint(model, {
    preset: 'mnist-classifier',
    model: { ...model.config, stageChannels: [...model.config.stageChannels] },
    scheduler: {},
    training: info.training,
    dataset: info.dataset,
    metrics: info.metrics,
  });
}

/** Builds a classifier from a checked checkpoint; a CheckpointError says what does not fit. */
export function classifierFromCheckpoint(ckpt: Checkpoint): MnistClassifier {
  return modelFromCheckpoint(ckpt, CLASSIFIER_CHECKPOINT).model;
}
