/**
 * The fixed setup of the GAN-versus-diffusion duel of <diffusion-vs-gan> (./duel.ts): the ring,
 * the batch, both models and the measurement sampler. Pure data (no tfjs), so the widget can
 * describe the setup without loading the models.
 */
import { RING_DEFAULTS } from './datasets';
import type { GanConfig } from './gan';
import type { ToyDiffusionOptions } from './toy-diffusion';

/** Points per training batch, the same real batch for both models. */
export const BATCH_SIZE = 128;

/** The ring both models learn: ./datasets.ts's default ring (radius √2, σ = 0.1). */
export const RING = Object.freeze({ radius: RING_DEFAULTS.radius, std: RING_DEFAULTS.std });

/** The GAN of the widget: the small setup that drops modes on this ring. */
export const DUEL_GAN: Readonly<Omit<GanConfig, 'seed'>> = Object.freeze({
  latentDim: 16,
  hidden: 128,
  layers: 2,
  learningRate: 1e-3,
  beta1: 0.5,
  beta2: 0.999,
});

/**
 * The diffusion model of the widget, written out so the widget's claim does not move when
 * ToyDiffusion's defaults do: a 3 × 64 SiLU MLP predicting ε, VP noising, 100 ancestral steps,
 * Adam at 5e-3 and an EMA of the weights for sampling.
 */
export const DUEL_DIFFUSION: Readonly<Omit<ToyDiffusionOptions, 'seed'>> = Object.freeze({
  hidden: 64,
  layers: 3,
  numTimesteps: 100,
  noising: 'vp',
  learningRate: 5e-3,
  emaDecay: 0.99,
});

/** Updates of the diffusion model's ancestral sampler when its samples are measured. */
export const MEASURE_SAMPLER_STEPS = 100;
