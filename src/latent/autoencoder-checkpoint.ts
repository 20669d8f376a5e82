/**
 * The autoencoder's checkpoint kind (src/training/model-checkpoint.ts; the format is
 * src/training/checkpoint.ts: tfjs weight specs + one binary blob, with a manifest and a SHA-256
 * of the weights). The manifest's `model` holds the
 * configuration with kind "latent-autoencoder" (so the U-Net and classifier loaders refuse it
 * clearly, and this loader refuses theirs) and the per-channel latent normalisation (see
 * latent-codec.ts); `metrics` holds the measured reconstruction error.
 */
import { CheckpointError, type Checkpoint, type CheckpointManifest, type TrainingRecord } from '../training/checkpoint';
import { encodeModelCheckpoint, modelFromCheckpoint, type ModelCheckpointKind } from '../training/model-checkpoint';
import { Autoencoder } from './autoencoder';
import { validateAutoencoderConfig, type AutoencoderConfig } from './autoencoder-config';
import { checkNormalization, type LatentNormalization } from './latent-codec';

export const AUTOENCODER_KIND = 'latent-autoencoder';

/** What `manifest.model` holds for an autoencoder. */
export interface AutoencoderModelRecord extends AutoencoderConfig {
  kind: typeof AUTOENCODER_KIND;
  /** Per channel: diffusion latents are (μ − latentShift) · latentScale (see latent-codec.ts). */
  latentShift: number[];
  latentScale: number[];
}

export interface LoadedAutoencoder {
  model: Autoencoder;
  normalization: LatentNormalization;
  manifest: CheckpointManifest;
}

export async function encodeAutoencoderCheckpoint(
  model: Autoencoder,
  info: {
    normalization: LatentNormalization;
    training: TrainingRecord;
    dataset: CheckpointManifest['dataset'];
    metrics: Record<string, unknown>;
  },
): Promise<Checkpoint> {
  const norm = checkNormalization(info.normalization, model.config.latentChannels);
  const record: AutoencoderModelRecord = {
    kind: AUTOENCODER_KIND,
    ...model.config,
    widths: [...model.config.widths],
    latentShift: norm.shift,
    latentScale: norm.scale,
  };
  return encodeModelCheckpoint(model, {
    preset: AUTOENCODER_KIND,
    model: record as unknown as Record<string, unknown>,
    scheduler: {},
    training: info.training,
    dataset: info.dataset,
    metrics: info.metrics,
  });
}

/** Reads `manifest.model` of an autoencoder checkpoint; a CheckpointError says what is wrong. */
export function autoencoderRecord(manifest: CheckpointManifest): { config: AutoencoderConfig; normalization: LatentNormalization } {
  const { kind, latentShift, latentScale, ...rest } = manifest.model as Record<string, unknown>;
  if (kind !== AUTOENCODER_KIND) {
    throw new CheckpointError(`not an autoencoder checkpoint: its model kind is ${JSON.stringify(kind ?? manifest.preset ?? 'a U-Net')}, expected "${AUTOENCODER_KIND}"`);
  }
  let config: AutoencoderConfig;
  try {
    config = validateAutoencoderConfig(rest);
  } catch (e) {
    throw new CheckpointError(`the autoencoder checkpoint's config does not match this code: ${(e as Error).message}`);
  }
  try {
    return { config, normalization: checkNormalization({ shift: latentShift, scale: latentScale }, config.latentChannels) };
  } catch (e) {
    throw new CheckpointError(`the autoencoder checkpoint has no valid latent normalisation: ${(e as Error).message}`);
  }
}

type AutoencoderRecord = ReturnType<typeof autoencoderRecord>;

/** `readConfig` throws CheckpointErrors of its own, so `refusal` is never used. */
export const AUTOENCODER_CHECKPOINT: ModelCheckpointKind<AutoencoderRecord, Autoencoder> = {
  what: 'the autoencoder',
  refusal: 'not an autoencoder checkpoint',
  readConfig: autoencoderRecord,
  build: ({ config }) => new Autoencoder(config, 0),
};

/** Builds the autoencoder of a checked checkpoint; nothing is left allocated on failure. */
export function autoencoderFromCheckpoint(ckpt: Checkpoint): LoadedAutoencoder {
  const { model, config } = modelFromCheckpoint(ckpt, AUTOENCODER_CHECKPOINT);
  return { model, normalization: config.normalization, manifest: ckpt.manifest };
}
