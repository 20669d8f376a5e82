/**
 * The data and the score comparison of <diffusion-score-field>: a data set (built in, or the
 * learner's drawn points, each a small Gaussian), its Gaussian mixture where it is one, and the
 * learned score field set beside the true one.
 *
 * Arrows are σ(t)·s(x, t) (= −ε̂ for the learned field), which keeps lengths comparable across
 * noise levels. The true score of a mixture is closed-form (./mixture-score.ts); the agreement is
 * the mean cosine similarity on the plot's grid and at samples of p_t (./field-compare.ts).
 */
import { Rng } from '../data/rng';
import { ringOfGaussians, sampleDataset, sampleDrawn, sampleMixture, type GaussianMixture2D, type ToyDatasetName } from './datasets';
import { meanCosine, noisedPoints } from './field-compare';
import { mixtureFit, type MixtureFit } from './mixture-fit';
import { mixtureScore } from './mixture-score';
import type { NoiseProcess } from './noising';

/** Standard deviation of the Gaussian each drawn point becomes. */
export const DRAW_JITTER = 0.08;
/** Points of p_t where the learned and true scores are compared. */
export const COMPARE_POINTS = 400;

/** A data set; for "drawn", the learner's points (x, y interleaved, data units). */
export interface ToyData {
  dataset: ToyDatasetName;
  drawn: Float32Array;
}

/** `count` points of the data (for "drawn": at least one point must have been drawn). */
export function sampleToyData({ dataset, drawn }: ToyData, count: number, rng: Rng): Float32Array {
  return dataset === 'drawn' ? sampleDrawn(drawn, count, rng, DRAW_JITTER) : sampleDataset(dataset, count, rng);
}

/** The data as a Gaussian mixture when it is one (the ring; drawn points with their jitter), else null. */
export function toyMixture({ dataset, drawn }: ToyData): GaussianMixture2D | null {
  if (dataset === 'ring') return ringOfGaussians();
  if (dataset === 'drawn' && drawn.length >= 2) {
    const k = drawn.length / 2;
    return { means: Float32Array.from(drawn), std: DRAW_JITTER, weights: new Float32Array(k).fill(1 / k) };
  }
  return null;
}

/** A model that estimates the score at continuous time t (ToyDiffusion). */
export interface ScoreModel {
  score(points: Float32Array, t: number): Float32Array;
}

function scaled(v: Float32Array, by: number): Float32Array {
  for (let i = 0; i < v.length; i++) v[i] *= by;
  return v;
}

/** σ(t)·∇ log p_t at the points, for the noised mixture. */
export function trueScoreField(m: GaussianMixture2D, points: Float32Array, t: number, process: NoiseProcess): Float32Array {
  const sigma = process.sigma(t);
  return scaled(mixtureScore(m, points, process.alpha(t), sigma), sigma);
}

/** σ(t)·s_θ(x, t) at the points. */
export function learnedScoreField(model: ScoreModel, points: Float32Array, t: number, process: NoiseProcess): Float32Array {
  return scaled(model.score(points, t), process.sigma(t));
}

/**
 * Mean cosine similarity of the learned and true scores on the grid (`learned` and `truth` as
 * drawn there) and near the data: at COMPARE_POINTS samples of the mixture noised to t. The
 * samples come from `seed`, so the same settings give the same number.
 */
export function scoreAgreement(
  model: ScoreModel,
  m: GaussianMixture2D,
  fields: { learned: Float32Array; truth: Float32Array },
  t: number,
  process: NoiseProcess,
  seed: number,
): { grid: number; data: number } {
  const clean = sampleMixture(m, COMPARE_POINTS, new Rng(seed + 13));
  const noisy = noisedPoints(clean, t, process, new Rng(seed + 11));
  return {
    grid: meanCosine(fields.learned, fields.truth),
    data: meanCosine(model.score(noisy, t), mixtureScore(m, noisy, process.alpha(t), process.sigma(t))),
  };
}

/**
 * For mixtures: the share of particles within 3 std of a mode (plus the noise left at the
 * sampler's last level, σ(t_min)) and the modes reached; null for data without modes.
 */
export function particleFit(data: ToyData, particles: Float32Array, process: NoiseProcess): MixtureFit | null {
  const m = toyMixture(data);
  return m ? mixtureFit(m, particles, 3 * m.std + process.sigma(process.tMin)) : null;
}
