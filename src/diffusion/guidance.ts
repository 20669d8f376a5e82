/**
 * Classifier-free guidance (Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", eq. 6):
 *
 *   ε̃(x, c) = (1 + w)·ε(x, c) − w·ε(x)
 *
 * with guidance weight w ≥ 0; w = 0 is plain conditional sampling, larger w trades diversity for
 * fidelity to the condition. diffusers' pipelines write the same combination as
 * ε(x) + s·(ε(x, c) − ε(x)) with `guidance_scale` s = 1 + w (so s = 1 means no guidance, and
 * diffusers only runs the unconditional pass when s > 1).
 */
import * as tf from '@tensorflow/tfjs';
import { DiffusionConfigError } from './errors';

function checkWeight(w: number): void {
  if (typeof w !== 'number' || !Number.isFinite(w)) {
    throw new DiffusionConfigError('guidanceWeight', w, 'a finite number (0 = no guidance)');
  }
}

/**
 * ε̃ = (1 + w)·ε_cond − w·ε_uncond, Ho & Salimans 2022 eq. 6 (w in the paper's convention, not
 * diffusers' guidance_scale; see `guidanceScaleFromWeight`). Returns a new tensor; inputs untouched.
 */
export function classifierFreeGuidance(epsCond: tf.Tensor, epsUncond: tf.Tensor, w: number): tf.Tensor {
  checkWeight(w);
  if (epsCond.shape.length !== epsUncond.shape.length || epsCond.shape.some((d, i) => d !== epsUncond.shape[i])) {
    throw new RangeError(
      `classifierFreeGuidance: shapes [${epsCond.shape.join(', ')}] and [${epsUncond.shape.join(', ')}] differ`,
    );
  }
  return tf.tidy(() => tf.sub(tf.mul(1 + w, epsCond), tf.mul(w, epsUncond)));
}

/** diffusers' `guidance_scale` s for the paper's weight w: s = 1 + w. */
export function guidanceScaleFromWeight(w: number): number {
  checkWeight(w);
  return 1 + w;
}

/** The paper's weight w for diffusers' `guidance_scale` s: w = s − 1. */
export function guidanceWeightFromScale(guidanceScale: number): number {
  if (typeof guidanceScale !== 'number' || !Number.isFinite(guidanceScale)) {
    throw new DiffusionConfigError('guidanceScale', guidanceScale, 'a finite number (1 = no guidance)');
  }
  return guidanceScale - 1;
}
