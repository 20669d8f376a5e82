/**
 * Numbers that lessons quote about the shipped checkpoint (assets/checkpoints/mnist-small), read
 * from its files when the pages are built: the size of `weights.bin` on disk, and from the
 * manifest in `model.json` the model it holds and how it was trained. The checkpoint is retrained
 * and replaced from time to time, so the prose must follow the files, never a number typed in.
 *
 * Node only (reads files); the pure values live in lesson-values.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeUNet } from '../../model/describe';
import { validateUNetConfig } from '../../model/config';
import { formatCount, formatMillions } from './lesson-values';

/** Network evaluations per image at which lessons quote the sampling cost. */
export const QUOTED_NFES = [10, 20, 40, 100, 1000] as const;

/**
 * Forward + backward pass ≈ 3 forward passes: the backward pass costs about twice the forward
 * (one product for the input gradient, one for the weight gradient per layer), the usual
 * estimate of training compute (Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
 * §2.1: 2N FLOPs forward, 4N backward per token).
 */
export const TRAIN_FLOPS_PER_FORWARD = 3;

/** Three significant digits, as prose writes them: 28.1, 2.81, 0.281, 281. */
export function formatSignificant(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 1000) return formatCount(x);
  return String(Number(x.toPrecision(3)));
}

/** x rounded to `digits` significant digits: 4224 → 4200 with 2. */
export function roundSignificant(x: number, digits: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

/** Bytes in decimal units, as file managers show them: "656 kB", "1.91 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${formatSignificant(bytes / 1e3)} kB`;
  if (bytes < 1e9) return `${formatSignificant(bytes / 1e6)} MB`;
  return `${formatSignificant(bytes / 1e9)} GB`;
}

interface ShippedManifest {
  preset?: unknown;
  model?: unknown;
  training?: {
    steps?: unknown;
    wallTimeSeconds?: unknown;
    backend?: unknown;
    batchSize?: unknown;
    labelDropout?: unknown;
    settingChanges?: unknown;
  };
}

function positiveNumber(value: unknown, what: string, file: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${file}: the manifest's ${what} is ${JSON.stringify(value)}, expected a number ≥ 0`);
  }
  return value;
}

/** The label dropout as a sentence fragment, with every change a resumed run made to it. */
function labelDropoutText(training: NonNullable<ShippedManifest['training']>, file: string): string {
  const changes = training.settingChanges === undefined ? [] : training.settingChanges;
  if (!Array.isArray(changes)) throw new Error(`${file}: the manifest's training.settingChanges is not a list`);
  const dropoutChanges = changes.filter((c: { setting?: unknown }) => c.setting === 'labelDropout') as Array<{ step?: unknown; from?: unknown; to?: unknown }>;
  const final = positiveNumber(training.labelDropout, 'training.labelDropout', file);
  if (dropoutChanges.length === 0) return String(final);
  const first = positiveNumber(dropoutChanges[0].from, 'training.settingChanges[].from', file);
  const later = dropoutChanges.map((c) => `${String(positiveNumber(c.to, 'training.settingChanges[].to', file))} from step ${formatCount(positiveNumber(c.step, 'training.settingChanges[].step', file))} on`);
  return `${String(first)} (${later.join(', then ')})`;
}

/**
 * Keys (all `checkpoint.shipped.*`), or none when the folder holds no checkpoint, so a lesson
 * that quotes them fails to build with the list of known keys rather than showing a stale figure:
 *   .preset                 the U-Net preset of the checkpoint ("small")
 *   .params, .mflops        parameters and forward-pass MFLOPs per 28×28 image of its model config
 *   .gflops-nfe-<n>         GFLOPs to sample one image with n network evaluations (QUOTED_NFES)
 *   .weights-bytes          size of weights.bin, "655,524"
 *   .weights-size           the same in kB/MB, "656 kB"
 *   .bytes-per-param        weights.bin bytes / parameters, "4" for 32-bit floats
 *   .json-size              size of model.json (layout and manifest), "29.5 kB"
 *   .training-steps, .batch-size, .training-backend
 *   .label-dropout          "0.1", or "0.1 (0.25 from step 17,200 on)" where a resume changed it
 *   .training-images        steps × batch size, the images the network has been shown
 *   .training-minutes       wall time of the training run, in whole minutes
 *   .training-tflops        estimated training compute, 3 × forward FLOPs × images
 *   .training-as-ddpm-100   how many images 100-step sampling makes with that much arithmetic,
 *                           to two significant digits ("4,200")
 */
export function shippedCheckpointValues(dir: string): Map<string, string> {
  const values = new Map<string, string>();
  const jsonPath = join(dir, 'model.json');
  const weightsPath = join(dir, 'weights.bin');
  if (!existsSync(jsonPath) || !existsSync(weightsPath)) return values;
  const manifest = (JSON.parse(readFileSync(jsonPath, 'utf8')) as { userDefinedMetadata?: { manifest?: ShippedManifest } })
    .userDefinedMetadata?.manifest;
  if (!manifest?.model || !manifest.training) throw new Error(`${jsonPath}: no checkpoint manifest with a model and a training record`);
  const description = describeUNet(validateUNetConfig(manifest.model));
  const weightsBytes = statSync(weightsPath).size;
  const training = manifest.training;
  const steps = positiveNumber(training.steps, 'training.steps', jsonPath);
  const batchSize = positiveNumber(training.batchSize, 'training.batchSize', jsonPath);
  const images = steps * batchSize;
  const prefix = 'checkpoint.shipped';

  values.set(`${prefix}.preset`, typeof manifest.preset === 'string' ? manifest.preset : 'custom');
  values.set(`${prefix}.params`, formatCount(description.params));
  values.set(`${prefix}.mflops`, formatMillions(description.flopsPerImage));
  for (const nfe of QUOTED_NFES) values.set(`${prefix}.gflops-nfe-${nfe}`, formatSignificant((nfe * description.flopsPerImage) / 1e9));
  values.set(`${prefix}.weights-bytes`, formatCount(weightsBytes));
  values.set(`${prefix}.weights-size`, formatBytes(weightsBytes));
  values.set(`${prefix}.bytes-per-param`, formatSignificant(weightsBytes / description.params));
  values.set(`${prefix}.json-size`, formatBytes(statSync(jsonPath).size));
  values.set(`${prefix}.training-steps`, formatCount(steps));
  values.set(`${prefix}.batch-size`, formatCount(batchSize));
  values.set(`${prefix}.label-dropout`, labelDropoutText(training, jsonPath));
  values.set(`${prefix}.training-backend`, typeof training.backend === 'string' ? training.backend : 'unknown');
  values.set(`${prefix}.training-images`, formatCount(images));
  values.set(`${prefix}.training-minutes`, formatCount(positiveNumber(training.wallTimeSeconds, 'training.wallTimeSeconds', jsonPath) / 60));
  values.set(`${prefix}.training-tflops`, formatSignificant((TRAIN_FLOPS_PER_FORWARD * description.flopsPerImage * images) / 1e12));
  // Training FLOPs / FLOPs of one 100-NFE sample: the network's cost cancels.
  values.set(`${prefix}.training-as-ddpm-100`, formatCount(roundSignificant((TRAIN_FLOPS_PER_FORWARD * images) / 100, 2)));
  return values;
}
