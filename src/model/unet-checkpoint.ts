/**
 * The U-Net's checkpoint kind (src/training/model-checkpoint.ts): the manifest's `model` holds a
 * UNetConfig.
 */
import { modelFromCheckpoint, type ModelCheckpointKind } from '../training/model-checkpoint';
import type { Checkpoint } from '../training/checkpoint';
import { validateUNetConfig, type UNetConfig } from './config';
import { UNet } from './unet';

export const UNET_CHECKPOINT: ModelCheckpointKind<UNetConfig, UNet> = {
  what: 'the model',
  refusal: "the checkpoint's model config does not match this code",
  readConfig: (manifest) => validateUNetConfig(manifest.model),
  build: (config) => new UNet(config, 0),
};

/**
 * Builds a new U-Net from a checked checkpoint. The caller's current model is never touched: on
 * any error (config the code cannot build, missing or mis-shaped weights) the new model is
 * disposed and a CheckpointError explains what does not match.
 */
export function unetFromCheckpoint(ckpt: Checkpoint): UNet {
  return modelFromCheckpoint(ckpt, UNET_CHECKPOINT).model;
}
