/**
 * The settings of <diffusion-vs-gan>: its attribute table (see ../base/settings-table.ts), with
 * the limits and defaults. Pure data: the docs and the URL state read it without defining the
 * element or loading tfjs. The fixed setup of the two models is src/toy2d/duel-setup.ts.
 */
import { boolSetting, intSetting, seedSetting } from '../base/settings-table';

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

const D = VS_GAN_DEFAULTS;

export const VS_GAN_SETTINGS = {
  seed: seedSetting('Seed of both models’ weights, the data and the measurements. A new seed starts a new run.', D.seed),
  modes: intSetting('modes', { min: MIN_MODES, max: MAX_MODES, default: D.modes, doc: 'Gaussians on the ring. A new value starts a new run.' }),
  steps: intSetting('steps', {
    min: 1,
    max: MAX_VS_GAN_STEPS,
    default: D.steps,
    doc: 'Training steps to reach (each model one step per batch); raise it to continue a finished run.',
  }),
  speed: intSetting('speed', {
    min: 0,
    max: MAX_SPEED,
    default: D.speed,
    doc: 'Training steps per second at most, to watch the GAN move; 0 is as fast as the page allows.',
  }),
  measureEvery: intSetting('measure-every', {
    min: MIN_MEASURE_EVERY,
    max: MAX_MEASURE_EVERY,
    default: D.measureEvery,
    doc: 'Training steps between measurements of mode coverage.',
  }),
  samples: intSetting('samples', { min: MIN_SAMPLES, max: MAX_SAMPLES, default: D.samples, doc: 'Points drawn from each model per measurement.' }),
  autoplay: boolSetting('autoplay', { default: D.autoplay, doc: 'Start training when the widget loads (never when the reader prefers reduced motion).' }),
} as const;
