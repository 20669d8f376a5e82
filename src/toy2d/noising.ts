/**
 * The two continuous-time noising processes of Song et al. 2021, "Score-Based Generative Modeling
 * through Stochastic Differential Equations" (ICLR), written as the marginal
 *
 *   x_t = α(t)·x_0 + σ(t)·ε,  ε ~ N(0, I),  t ∈ [tMin, 1]
 *
 * plus the drift f(x, t) = −½·b(t)·x and squared diffusion g(t)² of the forward SDE
 * dx = f(x, t)dt + g(t)dw (their eq. 5), which the samplers need.
 *
 * - VP (variance preserving, their eq. 11, the continuous limit of DDPM): dx = −½β(t)x dt + √β(t) dw
 *   with β(t) = β_min + t(β_max − β_min), β_min = 0.1, β_max = 20 (Appendix C; the same numbers as
 *   DDPM's linear 1e-4 … 0.02 over T = 1000). Then α(t) = exp(−¼t²(β_max − β_min) − ½tβ_min) and
 *   σ(t)² = 1 − α(t)², so a unit-variance data set keeps unit variance at every t.
 * - VE (variance exploding, their eq. 9, the continuous limit of NCSN): dx = √(d[σ²]/dt) dw with
 *   σ(t) = σ_min(σ_max/σ_min)^t (Appendix C), so α = 1 and g² = 2σ(t)²·ln(σ_max/σ_min). σ_max
 *   follows Song & Ermon 2020 ("Improved techniques for training score-based generative models",
 *   technique 1): about the largest distance between two data points, ≈ 5 for our unit-std sets.
 *
 * Pure numbers, no tensors: the same functions serve the model, the samplers and the charts.
 */
export const NOISINGS = ['vp', 've'] as const;
export type Noising = (typeof NOISINGS)[number];

export const VP_BETA_MIN = 0.1;
export const VP_BETA_MAX = 20;
export const VE_SIGMA_MIN = 0.01;
export const VE_SIGMA_MAX = 5;

export interface NoiseProcess {
  readonly kind: Noising;
  /** Smallest time used for training and sampling (t = 0 would make σ = 0 and the score undefined). */
  readonly tMin: number;
  /** Signal scale α(t) of the marginal x_t = α(t)x_0 + σ(t)ε. */
  alpha(t: number): number;
  /** Noise scale σ(t) of the marginal. */
  sigma(t: number): number;
  /** b(t) in the forward drift f(x, t) = −½·b(t)·x (β(t) for VP, 0 for VE). */
  driftRate(t: number): number;
  /** g(t)² of the forward SDE. */
  diffusionSquared(t: number): number;
  /** The time whose σ(t) is `sigma` (clamped to [tMin, 1]). */
  timeForSigma(sigma: number): number;
  /** Standard deviation of x_1 for unit-variance data, √(α(1)² + σ(1)²): where samplers start. */
  readonly priorStd: number;
}

function clampTime(t: number, tMin: number): number {
  return Math.min(1, Math.max(tMin, t));
}

/** ∫_0^t β(s) ds for the linear β(t) of the VP SDE. */
function vpIntegral(t: number): number {
  return 0.5 * t * t * (VP_BETA_MAX - VP_BETA_MIN) + t * VP_BETA_MIN;
}

export function vpProcess(tMin = 1e-2): NoiseProcess {
  const alpha = (t: number): number => Math.exp(-0.5 * vpIntegral(t));
  const sigma = (t: number): number => Math.sqrt(Math.max(0, -Math.expm1(-vpIntegral(t))));
  const beta = (t: number): number => VP_BETA_MIN + t * (VP_BETA_MAX - VP_BETA_MIN);
  return {
    kind: 'vp',
    tMin,
    alpha,
    sigma,
    driftRate: beta,
    diffusionSquared: beta,
    timeForSigma(s: number): number {
      if (!(s > 0)) return tMin;
      if (s >= 1) return 1;
      // Solve ½(β_max − β_min)t² + β_min·t = −ln(1 − s²) for t ≥ 0.
      const target = -Math.log1p(-s * s);
      const a = 0.5 * (VP_BETA_MAX - VP_BETA_MIN);
      const t = (-VP_BETA_MIN + Math.sqrt(VP_BETA_MIN * VP_BETA_MIN + 4 * a * target)) / (2 * a);
      return clampTime(t, tMin);
    },
    priorStd: Math.sqrt(alpha(1) ** 2 + sigma(1) ** 2),
  };
}

export function veProcess(tMin = 1e-2, sigmaMin = VE_SIGMA_MIN, sigmaMax = VE_SIGMA_MAX): NoiseProcess {
  const logRatio = Math.log(sigmaMax / sigmaMin);
  const sigma = (t: number): number => sigmaMin * Math.exp(t * logRatio);
  return {
    kind: 've',
    tMin,
    alpha: () => 1,
    sigma,
    driftRate: () => 0,
    diffusionSquared: (t: number) => 2 * sigma(t) ** 2 * logRatio,
    timeForSigma(s: number): number {
      if (!(s > 0)) return tMin;
      return clampTime(Math.log(s / sigmaMin) / logRatio, tMin);
    },
    // Data of unit variance plus σ_max² of noise.
    priorStd: Math.sqrt(1 + sigmaMax * sigmaMax),
  };
}

export function noiseProcess(kind: Noising, tMin = 1e-2): NoiseProcess {
  return kind === 'vp' ? vpProcess(tMin) : veProcess(tMin);
}
