/**
 * Ancestral sampling of Ho et al. 2020, "Denoising Diffusion Probabilistic Models", mirroring
 * diffusers' `DDPMScheduler`: each step samples x_{t'} ~ q(x_{t'} | x_t, x̂_0) (eq. 6–7) for the
 * previous visited timestep t'. With fewer inference steps than training steps, the step uses the
 * effective α = ᾱ_t / ᾱ_{t'} of the jump, as diffusers does.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveDDPMConfig, type DDPMConfig, type DDPMConfigInput } from './config';
import { checkTimestep } from './forward-process';
import { DiscreteScheduler, f32, type SchedulerOptions, type StepOptions, type StepResult } from './scheduler-base';
import { inferenceTimesteps, validateCustomTimesteps, validateNumInferenceSteps } from './timesteps';

/** Smallest posterior variance, so the log-variance types never take log(0) (diffusers' clamp). */
const MIN_VARIANCE = 1e-20;

export class DDPMScheduler extends DiscreteScheduler<DDPMConfig> {
  private customTimesteps = false;

  /**
   * @param config any subset of the settings; the rest take diffusers' defaults. Throws
   *   `DiffusionConfigError` for a bad setting.
   * @param options `seed` of the scheduler's own Rng for step noise (default 0).
   */
  constructor(config: DDPMConfigInput = {}, options: SchedulerOptions = {}) {
    super(resolveDDPMConfig(config), options);
  }

  /**
   * Chooses the sampling timesteps: `setTimesteps(n)` spaces n steps by `timestepSpacing`;
   * `setTimesteps({ timesteps })` takes an explicit strictly descending list (diffusers'
   * `custom_timesteps`). Throws `DiffusionConfigError` for n outside 1..T or a bad list.
   */
  setTimesteps(numInferenceSteps: number): void;
  setTimesteps(custom: { timesteps: ArrayLike<number> }): void;
  setTimesteps(arg: number | { timesteps: ArrayLike<number> }): void {
    const T = this.config.numTrainTimesteps;
    if (typeof arg === 'object' && arg !== null) {
      this.timestepsValue = validateCustomTimesteps(arg.timesteps, T);
      this.customTimesteps = true;
      this.numInferenceStepsValue = this.timestepsValue.length;
      return;
    }
    const n = validateNumInferenceSteps(arg, T);
    this.timestepsValue = inferenceTimesteps(T, n, this.config.timestepSpacing, this.config.stepsOffset);
    this.customTimesteps = false;
    this.numInferenceStepsValue = n;
  }

  /**
   * t − ⌊T/n⌋ (n = inference steps, T before `setTimesteps`); with custom timesteps, the next one
   * in the list, or −1 after the last.
   */
  previousTimestep(t: number): number {
    if (this.customTimesteps) {
      const ts = this.timestepsValue;
      const index = ts.indexOf(t);
      if (index < 0) throw new RangeError(`timestep ${t} is not one of the custom timesteps`);
      return index === ts.length - 1 ? -1 : ts[index + 1];
    }
    const T = this.config.numTrainTimesteps;
    return t - Math.floor(T / (this.numInferenceStepsValue ?? T));
  }

  /**
   * Variance σ² of the noise the step from `t` adds. "fixed_small": the posterior variance
   * β̃ = (1 − ᾱ_{t'})/(1 − ᾱ_t)·β (Ho et al. 2020, eq. 7), at least 1e-20; "fixed_large": β
   * (§3.2: σ² = β_t), where β = 1 − ᾱ_t/ᾱ_{t'} is the effective β of the jump to t' = previous
   * timestep. The "_log" types give the same σ² (diffusers computes them through the log; its
   * `_get_variance` then returns σ for fixed_small_log and log β for fixed_large_log).
   */
  getVariance(t: number): number {
    checkTimestep(t, this.config.numTrainTimesteps);
    const prevT = this.previousTimestep(t);
    const alphaProd = this.alphasCumprod[t];
    const alphaProdPrev = prevT >= 0 ? this.alphasCumprod[prevT] : 1;
    const currentBeta = f32(1 - f32(alphaProd / alphaProdPrev));
    switch (this.config.varianceType) {
      case 'fixed_small':
      case 'fixed_small_log':
        return Math.max(f32(f32(f32(1 - alphaProdPrev) / f32(1 - alphaProd)) * currentBeta), MIN_VARIANCE);
      case 'fixed_large':
      case 'fixed_large_log':
        return currentBeta;
    }
  }

  /**
   * One ancestral step from x_t. x̂_0 from the model output (see `predictionType`), clipped if
   * `clipSample`; then the posterior mean μ̃ = √ᾱ_{t'}·β/(1−ᾱ_t)·x̂_0 + √α·(1−ᾱ_{t'})/(1−ᾱ_t)·x_t
   * (Ho et al. 2020, eq. 7, with α = ᾱ_t/ᾱ_{t'}, β = 1 − α); for t > 0 add σ·z with σ² =
   * `getVariance(t)` and z from `options.noise`, else from `options.rng` or the scheduler's Rng.
   * `eta` and `useClippedModelOutput` are DDIM settings and are ignored here.
   */
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, options: StepOptions = {}): StepResult {
    checkTimestep(t, this.config.numTrainTimesteps);
    this.checkStepInputs(modelOutput, sample);
    const prevT = this.previousTimestep(t);
    const alphaProd = this.alphasCumprod[t];
    const alphaProdPrev = prevT >= 0 ? this.alphasCumprod[prevT] : 1;
    const betaProd = f32(1 - alphaProd);
    const betaProdPrev = f32(1 - alphaProdPrev);
    const currentAlpha = f32(alphaProd / alphaProdPrev);
    const currentBeta = f32(1 - currentAlpha);
    const x0Coeff = f32(f32(f32(Math.sqrt(alphaProdPrev)) * currentBeta) / betaProd);
    const xtCoeff = f32(f32(f32(Math.sqrt(currentAlpha)) * betaProdPrev) / betaProd);
    const std = t > 0 ? f32(Math.sqrt(this.getVariance(t))) : 0;

    return this.tidyStep([modelOutput, sample], () => {
      const { x0 } = this.predictOriginalAndEpsilon(modelOutput, sample, alphaProd);
      const predOriginalSample = this.clipPrediction(x0);
      let prevSample = tf.add(tf.mul(x0Coeff, predOriginalSample), tf.mul(xtCoeff, sample));
      if (t > 0) prevSample = tf.add(prevSample, tf.mul(std, this.stepNoise(sample, options)));
      return { prevSample, predOriginalSample };
    });
  }
}
