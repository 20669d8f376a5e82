/**
 * Data-parallel training (as in Goyal et al. 2017, §3, with one process per core instead of one
 * per GPU): this process (replica 0) draws each batch exactly as the single-process Trainer does,
 * keeps one contiguous share and sends the other shares to replicas (replica.ts); each computes the
 * mean loss Lᵢ and gradient gᵢ of its nᵢ rows. With B = Σ nᵢ, the full batch's mean loss and its
 * gradient are
 *   L = Σᵢ (nᵢ / B) Lᵢ,   ∇L = Σᵢ (nᵢ / B) gᵢ,
 * so every replica applies the same combined gradient with the same clip and Adam step and the
 * replicas stay identical without sending weights. Only replica 0 keeps the EMA, the random
 * generator and the data position, so its state (getResumeState, getStateTensors) is the run's.
 *
 * Host-neutral: replicas are reached through ReplicaPort (replica-protocol.ts); the hosts make them
 * from Web Workers (src/lab/browser) or worker_threads (src/cli).
 *
 * A replica that fails (it crashed, ran out of memory, was terminated) is dropped: its share of the
 * step in flight is computed here, so that step is the one it would have been, and later batches
 * are split among the replicas left. Nothing trained is lost, as replica 0 holds the state. A
 * replica that stops without a word is dropped the same way once its gradient is overdue
 * (replica-watchdog.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Trainer, type BatchSource, type Denoiser, type NoisingScheduler, type TrainerOptions } from './trainer';
import { readFlat, sliceBatch, type SliceGradient, type TrainingBatch } from './batch-gradient';
import { splitBatch, type FromReplica, type ReplicaPort, type ReplicaSetup } from './replica-protocol';
import { AnswerTimes, DEFAULT_WATCHDOG_LIMITS, formatWait, type WatchdogLimits } from './replica-watchdog';

export interface DataParallelEvents {
  /** A replica stopped answering; training goes on with `workers` workers. */
  replicaLost?(message: string, workers: number): void;
}

class RemoteReplica {
  alive = true;
  synced = false;
  private waiting: { resolve(g: SliceGradient): void; reject(e: Error): void; postedAt: number } | null = null;
  private failureReason: string | null = null;
  private readonly answers: AnswerTimes;
  private watchdog: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly index: number,
    readonly port: ReplicaPort,
    limits: WatchdogLimits,
    private readonly lost: (replica: RemoteReplica, reason: string) => void,
  ) {
    this.answers = new AnswerTimes(limits);
    port.onMessage((message: FromReplica) => {
      if (message.type === 'error') this.fail(`it reported: ${message.message}`);
      else if (message.type === 'gradient' && this.waiting) {
        const waiting = this.waiting;
        this.waiting = null;
        this.stopWatchdog();
        this.answers.record(performance.now() - waiting.postedAt);
        waiting.resolve({ loss: message.loss, gradient: message.gradient });
      }
    });
    port.onFailure((reason) => this.fail(reason));
  }

  /** Posts one share of a step; resolves with its loss and gradient, rejects when the replica fails. */
  gradient(step: number, batch: TrainingBatch): Promise<SliceGradient> {
    if (!this.alive) return Promise.reject(new Error(this.failureReason ?? 'replica is gone'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, postedAt: performance.now() };
      // Copies that own their buffers: posting a view would clone the whole batch's buffer.
      const share = {
        count: batch.count,
        images: batch.images.slice(),
        labels: batch.labels.slice(),
        timesteps: batch.timesteps.slice(),
        noise: batch.noise.slice(),
        weights: batch.weights ? batch.weights.slice() : null,
      };
      const buffers = [share.images.buffer, share.labels.buffer, share.timesteps.buffer, share.noise.buffer];
      if (share.weights) buffers.push(share.weights.buffer);
      try {
        this.port.post({ type: 'gradient', step, batch: share }, buffers);
      } catch (error) {
        this.fail(`posting to it failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /**
   * Starts the wait for the gradient in flight, called once this process's own share is done: a
   * replica that has not answered within its limit (replica-watchdog.ts) fails.
   */
  watch(): void {
    if (!this.waiting || this.watchdog !== null) return;
    const limit = this.answers.limitMs();
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      this.fail(`it sent no gradient within ${formatWait(limit)}`);
    }, limit);
  }

  /** Ends the replica without reporting it lost (the run is over). */
  close(): void {
    this.alive = false;
    this.stopWatchdog();
    this.port.terminate();
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  fail(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.failureReason = reason;
    this.stopWatchdog();
    try {
      this.port.terminate();
    } catch {
      // Already gone.
    }
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(new Error(reason));
    this.lost(this, reason);
  }
}

/** Where this process's time went over the data-parallel steps so far, in ms (for the benchmark). */
export interface StepTimings {
  steps: number;
  /** Computing this process's own share. */
  ownShare: number;
  /** Waiting for the replicas' gradients once its own share was done. */
  waiting: number;
  /** Drawing the batch, combining the gradients, applying them and the EMA. */
  rest: number;
}

export class DataParallelTrainer extends Trainer {
  private readonly remotes: RemoteReplica[];
  readonly timings: StepTimings = { steps: 0, ownShare: 0, waiting: 0, rest: 0 };

  constructor(
    model: Denoiser,
    ema: Denoiser,
    scheduler: NoisingScheduler,
    batches: BatchSource,
    options: Partial<TrainerOptions> & Pick<TrainerOptions, 'batchSize' | 'numClasses' | 'seed'>,
    /**
     * The replicas, what they build (the image shape and class count are this trainer's), what to
     * tell of them, and how long to wait for a silent one (replica-watchdog.ts; tests shorten it).
     */
    replicas: { ports: ReplicaPort[]; setup: Pick<ReplicaSetup, 'model' | 'scheduler'>; events?: DataParallelEvents; watchdog?: Partial<WatchdogLimits> },
  ) {
    super(model, ema, scheduler, batches, options);
    const started = 1 + replicas.ports.length;
    const lost = (replica: RemoteReplica, reason: string): void => {
      const left = this.workers;
      replicas.events?.replicaLost?.(
        `Worker ${replica.index} of ${started} stopped (${reason}); training goes on with ${left} worker${left === 1 ? '' : 's'}, and no step was lost.`,
        left,
      );
    };
    const limits = { ...DEFAULT_WATCHDOG_LIMITS, ...replicas.watchdog };
    this.remotes = replicas.ports.map((port, i) => new RemoteReplica(i + 1, port, limits, lost));
    const setup: ReplicaSetup = { ...replicas.setup, imageShape: this.options.imageShape, numClasses: this.options.numClasses };
    for (const r of this.remotes) {
      try {
        r.port.post({ type: 'setup', setup }, []);
      } catch (error) {
        r.fail(`setting it up failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Processes computing each step: this one and the replicas still answering. */
  override get workers(): number {
    return 1 + this.remotes.filter((r) => r.alive).length;
  }

  override runStep(): void | Promise<void> {
    // With every replica gone this is the single-process step again.
    if (this.workers === 1) return this.trainStep();
    return this.parallelStep();
  }

  /** Restores replica 0's state; the replicas take it over before the next step. */
  override restore(resume: Record<string, unknown>, tensors: tf.NamedTensorMap): void {
    super.restore(resume, tensors);
    for (const r of this.remotes) r.synced = false;
  }

  override dispose(): void {
    for (const r of this.remotes) r.close();
    super.dispose();
  }

  private async parallelStep(): Promise<void> {
    const start = performance.now();
    const { ownShare, waiting } = this.timings;
    const { loss, gradient } = await this.batchGradient(this.drawBatch());
    const learningRate = this.optimizer.config.learningRate;
    for (const r of this.remotes) {
      if (!r.alive) continue;
      try {
        r.port.post({ type: 'apply', gradient, learningRate }, []);
      } catch (error) {
        r.fail(`posting to it failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.applyFlatGradient(gradient, loss);
    const t = this.timings;
    t.steps += 1;
    t.rest += performance.now() - start - (t.ownShare - ownShare) - (t.waiting - waiting);
  }

  /**
   * The mean loss and flat gradient of a whole drawn batch, its shares computed by this process
   * and the replicas at once (changes no weights).
   */
  async batchGradient(batch: TrainingBatch): Promise<SliceGradient> {
    await this.syncReplicas();
    const step = this.step + 1;
    const remotes = this.remotes.filter((r) => r.alive);
    const shares = splitBatch(batch.count, remotes.length + 1);
    // Remote shares first, so they compute while this process computes its own.
    const requests = shares.slice(1).map(([start, end], i) => ({
      share: [start, end] as const,
      replica: remotes[i],
      result: remotes[i].gradient(step, sliceBatch(batch, start, end)),
    }));
    for (const r of requests) r.result.catch(() => undefined);
    const results: Array<{ rows: number; value: SliceGradient }> = [];
    const [start0, end0] = shares[0];
    const ownStart = performance.now();
    results.push({ rows: end0 - start0, value: await this.sliceGradient(batch, start0, end0) });
    const waitStart = performance.now();
    this.timings.ownShare += waitStart - ownStart;
    for (const { replica } of requests) replica.watch();
    for (const { share, result } of requests) {
      let value: SliceGradient;
      try {
        value = await result;
      } catch {
        // The replica failed during this step: its share is computed here, so the step is unchanged.
        value = await this.sliceGradient(batch, share[0], share[1]);
      }
      results.push({ rows: share[1] - share[0], value });
    }
    this.timings.waiting += performance.now() - waitStart;
    return combine(results, batch.count);
  }

  /** Sends replica 0's weights and Adam state to every replica that does not hold them yet. */
  private async syncReplicas(): Promise<void> {
    const stale = this.remotes.filter((r) => r.alive && !r.synced);
    if (stale.length === 0) return;
    const names = [...this.model.variables.keys()];
    const adamState = this.optimizer.getState();
    try {
      const weights = await readFlat(this.model.variables.values());
      const m = await readFlat(names.map((n) => adamState[`adam.m/${n}`]));
      const v = await readFlat(names.map((n) => adamState[`adam.v/${n}`]));
      for (const r of stale) {
        try {
          r.port.post({ type: 'sync', names, adam: { ...this.optimizer.config }, adamStep: this.optimizer.step, weights, m, v }, []);
          r.synced = true;
        } catch (error) {
          r.fail(`posting to it failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      tf.dispose(Object.values(adamState));
    }
  }
}

/** L = Σᵢ (nᵢ / B) Lᵢ and ∇L = Σᵢ (nᵢ / B) gᵢ, summed in float64. */
export function combine(results: Array<{ rows: number; value: SliceGradient }>, batchSize: number): SliceGradient {
  const length = results[0].value.gradient.length;
  const sum = new Float64Array(length);
  let loss = 0;
  for (const { rows, value } of results) {
    if (value.gradient.length !== length) throw new Error(`a replica sent ${value.gradient.length} gradient values, expected ${length}`);
    const w = rows / batchSize;
    loss += w * value.loss;
    const g = value.gradient;
    for (let j = 0; j < length; j++) sum[j] += w * g[j];
  }
  return { loss, gradient: Float32Array.from(sum) };
}
