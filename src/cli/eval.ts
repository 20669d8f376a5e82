/**
 * npm run eval -- --checkpoint PATH [--n 2000] [--classifier assets/classifier] [options]
 *
 * Measures the sample quality of a trained U-Net checkpoint with the reference classifier
 * (`npm run train:classifier`) and prints a JSON report on stdout (progress goes to stderr):
 * classifier-FID and KID against the MNIST test split for DDIM 10/20/50 and DDPM with every
 * training step, all from the same seeds, with wall time and NFE; the class coverage of the
 * unconditional samples; the classifier's accuracy on class-conditional samples at guidance
 * weights 0, 1, 2, 4; and two reference points: real training images (the floor) and pure noise.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hostname } from 'node:os';
import { setupBackend } from '../backend/node';
import { loadMnistFromNode } from '../data/node-mnist';
import { Rng } from '../data/rng';
import { readCheckpointDir } from '../training/checkpoint-node';
import { unetFromCheckpoint } from '../model/unet-checkpoint';
import { classifierFromCheckpoint } from '../classifier/checkpoint';
import { SAMPLERS, type SamplerName } from '../diffusion/pipelines/sampling';
import { evaluateModel, type EvalPlan, type SamplerSetting } from '../eval/runner';
import { checkpointDirOf } from './sample';
import { intInRangeFlag as intFlag, parseFlags, requiredFlag } from './cli-flags';
import { runCli, UsageError } from './run-cli';
import { ProgressBar, formatDuration } from './progress';

export const EVAL_USAGE = `Usage: npm run eval -- --checkpoint PATH [options]
  --checkpoint PATH      U-Net checkpoint folder (or its model.json)
  --classifier PATH      reference classifier folder (default assets/classifier)
  --n N                  images per evaluated set (default 2000)
  --seed K               seed of x_T, step noise, the floor images and KID subsets (default 0)
  --samplers LIST        unconditional runs, sampler:steps[:eta] separated by commas
                         (default ddim:10,ddim:20,ddim:50,ddpm:all; steps "all" = every training step)
  --guidance LIST        guidance weights for the class-conditional runs (default 0,1,2,4; "none" to skip)
  --guided-sampler S     sampler:steps[:eta] of the class-conditional runs (default ddim:50)
  --kid-subsets N        KID subsets (default 100, as Bińkowski et al. 2018)
  --kid-subset-size N    images per KID subset (default min(1000, n))
  --batch B              images per network call (default 100)
  --out FILE             also write the report to FILE
  --backend NAME         wasm | cpu (default: best available)`;

export interface EvalArgs {
  checkpoint: string;
  classifier: string;
  plan: EvalPlan;
  out: string | null;
  backend: string;
}

/** "ddim:50", "ddim:50:0.5", "ddpm:all". */
export function parseSamplerSetting(text: string, flag: string): SamplerSetting {
  const [name, stepsText, etaText, ...rest] = text.trim().split(':');
  if (!(SAMPLERS as readonly string[]).includes(name) || stepsText === undefined || rest.length > 0) {
    throw new UsageError(`--${flag}: "${text}" is not sampler:steps[:eta] with sampler ${SAMPLERS.join(' or ')} (e.g. ddim:50, ddpm:all)`);
  }
  let steps: number | 'all';
  if (stepsText === 'all') steps = 'all';
  else {
    steps = Number(stepsText);
    if (stepsText.trim() === '' || !Number.isInteger(steps) || steps < 1) throw new UsageError(`--${flag}: steps in "${text}" must be a positive integer or "all"`);
  }
  let eta: number | undefined;
  if (etaText !== undefined) {
    if (name !== 'ddim') throw new UsageError(`--${flag}: "${text}": eta applies to ddim only`);
    eta = Number(etaText);
    if (etaText.trim() === '' || !(eta >= 0 && eta <= 1)) throw new UsageError(`--${flag}: eta in "${text}" must be in [0, 1]`);
  }
  return { sampler: name as SamplerName, steps, ...(eta !== undefined ? { eta } : {}) };
}

export function parseEvalArgs(argv: string[]): EvalArgs {
  const values = parseFlags(argv, {
    checkpoint: { type: 'string' },
    classifier: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    samplers: { type: 'string' },
    guidance: { type: 'string' },
    'guided-sampler': { type: 'string' },
    'kid-subsets': { type: 'string' },
    'kid-subset-size': { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string' },
  });
  const checkpoint = requiredFlag('checkpoint', values.checkpoint);
  const n = intFlag('n', values.n, 2000, 2, 60000);
  const samplersText = values.samplers ?? 'ddim:10,ddim:20,ddim:50,ddpm:all';
  const unconditional = samplersText === 'none' ? [] : samplersText.split(',').map((s) => parseSamplerSetting(s, 'samplers'));
  const guidanceText = values.guidance ?? '0,1,2,4';
  const guidanceWeights =
    guidanceText === 'none'
      ? []
      : guidanceText.split(',').map((s) => {
          const w = Number(s);
          if (s.trim() === '' || !(Number.isFinite(w) && w >= 0 && w <= 100)) throw new UsageError(`--guidance: "${s}" is not a weight in [0, 100]`);
          return w;
        });
  const guided = parseSamplerSetting(values['guided-sampler'] ?? 'ddim:50', 'guided-sampler');
  const kidSubsets = intFlag('kid-subsets', values['kid-subsets'], 100, 1, 10000);
  const kidSubsetSize = intFlag('kid-subset-size', values['kid-subset-size'], Math.min(1000, n), 2, n);
  return {
    checkpoint,
    classifier: values.classifier ?? 'assets/classifier',
    plan: {
      n,
      seed: intFlag('seed', values.seed, 0, 0, 0xffffffff),
      unconditional,
      guidanceWeights,
      guided,
      kid: { subsets: kidSubsets, subsetSize: kidSubsetSize },
      batchSize: intFlag('batch', values.batch, 100, 1, 4096),
    },
    out: values.out ?? null,
    backend: values.backend ?? 'auto',
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${EVAL_USAGE}\n`);
    return;
  }
  const args = parseEvalArgs(argv);
  const started = performance.now();
  const backend = await setupBackend(args.backend);
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);

  const unetCkpt = await readCheckpointDir(await checkpointDirOf(args.checkpoint));
  const classifierDir = await checkpointDirOf(args.classifier).catch(() => {
    throw new UsageError(`no classifier at ${args.classifier}: train one with "npm run train:classifier" or pass --classifier`);
  });
  const classifierCkpt = await readCheckpointDir(classifierDir);
  const model = unetFromCheckpoint(unetCkpt);
  const classifier = classifierFromCheckpoint(classifierCkpt);
  if (model.config.imageSize !== classifier.config.imageSize || model.config.channels !== 1) {
    throw new UsageError('the classifier and the model disagree on the image size (or the model is not single-channel)');
  }

  const test = await loadMnistFromNode('test', { source: 'full' });
  const train = await loadMnistFromNode('train', { source: 'full' });
  if (args.plan.n > train.count) throw new UsageError(`--n must be at most ${train.count}`);
  const all = (count: number) => Int32Array.from({ length: count }, (_, i) => i);
  const reference = test.gather(all(test.count));
  const floorIdx = new Rng(args.plan.seed).shuffle(all(train.count)).subarray(0, args.plan.n);
  const floor = train.gather(floorIdx);

  let bar: ProgressBar | null = null;
  let phase = '';
  const report = await evaluateModel(
    {
      model,
      trainedScheduler: unetCkpt.manifest.scheduler,
      classifier,
      reference: { images: reference.images, count: reference.size },
      floor: { images: floor.images, count: floor.size },
    },
    args.plan,
    ({ phase: p, done, total }) => {
      const key = p.includes('features') ? p : 'sampling';
      if (key !== phase) {
        bar?.done();
        bar = new ProgressBar(key);
        phase = key;
      }
      const elapsed = (performance.now() - started) / 1000;
      bar!.update(done, total, key === 'sampling' ? `${p}, ${formatDuration(elapsed)} elapsed` : '');
    },
  );
  (bar as ProgressBar | null)?.done();

  const full = {
    checkpoint: {
      path: args.checkpoint,
      contentHash: unetCkpt.manifest.contentHash,
      preset: unetCkpt.manifest.preset,
      trainingSteps: unetCkpt.manifest.training.steps,
      // How the checkpoint was made, so a report quoted on its own still says it.
      trainingWallTimeSeconds: unetCkpt.manifest.training.wallTimeSeconds,
      batchSize: unetCkpt.manifest.training.batchSize,
      trainingCommand: unetCkpt.manifest.training.command,
    },
    classifier: {
      path: args.classifier,
      contentHash: classifierCkpt.manifest.contentHash,
      testAccuracy: classifierCkpt.manifest.metrics?.testAccuracy,
    },
    referenceSplit: 'MNIST test split (original IDX files)',
    metrics: 'classifier-FID (Heusel et al. 2017) and KID (Bińkowski et al. 2018) on the reference classifier\'s penultimate features',
    ...report,
    backend: backend.backend,
    host: `node ${process.version} on ${hostname()}`,
    command: `npm run eval -- ${argv.join(' ')}`,
    totalWallTimeSeconds: Math.round((performance.now() - started) / 1000),
  };
  const text = `${JSON.stringify(full, null, 2)}\n`;
  if (args.out) {
    await mkdir(dirname(resolve(args.out)), { recursive: true });
    await writeFile(args.out, text);
  }
  process.stdout.write(text);
  model.dispose();
  classifier.dispose();
}

runCli(import.meta.url, 'eval', EVAL_USAGE, main);
