/**
 * The training steps the benchmark times, on one fixed synthetic batch, so every backend and host
 * times exactly the same work:
 * - TrainerBenchStep: the course's own Trainer step (src/training/trainer.ts: fresh noise and timesteps,
 *   label dropout, gradient clipping by global norm, Adam with warm-up, the EMA update), as the
 *   training CLI and the lesson widgets run it;
 * - EpsilonTrainStep: the minimal step, plain Adam (Kingma & Ba 2015, Algorithm 1; one fused
 *   kernel per parameter on wasm and cpu) on the MSE of ε-prediction (Ho et al. 2020, Algorithm 1
 *   and eq. 14), without clipping or EMA.
 * No Node APIs here: the browser benchmark page imports it too.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import { FusedAdam } from '../backend/ops/adam';
import { DDPMScheduler } from '../diffusion';
import { Trainer, type BatchSource } from '../training/trainer';

/** One timed unit of the benchmark: a training step run to completion (its loss read back). */
export interface BenchStep {
  run(): Promise<void>;
  dispose(): void;
}

/** What the step needs of a network (the U-Net satisfies it). */
export interface NoisePredictor {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  apply(x: tf.Tensor4D, t: tf.Tensor1D, labels?: tf.Tensor1D | null): tf.Tensor4D;
}

export interface EpsilonStepOptions {
  batch: number;
  imageSize: number;
  channels: number;
  /** Class count of a conditional model (labels drawn in [0, numClasses)); 0 = no labels. */
  numClasses: number;
  learningRate?: number;
  numTrainTimesteps?: number;
  seed?: number;
}

/**
 * ᾱ_t for DDPM's linear schedule, β from 1e-4 to 0.02 over T steps (Ho et al. 2020, §4):
 * ᾱ_t = Π_{s≤t} (1 − β_s).
 */
export function linearAlphasCumprod(numTrainTimesteps: number): Float64Array {
  const out = new Float64Array(numTrainTimesteps);
  let prod = 1;
  for (let t = 0; t < numTrainTimesteps; t++) {
    const beta = numTrainTimesteps === 1 ? 1e-4 : 1e-4 + ((0.02 - 1e-4) * t) / (numTrainTimesteps - 1);
    prod *= 1 - beta;
    out[t] = prod;
  }
  return out;
}

export class EpsilonTrainStep implements BenchStep {
  private readonly optimizer: FusedAdam;
  private readonly xt: tf.Tensor4D;
  private readonly noise: tf.Tensor4D;
  private readonly t: tf.Tensor1D;
  private readonly labels: tf.Tensor1D | null;
  private readonly varList: tf.Variable[];

  constructor(private readonly model: NoisePredictor, options: EpsilonStepOptions) {
    const { batch, imageSize, channels, numClasses } = options;
    const steps = options.numTrainTimesteps ?? 1000;
    const rng = new Rng(options.seed ?? 1);
    const pixels = imageSize * imageSize * channels;
    const alphasBar = linearAlphasCumprod(steps);
    const x0 = new Float32Array(batch * pixels);
    const eps = new Float32Array(batch * pixels);
    const xt = new Float32Array(batch * pixels);
    const ts = new Int32Array(batch);
    const labels = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      ts[b] = rng.int(steps);
      labels[b] = numClasses > 0 ? rng.int(numClasses) : 0;
      const a = Math.sqrt(alphasBar[ts[b]]);
      const s = Math.sqrt(1 - alphasBar[ts[b]]);
      for (let i = b * pixels; i < (b + 1) * pixels; i++) {
        x0[i] = rng.uniform() * 2 - 1;
        eps[i] = rng.normal();
        // x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε (Ho et al. 2020, eq. 4).
        xt[i] = a * x0[i] + s * eps[i];
      }
    }
    const shape: [number, number, number, number] = [batch, imageSize, imageSize, channels];
    this.xt = tf.tensor4d(xt, shape);
    this.noise = tf.tensor4d(eps, shape);
    this.t = tf.tensor1d(ts, 'int32');
    this.labels = numClasses > 0 ? tf.tensor1d(labels, 'int32') : null;
    this.varList = [...model.variables.values()];
    this.optimizer = new FusedAdam(this.varList, { learningRate: options.learningRate ?? 1e-3 });
  }

  /** One forward + backward + Adam update. Returns the loss (the caller disposes it). */
  step(): tf.Scalar {
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.squaredDifference(this.model.apply(this.xt, this.t, this.labels), this.noise)) as tf.Scalar,
      this.varList,
    );
    this.optimizer.apply(this.varList.map((v) => grads[v.name]));
    tf.dispose(Object.values(grads));
    return value;
  }

  dispose(): void {
    this.optimizer.dispose();
    for (const t of [this.xt, this.noise, this.t, this.labels]) t?.dispose();
  }

  async run(): Promise<void> {
    const loss = this.step();
    await loss.data();
    loss.dispose();
  }
}

/** The same fixed batch every time: images uniform in [−1, 1], labels in [0, numClasses). */
export class FixedBatch implements BatchSource {
  private readonly images: Float32Array;
  private readonly labels: Int32Array;

  constructor(batch: number, pixels: number, numClasses: number, seed: number) {
    const rng = new Rng(seed);
    this.images = rng.fillUniform(new Float32Array(batch * pixels), -1, 1);
    this.labels = Int32Array.from({ length: batch }, () => (numClasses > 0 ? rng.int(numClasses) : 0));
  }

  next(): { images: Float32Array; labels: Int32Array } {
    return { images: this.images, labels: this.labels };
  }

  getState(): unknown {
    return null;
  }

  setState(): void {}
}

/**
 * The course's Trainer step (src/training/trainer.ts) with its default settings (the ones the shipped
 * checkpoint was trained with: DDPM linear schedule, 1000 steps, ε-prediction, clip 1, EMA), on a
 * fixed batch. `ema` is a second network of the same shape for the EMA weights.
 */
export class TrainerBenchStep implements BenchStep {
  private readonly trainer: Trainer;

  constructor(model: NoisePredictor, ema: NoisePredictor, options: EpsilonStepOptions) {
    const { batch, imageSize, channels, numClasses } = options;
    const seed = options.seed ?? 1;
    const scheduler = new DDPMScheduler({ numTrainTimesteps: options.numTrainTimesteps ?? 1000, betaSchedule: 'linear', predictionType: 'epsilon' });
    const batches = new FixedBatch(batch, imageSize * imageSize * channels, numClasses, seed);
    this.trainer = new Trainer(model, ema, scheduler, batches, {
      batchSize: batch,
      numClasses,
      seed,
      imageShape: [imageSize, imageSize, channels],
      adam: { learningRate: options.learningRate ?? 1e-3 },
    });
  }

  async run(): Promise<void> {
    this.trainer.trainStep();
    await this.trainer.flushLosses();
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
