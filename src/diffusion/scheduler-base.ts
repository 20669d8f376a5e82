/**
 * What DDPM and DDIM share: the schedule tables, the sampling timesteps, the forward process
 * (addNoise / getVelocity), turning a model output into x̂_0 and ε̂, and where step noise comes from.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import type { SchedulerConfig } from './config';
import { checkSameShape, noisedSample, velocity, type TimestepInput } from './forward-process';
import { betasForResolved } from './schedules';

/** Rounds to float32, the precision diffusers' torch tensors keep between operations. */
export const f32 = Math.fround;

export interface StepOptions {
  /**
   * DDIM only (DDPM ignores it): η of Song et al. 2021, "Denoising Diffusion Implicit Models",
   * eq. 16. 0 (the default) is deterministic DDIM; 1 gives DDPM's posterior variance. Range [0, 1].
   */
  eta?: number;
  /**
   * Standard normal noise for the stochastic part of the step (diffusers' `variance_noise`), same
   * shape as `sample`. The caller keeps ownership: it is not disposed.
   */
  noise?: tf.Tensor;
  /** Generator for that noise when `noise` is not given; defaults to the scheduler's own Rng. */
  rng?: Rng;
  /**
   * DDIM only: re-derive ε̂ from the clipped x̂_0 before taking the step (diffusers'
   * `use_clipped_model_output`, as in GLIDE). No effect when nothing was clipped.
   */
  useClippedModelOutput?: boolean;
}

/** Both tensors are new and belong to the caller, who disposes them. */
export interface StepResult {
  /** x_{t_prev}, the input of the next step. */
  prevSample: tf.Tensor;
  /** x̂_0 predicted at this step (after clipping), e.g. for a preview. */
  predOriginalSample: tf.Tensor;
}

export interface SchedulerOptions {
  /** Seed of the scheduler's own Rng, used for step noise when neither `noise` nor `rng` is given. Default 0. */
  seed?: number;
}

export abstract class DiscreteScheduler<C extends SchedulerConfig> {
  /** The resolved, frozen configuration (diffusers' defaults filled in). */
  readonly config: C;
  /** β_t for t = 0..T−1, rounded to float32 like diffusers' torch tensors. */
  readonly betas: Float32Array;
  /** α_t = 1 − β_t. */
  readonly alphas: Float32Array;
  /**
   * ᾱ_t = ∏_{s≤t} α_s (Ho et al. 2020, eq. 4), float32. Every step coefficient is computed from
   * these values with float32 rounding after each operation, in diffusers' order: near t = 0,
   * 1 − ᾱ_t loses digits to cancellation in float32, and doing the same keeps results equal to
   * diffusers' (its own tests check sums to 1e-2). The float64 curves in `curves.ts` are for charts.
   */
  readonly alphasCumprod: Float32Array;
  /** The scheduler's own generator for step noise. */
  readonly rng: Rng;

  protected readonly sqrtAlphasCumprod: Float64Array;
  protected readonly sqrtOneMinusAlphasCumprod: Float64Array;
  protected timestepsValue: Int32Array;
  protected numInferenceStepsValue: number | null = null;

  protected constructor(config: C, options: SchedulerOptions) {
    this.config = config;
    this.betas = Float32Array.from(betasForResolved(config));
    this.alphas = this.betas.map((b) => 1 - b);
    // Like torch.cumprod on the CPU: float32 factors, product accumulated in float64, stored as float32.
    this.alphasCumprod = new Float32Array(this.alphas.length);
    let product = 1;
    for (let i = 0; i < this.alphas.length; i++) {
      product *= this.alphas[i];
      this.alphasCumprod[i] = product;
    }
    this.sqrtAlphasCumprod = Float64Array.from(this.alphasCumprod, (a) => f32(Math.sqrt(a)));
    this.sqrtOneMinusAlphasCumprod = Float64Array.from(this.alphasCumprod, (a) => f32(Math.sqrt(f32(1 - a))));
    this.rng = new Rng(options.seed ?? 0);
    const T = config.numTrainTimesteps;
    this.timestepsValue = Int32Array.from({ length: T }, (_, i) => T - 1 - i);
  }

  /** T, the number of training timesteps (diffusers' `len(scheduler)`). */
  get numTrainTimesteps(): number {
    return this.config.numTrainTimesteps;
  }

  /**
   * The timesteps a sampling loop visits, in descending order, as an Int32Array. Before
   * `setTimesteps` it is every training timestep T−1..0, as in diffusers. Replaced (not mutated) by
   * `setTimesteps`; treat it as read-only.
   */
  get timesteps(): Int32Array {
    return this.timestepsValue;
  }

  /** How many sampling steps the last `setTimesteps` chose, or null before it. */
  get numInferenceSteps(): number | null {
    return this.numInferenceStepsValue;
  }

  /** The timestep the step from `t` lands on (−1 after the last step). */
  abstract previousTimestep(t: number): number;

  /**
   * x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε (Ho et al. 2020, eq. 4), one timestep per batch item broadcast
   * over the other axes. Returns a new tensor.
   */
  addNoise(x0: tf.Tensor, noise: tf.Tensor, t: TimestepInput): tf.Tensor {
    return noisedSample(this.sqrtAlphasCumprod, this.sqrtOneMinusAlphasCumprod, x0, noise, t);
  }

  /** v = √ᾱ_t·ε − √(1−ᾱ_t)·x_0 (Salimans & Ho 2022, §4), like diffusers' `get_velocity`. New tensor. */
  getVelocity(sample: tf.Tensor, noise: tf.Tensor, t: TimestepInput): tf.Tensor {
    return velocity(this.sqrtAlphasCumprod, this.sqrtOneMinusAlphasCumprod, sample, noise, t);
  }

  /**
   * What a model trained for this `predictionType` should output for x_t = addNoise(x0, noise, t):
   * ε for "epsilon", x_0 for "sample", v for "v_prediction". Returns a new tensor.
   */
  trainingTarget(x0: tf.Tensor, noise: tf.Tensor, t: TimestepInput): tf.Tensor {
    checkSameShape(x0, noise, 'trainingTarget');
    switch (this.config.predictionType) {
      case 'epsilon':
        return tf.clone(noise);
      case 'sample':
        return tf.clone(x0);
      case 'v_prediction':
        return this.getVelocity(x0, noise, t);
    }
  }

  /**
   * x̂_0 and ε̂ from the model output at a timestep with cumulative ᾱ = `alphaProd`:
   * ε: x̂_0 = (x_t − √(1−ᾱ)·ε̂)/√ᾱ (Ho et al. 2020, eq. 15);
   * v: x̂_0 = √ᾱ·x_t − √(1−ᾱ)·v̂, ε̂ = √ᾱ·v̂ + √(1−ᾱ)·x_t (Salimans & Ho 2022, §4 / App. D);
   * sample: x̂_0 is the output, ε̂ = (x_t − √ᾱ·x̂_0)/√(1−ᾱ).
   * Must run inside `tf.tidy`. x̂_0 is not clipped here.
   */
  protected predictOriginalAndEpsilon(
    modelOutput: tf.Tensor,
    sample: tf.Tensor,
    alphaProd: number,
  ): { x0: tf.Tensor; eps: tf.Tensor } {
    const sa = f32(Math.sqrt(alphaProd));
    const sb = f32(Math.sqrt(f32(1 - alphaProd)));
    switch (this.config.predictionType) {
      case 'epsilon':
        return { x0: tf.div(tf.sub(sample, tf.mul(sb, modelOutput)), sa), eps: modelOutput };
      case 'v_prediction':
        return {
          x0: tf.sub(tf.mul(sa, sample), tf.mul(sb, modelOutput)),
          eps: tf.add(tf.mul(sa, modelOutput), tf.mul(sb, sample)),
        };
      case 'sample':
        return { x0: modelOutput, eps: tf.div(tf.sub(sample, tf.mul(sa, modelOutput)), sb) };
    }
  }

  /** Clips x̂_0 to ±clipSampleRange when `clipSample` is on. Inside `tf.tidy`. */
  protected clipPrediction(x0: tf.Tensor): tf.Tensor {
    if (!this.config.clipSample) return x0;
    const r = this.config.clipSampleRange;
    return tf.clipByValue(x0, -r, r);
  }

  /** Standard normal noise shaped like `sample`: `options.noise`, else drawn from the Rng. Inside `tf.tidy`. */
  protected stepNoise(sample: tf.Tensor, options: StepOptions): tf.Tensor {
    if (options.noise !== undefined) {
      checkSameShape(sample, options.noise, 'step noise');
      return options.noise;
    }
    const rng = options.rng ?? this.rng;
    return tf.tensor(rng.fillNormal(new Float32Array(sample.size)), sample.shape, 'float32');
  }

  /** Checks that model output and sample agree before a step. */
  protected checkStepInputs(modelOutput: tf.Tensor, sample: tf.Tensor): void {
    checkSameShape(modelOutput, sample, 'step');
  }

  /** Runs the step body in a tidy and makes sure neither result is one of the caller's inputs. */
  protected tidyStep(inputs: readonly tf.Tensor[], body: () => StepResult): StepResult {
    return tf.tidy(() => {
      const out = body();
      const fresh = (x: tf.Tensor): tf.Tensor => (inputs.includes(x) ? tf.clone(x) : x);
      return { prevSample: fresh(out.prevSample), predOriginalSample: fresh(out.predOriginalSample) };
    }) as unknown as StepResult;
  }
}
