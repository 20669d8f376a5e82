/**
 * The forward process q(x_t | x_0) on plain Float32Arrays, for figures that must stay light (no
 * tensors, no tfjs): the closed form and the step-by-step chain, on the project Rng.
 *
 * Timesteps here count in the papers' 1-based way, with t = 0 meaning the clean image: t runs over
 * 0…T, and step t uses β_t = betas[t − 1] (diffusers' timestep t − 1). So ᾱ_0 = 1 and
 * ᾱ_t = alphasCumprod[t − 1] (Ho et al. 2020, "Denoising Diffusion Probabilistic Models").
 */
import { Rng } from '../data/rng';

/** ᾱ_t, √ᾱ_t and √(1 − ᾱ_t): the weights of x_0 and ε in x_t. */
export interface ForwardCoefficients {
  t: number;
  alphaBar: number;
  sqrtAlphaBar: number;
  sqrtOneMinusAlphaBar: number;
}

function checkStep(t: number, steps: number): void {
  if (!Number.isInteger(t) || t < 0 || t > steps) {
    throw new RangeError(`t must be a whole number from 0 to ${steps}, got ${t}`);
  }
}

/** ᾱ_t for t in 0…T (ᾱ_0 = 1: no noise yet). */
export function alphaBarAt(alphasCumprod: ArrayLike<number>, t: number): number {
  checkStep(t, alphasCumprod.length);
  return t === 0 ? 1 : alphasCumprod[t - 1];
}

/** The mixing weights at step t (t in 0…T). */
export function forwardCoefficients(alphasCumprod: ArrayLike<number>, t: number): ForwardCoefficients {
  const alphaBar = alphaBarAt(alphasCumprod, t);
  return { t, alphaBar, sqrtAlphaBar: Math.sqrt(alphaBar), sqrtOneMinusAlphaBar: Math.sqrt(Math.max(0, 1 - alphaBar)) };
}

/**
 * x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, a sample of q(x_t | x_0) = N(√ᾱ_t·x_0, (1 − ᾱ_t)·I)
 * (Ho et al. 2020, eq. 4). Writes into `out` when given.
 */
export function noiseClosedForm(
  x0: Float32Array,
  alphaBar: number,
  noise: Float32Array,
  out: Float32Array = new Float32Array(x0.length),
): Float32Array {
  if (noise.length !== x0.length) throw new RangeError(`noise has ${noise.length} values, x_0 has ${x0.length}`);
  if (!(alphaBar >= 0 && alphaBar <= 1)) throw new RangeError(`ᾱ must be in [0, 1], got ${alphaBar}`);
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  for (let i = 0; i < x0.length; i++) out[i] = a * x0[i] + b * noise[i];
  return out;
}

/**
 * The ε for which the closed form gives exactly this x_t: eq. 4 solved for the noise,
 * ε = (x_t − √ᾱ_t·x_0) / √(1 − ᾱ_t) (Ho et al. 2020, eq. 4). For an x_t reached step by step it
 * is the noise the steps added, rescaled to unit variance, itself a sample of N(0, I).
 * Needs ᾱ_t < 1 (t ≥ 1).
 */
export function noiseOfSample(xt: Float32Array, x0: Float32Array, coeff: ForwardCoefficients): Float32Array {
  if (xt.length !== x0.length) throw new RangeError(`x_t has ${xt.length} values, x_0 has ${x0.length}`);
  if (!(coeff.sqrtOneMinusAlphaBar > 0)) throw new RangeError(`ᾱ must be below 1 to recover ε, got ${coeff.alphaBar}`);
  return xt.map((v, i) => (v - coeff.sqrtAlphaBar * x0[i]) / coeff.sqrtOneMinusAlphaBar);
}

/**
 * One step of the chain, x_t = √(1 − β_t)·x_{t−1} + √β_t·ε_t with fresh ε_t ~ N(0, I), a sample
 * of q(x_t | x_{t−1}) = N(√(1 − β_t)·x_{t−1}, β_t·I) (Ho et al. 2020, eq. 2). In place.
 */
export function forwardStep(x: Float32Array, beta: number, rng: Rng): Float32Array {
  if (!(beta >= 0 && beta <= 1)) throw new RangeError(`β must be in [0, 1], got ${beta}`);
  const keep = Math.sqrt(1 - beta);
  const spread = Math.sqrt(beta);
  for (let i = 0; i < x.length; i++) x[i] = keep * x[i] + spread * rng.normal();
  return x;
}

/**
 * x_t by applying `forwardStep` t times from x_0 with β_1…β_t = betas[0…t−1]. The result has the
 * same distribution as the closed form: the means multiply to √ᾱ_t·x_0 and the variances add up
 * to 1 − ᾱ_t (Ho et al. 2020, eq. 4 follows from eq. 2).
 */
export function noiseIterative(x0: Float32Array, betas: ArrayLike<number>, t: number, rng: Rng): Float32Array {
  checkStep(t, betas.length);
  const x = Float32Array.from(x0);
  for (let s = 0; s < t; s++) forwardStep(x, betas[s], rng);
  return x;
}

/**
 * The step-by-step chain for one x_0 and seed, kept between calls so moving t forward costs only
 * the new steps (playing an animation). Every `snapshotEvery` steps it keeps x and the Rng state,
 * so moving back replays from the nearest snapshot rather than from x_0; either way `at(t)` gives
 * exactly the same numbers for the same t.
 */
export class IterativeForward {
  private x: Float32Array;
  private rng: Rng;
  private step = 0;
  private readonly snapshots = new Map<number, { x: Float32Array; rng: number[] }>();

  constructor(
    private readonly x0: Float32Array,
    private readonly betas: ArrayLike<number>,
    private readonly seed: number,
    private readonly snapshotEvery = 50,
  ) {
    this.x = Float32Array.from(x0);
    this.rng = new Rng(seed);
  }

  /** Number of steps T. */
  get steps(): number {
    return this.betas.length;
  }

  /** x_t (a copy), t in 0…T. */
  at(t: number): Float32Array {
    checkStep(t, this.betas.length);
    if (t < this.step) this.rewind(t);
    while (this.step < t) {
      forwardStep(this.x, this.betas[this.step], this.rng);
      this.step++;
      if (this.step % this.snapshotEvery === 0 && !this.snapshots.has(this.step)) {
        this.snapshots.set(this.step, { x: Float32Array.from(this.x), rng: this.rng.getState() });
      }
    }
    return Float32Array.from(this.x);
  }

  /** Goes back to the latest snapshot at or before t (x_0 when there is none). */
  private rewind(t: number): void {
    const at = Math.floor(t / this.snapshotEvery) * this.snapshotEvery;
    const snap = at > 0 ? this.snapshots.get(at) : undefined;
    if (snap) {
      this.x = Float32Array.from(snap.x);
      this.rng.setState(snap.rng);
      this.step = at;
    } else {
      this.x = Float32Array.from(this.x0);
      this.rng = new Rng(this.seed);
      this.step = 0;
    }
  }
}

export interface PixelStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Mean, population standard deviation, min and max of the values (two-pass, in float64). */
export function pixelStats(values: ArrayLike<number>): PixelStats {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n), min, max };
}

/**
 * What the pixels of x_t should look like as a whole, from x_0's own mean and spread: since
 * x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε with ε independent of x_0, mean(x_t) = √ᾱ_t·mean(x_0) and
 * var(x_t) = ᾱ_t·var(x_0) + (1 − ᾱ_t).
 */
export function expectedPixelStats(x0: ArrayLike<number>, alphaBar: number): { mean: number; std: number } {
  const s = pixelStats(x0);
  return { mean: Math.sqrt(alphaBar) * s.mean, std: Math.sqrt(alphaBar * s.std * s.std + (1 - alphaBar)) };
}

/** Density of the standard normal N(0, 1) at x. */
export function standardNormalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** A seeded ε ~ N(0, I) of the given size (the noise a figure keeps fixed while t moves). */
export function seededNoise(size: number, seed: number): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(size));
}
