/**
 * Sampling of Song et al. 2021, "Denoising Diffusion Implicit Models", mirroring diffusers'
 * `DDIMScheduler`: x_{t'} = √ᾱ_{t'}·x̂_0 + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z (eq. 12) with
 * σ = η·√((1 − ᾱ_{t'})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t'}) (eq. 16). η = 0 is deterministic.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveDDIMConfig, type DDIMConfig, type DDIMConfigInput } from './config';
import { DiffusionConfigError } from './errors';
import { checkTimestep } from './forward-process';
import { DiscreteScheduler, f32, type SchedulerOptions, type StepOptions, type StepResult } from './scheduler-base';
import { inferenceTimesteps, validateNumInferenceSteps } from './timesteps';

export class DDIMScheduler extends DiscreteScheduler<DDIMConfig> {
  /**
   * ᾱ used "before" the last step: 1 when `setAlphaToOne` (the last step lands on a clean x_0),
   * else ᾱ_0, as in diffusers' `final_alpha_cumprod`.
   */
  readonly finalAlphaCumprod: number;

  /**
   * @param config any subset of the settings; the rest take diffusers' defaults. Throws
   *   `DiffusionConfigError` for a bad setting.
   * @param options `seed` of the scheduler's own Rng for step noise when η > 0 (default 0).
   */
  constructor(config: DDIMConfigInput = {}, options: SchedulerOptions = {}) {
    super(resolveDDIMConfig(config), options);
    this.finalAlphaCumprod = this.config.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  /** Spaces n sampling steps by `timestepSpacing`. Throws `DiffusionConfigError` for n outside 1..T. */
  setTimesteps(numInferenceSteps: number): void {
    const T = this.config.numTrainTimesteps;
    const n = validateNumInferenceSteps(numInferenceSteps, T);
    this.timestepsValue = inferenceTimesteps(T, n, this.config.timestepSpacing, this.config.stepsOffset);
    this.numInferenceStepsValue = n;
  }

  /** t − ⌊T/n⌋, as diffusers computes it for every spacing (n = T before `setTimesteps`). */
  previousTimestep(t: number): number {
    const T = this.config.numTrainTimesteps;
    return t - Math.floor(T / (this.numInferenceStepsValue ?? T));
  }

  /**
   * (1 − ᾱ_{t'})/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_{t'}), the σ² of eq. 16 for η = 1 (diffusers'
   * `_get_variance(t, prev_t)`); `prevT` defaults to `previousTimestep(t)`, and a negative `prevT`
   * uses `finalAlphaCumprod`.
   */
  getVariance(t: number, prevT: number = this.previousTimestep(t)): number {
    checkTimestep(t, this.config.numTrainTimesteps);
    const alphaProd = this.alphasCumprod[t];
    const alphaProdPrev = this.alphaProdAt(prevT);
    return f32(f32(f32(1 - alphaProdPrev) / f32(1 - alphaProd)) * f32(1 - f32(alphaProd / alphaProdPrev)));
  }

  /**
   * One DDIM step from x_t to x_{t'} (t' = `previousTimestep(t)`). Requires `setTimesteps` first,
   * as diffusers does. `eta` (default 0) scales the noise; noise is only drawn when η > 0.
   */
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, options: StepOptions = {}): StepResult {
    if (this.numInferenceStepsValue === null) {
      throw new Error('DDIMScheduler.step: call setTimesteps(numInferenceSteps) first');
    }
    checkTimestep(t, this.config.numTrainTimesteps);
    this.checkStepInputs(modelOutput, sample);
    const eta = options.eta ?? 0;
    if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0 || eta > 1) {
      throw new DiffusionConfigError('eta', eta, 'a number from 0 (deterministic DDIM) to 1 (DDPM-like)');
    }
    const prevT = this.previousTimestep(t);
    const alphaProd = this.alphasCumprod[t];
    const alphaProdPrev = this.alphaProdAt(prevT);
    const betaProd = f32(1 - alphaProd);
    const std = f32(eta * f32(Math.sqrt(this.getVariance(t, prevT))));
    // max(0, ·) only guards rounding: with η ≤ 1, σ² ≤ 1 − ᾱ_{t'} in exact arithmetic.
    const directionCoeff = f32(Math.sqrt(Math.max(0, f32(f32(1 - alphaProdPrev) - f32(std * std)))));
    const x0Coeff = f32(Math.sqrt(alphaProdPrev));

    return this.tidyStep([modelOutput, sample], () => {
      const predicted = this.predictOriginalAndEpsilon(modelOutput, sample, alphaProd);
      const predOriginalSample = this.clipPrediction(predicted.x0);
      const eps = options.useClippedModelOutput
        ? tf.div(tf.sub(sample, tf.mul(f32(Math.sqrt(alphaProd)), predOriginalSample)), f32(Math.sqrt(betaProd)))
        : predicted.eps;
      let prevSample = tf.add(tf.mul(x0Coeff, predOriginalSample), tf.mul(directionCoeff, eps));
      if (eta > 0) prevSample = tf.add(prevSample, tf.mul(std, this.stepNoise(sample, options)));
      return { prevSample, predOriginalSample };
    });
  }

  private alphaProdAt(t: number): number {
    if (t < 0) return this.finalAlphaCumprod;
    checkTimestep(t, this.config.numTrainTimesteps);
    return this.alphasCumprod[t];
  }
}
