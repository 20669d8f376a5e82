/**
 * β schedules of the forward process q(x_t | x_{t-1}) = N(√(1-β_t)·x_{t-1}, β_t·I)
 * (Ho et al. 2020, "Denoising Diffusion Probabilistic Models", eq. 2), as plain Float64Arrays.
 * Index i holds β for diffusers' timestep i (0-based, t = i + 1 in the papers' 1-based notation).
 * No tensors here: the same numbers feed the schedulers and the charts.
 */
import { resolveScheduleSettings, type ScheduleSettings, type ScheduleSettingsInput } from './config';

/** Evenly spaced values from `start` to `end` inclusive (like torch.linspace / np.linspace). */
export function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + step * i;
  out[n - 1] = end;
  return out;
}

/** Linear β from betaStart to betaEnd (Ho et al. 2020, §4: 1e-4 to 0.02 over T = 1000). */
export function linearBetas(n: number, betaStart: number, betaEnd: number): Float64Array {
  return linspace(betaStart, betaEnd, n);
}

/**
 * "scaled_linear": linear in √β, then squared (the latent diffusion schedule, Rombach et al. 2022,
 * "High-Resolution Image Synthesis with Latent Diffusion Models").
 */
export function scaledLinearBetas(n: number, betaStart: number, betaEnd: number): Float64Array {
  const roots = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), n);
  for (let i = 0; i < n; i++) roots[i] = roots[i] * roots[i];
  return roots;
}

/** Offset s of the cosine schedule (Nichol & Dhariwal 2021, §3.2). */
export const COSINE_S = 0.008;
/** Cap on β for the cosine schedule, "to prevent singularities near t = T" (Nichol & Dhariwal 2021, §3.2). */
export const COSINE_MAX_BETA = 0.999;

/** ᾱ of the cosine schedule at continuous time u = t/T ∈ [0, 1], before normalising by f(0) (eq. 17). */
export function cosineAlphaBarUnnormalised(u: number, s = COSINE_S): number {
  const c = Math.cos(((u + s) / (1 + s)) * (Math.PI / 2));
  return c * c;
}

/**
 * "squaredcos_cap_v2": the cosine schedule of Nichol & Dhariwal 2021, "Improved Denoising Diffusion
 * Probabilistic Models", eq. 17: ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s))·π/2), with
 * β_t = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999).
 */
export function cosineBetas(n: number, maxBeta = COSINE_MAX_BETA): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ratio = cosineAlphaBarUnnormalised((i + 1) / n) / cosineAlphaBarUnnormalised(i / n);
    out[i] = Math.min(1 - ratio, maxBeta);
  }
  return out;
}

/**
 * "sigmoid": β = σ(x)·(betaEnd − betaStart) + betaStart for x evenly spaced on [−6, 6]
 * (the GeoDiff schedule, Xu et al. 2022, "GeoDiff: a Geometric Diffusion Model for Molecular
 * Conformation Generation"; diffusers uses the same range).
 */
export function sigmoidBetas(n: number, betaStart: number, betaEnd: number): Float64Array {
  const xs = linspace(-6, 6, n);
  for (let i = 0; i < n; i++) xs[i] = (1 / (1 + Math.exp(-xs[i]))) * (betaEnd - betaStart) + betaStart;
  return xs;
}

/**
 * Rescales β so the last timestep has zero SNR while the first keeps its ᾱ: shift √ᾱ so its last
 * value is 0, scale so its first value is unchanged, then turn √ᾱ back into β
 * (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1).
 * The last β becomes exactly 1, so ε-prediction cannot recover x_0 there; pair it with v-prediction.
 */
export function rescaleZeroTerminalSnr(betas: ArrayLike<number>): Float64Array {
  const n = betas.length;
  const sqrtAbar = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod *= 1 - betas[i];
    sqrtAbar[i] = Math.sqrt(prod);
  }
  const first = sqrtAbar[0];
  const last = sqrtAbar[n - 1];
  const scale = first / (first - last);
  for (let i = 0; i < n; i++) sqrtAbar[i] = (sqrtAbar[i] - last) * scale;
  const out = new Float64Array(n);
  let prevAbar = 1;
  for (let i = 0; i < n; i++) {
    const abar = sqrtAbar[i] * sqrtAbar[i];
    out[i] = 1 - abar / prevAbar;
    prevAbar = abar;
  }
  return out;
}

/** β_0..β_{T−1} for a (partial) config, validated and with diffusers' defaults filled in. */
export function computeBetas(settings: ScheduleSettingsInput = {}): Float64Array {
  return betasForResolved(resolveScheduleSettings(settings));
}

/** β for settings that were already resolved (skips validation). */
export function betasForResolved(s: ScheduleSettings): Float64Array {
  let betas: Float64Array;
  if (s.trainedBetas !== null) {
    betas = Float64Array.from(s.trainedBetas);
  } else {
    switch (s.betaSchedule) {
      case 'linear':
        betas = linearBetas(s.numTrainTimesteps, s.betaStart, s.betaEnd);
        break;
      case 'scaled_linear':
        betas = scaledLinearBetas(s.numTrainTimesteps, s.betaStart, s.betaEnd);
        break;
      case 'squaredcos_cap_v2':
        betas = cosineBetas(s.numTrainTimesteps);
        break;
      case 'sigmoid':
        betas = sigmoidBetas(s.numTrainTimesteps, s.betaStart, s.betaEnd);
        break;
    }
  }
  return s.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas;
}
