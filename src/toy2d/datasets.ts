/**
 * Toy 2-D data sets for score-based models: a Swiss roll, two moons, a ring of Gaussians and a
 * set the learner draws. Pure functions of a seeded Rng; points are Float32Arrays with x and y
 * interleaved ([x0, y0, x1, y1, ...]).
 *
 * Every built-in set is centred on 0 with a per-coordinate standard deviation of about 1, so one
 * model setup (network size, noise schedule, σ_max) fits all of them.
 */
import type { Rng } from '../data/rng';

export const TOY_DATASETS = ['swiss-roll', 'two-moons', 'ring', 'drawn'] as const;
export type ToyDatasetName = (typeof TOY_DATASETS)[number];

/** An isotropic Gaussian mixture in 2-D: component k is N(means[2k..2k+1], std²·I) with weight weights[k]. */
export interface GaussianMixture2D {
  /** 2k numbers, x and y interleaved. */
  means: Float32Array;
  std: number;
  /** k numbers summing to 1. */
  weights: Float32Array;
}

/** Default ring: radius √2 puts the per-coordinate variance of the mode centres at r²/2 = 1. */
export const RING_DEFAULTS = { modes: 8, radius: Math.SQRT2, std: 0.1 } as const;

/** Modes equally spaced on a circle, equal weights (the "ring of Gaussians" of GAN mode-collapse studies). */
export function ringOfGaussians(opts: { modes?: number; radius?: number; std?: number } = {}): GaussianMixture2D {
  const modes = opts.modes ?? RING_DEFAULTS.modes;
  const radius = opts.radius ?? RING_DEFAULTS.radius;
  const std = opts.std ?? RING_DEFAULTS.std;
  if (!Number.isInteger(modes) || modes < 1) throw new Error(`ringOfGaussians: modes must be a whole number ≥ 1, got ${modes}`);
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new Error(`ringOfGaussians: radius must be a finite number ≥ 0, got ${radius}`);
  if (!(std > 0) || !Number.isFinite(std)) throw new Error(`ringOfGaussians: std must be a finite number > 0, got ${std}`);
  const means = new Float32Array(2 * modes);
  const weights = new Float32Array(modes).fill(1 / modes);
  for (let k = 0; k < modes; k++) {
    const angle = (2 * Math.PI * k) / modes;
    means[2 * k] = radius * Math.cos(angle);
    means[2 * k + 1] = radius * Math.sin(angle);
  }
  return { means, std, weights };
}

/** Index k drawn with probability weights[k] (inverse CDF; the last index absorbs rounding). */
function pickComponent(weights: Float32Array, rng: Rng): number {
  let u = rng.uniform();
  for (let k = 0; k < weights.length - 1; k++) {
    u -= weights[k];
    if (u < 0) return k;
  }
  return weights.length - 1;
}

/** `count` points from the mixture, x and y interleaved. */
export function sampleMixture(m: GaussianMixture2D, count: number, rng: Rng): Float32Array {
  checkCount(count);
  const out = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    const k = pickComponent(m.weights, rng);
    out[2 * i] = m.means[2 * k] + m.std * rng.normal();
    out[2 * i + 1] = m.means[2 * k + 1] + m.std * rng.normal();
  }
  return out;
}

/**
 * Swiss roll: the 2-D slice of scikit-learn's make_swiss_roll, θ = 1.5π(1 + 2u), u ~ U(0, 1),
 * point θ·(cos θ, sin θ). Centred and scaled by constants measured once from a fine quadrature
 * over u, then a little Gaussian noise is added.
 */
const SWISS_ROLL_NOISE = 0.04;
let swissRollMoments: { mx: number; my: number; scale: number } | null = null;

function swissRollPoint(u: number): [number, number] {
  const theta = 1.5 * Math.PI * (1 + 2 * u);
  return [theta * Math.cos(theta), theta * Math.sin(theta)];
}

function rollMoments(): { mx: number; my: number; scale: number } {
  if (swissRollMoments) return swissRollMoments;
  const n = 20_000;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = swissRollPoint((i + 0.5) / n);
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
  }
  const mx = sx / n;
  const my = sy / n;
  // One scale for both axes keeps the roll round; the mean of the two variances is taken to 1.
  const variance = (sxx / n - mx * mx + (syy / n - my * my)) / 2;
  swissRollMoments = { mx, my, scale: 1 / Math.sqrt(variance) };
  return swissRollMoments;
}

function sampleSwissRoll(count: number, rng: Rng): Float32Array {
  const { mx, my, scale } = rollMoments();
  const out = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    const [x, y] = swissRollPoint(rng.uniform());
    out[2 * i] = (x - mx) * scale + SWISS_ROLL_NOISE * rng.normal();
    out[2 * i + 1] = (y - my) * scale + SWISS_ROLL_NOISE * rng.normal();
  }
  return out;
}

/**
 * Two moons, as scikit-learn's make_moons: the upper half circle (cos θ, sin θ) and the lower one
 * (1 − cos θ, 0.5 − sin θ), θ ~ U(0, π). The centre is (0.5, 0.25); the variances are 3/4 in x
 * and (1/2 − 4/π²) + (2/π − 1/4)² ≈ 0.245 in y, so one factor 1/√((0.75 + 0.245)/2) ≈ 1.4 takes their mean
 * to 1 without distorting the shape (as for the Swiss roll).
 */
const MOONS_NOISE = 0.05;
const MOONS_SCALE = 1.4;

function sampleTwoMoons(count: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    const theta = Math.PI * rng.uniform();
    const upper = rng.uniform() < 0.5;
    const x = upper ? Math.cos(theta) : 1 - Math.cos(theta);
    const y = upper ? Math.sin(theta) : 0.5 - Math.sin(theta);
    out[2 * i] = (x - 0.5) * MOONS_SCALE + MOONS_NOISE * rng.normal();
    out[2 * i + 1] = (y - 0.25) * MOONS_SCALE + MOONS_NOISE * rng.normal();
  }
  return out;
}

/** `count` points of a built-in set, x and y interleaved. */
export function sampleDataset(name: Exclude<ToyDatasetName, 'drawn'>, count: number, rng: Rng): Float32Array {
  checkCount(count);
  switch (name) {
    case 'swiss-roll':
      return sampleSwissRoll(count, rng);
    case 'two-moons':
      return sampleTwoMoons(count, rng);
    case 'ring':
      return sampleMixture(ringOfGaussians(), count, rng);
    default:
      throw new Error(`Unknown toy data set "${String(name)}"; choose one of ${TOY_DATASETS.filter((d) => d !== 'drawn').join(', ')}`);
  }
}

/**
 * `count` points drawn from the learner's points (x, y interleaved, in data coordinates):
 * each is a uniformly chosen drawn point plus N(0, jitter²) noise, so a handful of clicks
 * becomes a smooth density.
 */
export function sampleDrawn(points: Float32Array, count: number, rng: Rng, jitter = 0.05): Float32Array {
  checkCount(count);
  const n = Math.floor(points.length / 2);
  if (n === 0) throw new Error('sampleDrawn: draw at least one point first');
  if (!(jitter >= 0) || !Number.isFinite(jitter)) throw new Error(`sampleDrawn: jitter must be a finite number ≥ 0, got ${jitter}`);
  const out = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    const j = rng.int(n);
    out[2 * i] = points[2 * j] + jitter * rng.normal();
    out[2 * i + 1] = points[2 * j + 1] + jitter * rng.normal();
  }
  return out;
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a whole number ≥ 0, got ${count}`);
}
