import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import { Adam, type AdamConfig } from './adam';
import { emaDecayAt, copyWeights, DEFAULT_EMA_WARMUP, FlatEma } from './ema';
import { lossWeights, UNIFORM_WEIGHTING, type LossWeighting } from '../diffusion/loss-weighting';
import type { PredictionType } from '../diffusion/config';
import {
  batchLoss,
  readSliceGradient,
  sliceBatch,
  type SliceGradient,
  type TrainingBatch,
} from './batch-gradient';

export type { SliceGradient, TrainingBatch } from './batch-gradient';

/**
 * The diffusion training loop of Ho et al. 2020, Algorithm 1: pick x₀ and a uniform timestep t,
 * draw ε, form x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε (eq. 4) and regress the network output on its target
 * (eq. 14: ε; or v = √ᾱ_t ε − √(1−ᾱ_t) x₀, Salimans & Ho 2022; or x₀), with label dropout for
 * classifier-free guidance (Ho & Salimans 2022, Algorithm 1).
 *
 * Nothing in a step reads from the device: losses are kept as tensors and read asynchronously
 * every `lossReadEvery` steps, so a GPU backend is never forced to synchronise per step.
 */

/** What the trainer needs of a network (the U-Net satisfies it). */
export interface Denoiser {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  apply(x: tf.Tensor4D, t: tf.Tensor1D, labels?: tf.Tensor1D | null): tf.Tensor4D;
}

/** What the trainer needs of a scheduler (DDPMScheduler satisfies it). */
export interface NoisingScheduler {
  readonly config: { numTrainTimesteps: number; predictionType: PredictionType };
  readonly alphasCumprod: ArrayLike<number>;
  addNoise(x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor1D): tf.Tensor;
  /** ε, v or x₀, whichever the scheduler's predictionType names. */
  trainingTarget(x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor1D): tf.Tensor;
}

/** A stream of training batches with a position that can be saved and restored. */
export interface BatchSource {
  next(): { images: Float32Array; labels: Int32Array };
  getState(): unknown;
  setState(state: unknown): void;
}

export interface TrainerOptions {
  batchSize: number;
  adam: Partial<AdamConfig>;
  /** Upper bound of the EMA decay (warmed up, see ema.ts). */
  emaDecay: number;
  /** K of the EMA's warm-up (1 + n) / (K + n) (ema.ts): larger follows the live weights more closely early on. */
  emaWarmup: number;
  /** Probability of replacing a label by the null label (Ho & Salimans 2022 use 0.1–0.2). */
  labelDropout: number;
  /** Number of classes; label `numClasses` is the null label. 0 trains an unconditional model. */
  numClasses: number;
  seed: number;
  imageShape: [number, number, number];
  /** Read the loss back from the device every this many steps. */
  lossReadEvery: number;
  /** How each timestep's loss is weighted (uniform: Ho et al.'s simple loss, eq. 14). */
  lossWeighting: LossWeighting;
}

export const DEFAULT_TRAINER_OPTIONS: Omit<TrainerOptions, 'batchSize' | 'numClasses' | 'seed'> = {
  adam: {},
  emaDecay: 0.999,
  emaWarmup: DEFAULT_EMA_WARMUP,
  labelDropout: 0.1,
  imageShape: [28, 28, 1],
  lossReadEvery: 10,
  lossWeighting: UNIFORM_WEIGHTING,
};

export interface LossPoint {
  step: number;
  loss: number;
}

/** Where a `train` call stands, after each loss read (the lab's own TrainProgress is in src/lab/lab-api.ts). */
export interface TrainerProgress {
  step: number;
  totalSteps: number;
  loss: number;
  stepsPerSecond: number;
  etaSeconds: number;
  learningRate: number;
  wallTimeSeconds: number;
}

export class TrainingDivergedError extends Error {
  constructor(readonly step: number, readonly loss: number) {
    super(
      `Training diverged: the loss became ${loss} at step ${step}. The weights were not changed since the last ` +
        'finite loss was read; lower the learning rate or the gradient-clip norm and resume from the last checkpoint.',
    );
    this.name = 'TrainingDivergedError';
  }
}

function checkBatchAndDropout(batchSize: number, labelDropout: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  if (!(labelDropout >= 0 && labelDropout <= 1)) throw new Error(`labelDropout must be in [0, 1], got ${labelDropout}`);
}

export class Trainer {
  readonly options: TrainerOptions;
  readonly optimizer: Adam;
  /** Steps completed. */
  step = 0;
  /** Training time accumulated over all sessions, in seconds. */
  wallTimeSeconds = 0;
  /** Every loss read so far (one point per step read). */
  readonly losses: LossPoint[] = [];
  private readonly rng: Rng;
  /** Losses not yet recorded: tensors still on the device, or numbers already read. */
  private pending: Array<{ step: number; loss: tf.Scalar | number }> = [];
  /** Per-timestep loss weights, or null for the plain mean. */
  private readonly timestepWeights: Float32Array | null;
  /** Updates the EMA model's weights from the optimiser's flat parameters. */
  private readonly shadow: FlatEma;

  constructor(
    readonly model: Denoiser,
    readonly ema: Denoiser,
    readonly scheduler: NoisingScheduler,
    readonly batches: BatchSource,
    options: Partial<TrainerOptions> & Pick<TrainerOptions, 'batchSize' | 'numClasses' | 'seed'>,
  ) {
    this.options = { ...DEFAULT_TRAINER_OPTIONS, ...options };
    checkBatchAndDropout(this.options.batchSize, this.options.labelDropout);
    if (!(this.options.emaWarmup >= 1)) throw new Error(`emaWarmup must be ≥ 1, got ${this.options.emaWarmup}`);
    this.rng = new Rng(this.options.seed);
    this.optimizer = new Adam(model.variables, this.options.adam);
    copyWeights(ema.variables, model.variables);
    this.shadow = new FlatEma(ema.variables, [...model.variables.keys()]);
    const w = this.options.lossWeighting;
    this.timestepWeights = w.kind === 'uniform' ? null : lossWeights(scheduler.alphasCumprod, scheduler.config.predictionType, w);
  }

  /**
   * Changes the settings a running run may change, from the next step on: the same model, data
   * order and optimiser state continue. (The batch source must already deliver `batchSize`.)
   */
  updateSettings(next: { batchSize?: number; labelDropout?: number; learningRate?: number }): void {
    const batchSize = next.batchSize ?? this.options.batchSize;
    const labelDropout = next.labelDropout ?? this.options.labelDropout;
    checkBatchAndDropout(batchSize, labelDropout);
    if (next.learningRate !== undefined && !(next.learningRate > 0 && Number.isFinite(next.learningRate))) {
      throw new Error(`learningRate must be a positive number, got ${next.learningRate}`);
    }
    this.options.batchSize = batchSize;
    this.options.labelDropout = labelDropout;
    if (next.learningRate !== undefined) this.optimizer.config.learningRate = next.learningRate;
  }

  /**
   * Draws the next training batch on the host (no tensors): the images and labels of the batch
   * source, the label dropout, the timesteps, the noise and each row's loss weight, from the seeded
   * generator in the same order every time, so a given seed and data position give the same batch.
   */
  drawBatch(): TrainingBatch {
    const { batchSize, labelDropout, numClasses } = this.options;
    const batch = this.batches.next();
    const T = this.scheduler.config.numTrainTimesteps;
    const timesteps = new Int32Array(batchSize);
    const labels = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      timesteps[i] = this.rng.int(T);
      labels[i] = numClasses > 0 && this.rng.uniform() >= labelDropout ? batch.labels[i] : numClasses;
    }
    const noise = this.rng.fillNormal(new Float32Array(batch.images.length));
    const weights = this.timestepWeights;
    const rowWeights = weights ? Float32Array.from(timesteps, (ti) => weights[ti]) : null;
    return { count: batchSize, images: batch.images, labels, timesteps, noise, weights: rowWeights };
  }

  /** Dispatches one optimisation step; never waits on the device. */
  trainStep(): void {
    const batch = this.drawBatch();
    const loss = tf.tidy(() => {
      const value = this.optimizer.minimize(batchLoss(this.model, this.scheduler, batch, this.shapeOf()));
      this.updateEma();
      return value;
    });
    this.step += 1;
    this.pending.push({ step: this.step, loss });
  }

  /** Processes that compute each step (more in DataParallelTrainer). */
  get workers(): number {
    return 1;
  }

  /**
   * One step in whatever form this trainer takes: the single-process step here (synchronous,
   * nothing read back), an asynchronous one where gradients come from several processes.
   */
  runStep(): void | Promise<void> {
    this.trainStep();
  }

  /**
   * The mean loss and the gradient of rows [start, end) of a drawn batch, read back as numbers:
   * the gradient is one flat array over the parameters in `model.variables` order.
   */
  async sliceGradient(batch: TrainingBatch, start: number, end: number): Promise<SliceGradient> {
    return readSliceGradient(this.model, this.scheduler, sliceBatch(batch, start, end), this.shapeOf());
  }

  /**
   * Applies a flat gradient (the layout of sliceGradient) as one optimisation step, with the
   * gradient clip, Adam and the EMA, and records `loss` as this step's loss.
   */
  applyFlatGradient(gradient: Float32Array, loss: number): void {
    tf.tidy(() => {
      // One upload of the whole gradient: the optimiser works on it flat.
      this.optimizer.applyFlat(tf.tensor1d(gradient)).dispose();
      this.updateEma();
    });
    this.step += 1;
    this.pending.push({ step: this.step, loss });
  }

  /** The EMA of the weights just updated (Polyak averaging, see ema.ts), for step `this.step`. */
  private updateEma(): void {
    this.shadow.update(this.optimizer.parameters(), emaDecayAt(this.options.emaDecay, this.step, this.options.emaWarmup));
  }

  private shapeOf(): { imageShape: [number, number, number]; numClasses: number } {
    return { imageShape: this.options.imageShape, numClasses: this.options.numClasses };
  }

  /**
   * Reads the pending losses from the device (asynchronously) and records them.
   * Throws TrainingDivergedError on a non-finite loss.
   */
  async flushLosses(): Promise<LossPoint[]> {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return [];
    const onDevice = pending.map((p) => p.loss).filter((l): l is tf.Scalar => typeof l !== 'number');
    let values: Float32Array = new Float32Array(0);
    if (onDevice.length > 0) {
      const stacked = tf.stack(onDevice);
      try {
        values = (await stacked.data()) as Float32Array;
      } finally {
        stacked.dispose();
        for (const l of onDevice) l.dispose();
      }
    }
    let read = 0;
    const points = pending.map((p) => ({ step: p.step, loss: typeof p.loss === 'number' ? p.loss : values[read++] }));
    for (const point of points) {
      if (!Number.isFinite(point.loss)) throw new TrainingDivergedError(point.step, point.loss);
      this.losses.push(point);
    }
    return points;
  }

  /**
   * Runs `steps` more steps. Yields to the event loop between steps (so a page stays responsive),
   * reports progress after each loss read, and stops early when `signal` aborts.
   */
  async train(opts: {
    steps: number;
    onProgress?: (p: TrainerProgress) => void;
    signal?: AbortSignal;
    yieldToEventLoop?: () => Promise<void>;
  }): Promise<TrainerProgress> {
    const target = this.step + opts.steps;
    const pause = opts.yieldToEventLoop ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
    let last: TrainerProgress = this.progress(target, NaN, 0);
    let windowStart = performance.now();
    let windowSteps = 0;
    let sessionStart = performance.now();
    const wallAtStart = this.wallTimeSeconds;
    while (this.step < target && !opts.signal?.aborted) {
      const stepping = this.runStep();
      if (stepping) await stepping;
      windowSteps += 1;
      if (this.pending.length >= this.options.lossReadEvery || this.step === target) {
        const points = await this.flushLosses();
        const now = performance.now();
        this.wallTimeSeconds = wallAtStart + (now - sessionStart) / 1000;
        const rate = (windowSteps * 1000) / Math.max(1e-6, now - windowStart);
        windowStart = now;
        windowSteps = 0;
        const mean = points.reduce((a, p) => a + p.loss, 0) / Math.max(1, points.length);
        last = this.progress(target, mean, rate);
        opts.onProgress?.(last);
      }
      await pause();
    }
    await this.flushLosses();
    this.wallTimeSeconds = wallAtStart + (performance.now() - sessionStart) / 1000;
    return last;
  }

  private progress(totalSteps: number, loss: number, stepsPerSecond: number): TrainerProgress {
    return {
      step: this.step,
      totalSteps,
      loss,
      stepsPerSecond,
      etaSeconds: stepsPerSecond > 0 ? (totalSteps - this.step) / stepsPerSecond : Infinity,
      learningRate: this.optimizer.learningRateAt(this.step),
      wallTimeSeconds: this.wallTimeSeconds,
    };
  }

  /** Everything besides tensors that an exact resume needs. */
  getResumeState(): Record<string, unknown> {
    return {
      step: this.step,
      optimizerStep: this.optimizer.step,
      wallTimeSeconds: this.wallTimeSeconds,
      rng: this.rng.getState(),
      batches: this.batches.getState(),
      losses: this.losses.map((p) => [p.step, p.loss]),
    };
  }

  /** Tensors of the training state (clones, prefixed live/, ema/, adam.m/, adam.v/). */
  getStateTensors(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, v] of this.model.variables) out[`live/${name}`] = v.clone();
    for (const [name, v] of this.ema.variables) out[`ema/${name}`] = v.clone();
    Object.assign(out, this.optimizer.getState());
    return out;
  }

  /** Restores a state saved by getResumeState + getStateTensors. Checks everything before changing anything. */
  restore(resume: Record<string, unknown>, tensors: tf.NamedTensorMap): void {
    const pick = (prefix: string, vars: ReadonlyMap<string, tf.Variable>): Array<[tf.Variable, tf.Tensor]> =>
      [...vars].map(([name, v]) => {
        const t = tensors[prefix + name];
        if (!t) throw new Error(`Training state is missing "${prefix}${name}"`);
        if (!tf.util.arraysEqual(t.shape, v.shape)) throw new Error(`Training state "${prefix}${name}" has shape [${t.shape}], expected [${v.shape}]`);
        return [v, t];
      });
    const live = pick('live/', this.model.variables);
    const ema = pick('ema/', this.ema.variables);
    const step = Number(resume.step);
    const optimizerStep = Number(resume.optimizerStep);
    if (!Number.isInteger(step) || !Number.isInteger(optimizerStep)) throw new Error('Training state has no valid step count');
    this.optimizer.setState(tensors, optimizerStep);
    this.batches.setState(resume.batches);
    this.rng.setState(resume.rng as number[]);
    for (const [v, t] of [...live, ...ema]) v.assign(t);
    this.step = step;
    this.wallTimeSeconds = Number(resume.wallTimeSeconds) || 0;
    this.losses.length = 0;
    for (const [s, l] of (resume.losses as Array<[number, number]>) ?? []) this.losses.push({ step: s, loss: l });
  }

  dispose(): void {
    for (const p of this.pending) if (typeof p.loss !== 'number') p.loss.dispose();
    this.pending = [];
    this.optimizer.dispose();
    this.shadow.dispose();
  }
}
