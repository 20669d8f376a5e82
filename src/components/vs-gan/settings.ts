/**
 * The settings of <diffusion-vs-gan>: attribute names, limits, defaults and parsers (shared with
 * docs.ts), and the fixed setup of the two models. Pure data and parsing: no tfjs, no DOM.
 */
import { RING_DEFAULTS } from '../../toy2d/datasets';
import type { GanConfig } from '../../toy2d/gan';
import type { ToyDiffusionOptions } from '../../toy2d/toy-diffusion';
import { parseBoolAttr, parseIntAttr, type ParseResult, type RawAttr } from '../base/attributes';

export const MAX_SEED = 2 ** 32 - 1;
export const MIN_MODES = 3;
export const MAX_MODES = 16;
/** Longest run offered: the loss curves keep one point per step. */
export const MAX_VS_GAN_STEPS = 20_000;
export const MAX_SPEED = 1000;
export const MIN_MEASURE_EVERY = 10;
export const MAX_MEASURE_EVERY = 2000;
export const MIN_SAMPLES = 100;
export const MAX_SAMPLES = 2000;

export interface VsGanSettings {
  seed: number;
  modes: number;
  steps: number;
  /** Training steps per second at most; 0 = as fast as the page allows. */
  speed: number;
  measureEvery: number;
  samples: number;
  autoplay: boolean;
}

/** Defaults: the seed and length at which the GAN's collapse shows (see test/unit/toy2d/gan-vs-diffusion.test.ts). */
export const VS_GAN_DEFAULTS: Readonly<VsGanSettings> = Object.freeze({
  seed: 0,
  modes: 8,
  steps: 3000,
  speed: 0,
  measureEvery: 100,
  samples: 500,
  autoplay: false,
});

/** Points per training batch, the same real batch for both models. */
export const BATCH_SIZE = 128;

/** The ring both models learn: src/toy2d/datasets.ts's default ring (radius √2, σ = 0.1). */
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

export const parseSeed = (raw: RawAttr): ParseResult<number> => parseIntAttr('seed', raw, { min: 0, max: MAX_SEED, default: VS_GAN_DEFAULTS.seed });

export const parseModes = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('modes', raw, { min: MIN_MODES, max: MAX_MODES, default: VS_GAN_DEFAULTS.modes });

export const parseSteps = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('steps', raw, { min: 1, max: MAX_VS_GAN_STEPS, default: VS_GAN_DEFAULTS.steps });

export const parseSpeed = (raw: RawAttr): ParseResult<number> => parseIntAttr('speed', raw, { min: 0, max: MAX_SPEED, default: VS_GAN_DEFAULTS.speed });

export const parseMeasureEvery = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('measure-every', raw, { min: MIN_MEASURE_EVERY, max: MAX_MEASURE_EVERY, default: VS_GAN_DEFAULTS.measureEvery });

export const parseSamples = (raw: RawAttr): ParseResult<number> =>
  parseIntAttr('samples', raw, { min: MIN_SAMPLES, max: MAX_SAMPLES, default: VS_GAN_DEFAULTS.samples });

export const parseAutoplay = (raw: RawAttr): ParseResult<boolean> => parseBoolAttr('autoplay', raw, { default: VS_GAN_DEFAULTS.autoplay });
