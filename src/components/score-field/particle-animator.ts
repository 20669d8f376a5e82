/**
 * Plays a particle run of <diffusion-score-field> (src/toy2d/samplers.ts's ParticleSampler) over
 * animation frames: with motion allowed, the run plays over a fixed time whatever the frame rate
 * (25 ms per update, within 1.5 … 4 s); with reduced motion, as fast as the frame budget allows,
 * drawing only the end. Keeps a thinned trajectory of every particle for the plot.
 */
import { Rng } from '../../data/rng';
import type { ParticleSampler, ToySamplerName } from '../../toy2d/samplers';
import type { ToyDiffusion } from '../../toy2d/toy-diffusion';

/** Trajectory points kept per particle (older frames are thinned so paths stay light). */
const TRAJECTORY_POINTS = 60;
const PARTICLE_MS_PER_UPDATE = 25;
const PARTICLE_MIN_MS = 1500;
const PARTICLE_MAX_MS = 4000;
/** Computing per animation frame at most, in ms. */
const FRAME_BUDGET_MS = 8;

export interface ParticlePlayback {
  /** Runs one frame's updates; returns false when they threw (the widget shows why). */
  guard(work: () => boolean): boolean;
  /** New positions to draw (in `points`). */
  frame(): void;
  /** The run arrived: `busyMs` of computing over `wallMs`. */
  finished(run: ParticleSampler, busyMs: number, wallMs: number): void;
  /** The run stopped because an update threw. */
  failed(): void;
}

export interface ParticleRelease {
  particles: number;
  sampler: ToySamplerName;
  sampleSteps: number;
  seed: number;
}

export class ParticleAnimator {
  /** Where the particles are shown now, or null when there are none. */
  points: Float32Array | null = null;
  /** Positions over time, the first frame being the start (for the trajectories). */
  trajectoryFrames: Float32Array[] = [];
  private run: ParticleSampler | null = null;
  private frameId: number | null = null;
  /** Runs released so far: each run draws from its own seed. */
  private runs = 0;

  /** A new run of particles from the prior (not yet playing), shown at their start. */
  release(model: ToyDiffusion, { particles, sampler, sampleSteps, seed }: ParticleRelease): ParticleSampler {
    const rng = new Rng(seed * 7919 + ++this.runs);
    const run = model.sampler(particles, rng, { sampler, steps: sampleSteps });
    this.points = Float32Array.from(run.points);
    return run;
  }

  get playing(): boolean {
    return this.run !== null;
  }

  play(run: ParticleSampler, reducedMotion: boolean, playback: ParticlePlayback): void {
    this.stop();
    this.run = run;
    this.trajectoryFrames = [Float32Array.from(run.points)];
    const total = run.totalUpdates;
    const keepEvery = Math.max(1, Math.ceil(total / TRAJECTORY_POINTS));
    const duration = Math.min(PARTICLE_MAX_MS, Math.max(PARTICLE_MIN_MS, total * PARTICLE_MS_PER_UPDATE));
    const started = performance.now();
    let busyMs = 0;
    const tick = (): void => {
      if (this.run !== run) return;
      const frameStart = performance.now();
      const due = reducedMotion ? total : Math.ceil((total * (frameStart - started)) / duration);
      const ok = playback.guard(() => {
        while (run.updates < due && !run.done) {
          run.step();
          if (run.updates % keepEvery === 0 || run.done) this.trajectoryFrames.push(Float32Array.from(run.points));
          if (performance.now() - frameStart >= FRAME_BUDGET_MS) break;
        }
        return true;
      });
      busyMs += performance.now() - frameStart;
      if (!ok) {
        this.stop();
        playback.failed();
        return;
      }
      if (!reducedMotion || run.done) {
        this.points = Float32Array.from(run.points);
        playback.frame();
      }
      if (run.done) {
        this.frameId = null;
        this.run = null;
        playback.finished(run, busyMs, performance.now() - started);
      } else {
        this.frameId = requestAnimationFrame(tick);
      }
    };
    this.frameId = requestAnimationFrame(tick);
  }

  stop(): void {
    if (this.frameId !== null) cancelAnimationFrame(this.frameId);
    this.frameId = null;
    this.run = null;
  }

  /** Stops and forgets the particles and their trajectories. */
  clear(): void {
    this.stop();
    this.points = null;
    this.trajectoryFrames = [];
  }
}
