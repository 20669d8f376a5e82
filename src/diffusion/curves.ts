/**
 * The curves a chart of a noise schedule draws, as plain Float64Arrays indexed by diffusers'
 * timestep (0..T−1). Notation of Ho et al. 2020: α_t = 1 − β_t, ᾱ_t = ∏_{s≤t} α_s (eq. 4), so
 * x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε.
 */
import { resolveScheduleSettings, type ScheduleSettingsInput } from './config';
import { COSINE_S, betasForResolved, cosineAlphaBarUnnormalised } from './schedules';

/** α_t = 1 − β_t. */
export function alphasFromBetas(betas: ArrayLike<number>): Float64Array {
  return Float64Array.from(betas, (b) => 1 - b);
}

/** ᾱ_t = ∏_{s≤t} (1 − β_s) (Ho et al. 2020, eq. 4). */
export function alphasCumprodFromBetas(betas: ArrayLike<number>): Float64Array {
  const out = new Float64Array(betas.length);
  let prod = 1;
  for (let i = 0; i < betas.length; i++) {
    prod *= 1 - betas[i];
    out[i] = prod;
  }
  return out;
}

/**
 * Signal-to-noise ratio SNR(t) = ᾱ_t / (1 − ᾱ_t) (Kingma et al. 2021, "Variational Diffusion
 * Models", eq. 2 with α_t² = ᾱ_t and σ_t² = 1 − ᾱ_t). Zero where ᾱ_t = 0 (zero terminal SNR).
 */
export function snrFromAlphasCumprod(alphasCumprod: ArrayLike<number>): Float64Array {
  return Float64Array.from(alphasCumprod, (a) => a / (1 - a));
}

/** Natural log of the SNR, λ_t = ln(ᾱ_t / (1 − ᾱ_t)) (Kingma et al. 2021, §3); −∞ at zero SNR. */
export function logSnrFromAlphasCumprod(alphasCumprod: ArrayLike<number>): Float64Array {
  // log(a) − log1p(−a) keeps precision when ᾱ is close to 1 (early timesteps).
  return Float64Array.from(alphasCumprod, (a) => Math.log(a) - Math.log1p(-a));
}

/**
 * ᾱ_t of the cosine schedule straight from its definition, for t in 0…T counted as the papers do
 * (0 = the clean image): ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s))·π/2) (Nichol & Dhariwal
 * 2021, "Improved Denoising Diffusion Probabilistic Models", eq. 17). Without the cap on β that
 * "squaredcos_cap_v2" applies near t = T, so ᾱ_T is 0; a light figure can use it without building
 * the whole schedule.
 */
export function cosineAlphaBar(t: number, totalSteps: number, s = COSINE_S): number {
  return Math.max(0, cosineAlphaBarUnnormalised(t / totalSteps, s) / cosineAlphaBarUnnormalised(0, s));
}

export interface ScheduleCurves {
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly sqrtAlphasCumprod: Float64Array;
  readonly sqrtOneMinusAlphasCumprod: Float64Array;
  readonly snr: Float64Array;
  readonly logSnr: Float64Array;
}

/** Every curve at once for a (partial) config; validated, diffusers' defaults filled in. */
export function scheduleCurves(settings: ScheduleSettingsInput = {}): ScheduleCurves {
  const betas = betasForResolved(resolveScheduleSettings(settings));
  const alphasCumprod = alphasCumprodFromBetas(betas);
  return {
    betas,
    alphas: alphasFromBetas(betas),
    alphasCumprod,
    sqrtAlphasCumprod: alphasCumprod.map(Math.sqrt),
    sqrtOneMinusAlphasCumprod: alphasCumprod.map((a) => Math.sqrt(1 - a)),
    snr: snrFromAlphasCumprod(alphasCumprod),
    logSnr: logSnrFromAlphasCumprod(alphasCumprod),
  };
}

/** ᾱ_t for a (partial) config. */
export function computeAlphasCumprod(settings: ScheduleSettingsInput = {}): Float64Array {
  return alphasCumprodFromBetas(betasForResolved(resolveScheduleSettings(settings)));
}

/** √ᾱ_t, the weight of x_0 in x_t. */
export function computeSqrtAlphasCumprod(settings: ScheduleSettingsInput = {}): Float64Array {
  return computeAlphasCumprod(settings).map(Math.sqrt);
}

/** √(1 − ᾱ_t), the weight of ε in x_t. */
export function computeSqrtOneMinusAlphasCumprod(settings: ScheduleSettingsInput = {}): Float64Array {
  return computeAlphasCumprod(settings).map((a) => Math.sqrt(1 - a));
}

/** SNR(t) for a (partial) config. */
export function computeSnr(settings: ScheduleSettingsInput = {}): Float64Array {
  return snrFromAlphasCumprod(computeAlphasCumprod(settings));
}

/** ln SNR(t) for a (partial) config. */
export function computeLogSnr(settings: ScheduleSettingsInput = {}): Float64Array {
  return logSnrFromAlphasCumprod(computeAlphasCumprod(settings));
}
