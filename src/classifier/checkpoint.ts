/**
 * The classifier as a project checkpoint (src/lab/checkpoint.ts: tfjs weight specs + one binary
 * blob, with a manifest). The manifest's `model` holds the ClassifierConfig (kind
 * "mnist-classifier", so a U-Net loader refuses it clearly) and `metrics` the test accuracy.
 */
import {
  CheckpointError,
  withCheckpointWeights,
  disposeNamed,
  encodeCheckpoint,
  type Checkpoint,
  type TrainingRecord,
} from '../training/checkpoint';
import { validateClassifierConfig } from './config';
import { MnistClassifier } from './model';

export interface ClassifierMetrics {
  testAccuracy: number;
  testLoss: number;
  validationAccuracy: number;
  epochs: number;
  bestEpoch: number;
  [key: string]: unknown;
}

export async function encodeClassifierCheckpoint(
  model: MnistClassifier,
  info: { training: TrainingRecord; metrics: ClassifierMetrics; dataset: { name: string; split: string; count: number; source: string } },
): Promise<Checkpoint> {
  const weights = model.getWeights();
  try {
    return await encodeCheckpoint(weights, {
      weights: 'live',
      preset: 'mnist-classifier',
      model: { ...model.config, stageChannels: [...model.config.stageChannels] },
      scheduler: {},
      training: info.training,
      dataset: info.dataset,
      metrics: info.metrics,
    });
  } finally {
    disposeNamed(weights);
  }
}

/** Builds a classifier from a checked checkpoint; a CheckpointError says what does not fit. */
export function classifierFromCheckpoint(ckpt: Checkpoint): MnistClassifier {
  let config;
  try {
    config = validateClassifierConfig(ckpt.manifest.model);
  } catch (e) {
    throw new CheckpointError(`not a classifier checkpoint: ${(e as Error).message}`);
  }
  return withCheckpointWeights(new MnistClassifier(config, 0), ckpt, 'the classifier');
}
