/**
 * Runs training steps on the main thread in chunks of at most `chunkMs` (≈ 8 ms), yielding to the
 * browser between chunks so drawing and input stay smooth (no long tasks). Steps per second are
 * measured over the time spent training, not the wall time. Used by <diffusion-score-field>.
 */
import { postTask } from '../io/event-loop';

export interface TrainLoopModel {
  readonly step: number;
  trainStep(batch: Float32Array): number;
}

export interface TrainLoopProgress {
  step: number;
  targetSteps: number;
  /** Loss of the last step. */
  loss: number;
  /** Exponential moving average of the loss (weight 0.02 per step after a plain mean of the first 50). */
  smoothedLoss: number;
  /** Steps per second of training time, over the last ~1 s. */
  stepsPerSecond: number;
  /** Milliseconds spent inside training steps since the run started. */
  trainingMs: number;
  /** The longest chunk so far, in ms: how long the page waited for the thread at worst. */
  longestChunkMs: number;
  /** Chunks run so far: the page got the thread back after each. */
  chunks: number;
  running: boolean;
}

export interface TrainLoopOptions {
  chunkMs?: number;
  /** Called after each chunk. */
  onProgress?: (progress: TrainLoopProgress) => void;
  /** Called once when the target step is reached. */
  onDone?: (progress: TrainLoopProgress) => void;
  /** Called when a step throws (e.g. the loss became NaN); the loop stops. */
  onError?: (error: unknown) => void;
  /** How to wait before the next chunk (default: a task of its own, ../io/event-loop.ts). */
  schedule?: (run: () => void) => void;
  now?: () => number;
}

export class TrainLoop {
  private running = false;
  private generation = 0;
  private lossSum = 0;
  private lossCount = 0;
  private smoothed = Number.NaN;
  private lastLoss = Number.NaN;
  private trainingMs = 0;
  private longestChunkMs = 0;
  private chunks = 0;
  /** (training ms, steps) samples for the rate over the last second. */
  private window: Array<[number, number]> = [];
  private readonly chunkMs: number;
  private readonly schedule: (run: () => void) => void;
  private readonly now: () => number;

  constructor(
    private readonly model: TrainLoopModel,
    private readonly nextBatch: () => Float32Array,
    private targetSteps: number,
    private readonly opts: TrainLoopOptions = {},
  ) {
    this.chunkMs = opts.chunkMs ?? 8;
    this.schedule = opts.schedule ?? postTask;
    this.now = opts.now ?? (() => performance.now());
  }

  get isRunning(): boolean {
    return this.running;
  }

  get target(): number {
    return this.targetSteps;
  }

  set target(steps: number) {
    this.targetSteps = steps;
  }

  start(): void {
    if (this.running || this.model.step >= this.targetSteps) return;
    this.running = true;
    const generation = ++this.generation;
    this.schedule(() => this.chunk(generation));
  }

  pause(): void {
    this.running = false;
    this.generation++;
  }

  progress(): TrainLoopProgress {
    return {
      step: this.model.step,
      targetSteps: this.targetSteps,
      loss: this.lastLoss,
      smoothedLoss: this.smoothed,
      stepsPerSecond: this.rate(),
      trainingMs: this.trainingMs,
      longestChunkMs: this.longestChunkMs,
      chunks: this.chunks,
      running: this.running,
    };
  }

  private rate(): number {
    if (this.window.length < 2) return Number.NaN;
    const [t0, s0] = this.window[0];
    const [t1, s1] = this.window[this.window.length - 1];
    return t1 > t0 ? ((s1 - s0) * 1000) / (t1 - t0) : Number.NaN;
  }

  private record(loss: number): void {
    this.lastLoss = loss;
    if (this.lossCount < 50) {
      this.lossSum += loss;
      this.lossCount++;
      this.smoothed = this.lossSum / this.lossCount;
    } else {
      this.smoothed = 0.98 * this.smoothed + 0.02 * loss;
    }
  }

  private chunk(generation: number): void {
    if (generation !== this.generation || !this.running) return;
    const start = this.now();
    try {
      while (this.model.step < this.targetSteps) {
        const loss = this.model.trainStep(this.nextBatch());
        if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${this.model.step}; lower learning-rate and reset`);
        this.record(loss);
        if (this.now() - start >= this.chunkMs) break;
      }
    } catch (error) {
      this.running = false;
      this.opts.onError?.(error);
      return;
    }
    const end = this.now();
    this.trainingMs += end - start;
    this.longestChunkMs = Math.max(this.longestChunkMs, end - start);
    this.chunks++;
    this.window.push([this.trainingMs, this.model.step]);
    while (this.window.length > 2 && this.window[this.window.length - 1][0] - this.window[0][0] > 1000) this.window.shift();
    const done = this.model.step >= this.targetSteps;
    if (done) this.running = false;
    this.opts.onProgress?.(this.progress());
    if (done) this.opts.onDone?.(this.progress());
    else this.schedule(() => this.chunk(generation));
  }
}
