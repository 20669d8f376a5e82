/**
 * Loading a latent diffusion checkpoint together with its autoencoder. The latent model is an
 * ordinary U-Net checkpoint whose manifest names, in metrics.latentSpace, the autoencoder (by the
 * SHA-256 of its weights) and the latent normalisation it was trained with: latents mean nothing to
 * another decoder, so a mismatch is refused with a CheckpointError rather than decoded to noise.
 */
import { CheckpointError, type Checkpoint } from '../training/checkpoint';
import { unetFromCheckpoint } from '../model/unet-checkpoint';
import type { UNet } from '../model/unet';
import type { LoadedAutoencoder } from './autoencoder-checkpoint';
import { latentSpaceOf, type LatentSpaceRecord } from './latent-model';

/** Checks that `unetCkpt` is a latent model made for `ae`; returns its latent-space record. */
export function checkLatentPair(unetCkpt: Checkpoint, ae: LoadedAutoencoder): LatentSpaceRecord {
  let space: LatentSpaceRecord;
  try {
    space = latentSpaceOf(unetCkpt.manifest.metrics);
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  if (space.contentHash !== ae.manifest.contentHash) {
    throw new CheckpointError(
      `this latent model was trained on the latents of autoencoder ${space.contentHash.slice(0, 12)}…, ` +
        `but the autoencoder given is ${ae.manifest.contentHash.slice(0, 12)}…; its samples would decode to noise`,
    );
  }
  if (JSON.stringify([space.shift, space.scale]) !== JSON.stringify([ae.normalization.shift, ae.normalization.scale])) {
    throw new CheckpointError('this latent model was trained with another latent normalisation than the autoencoder now records; retrain it on the current latents');
  }
  const [h, w, c] = ae.model.latentShape;
  const m = unetCkpt.manifest.model as { imageSize?: unknown; channels?: unknown };
  if (m.imageSize !== h || m.channels !== c || h !== w) {
    throw new CheckpointError(`the latent model takes ${String(m.imageSize)}×${String(m.imageSize)}×${String(m.channels)} inputs, the autoencoder makes ${h}×${w}×${c} latents`);
  }
  return space;
}

/** The latent U-Net of a checked pair (the caller disposes it). */
export function latentUNetFromCheckpoint(unetCkpt: Checkpoint, ae: LoadedAutoencoder): { unet: UNet; space: LatentSpaceRecord } {
  const space = checkLatentPair(unetCkpt, ae);
  return { unet: unetFromCheckpoint(unetCkpt), space };
}
