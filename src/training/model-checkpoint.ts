/**
 * One loader and one writer for the checkpoint of every network: the U-Net, the two classifiers
 * and the autoencoder. A network declares only its checkpoint kind: what `manifest.model` must
 * hold (its config check) and how to build an empty model of that config. Reading the weights,
 * checking that they fit, and freeing everything on a mismatch are the same for all of them.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  CheckpointError,
  decodeCheckpointWeights,
  disposeNamed,
  encodeCheckpoint,
  type Checkpoint,
  type CheckpointManifest,
} from './checkpoint';

/** A model a checkpoint's weights can fill: the U-Net, the classifiers, the autoencoder. */
export interface WeightedModel {
  setWeights(map: tf.NamedTensorMap): void;
  dispose(): void;
}

/** What a network declares about its checkpoints; C is what its config check returns. */
export interface ModelCheckpointKind<C, M extends WeightedModel> {
  /** The model as messages name it: "the classifier". */
  readonly what: string;
  /** Start of the message when `readConfig` throws a plain Error: "not a classifier checkpoint". */
  readonly refusal: string;
  /**
   * The config the manifest's `model` holds, checked. Throws an Error saying what does not fit
   * (prefixed with `refusal`), or a CheckpointError, which is passed on as it is.
   */
  readConfig(manifest: CheckpointManifest): C;
  /** An empty model of that config, for the weights to fill. */
  build(config: C): M;
}

/**
 * Fills a freshly built `model` with the checkpoint's weights and returns it. The decoded tensors
 * are always freed; on a mismatch the model is disposed too, and a CheckpointError says that the
 * weights do not match `what` ("the classifier") and why.
 */
function withCheckpointWeights<M extends WeightedModel>(model: M, ckpt: Checkpoint, what: string): M {
  const weights = decodeCheckpointWeights(ckpt);
  try {
    model.setWeights(weights);
  } catch (e) {
    model.dispose();
    throw new CheckpointError(`the checkpoint's weights do not match ${what}: ${(e as Error).message}`);
  } finally {
    disposeNamed(weights);
  }
  return model;
}

/**
 * Builds a new model of `kind` from a checked checkpoint, with the config it was built from. The
 * caller's current model is never touched: on any error (a training-state checkpoint, a config
 * the code cannot build, missing or mis-shaped weights) nothing stays allocated and a
 * CheckpointError explains what does not match.
 */
export function modelFromCheckpoint<C, M extends WeightedModel>(ckpt: Checkpoint, kind: ModelCheckpointKind<C, M>): { model: M; config: C } {
  if (ckpt.manifest.weights === 'training-state') {
    throw new CheckpointError('this is a training-state checkpoint (for --resume); load the model checkpoint beside it instead');
  }
  let config: C;
  try {
    config = kind.readConfig(ckpt.manifest);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`${kind.refusal}: ${(e as Error).message}`);
  }
  return { model: withCheckpointWeights(kind.build(config), ckpt, kind.what), config };
}

/**
 * A checkpoint of a model's live weights and the manifest fields its writer knows (contentHash and
 * createdAt are filled in). The weights read for it are freed.
 */
export async function encodeModelCheckpoint(
  model: { getWeights(): tf.NamedTensorMap },
  manifest: Omit<CheckpointManifest, 'contentHash' | 'createdAt' | 'format' | 'version' | 'weights'>,
): Promise<Checkpoint> {
  const weights = model.getWeights();
  try {
    return await encodeCheckpoint(weights, { weights: 'live', ...manifest });
  } finally {
    disposeNamed(weights);
  }
}
