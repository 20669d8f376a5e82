/**
 * Particle samplers for 2-D score models, driven by any score function s(x, t) ≈ ∇ log p_t(x):
 * the learned one of ToyDiffusion or the closed-form one of a Gaussian mixture. No tensors here.
 *
 * - 'ancestral': VP uses the DDPM step of Ho et al. 2020 (Algorithm 2) with ε̂ = −σ(t)·s and the
 *   posterior variance β̃ (their eq. 7); VE uses the ancestral step for SMLD of Song et al. 2021
 *   (Appendix F): x' = x + (σ_t² − σ_s²)s + √(σ_s²(σ_t² − σ_s²)/σ_t²)·z.
 * - 'ode': the probability-flow ODE dx/dt = f(x, t) − ½g(t)²·s(x, t) (Song et al. 2021, eq. 13),
 *   integrated from t = 1 to tMin with Heun's method (Karras et al. 2022, Algorithm 1).
 * - 'langevin': annealed Langevin dynamics (Song & Ermon 2019, "Generative Modeling by Estimating
 *   Gradients of the Data Distribution", Algorithm 1): at each noise level σ_i, a few steps
 *   x ← x + (a_i/2)·s(x, t_i) + √a_i·z with a_i = δ·σ_i² (their a_i = ε·σ_i²/σ_L², δ = ε/σ_L²).
 *
 * One call of step() is one update, so a page can animate a sampler frame by frame.
 */
import type { Rng } from '../data/rng';
import type { NoiseProcess } from './noising';

export const TOY_SAMPLERS = ['ancestral', 'ode', 'langevin'] as const;
export type ToySamplerName = (typeof TOY_SAMPLERS)[number];

/** s(x, t) for every point of `points` (x, y interleaved); returns a new array of the same length. */
export type ScoreFunction = (points: Float32Array, t: number) => Float32Array;

export interface ParticleSamplerOptions {
  sampler?: ToySamplerName;
  /** Time steps (ancestral, ode) or noise levels (langevin) from t = 1 down to tMin. */
  steps?: number;
  /** Langevin updates per noise level. */
  langevinStepsPerLevel?: number;
  /** δ in the Langevin step size a_i = δ·σ_i². */
  langevinStepSize?: number;
  /** Keep a copy of the points after every update. */
  trajectories?: boolean;
}

export const PARTICLE_SAMPLER_DEFAULTS = {
  sampler: 'ancestral' as ToySamplerName,
  steps: 100,
  langevinStepsPerLevel: 8,
  langevinStepSize: 0.1,
};

/** steps + 1 times from 1 down to tMin, evenly spaced in t. */
export function timeGrid(process: NoiseProcess, steps: number): Float64Array {
  checkSteps(steps);
  const grid = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) grid[i] = 1 - ((1 - process.tMin) * i) / steps;
  return grid;
}

/**
 * steps + 1 times from 1 down to tMin whose σ(t) form a geometric sequence, the noise levels of
 * NCSN (Song & Ermon 2019, §4.2). For VE this is the same as timeGrid; for VP it puts more levels
 * at small t, where σ changes fastest.
 */
export function sigmaGeometricGrid(process: NoiseProcess, steps: number): Float64Array {
  checkSteps(steps);
  const hi = Math.log(process.sigma(1));
  const lo = Math.log(process.sigma(process.tMin));
  const grid = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) grid[i] = process.timeForSigma(Math.exp(hi + ((lo - hi) * i) / steps));
  grid[0] = 1;
  grid[steps] = process.tMin;
  return grid;
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a whole number ≥ 1, got ${steps}`);
}

/** Starting points: the prior N(0, priorStd²·I) of the process. */
export function priorSample(process: NoiseProcess, count: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * count);
  for (let i = 0; i < out.length; i++) out[i] = process.priorStd * rng.normal();
  return out;
}

export class ParticleSampler {
  readonly sampler: ToySamplerName;
  /** Current positions (updated in place). */
  readonly points: Float32Array;
  /** Positions after every update, starting with the prior sample (when asked for). */
  readonly trajectories: Float32Array[] | undefined;
  private readonly grid: Float64Array;
  private readonly perLevel: number;
  private readonly stepSize: number;
  private level = 0;
  private inner = 0;
  /** Updates applied so far. */
  updates = 0;

  constructor(
    private readonly process: NoiseProcess,
    private readonly score: ScoreFunction,
    start: Float32Array,
    private readonly rng: Rng,
    opts: ParticleSamplerOptions = {},
  ) {
    this.sampler = opts.sampler ?? PARTICLE_SAMPLER_DEFAULTS.sampler;
    if (!TOY_SAMPLERS.includes(this.sampler)) throw new Error(`Unknown sampler "${String(this.sampler)}"; choose ${TOY_SAMPLERS.join(', ')}`);
    const steps = opts.steps ?? PARTICLE_SAMPLER_DEFAULTS.steps;
    this.grid = this.sampler === 'langevin' ? sigmaGeometricGrid(process, steps) : timeGrid(process, steps);
    this.perLevel = opts.langevinStepsPerLevel ?? PARTICLE_SAMPLER_DEFAULTS.langevinStepsPerLevel;
    this.stepSize = opts.langevinStepSize ?? PARTICLE_SAMPLER_DEFAULTS.langevinStepSize;
    if (!Number.isInteger(this.perLevel) || this.perLevel < 1) throw new Error(`langevinStepsPerLevel must be a whole number ≥ 1, got ${this.perLevel}`);
    if (!(this.stepSize > 0)) throw new Error(`langevinStepSize must be > 0, got ${this.stepSize}`);
    this.points = Float32Array.from(start);
    this.trajectories = opts.trajectories ? [Float32Array.from(start)] : undefined;
  }

  /** Total number of updates this sampler will make. */
  get totalUpdates(): number {
    const levels = this.grid.length - 1;
    return this.sampler === 'langevin' ? (levels + 1) * this.perLevel : levels;
  }

  get done(): boolean {
    return this.updates >= this.totalUpdates;
  }

  /** The time the points are at now (the current noise level for Langevin). */
  get t(): number {
    if (this.sampler === 'langevin') return this.grid[Math.min(this.level, this.grid.length - 1)];
    return this.grid[Math.min(this.updates, this.grid.length - 1)];
  }

  /** Applies one update; returns false when already done. */
  step(): boolean {
    if (this.done) return false;
    if (this.sampler === 'langevin') this.langevinStep();
    else if (this.sampler === 'ode') this.odeStep();
    else this.ancestralStep();
    this.updates += 1;
    this.trajectories?.push(Float32Array.from(this.points));
    return true;
  }

  /** Runs to the end. */
  run(): Float32Array {
    while (this.step());
    return this.points;
  }

  private ancestralStep(): void {
    const i = this.updates;
    const t = this.grid[i];
    const s = this.grid[i + 1];
    const last = i + 1 === this.grid.length - 1;
    const x = this.points;
    const g = this.score(x, t);
    const p = this.process;
    if (p.kind === 'vp') {
      // One DDPM step between t and s: 1 − β = ᾱ_t/ᾱ_s with ᾱ = α², and x_t − β/σ_t·ε̂ = x_t + β·s.
      const ratio = (p.alpha(t) / p.alpha(s)) ** 2;
      const beta = 1 - ratio;
      const posteriorStd = last ? 0 : Math.sqrt((beta * p.sigma(s) ** 2) / p.sigma(t) ** 2);
      const scale = 1 / Math.sqrt(ratio);
      for (let j = 0; j < x.length; j++) x[j] = scale * (x[j] + beta * g[j]) + posteriorStd * this.noise();
    } else {
      const st2 = p.sigma(t) ** 2;
      const ss2 = p.sigma(s) ** 2;
      const noiseStd = last ? 0 : Math.sqrt((ss2 * (st2 - ss2)) / st2);
      for (let j = 0; j < x.length; j++) x[j] = x[j] + (st2 - ss2) * g[j] + noiseStd * this.noise();
    }
  }

  /** dx/dt of the probability-flow ODE (Song et al. 2021, eq. 13) with f = −½b(t)x. */
  private odeVelocity(x: Float32Array, t: number): Float32Array {
    const g = this.score(x, t);
    const b = this.process.driftRate(t);
    const g2 = this.process.diffusionSquared(t);
    const v = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) v[j] = -0.5 * b * x[j] - 0.5 * g2 * g[j];
    return v;
  }

  private odeStep(): void {
    const i = this.updates;
    const t = this.grid[i];
    const s = this.grid[i + 1];
    const h = s - t; // negative: integrating backwards in time
    const x = this.points;
    const d1 = this.odeVelocity(x, t);
    const euler = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) euler[j] = x[j] + h * d1[j];
    const d2 = this.odeVelocity(euler, s);
    for (let j = 0; j < x.length; j++) x[j] = x[j] + 0.5 * h * (d1[j] + d2[j]);
  }

  private langevinStep(): void {
    const t = this.grid[this.level];
    const a = this.stepSize * this.process.sigma(t) ** 2;
    const x = this.points;
    const g = this.score(x, t);
    const noiseStd = Math.sqrt(a);
    for (let j = 0; j < x.length; j++) x[j] = x[j] + 0.5 * a * g[j] + noiseStd * this.noise();
    this.inner += 1;
    if (this.inner >= this.perLevel) {
      this.inner = 0;
      this.level += 1;
    }
  }

  private noise(): number {
    return this.rng.normal();
  }
}
