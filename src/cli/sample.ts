/**
 * npm run sample -- --checkpoint PATH --sampler ddpm|ddim [--steps S] [--eta E] [--guidance W]
 *                   [--label L|cycle] [--count N] [--seed K] --out FILE.png|FILE.npy
 *
 * Draws samples from a trained U-Net checkpoint. x_T comes from Rng(seed) and the step noise from
 * a separate stream, so one seed gives the same x_T for every sampler and step count. A .png gets
 * a grid of the images; a .npy gets a float32 array (N, 28, 28) in [-1, 1] for numpy.load.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { numFlag, parseFlags, requiredFlag } from './cli-flags';
import { runCli, UsageError } from './run-cli';
import { setupBackend } from '../backend/node';
import { readCheckpointDir } from '../training/checkpoint-node';
import { unetFromCheckpoint } from '../model/unet-checkpoint';
import { initialNoise, sample, SAMPLERS, schedulerFor, stepNoiseRng, type ImageLabel, type SamplerName } from '../diffusion/pipelines/sampling';
import { encodeNpy } from '../io/npy';
import { checkSameSchedule, noisyClassifierFromCheckpoint } from '../classifier/noisy-checkpoint';
import { imageGrid } from '../io/png';
import { encodePngNode } from '../io/png-node';
import { ProgressBar } from './progress';

export const SAMPLE_USAGE = `Usage: npm run sample -- --checkpoint PATH --sampler ddpm|ddim --out FILE.png|FILE.npy [options]
  --checkpoint PATH   checkpoint folder (model.json + weights.bin), or its model.json
  --sampler NAME      ddpm (ancestral, Ho et al. 2020) or ddim (Song et al. 2021)
  --steps S           sampling steps (default: every training step for ddpm, 50 for ddim)
  --eta E             DDIM noise scale in [0, 1] (default 0: deterministic); ddim only
  --guidance W        classifier-free guidance weight w ≥ 0 (default 0); needs --label
  --classifier-scale S  classifier guidance (Dhariwal & Nichol 2021) with scale s in [0, 100]:
                      the unconditional model steered towards --label by the noise-aware
                      classifier; excludes --guidance
  --noisy-classifier DIR  that classifier (default assets/checkpoints/noisy-classifier)
  --label L           class 0..9 for every image, or "cycle" for 0, 1, …, 9, 0, …;
                      omitted: unconditional samples
  --count N           number of images (default 16)
  --seed K            seed of x_T and of the step noise (default 0)
  --out FILE          .png (an image grid) or .npy (float32, shape (N, 28, 28))
  --cols C            grid columns for .png (default: about √N)
  --batch B           images per network call (default 64)
  --backend NAME      wasm | cpu | webgpu (default: best available); webgpu needs the
                      optional package "webgpu" and a GPU driver (README, "WebGPU in Node")`;

export { UsageError };

export interface SampleArgs {
  checkpoint: string;
  sampler: SamplerName;
  /** null: the sampler's default (all training steps for DDPM, 50 for DDIM). */
  steps: number | null;
  eta: number;
  guidance: number;
  /** null: unconditional; 'cycle': 0, 1, …; or one class for all. */
  label: number | 'cycle' | null;
  /** Classifier guidance scale s (null: none); the U-Net then samples unconditionally. */
  classifierScale?: number | null;
  noisyClassifier?: string;
  count: number;
  seed: number;
  out: string;
  format: 'png' | 'npy';
  cols: number | null;
  batch: number;
  backend: string;
}

const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

/** Parses and checks the flags; every problem is a UsageError naming the flag. */
export function parseSampleArgs(argv: string[]): SampleArgs {
  const values = parseFlags(argv, {
    checkpoint: { type: 'string' },
    sampler: { type: 'string' },
    steps: { type: 'string' },
    eta: { type: 'string' },
    guidance: { type: 'string' },
    'classifier-scale': { type: 'string' },
    'noisy-classifier': { type: 'string' },
    label: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    cols: { type: 'string' },
    batch: { type: 'string' },
    backend: { type: 'string' },
  });
  const checkpoint = requiredFlag('checkpoint', values.checkpoint);
  const samplerRaw = requiredFlag('sampler', values.sampler);
  if (!(SAMPLERS as readonly string[]).includes(samplerRaw)) {
    throw new UsageError(`--sampler must be one of ${SAMPLERS.join(', ')}, got "${samplerRaw}"`);
  }
  const sampler = samplerRaw as SamplerName;
  const out = requiredFlag('out', values.out);
  const ext = extname(out).toLowerCase();
  if (ext !== '.png' && ext !== '.npy') throw new UsageError(`--out must end in .png or .npy, got "${out}"`);
  if (values.eta !== undefined && sampler !== 'ddim') throw new UsageError('--eta applies to --sampler ddim only (DDPM\'s noise is fixed by its variance)');
  const eta = numFlag('eta', values.eta, 0, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  const guidance = numFlag('guidance', values.guidance, 0, (v) => v >= 0 && v <= 100, 'a number in [0, 100]');
  let label: SampleArgs['label'] = null;
  if (values.label !== undefined) {
    label = values.label === 'cycle' ? 'cycle' : numFlag('label', values.label, 0, (v) => Number.isInteger(v) && v >= 0, 'a class number ≥ 0 or "cycle"');
  }
  if (guidance > 0 && label === null) throw new UsageError('--guidance needs --label: guidance contrasts the conditional and the unconditional prediction');
  // Classifier guidance: the unconditional model steered by the noise-aware classifier's gradient.
  const classifierScale = numFlag('classifier-scale', values['classifier-scale'], null, (v) => v >= 0 && v <= 100, 'a number in [0, 100]');
  if (classifierScale !== null && label === null) throw new UsageError('--classifier-scale needs --label: the classifier steers towards a class');
  if (classifierScale !== null && guidance > 0) throw new UsageError('--classifier-scale samples the unconditional model: leave out --guidance');
  if (values['noisy-classifier'] !== undefined && classifierScale === null) throw new UsageError('--noisy-classifier applies with --classifier-scale only');
  const steps = numFlag('steps', values.steps, null, positiveInt, 'a positive integer');
  const count = numFlag('count', values.count, 16, (v) => positiveInt(v) && v <= 100_000, 'an integer in [1, 100000]');
  const seed = numFlag('seed', values.seed, 0, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer in [0, 2^32 − 1]');
  const cols = numFlag('cols', values.cols, null, positiveInt, 'a positive integer');
  if (cols !== null && ext !== '.png') throw new UsageError('--cols applies to .png output only');
  const batch = numFlag('batch', values.batch, 64, (v) => positiveInt(v) && v <= 4096, 'an integer in [1, 4096]');
  return {
    checkpoint,
    sampler,
    steps,
    eta,
    guidance,
    label,
    classifierScale,
    noisyClassifier: values['noisy-classifier'] ?? 'assets/checkpoints/noisy-classifier',
    count,
    seed,
    out,
    format: ext === '.png' ? 'png' : 'npy',
    cols,
    batch,
    backend: values.backend ?? 'auto',
  };
}

/** A checkpoint folder from a folder or model.json path. */
export async function checkpointDirOf(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`--checkpoint ${path} does not exist`);
  }
  if (info.isDirectory()) return path;
  if (basename(path) === 'model.json') return dirname(path);
  throw new UsageError(`--checkpoint must be a checkpoint folder or its model.json, got the file ${path}`);
}

export interface SampleOutcome {
  out: string;
  count: number;
  sampler: SamplerName;
  steps: number;
  eta: number;
  guidance: number;
  label: number | 'cycle' | null;
  seed: number;
  nfe: number;
  wallTimeSeconds: number;
  checkpointHash: string;
  /** count × 28 × 28 values in [-1, 1]. */
  images: Float32Array;
}

/** Loads the checkpoint, samples and writes the file. The tfjs backend must be set up already. */
export async function runSample(args: SampleArgs, onStep?: (done: number, total: number) => void): Promise<SampleOutcome> {
  const dir = await checkpointDirOf(args.checkpoint);
  const ckpt = await readCheckpointDir(dir);
  const model = unetFromCheckpoint(ckpt);
  try {
    const { imageSize, channels, numClasses } = model.config;
    if (args.label !== null && numClasses === 0) throw new UsageError('--label: this checkpoint is an unconditional model');
    if (typeof args.label === 'number' && args.label >= numClasses) {
      throw new UsageError(`--label must be a class 0..${numClasses - 1} for this checkpoint, got ${args.label}`);
    }
    const scheduler = schedulerFor(args.sampler, ckpt.manifest.scheduler);
    const T = scheduler.config.numTrainTimesteps;
    const steps = args.steps ?? (args.sampler === 'ddpm' ? T : Math.min(50, T));
    if (steps > T) throw new UsageError(`--steps must be at most the ${T} training timesteps of this checkpoint, got ${steps}`);
    const labels: ImageLabel[] | null =
      args.label === null ? null : Array.from({ length: args.count }, (_, i) => (args.label === 'cycle' ? i % numClasses : (args.label as number)));
    const classifierScale = args.classifierScale ?? null;
    const noisyCkpt = classifierScale === null ? null : await readCheckpointDir(args.noisyClassifier ?? 'assets/checkpoints/noisy-classifier');
    if (noisyCkpt) checkSameSchedule(schedulerFor('ddpm', noisyCkpt.manifest.scheduler ?? {}).alphasCumprod, scheduler.alphasCumprod);
    const noisy = noisyCkpt ? noisyClassifierFromCheckpoint(noisyCkpt) : null;
    const started = performance.now();
    const result = await sample({
      model,
      scheduler,
      steps,
      eta: args.eta,
      guidance: args.guidance,
      labels: noisy ? null : labels,
      classifierGuidance: noisy ? { classifier: noisy, scale: classifierScale!, targets: labels } : null,
      xT: initialNoise(args.seed, args.count, imageSize * imageSize * channels),
      rng: stepNoiseRng(args.seed),
      batchSize: args.batch,
      recordSteps: false,
      onStep: onStep ? (s) => onStep(s.index + 1, s.total) : undefined,
    }).finally(() => noisy?.dispose());
    const wallTimeSeconds = (performance.now() - started) / 1000;
    // The pipeline's final clamp to the data range (diffusers clamps to [0, 1] after rescaling).
    const images = result.images.map((v) => (v < -1 ? -1 : v > 1 ? 1 : v));
    await mkdir(dirname(resolve(args.out)), { recursive: true });
    if (args.format === 'npy') {
      if (channels !== 1) throw new UsageError('.npy output is written as (N, H, W): single-channel models only');
      await writeFile(args.out, encodeNpy(images, [args.count, imageSize, imageSize]));
    } else {
      if (channels !== 1) throw new UsageError('.png grids are grayscale: single-channel models only');
      const cols = args.cols ?? Math.ceil(Math.sqrt(args.count));
      await writeFile(args.out, encodePngNode(imageGrid(images, args.count, cols, 2, { side: imageSize })));
    }
    return {
      out: args.out,
      count: args.count,
      sampler: args.sampler,
      steps,
      eta: args.eta,
      guidance: args.guidance,
      label: args.label,
      seed: args.seed,
      nfe: result.nfe,
      wallTimeSeconds,
      checkpointHash: ckpt.manifest.contentHash,
      images,
    };
  } finally {
    model.dispose();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${SAMPLE_USAGE}\n`);
    return;
  }
  const args = parseSampleArgs(argv);
  const backend = await setupBackend(args.backend);
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);
  const bar = new ProgressBar(`${args.sampler}`);
  const outcome = await runSample(args, (done, total) => bar.update(done, total));
  bar.done();
  const { images, ...summary } = outcome;
  void images;
  process.stdout.write(`${JSON.stringify({ ...summary, backend: backend.backend, wallTimeSeconds: Number(summary.wallTimeSeconds.toFixed(2)) }, null, 2)}\n`);
}

runCli(import.meta.url, 'sample', SAMPLE_USAGE, main);
