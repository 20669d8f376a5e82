import * as tf from '@tensorflow/tfjs';
import { UNet } from './unet';
import { validateUNetConfig } from './config';
import { withCheckpointWeights, CheckpointError, type Checkpoint } from '../training/checkpoint';

/**
 * Builds a new U-Net from a checked checkpoint. The caller's current model is never touched: on
 * any error (config the code cannot build, missing or mis-shaped weights) the new model is
 * disposed and a CheckpointError explains what does not match.
 */
export function unetFromCheckpoint(ckpt: Checkpoint): UNet {
  if (ckpt.manifest.weights === 'training-state') {
    throw new CheckpointError('this is a training-state checkpoint (for --resume); load the model checkpoint beside it instead');
  }
  let config;
  try {
    config = validateUNetConfig(ckpt.manifest.model);
  } catch (e) {
    throw new CheckpointError(`the checkpoint's model config does not match this code: ${(e as Error).message}`);
  }
  return withCheckpointWeights(new UNet(config, 0), ckpt, 'the model');
}

/** Named weights of a model (clones), for encodeCheckpoint. */
export function unetWeights(model: UNet): tf.NamedTensorMap {
  return model.getWeights();
}
