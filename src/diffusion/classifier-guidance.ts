/**
 * Classifier guidance (Dhariwal & Nichol 2021, "Diffusion Models Beat GANs on Image Synthesis",
 * sec. 4.2, eq. 14 and Algorithm 2): with a classifier p_φ(y | x_t, t) trained on noised images,
 * the noise prediction of a diffusion model is shifted along the classifier's input gradient,
 *
 *   ε̂(x_t) = ε_θ(x_t) − s·√(1−ᾱ_t)·∇_{x_t} log p_φ(y | x_t),
 *
 * which is the ε of the score ∇ log p(x_t) + s·∇ log p_φ(y | x_t), since ε = −√(1−ᾱ_t)·score.
 * The scale s (the paper's "gradient scale") sharpens p_φ(y | x_t)^s: s > 1 trades diversity for
 * samples the classifier is surer of.
 *
 * The same ε̂ serves DDIM (Algorithm 2) and DDPM: put into DDPM's posterior mean
 * μ = (x_t − β_t/√(1−ᾱ_t)·ε)/√α_t (Ho et al. 2020, eq. 11) it moves μ by s·(β_t/√α_t)·∇, which is
 * Algorithm 1's shift s·Σ·∇ with Σ = β_t, up to the factor 1/√α_t ≈ 1.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The part of a noise-aware classifier that classifier guidance needs (src/classifier's
 * NoisyClassifier satisfies it); structural, so the diffusion code needs no classifier code.
 */
export interface NoisyClassifierLike {
  readonly config: { imageSize: number; numClasses: number; numTrainTimesteps: number };
  /** Class logits [B, K] for noised images x_t [B, S, S, 1] at timesteps t [B]. */
  logits(x: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor2D;
}

/**
 * ∇_x Σ_i m_i·log p_φ(y_i | x_i, t) for a batch x [B, S, S, 1] at one timestep t: row i holds
 * image i's own gradient (the images do not interact), and rows with target null (m_i = 0) are
 * zero. Returns a new tensor; every intermediate is freed.
 */
export function classifierLogProbGradient(
  classifier: NoisyClassifierLike,
  x: tf.Tensor4D,
  t: number,
  targets: ReadonlyArray<number | null>,
): tf.Tensor4D {
  const b = x.shape[0];
  const { numClasses } = classifier.config;
  if (targets.length !== b) throw new Error(`classifier guidance: ${b} images need ${b} targets, got ${targets.length}`);
  targets.forEach((y, i) => {
    if (y !== null && (!Number.isInteger(y) || y < 0 || y >= numClasses)) {
      throw new RangeError(`classifier guidance: target ${y} of image ${i} is not a class 0..${numClasses - 1}`);
    }
  });
  return tf.tidy(() => {
    // A one-hot row per guided image and a zero row per unguided one: the sum then picks
    // log p_φ(y_i | x_i) of the guided images only.
    const picks = new Float32Array(b * numClasses);
    targets.forEach((y, i) => {
      if (y !== null) picks[i * numClasses + y] = 1;
    });
    const pick = tf.tensor2d(picks, [b, numClasses]);
    const tt = tf.fill([b], t, 'float32') as tf.Tensor1D;
    const logProb = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.logSoftmax(classifier.logits(input as tf.Tensor4D, tt)), pick));
    return tf.grad(logProb)(x) as tf.Tensor4D;
  });
}

/** ε̂ = ε − s·√(1−ᾱ_t)·∇_x log p_φ(y | x_t) (Dhariwal & Nichol 2021, Algorithm 2; their eq. 14 is s = 1). Returns a new tensor. */
export function classifierGuidedEpsilon(eps: tf.Tensor, gradient: tf.Tensor, scale: number, alphaBar: number): tf.Tensor {
  if (!Number.isFinite(scale)) throw new RangeError(`classifier scale must be a finite number, got ${scale}`);
  if (!(alphaBar > 0 && alphaBar <= 1)) throw new RangeError(`ᾱ_t must be in (0, 1], got ${alphaBar}`);
  return tf.tidy(() => tf.sub(eps, tf.mul(gradient, scale * Math.sqrt(1 - alphaBar))));
}
