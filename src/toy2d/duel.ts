/**
 * The two contestants of <diffusion-vs-gan> and their referee: a tiny GAN and a tiny diffusion model
 * trained on the same batches of the same ring of Gaussians, and measured on the same number of
 * samples with ./mode-coverage.ts. Work comes in small units (one model's training step, one
 * sampler update) so ./duel-run.ts can spread it over short main-thread chunks.
 *
 * No DOM and no backend choice: the caller starts the tfjs backend (./duel-runtime.ts in the page,
 * the unit tests their own), so the same code runs in both.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import { ringOfGaussians, sampleMixture, type GaussianMixture2D } from './datasets';
import { BATCH_SIZE, DUEL_DIFFUSION, DUEL_GAN, MEASURE_SAMPLER_STEPS, RING } from './duel-setup';
import { TinyGan, type GanConfig, type GanStepLosses } from './gan';
import { assignToModes, modeCoverage, type ModeCoverage } from './mode-coverage';
import type { ParticleSampler } from './samplers';
import { ToyDiffusion, type ToyDiffusionOptions } from './toy-diffusion';

export interface DuelOptions {
  seed: number;
  modes: number;
  /** Points drawn from each model per measurement. */
  samples: number;
  batchSize?: number;
  ring?: { radius: number; std: number };
  gan?: Partial<Omit<GanConfig, 'seed'>>;
  diffusion?: Partial<Omit<ToyDiffusionOptions, 'seed'>>;
  samplerSteps?: number;
}

export interface ModelSnapshot {
  /** The drawn points, x and y interleaved. */
  points: Float32Array;
  /** Mode of each point (−1: off every mode), as mode-coverage assigns it. */
  assignment: Int32Array;
  coverage: ModeCoverage;
}

export interface DuelMeasurement {
  /** Training steps both models had taken when measured. */
  step: number;
  gan: ModelSnapshot;
  diffusion: ModelSnapshot;
}

export interface DuelStepLosses {
  gan: GanStepLosses;
  diffusion: number;
}

/** A measurement in progress: call advance() until it returns false, then read result. */
export interface PendingMeasurement {
  advance(): boolean;
  readonly result: DuelMeasurement | null;
}

export class GanDiffusionDuel {
  readonly ring: GaussianMixture2D;
  readonly gan: TinyGan;
  readonly diffusion: ToyDiffusion;
  /** Points drawn from each model per measurement (the next measurement uses a new value). */
  samples: number;
  readonly batchSize: number;
  private readonly samplerSteps: number;
  private readonly dataRng: Rng;
  private readonly measureSeed: number;
  /** The batch of the step in progress: the GAN trains on it first, then the diffusion model. */
  private batch: Float32Array | null = null;
  private pendingGan: GanStepLosses | null = null;
  private steps = 0;

  constructor(opts: DuelOptions) {
    const ring = opts.ring ?? RING;
    this.ring = ringOfGaussians({ modes: opts.modes, radius: ring.radius, std: ring.std });
    this.samples = opts.samples;
    this.batchSize = opts.batchSize ?? BATCH_SIZE;
    this.samplerSteps = opts.samplerSteps ?? MEASURE_SAMPLER_STEPS;
    // Independent streams for the two models, the data and the measurements, all from one seed.
    const root = new Rng(opts.seed);
    const ganSeed = root.nextUint32();
    const diffusionSeed = root.nextUint32();
    this.dataRng = root.fork();
    this.measureSeed = root.nextUint32();
    this.gan = new TinyGan({ ...DUEL_GAN, ...opts.gan, seed: ganSeed });
    try {
      this.diffusion = new ToyDiffusion({ ...DUEL_DIFFUSION, ...opts.diffusion, seed: diffusionSeed });
    } catch (error) {
      this.gan.dispose();
      throw error;
    }
  }

  /** Training steps both models have completed. */
  get step(): number {
    return this.steps;
  }

  /** True between trainGan() and trainDiffusion() of the same step. */
  get midStep(): boolean {
    return this.pendingGan !== null;
  }

  /** The GAN's half of the next step: one D and one G update on a fresh real batch. */
  trainGan(): GanStepLosses {
    if (this.pendingGan) throw new Error('trainGan: the diffusion model has not trained on the last batch yet');
    this.batch = sampleMixture(this.ring, this.batchSize, this.dataRng);
    this.pendingGan = this.gan.trainStep(this.batch);
    return this.pendingGan;
  }

  /** The diffusion model's half: one update on the same batch; completes the step. */
  trainDiffusion(): DuelStepLosses {
    const gan = this.pendingGan;
    if (!gan || !this.batch) throw new Error('trainDiffusion: call trainGan first');
    const diffusion = this.diffusion.trainStep(this.batch);
    this.pendingGan = null;
    this.batch = null;
    this.steps += 1;
    return { gan, diffusion };
  }

  /** Both halves of one step. */
  trainStep(): DuelStepLosses {
    this.trainGan();
    return this.trainDiffusion();
  }

  /**
   * Starts a measurement: `samples` points from each model, from the same latent noise and the
   * same sampler noise every time, so successive measurements show how each model moved. The
   * GAN's points take one unit; the diffusion sampler one unit per update.
   */
  measure(): PendingMeasurement {
    const step = this.steps;
    const rng = new Rng(this.measureSeed);
    const ganRng = rng.fork();
    const diffusionRng = rng.fork();
    let gan: ModelSnapshot | null = null;
    let sampler: ParticleSampler | null = null;
    let result: DuelMeasurement | null = null;
    const snapshot = (points: Float32Array): ModelSnapshot => ({
      points,
      assignment: assignToModes(points, this.ring),
      coverage: modeCoverage(points, this.ring),
    });
    return {
      advance: () => {
        if (result) return false;
        if (!gan) {
          gan = snapshot(this.gan.sample(this.samples, ganRng).points);
          return true;
        }
        sampler ??= this.diffusion.sampler(this.samples, diffusionRng, { steps: this.samplerSteps });
        sampler.step();
        if (!sampler.done) return true;
        result = { step, gan, diffusion: snapshot(Float32Array.from(sampler.points)) };
        return false;
      },
      get result() {
        return result;
      },
    };
  }

  /** A whole measurement at once (tests, command-line checks). */
  measureNow(): DuelMeasurement {
    const pending = this.measure();
    while (pending.advance());
    return pending.result!;
  }

  /** Tensors alive in tfjs's engine (for leak checks). */
  static numTensors(): number {
    return tf.memory().numTensors;
  }

  dispose(): void {
    this.gan.dispose();
    this.diffusion.dispose();
  }
}
