import * as tf from '@tensorflow/tfjs';

/**
 * Checkpoints are tfjs model artifacts (weight specs + one binary blob, the layout of tfjs'
 * `model.json` + `weights.bin`) with a JSON manifest in `userDefinedMetadata`, so a checkpoint
 * says how it was made: model and scheduler config, training steps and time, data set, seed,
 * metrics when known, and a SHA-256 of the weight bytes.
 *
 * This module has no file system or DOM code: Node and browser loaders hand it bytes.
 */
export const CHECKPOINT_FORMAT = 'diffusion-lab-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface TrainingRecord {
  steps: number;
  wallTimeSeconds: number;
  backend: string;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  /** Adam's β₂; absent means 0.999. */
  adamBeta2?: number;
  gradClipNorm: number;
  emaDecay: number;
  /** K of the EMA's warm-up (1 + n) / (K + n) (ema.ts); absent means 10. */
  emaWarmup?: number;
  labelDropout: number;
  /** Settings changed when a run was resumed, with the step each change took effect at. */
  settingChanges?: Array<{ step: number; setting: string; from: number; to: number }>;
  seed: number;
  /** Processes that computed each step (data-parallel training); absent means 1. */
  workers?: number;
  /** The exact command that produced the checkpoint, where there was one. */
  command?: string;
  host?: string;
  finalLoss?: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** What the weights are: the U-Net's EMA weights, or the live weights. */
  weights: 'ema' | 'live' | 'training-state';
  preset?: string;
  model: Record<string, unknown>;
  scheduler: Record<string, unknown>;
  training: TrainingRecord;
  dataset: { name: string; split: string; count: number; source: string };
  metrics?: Record<string, unknown>;
  /** Present in training-state checkpoints only: what an exact resume needs besides tensors. */
  resume?: Record<string, unknown>;
  /** SHA-256 (hex) of the weight bytes. */
  contentHash: string;
  createdAt: string;
}

/** The JSON file of a checkpoint (tfjs' model.json layout). */
export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  generatedBy: string;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  userDefinedMetadata: { manifest: CheckpointManifest };
}

export interface Checkpoint {
  manifest: CheckpointManifest;
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export const WEIGHTS_FILE = 'weights.bin';
export const JSON_FILE = 'model.json';

export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Serialises named tensors; the manifest's contentHash and createdAt are filled in here. */
export async function encodeCheckpoint(
  tensors: tf.NamedTensorMap,
  manifest: Omit<CheckpointManifest, 'contentHash' | 'createdAt' | 'format' | 'version'>,
): Promise<Checkpoint> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const full: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...manifest,
    contentHash: await sha256Hex(data),
    createdAt: new Date().toISOString(),
  };
  return { manifest: full, specs, data };
}

export function checkpointJson(ckpt: Checkpoint, generatedBy = 'diffusion-lab'): CheckpointJson {
  return {
    format: CHECKPOINT_FORMAT,
    generatedBy,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: ckpt.specs }],
    userDefinedMetadata: { manifest: ckpt.manifest },
  };
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const bytes = s.quantization ? (s.quantization.dtype === 'float16' || s.quantization.dtype === 'uint16' ? 2 : 1) : BYTES_PER_DTYPE[s.dtype];
    if (bytes === undefined) throw new CheckpointError(`weight "${s.name}" has unsupported dtype "${s.dtype}"`);
    total += size * bytes;
  }
  return total;
}

/**
 * Parses and checks a checkpoint: JSON shape, format and version, weight byte count (a truncated
 * file is named as such) and the content hash (a corrupt file is named as such).
 */
export async function parseCheckpoint(jsonText: string | unknown, data: ArrayBuffer): Promise<Checkpoint> {
  let json: unknown = jsonText;
  if (typeof jsonText === 'string') {
    try {
      json = JSON.parse(jsonText);
    } catch (e) {
      throw new CheckpointError(`${JSON_FILE} is not valid JSON (${(e as Error).message}); the file is corrupt or not a checkpoint`);
    }
  }
  if (typeof json !== 'object' || json === null) throw new CheckpointError(`${JSON_FILE} does not hold an object`);
  const obj = json as Partial<CheckpointJson>;
  const manifest = obj.userDefinedMetadata?.manifest;
  if (obj.format !== CHECKPOINT_FORMAT || !manifest || manifest.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`not a Diffusion Lab checkpoint: ${JSON_FILE} has format "${String(obj.format)}", expected "${CHECKPOINT_FORMAT}"`);
  }
  if (manifest.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`checkpoint version ${String(manifest.version)} is not supported by this code (it reads version ${CHECKPOINT_VERSION})`);
  }
  const groups = obj.weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1 || !Array.isArray(groups[0].weights)) {
    throw new CheckpointError(`${JSON_FILE} must list exactly one weights group`);
  }
  const specs = groups[0].weights;
  const need = expectedBytes(specs);
  if (data.byteLength < need) {
    throw new CheckpointError(`${WEIGHTS_FILE} has ${data.byteLength} bytes but the manifest needs ${need}: the file is truncated`);
  }
  if (data.byteLength > need) {
    throw new CheckpointError(`${WEIGHTS_FILE} has ${data.byteLength} bytes but the manifest needs ${need}: the file does not belong to this manifest`);
  }
  const hash = await sha256Hex(data);
  if (hash !== manifest.contentHash) {
    throw new CheckpointError(`${WEIGHTS_FILE} is corrupt: its SHA-256 is ${hash.slice(0, 12)}…, the manifest says ${String(manifest.contentHash).slice(0, 12)}…`);
  }
  return { manifest, specs, data };
}

/** Decodes the weights of a checked checkpoint into tensors (the caller disposes them). */
export function decodeCheckpointWeights(ckpt: Checkpoint): tf.NamedTensorMap {
  return tf.io.decodeWeights(ckpt.data, ckpt.specs);
}

export function disposeNamed(map: tf.NamedTensorMap): void {
  for (const t of Object.values(map)) t.dispose();
}
