/**
 * Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, "GANs Trained
 * by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium", §3, the equation for
 * d²((m, C), (m_w, C_w))):
 *
 *   FID = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2}).
 *
 * Σ₁Σ₂ is not symmetric, so its square root is usually computed with a general (complex) matrix
 * square root. Here Tr((Σ₁Σ₂)^{1/2}) = Tr((√Σ₁ Σ₂ √Σ₁)^{1/2}): the two matrices are similar
 * (conjugate by √Σ₁ where it is invertible, and by continuity otherwise), and the right-hand one is
 * symmetric PSD, so two symmetric eigendecompositions give a real, stable value.
 *
 * "FID" proper uses Inception-v3 pool features; with another feature extractor (our MNIST
 * classifier) the same formula gives a classifier-FID, comparable only to itself.
 */
import { matMul, sqrtPsd, trace, traceSqrtPsd } from './linalg';
import { featureStats, type FeatureSet, type FeatureStats } from './stats';

export interface FrechetTerms {
  /** The distance itself. */
  fid: number;
  /** ‖μ₁ − μ₂‖². */
  meanTerm: number;
  /** Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2}). */
  covTerm: number;
}

export function frechetTerms(a: FeatureStats, b: FeatureStats): FrechetTerms {
  if (a.d !== b.d) throw new Error(`FID: feature sizes differ (${a.d} vs ${b.d})`);
  const d = a.d;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) {
    const diff = a.mean[j] - b.mean[j];
    meanTerm += diff * diff;
  }
  const rootA = sqrtPsd(a.cov, d);
  const inner = matMul(matMul(rootA, b.cov, d), rootA, d);
  const crossTrace = traceSqrtPsd(inner, d);
  const covTerm = trace(a.cov, d) + trace(b.cov, d) - 2 * crossTrace;
  return { fid: meanTerm + covTerm, meanTerm, covTerm };
}

/** FID between two fitted Gaussians. */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  return frechetTerms(a, b).fid;
}

/** FID between two feature sets (fits a Gaussian to each first). */
export function fid(a: FeatureSet, b: FeatureSet): number {
  return frechetDistance(featureStats(a), featureStats(b));
}
