/**
 * The model trained on a page: live and EMA U-Nets, the Trainer, and the run loop. The loop runs
 * one step per task (yielding in between), so pause, settings changes, sampling requests and
 * cancellations are handled between steps. A session is created by the first startTraining, or
 * from a loaded checkpoint (then training continues from its weights with a fresh optimiser).
 */
import { Batcher, type MnistBatch, type MnistDataset } from '../../data/mnist';
import type { DDPMScheduler } from '../../diffusion';
import type { UNetConfig } from '../../model/config';
import { UNet } from '../../model/unet';
import { CheckpointError, type Checkpoint, type CheckpointManifest, type TrainingRecord } from '../../training/checkpoint';
import type { RunSettings, TrainProgress, TrainState } from '../lab-api';
import { initialNoise, sample, schedulerFor, stepNoiseRng } from '../../diffusion/pipelines/sampling';
import { Trainer, TrainingDivergedError, type BatchSource, type LossPoint } from '../../training/trainer';
import { unetFromCheckpoint } from '../../model/unet-checkpoint';
import { SharedModel } from './model-lease';
import { ADAM_BETA2, EMA_DECAY, EMA_WARMUP, GRAD_CLIP_NORM, TRAIN_SCHEDULER, warmupStepsFor } from './train-settings';
import { parseLossWeighting } from '../../diffusion/loss-weighting';
import { LIVE_RECIPE, liveBatchSize } from '../../training/live-recipe';
// Data-parallel training across workers (training-workers.ts).
import { DataParallelTrainer } from '../../training/data-parallel';
import type { ReplicaSource } from './training-workers';

/** DDIM steps of the preview grid: enough for digit shapes, cheap next to training. */
const GRID_STEPS = 20;
/**
 * Guidance weight of the preview grid (Ho & Salimans 2022, w): each digit is drawn as it would be
 * asked for with guidance, the setting the course measures live training by.
 */
const GRID_GUIDANCE = 2;
/** Read losses back at least every this many steps, or sooner when this much time has passed. */
const LOSS_READ_STEPS = 10;
const LOSS_READ_MS = 250;

export interface SessionEvents {
  progress(p: TrainProgress): void;
  samples(s: { step: number; images: Float32Array; count: number }): void;
  error(message: string): void;
}

/**
 * Batches whose size can change during a run: a new size starts a new seeded Batcher (the data
 * order restarts from a fresh shuffle), the Trainer keeps its state.
 */
class ResizableBatches implements BatchSource {
  private batcher: Batcher;
  private resizes = 0;

  constructor(private readonly data: MnistDataset, batchSize: number, private readonly seed: number) {
    this.batcher = new Batcher(data, batchSize, seed);
  }

  get batchSize(): number {
    return this.batcher.batchSize;
  }

  resize(batchSize: number): void {
    if (batchSize === this.batcher.batchSize) return;
    this.resizes += 1;
    this.batcher = new Batcher(this.data, batchSize, this.seed + this.resizes);
  }

  next(): MnistBatch {
    return this.batcher.next();
  }

  getState(): unknown {
    return this.batcher.getState();
  }

  setState(state: unknown): void {
    this.batcher.setState(state as never);
  }
}

/** The MNIST assets' train split, as a checkpoint manifest records it. */
function datasetRecord(data: MnistDataset): CheckpointManifest['dataset'] {
  return { name: 'mnist', split: 'train', count: data.count, source: 'Diffusion Lab MNIST assets (class-balanced subset of the original training set)' };
}

export class TrainingSession {
  readonly ema: SharedModel<UNet>;
  /** The data the weights were trained on: this page's MNIST assets, or what a loaded checkpoint says. */
  dataset: CheckpointManifest['dataset'] | null = null;
  state: TrainState;
  settings: RunSettings;
  /** Workers the run started with (null before its first step): an 'auto' batch stays theirs. */
  startedWorkers: number | null = null;
  private readonly live: UNet;
  private trainer: Trainer | null = null;
  private batches: ResizableBatches | null = null;
  private readonly startStep: number;
  private readonly warmupSteps: number;
  private loss = NaN;
  private stepsPerSecond = 0;
  private running: Promise<void> | null = null;
  private pauseRequested = false;
  private disposed = false;
  /** The latest note about the run's workers (one that stopped; training went on). */
  private notice: string | undefined;

  private constructor(
    readonly presetName: string,
    readonly config: UNetConfig,
    readonly scheduler: DDPMScheduler,
    live: UNet,
    ema: UNet,
    settings: RunSettings,
    state: TrainState,
    startStep: number,
    private readonly yieldToEventLoop: () => Promise<void>,
  ) {
    this.live = live;
    this.ema = new SharedModel(ema);
    this.settings = settings;
    this.state = state;
    this.startStep = startStep;
    this.warmupSteps = warmupStepsFor(settings.steps);
  }

  /** A new run: both U-Nets start from the same seeded weights. */
  static create(config: UNetConfig, settings: RunSettings, yieldToEventLoop: () => Promise<void>): TrainingSession {
    const scheduler = schedulerFor('ddpm', { ...TRAIN_SCHEDULER }) as DDPMScheduler;
    const live = new UNet(config, settings.seed);
    const ema = new UNet(config, settings.seed);
    return new TrainingSession(settings.preset, config, scheduler, live, ema, settings, 'idle', 0, yieldToEventLoop);
  }

  /**
   * The model of a checked checkpoint as a finished run: sampling uses its weights, and training
   * continues from them (live and EMA both start from the checkpoint's weights, Adam starts fresh).
   * Throws a CheckpointError when the checkpoint cannot build a U-Net.
   */
  static fromCheckpoint(ckpt: Checkpoint, yieldToEventLoop: () => Promise<void>): TrainingSession {
    const m = ckpt.manifest;
    let scheduler: DDPMScheduler;
    try {
      scheduler = schedulerFor('ddpm', m.scheduler ?? {}) as DDPMScheduler;
    } catch (e) {
      throw new CheckpointError(`the checkpoint's scheduler config does not match this code: ${(e as Error).message}`);
    }
    const live = unetFromCheckpoint(ckpt);
    let ema: UNet;
    try {
      ema = unetFromCheckpoint(ckpt);
    } catch (e) {
      live.dispose();
      throw e;
    }
    const steps = Number.isInteger(m.training?.steps) ? m.training.steps : 0;
    const settings: RunSettings = {
      // The checkpoint's preset name, which may be one the page cannot start a run with.
      preset: (m.preset ?? 'custom') as RunSettings['preset'],
      batchSize: m.training?.batchSize ?? 64,
      learningRate: m.training?.learningRate ?? 1e-3,
      steps,
      labelDropout: m.training?.labelDropout ?? 0.1,
      seed: m.training?.seed ?? 0,
      sampleEvery: 0,
      sampleCount: 10,
    };
    const session = new TrainingSession(settings.preset, live.config, scheduler, live, ema, settings, 'done', steps, yieldToEventLoop);
    session.dataset = m.dataset ?? null;
    return session;
  }

  get step(): number {
    return this.trainer?.step ?? this.startStep;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Losses read so far, [step, loss]. */
  lossCurve(): Array<[number, number]> {
    return (this.trainer?.losses ?? []).map((p) => [p.step, p.loss]);
  }

  progress(newLosses: LossPoint[] = []): TrainProgress {
    const remaining = Math.max(0, this.settings.steps - this.step);
    return {
      state: this.state,
      step: this.step,
      totalSteps: this.settings.steps,
      loss: this.loss,
      stepsPerSecond: this.stepsPerSecond,
      etaSeconds: remaining === 0 ? 0 : this.stepsPerSecond > 0 ? remaining / this.stepsPerSecond : Infinity,
      newLosses: newLosses.map((p) => [p.step, p.loss]),
      settings: { ...this.settings },
      workers: this.trainer?.workers ?? 1,
      ...(this.startedWorkers !== null ? { autoBatchSize: liveBatchSize(this.startedWorkers) } : {}),
      ...(this.notice ? { notice: this.notice } : {}),
    };
  }

  /**
   * New settings for this run (same model): batch size, learning rate, label dropout, target steps
   * and the preview grid take effect from the next step. The seed belongs to the run and is kept.
   */
  applySettings(next: RunSettings): void {
    this.settings = { ...next, preset: this.settings.preset, seed: this.settings.seed };
    if (this.trainer && this.batches) {
      this.batches.resize(next.batchSize);
      this.trainer.updateSettings({ batchSize: next.batchSize, labelDropout: next.labelDropout, learningRate: next.learningRate });
    }
  }

  /**
   * Starts (or continues) the loop towards settings.steps; returns at once. `replicas` share the
   * batches of a new run (data-parallel); a run keeps the workers it started with.
   */
  run(data: MnistDataset, events: SessionEvents, replicas?: ReplicaSource): void {
    if (this.disposed) throw new Error('this training run was reset');
    if (this.running) return;
    if (this.step >= this.settings.steps) {
      this.state = 'done';
      events.progress(this.progress());
      return;
    }
    this.ensureTrainer(data, replicas, events);
    this.pauseRequested = false;
    this.state = 'running';
    this.running = this.loop(events).finally(() => {
      this.running = null;
    });
  }

  /** Stops after the current step; resolves once the loop has stopped. */
  async pause(): Promise<void> {
    if (!this.running) return;
    this.pauseRequested = true;
    await this.running;
  }

  /** What a checkpoint records about this run. */
  trainingRecord(backend: string): TrainingRecord {
    const losses = this.trainer?.losses ?? [];
    return {
      steps: this.step,
      wallTimeSeconds: Math.round(this.trainer?.wallTimeSeconds ?? 0),
      backend,
      batchSize: this.settings.batchSize,
      learningRate: this.settings.learningRate,
      warmupSteps: this.warmupSteps,
      adamBeta2: ADAM_BETA2,
      gradClipNorm: GRAD_CLIP_NORM,
      emaDecay: EMA_DECAY,
      emaWarmup: EMA_WARMUP,
      labelDropout: this.settings.labelDropout,
      seed: this.settings.seed,
      ...(this.step > 0 && (this.trainer?.workers ?? 1) > 1 ? { workers: this.trainer!.workers } : {}),
      host: typeof navigator !== 'undefined' ? `browser: ${navigator.userAgent}` : undefined,
      finalLoss: losses.length ? losses[losses.length - 1].loss : undefined,
    };
  }

  /** Stops the loop and frees the tensors (the EMA model once no sampling job uses it). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.pause();
    this.disposed = true;
    this.trainer?.dispose();
    this.live.dispose();
    this.ema.retire();
  }

  private ensureTrainer(data: MnistDataset, replicas: ReplicaSource | undefined, events: SessionEvents): void {
    if (this.trainer) return;
    this.dataset = datasetRecord(data);
    this.batches = new ResizableBatches(data, this.settings.batchSize, this.settings.seed);
    const options = {
      batchSize: this.settings.batchSize,
      numClasses: this.config.numClasses,
      seed: this.settings.seed,
      emaDecay: EMA_DECAY,
      emaWarmup: EMA_WARMUP,
      labelDropout: this.settings.labelDropout,
      adam: { learningRate: this.settings.learningRate, beta2: ADAM_BETA2, warmupSteps: this.warmupSteps, gradClipNorm: GRAD_CLIP_NORM },
      lossWeighting: parseLossWeighting(LIVE_RECIPE.lossWeighting),
    };
    this.trainer =
      replicas && replicas.workers > 1
        ? this.dataParallelTrainer(options, replicas, events)
        : new Trainer(this.live, this.ema.model, this.scheduler, this.batches, options);
    // A run continued from a checkpoint counts on from the checkpoint's steps.
    this.trainer.step = this.startStep;
    this.startedWorkers = this.trainer.workers;
  }

  /** The trainer of a run shared by workers: a worker that stops is reported, and training goes on. */
  private dataParallelTrainer(options: ConstructorParameters<typeof Trainer>[4], replicas: ReplicaSource, events: SessionEvents): Trainer {
    return new DataParallelTrainer(this.live, this.ema.model, this.scheduler, this.batches!, options, {
      ports: replicas.start(),
      setup: { model: { ...this.config }, scheduler: { ...this.scheduler.config } },
      events: {
        replicaLost: (message) => {
          this.notice = message;
          console.warn(this.notice);
          events.progress(this.progress());
        },
      },
    });
  }

  private async loop(events: SessionEvents): Promise<void> {
    const trainer = this.trainer!;
    events.progress(this.progress());
    let sinceRead = 0;
    let windowSteps = 0;
    let windowStart = performance.now();
    let lastRead = windowStart;
    let sessionStart = windowStart;
    const wallAtStart = trainer.wallTimeSeconds;
    const read = async (): Promise<void> => {
      const points = await trainer.flushLosses();
      const now = performance.now();
      if (windowSteps > 0) this.stepsPerSecond = (windowSteps * 1000) / Math.max(1e-3, now - windowStart);
      windowSteps = 0;
      windowStart = now;
      lastRead = now;
      sinceRead = 0;
      if (points.length) this.loss = points.reduce((a, p) => a + p.loss, 0) / points.length;
      trainer.wallTimeSeconds = wallAtStart + (now - sessionStart) / 1000;
      events.progress(this.progress(points));
    };
    try {
      while (!this.pauseRequested && trainer.step < this.settings.steps) {
        const stepping = trainer.runStep();
        if (stepping) await stepping;
        sinceRead += 1;
        windowSteps += 1;
        const step = trainer.step;
        const gridDue = this.settings.sampleEvery > 0 && step % this.settings.sampleEvery === 0;
        if (sinceRead >= LOSS_READ_STEPS || performance.now() - lastRead >= LOSS_READ_MS || gridDue || step >= this.settings.steps) {
          await read();
        }
        if (gridDue) {
          // The grid's time is not training time: leave it out of steps/s and wall time.
          const gridStart = performance.now();
          await this.drawGrid(step, events);
          const spent = performance.now() - gridStart;
          windowStart += spent;
          sessionStart += spent;
        }
        await this.yieldToEventLoop();
      }
      if (sinceRead > 0) await read();
      this.state = trainer.step >= this.settings.steps ? 'done' : 'paused';
      events.progress(this.progress());
    } catch (e) {
      this.state = 'error';
      // TrainingDivergedError explains itself; anything else is reported as it is. The model is kept.
      const message = e instanceof TrainingDivergedError ? e.message : `Training stopped: ${e instanceof Error ? e.message : String(e)}`;
      events.error(message);
      events.progress(this.progress());
    }
  }

  /** DDIM samples of the EMA model from a fixed x_T and labels 0, 1, …, 9, 0, …: the grid evolves with training. */
  private async drawGrid(step: number, events: SessionEvents): Promise<void> {
    const count = this.settings.sampleCount;
    const seed = this.settings.seed;
    const size = this.config.imageSize * this.config.imageSize * this.config.channels;
    const labels = this.config.numClasses > 0 ? Array.from({ length: count }, (_, i) => i % this.config.numClasses) : null;
    const out = await this.ema.use((model) =>
      sample({
        model,
        scheduler: schedulerFor('ddim', this.scheduler.config as unknown as Record<string, unknown>),
        steps: Math.min(GRID_STEPS, this.scheduler.numTrainTimesteps),
        labels,
        guidance: labels ? GRID_GUIDANCE : 0,
        xT: initialNoise(seed, count, size),
        rng: stepNoiseRng(seed),
        yieldToEventLoop: this.yieldToEventLoop,
      }),
    );
    events.samples({ step, images: out.images.slice(), count });
  }
}
