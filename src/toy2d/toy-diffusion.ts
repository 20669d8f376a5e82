/**
 * A small MLP noise predictor ε̂(x_t, t) on 2-D points, trained with the DDPM loss
 * ‖ε − ε̂(α(t)x_0 + σ(t)ε, t)‖² (Ho et al. 2020, eq. 14, L_simple) at continuous t ∈ [tMin, 1]
 * (Song et al. 2021, eq. 7). Since ∇ log p(x_t | x_0) = −ε/σ(t), predicting ε is denoising score
 * matching (Vincent 2011) with weight λ(t) = σ(t)², and the score is s(x, t) = −ε̂(x, t)/σ(t).
 *
 * The network: the input features of ./features.ts (scaled position, its Fourier features, the time
 * embedding) → `layers` dense SiLU layers of `hidden` units, each after the first fed the time
 * embedding again → 2 outputs. Sampling and score() use an exponential moving average of the
 * weights, which smooths the noisy per-batch updates.
 *
 * The tensors live on tfjs's active backend (wasm is the fastest for a net this small); the
 * caller chooses it. Weights are initialised from the seed with the project's Rng, so a seed gives
 * the same network on every backend. Every tensor made here is disposed again except the weights
 * and optimiser moments, which dispose() frees.
 */
import * as tf from '@tensorflow/tfjs';
import { FusedAdam } from '../backend/ops/adam';
import { Rng } from '../data/rng';
import { INPUT_FEATURES, TIME_FEATURES, X_FEATURES, featuresAt, writeFeatures } from './features';
import { NOISINGS, noiseProcess, type NoiseProcess, type Noising } from './noising';
import { ParticleSampler, priorSample, type ParticleSamplerOptions, type ToySamplerName } from './samplers';

export interface ToyDiffusionOptions {
  /** Width of each hidden layer (default 64). */
  hidden?: number;
  /** Hidden layers (default 3). */
  layers?: number;
  /** Steps of the ancestral sampler, and tMin = 1/numTimesteps (default 100). */
  numTimesteps?: number;
  noising?: 'vp' | 've';
  /** Adam learning rate (default 5e-3). */
  learningRate?: number;
  /** Decay of the exponential moving average of the weights used for score() and sampling (default 0.99; 0 turns it off). */
  emaDecay?: number;
  seed: number;
}

/**
 * Defaults chosen by measurement on the ring (Node, wasm): 64 units per layer take about 2.5×
 * less time per step than 128, and with the Fourier features 800 steps give a close fit.
 */
export const TOY_DIFFUSION_DEFAULTS = { hidden: 64, layers: 3, numTimesteps: 100, noising: 'vp' as Noising, learningRate: 5e-3, emaDecay: 0.99 };

export interface ToySampleOptions {
  sampler?: ToySamplerName;
  steps?: number;
  trajectories?: boolean;
  langevinStepsPerLevel?: number;
  langevinStepSize?: number;
}

function checkWhole(name: string, value: number, lo: number, hi: number): number {
  if (!Number.isInteger(value) || value < lo || value > hi) throw new Error(`ToyDiffusion: ${name} must be a whole number from ${lo} to ${hi}, got ${value}`);
  return value;
}

export class ToyDiffusion {
  readonly hidden: number;
  readonly layers: number;
  readonly numTimesteps: number;
  readonly noising: Noising;
  readonly learningRate: number;
  readonly emaDecay: number;
  readonly process: NoiseProcess;
  private readonly weights: tf.Variable[] = [];
  /** Exponential moving average of the weights (Polyak averaging; Ho et al. 2020, Appendix B use it too). */
  private readonly emaWeights: tf.Variable[] = [];
  private readonly optimizer: FusedAdam;
  private readonly rng: Rng;
  private disposed = false;
  private steps = 0;

  constructor(opts: ToyDiffusionOptions) {
    this.hidden = checkWhole('hidden', opts.hidden ?? TOY_DIFFUSION_DEFAULTS.hidden, 4, 1024);
    this.layers = checkWhole('layers', opts.layers ?? TOY_DIFFUSION_DEFAULTS.layers, 1, 8);
    this.numTimesteps = checkWhole('numTimesteps', opts.numTimesteps ?? TOY_DIFFUSION_DEFAULTS.numTimesteps, 2, 10_000);
    this.noising = opts.noising ?? TOY_DIFFUSION_DEFAULTS.noising;
    if (!NOISINGS.includes(this.noising)) throw new Error(`ToyDiffusion: noising must be "vp" or "ve", got "${String(this.noising)}"`);
    this.learningRate = opts.learningRate ?? TOY_DIFFUSION_DEFAULTS.learningRate;
    if (!(this.learningRate > 0) || !Number.isFinite(this.learningRate)) throw new Error(`ToyDiffusion: learningRate must be a number > 0, got ${this.learningRate}`);
    this.emaDecay = opts.emaDecay ?? TOY_DIFFUSION_DEFAULTS.emaDecay;
    if (!(this.emaDecay >= 0 && this.emaDecay < 1)) throw new Error(`ToyDiffusion: emaDecay must be in [0, 1), got ${this.emaDecay}`);
    if (!Number.isFinite(opts.seed)) throw new Error(`ToyDiffusion: seed must be a finite number, got ${String(opts.seed)}`);
    this.process = noiseProcess(this.noising, 1 / this.numTimesteps);
    this.rng = new Rng(opts.seed);
    const initRng = this.rng.fork();
    const sizes = [INPUT_FEATURES, ...Array.from({ length: this.layers }, () => this.hidden), 2];
    // Inside tidy so the initial values are freed; variables survive it.
    tf.tidy(() => {
      for (let l = 0; l + 1 < sizes.length; l++) {
        // Every layer after the first sees the time features again (concatenated to h), so the
        // noise level can steer each layer and not only the first.
        const fanIn = l === 0 ? sizes[l] : sizes[l] + TIME_FEATURES;
        const fanOut = sizes[l + 1];
        // Glorot & Bengio 2010 uniform limit √(6/(fan_in + fan_out)); biases start at zero.
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        const w = tf.tensor2d(initRng.fillUniform(new Float32Array(fanIn * fanOut), -limit, limit), [fanIn, fanOut]);
        const b = tf.zeros([fanOut]);
        this.weights.push(tf.variable(w, true), tf.variable(b, true));
        this.emaWeights.push(tf.variable(w, false), tf.variable(b, false));
      }
    });
    this.optimizer = new FusedAdam(this.weights, { learningRate: this.learningRate });
  }

  /** Training steps taken so far. */
  get step(): number {
    return this.steps;
  }

  /** Number of weights (for display). */
  get parameterCount(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** ε̂ for an [B, INPUT_FEATURES] input (inside the caller's tidy). */
  private forward(input: tf.Tensor2D, weights: tf.Tensor[] = this.weights): tf.Tensor2D {
    let h: tf.Tensor2D = input;
    const time = tf.slice(input, [0, X_FEATURES], [-1, TIME_FEATURES]);
    const last = this.weights.length / 2 - 1;
    for (let l = 0; l <= last; l++) {
      const layerInput = l === 0 ? h : tf.concat([h, time], 1);
      const z = tf.add(tf.matMul(layerInput, weights[2 * l] as tf.Tensor2D), weights[2 * l + 1]) as tf.Tensor2D;
      // SiLU (Elfwing et al. 2018; Hendrycks & Gimpel 2016), the activation of DDPM's U-Net.
      h = l === last ? z : (tf.mul(z, tf.sigmoid(z)) as tf.Tensor2D);
    }
    return h;
  }

  /**
   * One Adam step on a batch of clean points (x, y interleaved); returns the loss. Each point gets
   * its own t ~ U(tMin, 1) and ε ~ N(0, I) from the model's seeded Rng.
   */
  trainStep(batch: Float32Array): number {
    this.assertAlive();
    const n = batch.length >> 1;
    if (n < 1 || batch.length % 2 !== 0) throw new Error(`ToyDiffusion.trainStep: the batch must hold x, y pairs (got ${batch.length} numbers)`);
    const features = new Float32Array(n * INPUT_FEATURES);
    const eps = new Float32Array(2 * n);
    const p = this.process;
    for (let i = 0; i < n; i++) {
      // t = tMin + (1 − tMin)·u², u ~ U(0, 1): more of each batch at small t, where the data's
      // fine structure lives. Any positive weighting over t keeps the optimum at the true score
      // (Song et al. 2021, eq. 7); this one measured a better fit of the ring after 1500 steps.
      const u = this.rng.uniform();
      const t = p.tMin + (1 - p.tMin) * u * u;
      const a = p.alpha(t);
      const s = p.sigma(t);
      const ex = this.rng.normal();
      const ey = this.rng.normal();
      eps[2 * i] = ex;
      eps[2 * i + 1] = ey;
      writeFeatures(features, i, a * batch[2 * i] + s * ex, a * batch[2 * i + 1] + s * ey, t, p);
    }
    const input = tf.tensor2d(features, [n, INPUT_FEATURES]);
    const target = tf.tensor2d(eps, [n, 2]);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.squaredDifference(this.forward(input), target)) as tf.Scalar, this.weights);
    this.optimizer.apply(this.weights.map((w) => grads[w.name]));
    const loss = value.dataSync()[0];
    this.updateEma();
    tf.dispose([input, target, value, ...Object.values(grads)]);
    this.steps += 1;
    return loss;
  }

  /** ε̂(x, t) for every point at one time t ∈ [tMin, 1]. */
  epsilon(points: Float32Array, t: number): Float32Array {
    this.assertAlive();
    const n = points.length >> 1;
    if (n === 0) return new Float32Array(0);
    const features = featuresAt(points, this.clampTime(t), this.process);
    const weights = this.emaDecay > 0 ? this.emaWeights : this.weights;
    return tf.tidy(() => this.forward(tf.tensor2d(features, [n, INPUT_FEATURES]), weights).dataSync() as Float32Array);
  }

  /**
   * The learned score s(x, t) = −ε̂(x, t)/σ(t) at continuous time t ∈ [tMin, 1]: the second
   * argument is the time t, not σ (process.timeForSigma(σ) converts). Values outside [tMin, 1]
   * are clamped. x, y interleaved in and out.
   */
  score(points: Float32Array, sigmaOrT: number): Float32Array {
    const t = this.clampTime(sigmaOrT);
    const eps = this.epsilon(points, t);
    const scale = -1 / this.process.sigma(t);
    for (let i = 0; i < eps.length; i++) eps[i] *= scale;
    return eps;
  }

  /** The learned score at noise scale σ instead of time t (σ → t through the noise process). */
  scoreAtSigma(points: Float32Array, sigma: number): Float32Array {
    return this.score(points, this.process.timeForSigma(sigma));
  }

  /**
   * A particle sampler that starts from the prior and moves one update per step() call, for
   * animation. The score is the learned one.
   */
  sampler(count: number, rng: Rng, opts: ToySampleOptions = {}): ParticleSampler {
    this.assertAlive();
    const samplerOptions: ParticleSamplerOptions = { ...opts, steps: opts.steps ?? this.numTimesteps };
    return new ParticleSampler(this.process, (x, t) => this.score(x, t), priorSample(this.process, count, rng), rng, samplerOptions);
  }

  /** Draws `count` points; with `trajectories`, the positions after every update (first: the prior sample). */
  sample(count: number, rng: Rng, opts: ToySampleOptions = {}): { points: Float32Array; trajectories?: Float32Array[] } {
    const run = this.sampler(count, rng, opts);
    run.run();
    return run.trajectories ? { points: run.points, trajectories: run.trajectories } : { points: run.points };
  }

  /**
   * ema ← d·ema + (1 − d)·w, with d warmed up as min(decay, (1 + n)/(10 + n)) like TensorFlow's
   * ExponentialMovingAverage(num_updates), so the average is useful from the first hundred steps.
   */
  private updateEma(): void {
    if (this.emaDecay <= 0) return;
    const d = Math.min(this.emaDecay, (1 + this.steps) / (10 + this.steps));
    tf.tidy(() => this.emaWeights.forEach((e, i) => e.assign(tf.add(tf.mul(e, d), tf.mul(this.weights[i], 1 - d)))));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    tf.dispose(this.weights);
    tf.dispose(this.emaWeights);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private clampTime(t: number): number {
    if (!Number.isFinite(t)) throw new Error(`ToyDiffusion: t must be a finite number in [${this.process.tMin}, 1], got ${t}`);
    return Math.min(1, Math.max(this.process.tMin, t));
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('ToyDiffusion: used after dispose()');
  }
}
