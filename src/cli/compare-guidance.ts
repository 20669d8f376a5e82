/**
 * npx tsx src/cli/compare-guidance.ts [--n 100] [--sampler ddim:25] [--cfg 0,1,2,4] [--scales 0,1,2,5,10] [options]
 *
 * Classifier-free guidance (Ho & Salimans 2022, eq. 6) against classifier guidance (Dhariwal &
 * Nichol 2021, eq. 14) on the shipped model, from the same x_T and step noise: every run samples
 * n images with labels 0, 1, …, 9, 0, … and is scored by the reference classifier (accuracy: the
 * share read as the requested digit; mean confidence) and by the within-class diversity (the mean
 * pairwise RMS pixel distance of src/eval/diversity.ts, averaged over the ten classes, the measure
 * the sampler widget shows per panel). CFG runs sample the conditional model with weight w;
 * classifier runs sample the unconditional model (null label) steered by the noise-aware
 * classifier with scale s. Prints a table and, with --out, writes the report as JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runCli, UsageError } from './run-cli';
import { numFlag, parseFlags, printHelpIf } from './cli-flags';
import { setupBackend } from '../backend/node';
import { readCheckpointDir } from '../training/checkpoint-node';
import { unetFromCheckpoint } from '../model/unet-checkpoint';
import { initialNoise, sample, SAMPLERS, schedulerFor, stepNoiseRng, type SamplerName } from '../diffusion/pipelines/sampling';
import { classifierFromCheckpoint } from '../classifier/checkpoint';
import { classifierOutputs } from '../classifier/train';
import { checkSameSchedule, noisyClassifierFromCheckpoint } from '../classifier/noisy-checkpoint';
import { meanPairwiseDistance } from '../eval/diversity';
import { ProgressBar } from './progress';
import { MAX_SEED } from '../data/rng';

export const COMPARE_USAGE = `Usage: npx tsx src/cli/compare-guidance.ts [options]
  --checkpoint DIR        U-Net checkpoint (default assets/checkpoints/mnist-small)
  --noisy-classifier DIR  noise-aware classifier (default assets/checkpoints/noisy-classifier)
  --classifier DIR        reference classifier for scoring (default assets/classifier)
  --sampler S             sampler:steps[:eta], e.g. ddim:25 or ddpm:100 (default ddim:25)
  --n N                   images per run, labels 0..9 cycling (default 100)
  --cfg LIST              CFG weights w (default 0,1,2,4; "none" to skip)
  --scales LIST           classifier scales s (default 0,1,2,5,10; "none" to skip)
  --seed K                seed of x_T and the step noise (default 0)
  --batch B               images per network call (default 50)
  --out FILE              also write the report as JSON
  --backend NAME          wasm | cpu (default: best available)`;

export interface CompareArgs {
  checkpoint: string;
  noisyClassifier: string;
  classifier: string;
  sampler: SamplerName;
  steps: number;
  eta: number;
  n: number;
  cfg: number[];
  scales: number[];
  seed: number;
  batch: number;
  out: string | null;
  backend: string;
}

function list(flag: string, text: string, max: number): number[] {
  if (text === 'none') return [];
  return text.split(',').map((s) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v) || v < 0 || v > max) throw new UsageError(`--${flag}: "${s}" is not a number in [0, ${max}]`);
    return v;
  });
}

const intInRange = (flag: string, raw: string | undefined, fallback: number, min: number, max: number): number =>
  numFlag(flag, raw, fallback, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer in [${min}, ${max}]`);

export function parseCompareArgs(argv: string[]): CompareArgs {
  const values = parseFlags(argv, {
    checkpoint: { type: 'string' },
    'noisy-classifier': { type: 'string' },
    classifier: { type: 'string' },
    sampler: { type: 'string' },
    n: { type: 'string' },
    cfg: { type: 'string' },
    scales: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string' },
  });
  const [name, stepsText, etaText, ...rest] = (values.sampler ?? 'ddim:25').split(':');
  if (!(SAMPLERS as readonly string[]).includes(name) || rest.length > 0) {
    throw new UsageError(`--sampler: "${values.sampler}" is not sampler:steps[:eta] with sampler ${SAMPLERS.join(' or ')}`);
  }
  const steps = Number(stepsText);
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000) throw new UsageError(`--sampler: steps must be an integer in [1, 1000], got "${stepsText}"`);
  let eta = 0;
  if (etaText !== undefined) {
    if (name !== 'ddim') throw new UsageError('--sampler: eta applies to ddim only');
    eta = Number(etaText);
    if (etaText.trim() === '' || !(eta >= 0 && eta <= 1)) throw new UsageError(`--sampler: eta must be in [0, 1], got "${etaText}"`);
  }
  const args: CompareArgs = {
    checkpoint: values.checkpoint ?? 'assets/checkpoints/mnist-small',
    noisyClassifier: values['noisy-classifier'] ?? 'assets/checkpoints/noisy-classifier',
    classifier: values.classifier ?? 'assets/classifier',
    sampler: name as SamplerName,
    steps,
    eta,
    n: intInRange('n', values.n, 100, 2, 10000),
    cfg: list('cfg', values.cfg ?? '0,1,2,4', 100),
    scales: list('scales', values.scales ?? '0,1,2,5,10', 100),
    seed: intInRange('seed', values.seed, 0, 0, MAX_SEED),
    batch: intInRange('batch', values.batch, 50, 1, 1000),
    out: values.out ?? null,
    backend: values.backend ?? 'auto',
  };
  if (args.cfg.length + args.scales.length === 0) throw new UsageError('nothing to compare: --cfg and --scales are both "none"');
  return args;
}

export interface GuidanceRun {
  kind: 'cfg' | 'classifier';
  /** w for CFG, s for classifier guidance. */
  scale: number;
  accuracy: number;
  meanConfidence: number;
  /** Mean over the classes of the mean pairwise RMS pixel distance within the class. */
  diversity: number;
  /** U-Net evaluations per image. */
  nfe: number;
  classifierGradients: number;
  wallTimeSeconds: number;
}

/** Within-class diversity: the mean pairwise distance of the images of each label, averaged over labels. */
export function withinClassDiversity(images: Float32Array, labels: Int32Array, pixels: number): number {
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]));
  let sum = 0;
  let classes = 0;
  for (const indices of byClass.values()) {
    if (indices.length < 2) continue;
    const set = new Float32Array(indices.length * pixels);
    indices.forEach((i, k) => set.set(images.subarray(i * pixels, (i + 1) * pixels), k * pixels));
    sum += meanPairwiseDistance(set, indices.length, pixels);
    classes++;
  }
  return classes ? sum / classes : Number.NaN;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (printHelpIf(argv, COMPARE_USAGE, ['--help', '-h'])) return;
  const args = parseCompareArgs(argv);
  const backend = await setupBackend(args.backend);
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);
  const unetCkpt = await readCheckpointDir(args.checkpoint);
  const model = unetFromCheckpoint(unetCkpt);
  const trained = unetCkpt.manifest.scheduler ?? {};
  const noisyCkpt = await readCheckpointDir(args.noisyClassifier);
  const noisy = noisyClassifierFromCheckpoint(noisyCkpt);
  checkSameSchedule(schedulerFor('ddpm', noisyCkpt.manifest.scheduler ?? {}).alphasCumprod, schedulerFor(args.sampler, trained).alphasCumprod);
  const reference = classifierFromCheckpoint(await readCheckpointDir(args.classifier));

  const { imageSize, channels } = model.config;
  const pixels = imageSize * imageSize * channels;
  const labels = Int32Array.from({ length: args.n }, (_, i) => i % 10);
  const xT = initialNoise(args.seed, args.n, pixels);
  const plan = [...args.cfg.map((w) => ({ kind: 'cfg' as const, scale: w })), ...args.scales.map((s) => ({ kind: 'classifier' as const, scale: s }))];
  const runs: GuidanceRun[] = [];
  for (const { kind, scale } of plan) {
    const bar = new ProgressBar(`${kind === 'cfg' ? 'CFG w' : 'classifier s'}=${scale}`);
    const started = performance.now();
    const out = await sample({
      model,
      scheduler: schedulerFor(args.sampler, trained),
      steps: args.steps,
      eta: args.eta,
      xT,
      rng: stepNoiseRng(args.seed),
      batchSize: args.batch,
      ...(kind === 'cfg'
        ? { labels: Array.from(labels), guidance: scale }
        : { labels: null, classifierGuidance: { classifier: noisy, scale, targets: Array.from(labels) } }),
      onStep: (s) => bar.update(s.index + 1, s.total),
      recordSteps: false,
    });
    const wallTimeSeconds = (performance.now() - started) / 1000;
    const images = out.images.map((v) => Math.max(-1, Math.min(1, v)));
    const scored = await classifierOutputs(reference, images, args.n);
    const k = reference.config.numClasses;
    let right = 0;
    let confidence = 0;
    for (let i = 0; i < args.n; i++) {
      const row = scored.logits.subarray(i * k, (i + 1) * k);
      const max = Math.max(...row);
      let z = 0;
      for (const v of row) z += Math.exp(v - max);
      const best = row.indexOf(max);
      if (best === labels[i]) right++;
      confidence += 1 / z;
    }
    const run: GuidanceRun = {
      kind,
      scale,
      accuracy: right / args.n,
      meanConfidence: confidence / args.n,
      diversity: withinClassDiversity(images, labels, pixels),
      nfe: out.nfe,
      classifierGradients: out.classifierEvals,
      wallTimeSeconds: Math.round(wallTimeSeconds * 10) / 10,
    };
    runs.push(run);
    bar.done(
      `${kind === 'cfg' ? 'CFG        w' : 'classifier s'} = ${String(scale).padEnd(4)} accuracy ${(100 * run.accuracy).toFixed(1).padStart(5)} %  ` +
        `confidence ${run.meanConfidence.toFixed(3)}  diversity ${run.diversity.toFixed(3)}  NFE ${run.nfe} + ${run.classifierGradients} gradients  ${run.wallTimeSeconds} s`,
    );
  }
  const report = {
    command: `npx tsx src/cli/compare-guidance.ts ${argv.join(' ')}`.trim(),
    checkpoint: args.checkpoint,
    noisyClassifier: args.noisyClassifier,
    sampler: `${args.sampler}:${args.steps}${args.sampler === 'ddim' ? `:${args.eta}` : ''}`,
    n: args.n,
    seed: args.seed,
    backend: backend.backend,
    runs,
  };
  if (args.out) {
    await mkdir(dirname(args.out), { recursive: true });
    await writeFile(args.out, `${JSON.stringify(report, null, 1)}\n`);
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  model.dispose();
  noisy.dispose();
  reference.dispose();
}

runCli(import.meta.url, 'compare-guidance', COMPARE_USAGE, main);
