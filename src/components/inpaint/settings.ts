/**
 * The settings of <diffusion-inpaint>: its attribute table (see ../base/settings-table.ts) with the
 * names, limits and defaults, the preset masks, the parser of `label`, and the run lengths the
 * controls show before a run (network steps, SDEdit's t₀). No tfjs, so the docs and the URL state
 * can read it without defining the element.
 */
import { inferenceTimesteps, timestepSettingsOf } from '../../diffusion/timesteps';
import type { InpaintMethod, ModelSource } from '../../lab/lab-api';
import { downMoves, repaintMoves, sdeditStart } from '../../diffusion/pipelines/editing-schedule';
import { quoteAttr, type ParseResult, type RawAttr } from '../base/attributes';
import {
  backendSetting,
  customSetting,
  enumSetting,
  floatSetting,
  intSetting,
  labAssetsBaseSetting,
  modelSourceSetting,
  seedSetting,
} from '../base/settings-table';
import { PIXELS, SIDE } from './pixel-layer';

export const EDIT_MODES = ['inpaint', 'sdedit'] as const;
export type EditMode = (typeof EDIT_MODES)[number];

export const EDIT_METHODS = ['replacement', 'repaint'] as const satisfies readonly InpaintMethod[];
export const EDIT_SAMPLERS = ['ddpm', 'ddim'] as const;
export type EditSampler = (typeof EDIT_SAMPLERS)[number];

export const MASK_PRESETS = ['bottom-half', 'top-half', 'left-half', 'right-half', 'center', 'none'] as const;
export type MaskPreset = (typeof MASK_PRESETS)[number];

export const MAX_EDIT_STEPS = 1000;
export const MAX_RESAMPLE = 20;
export const MAX_EDIT_RESULTS = 16;
export const MAX_EDIT_GUIDANCE = 20;

export interface InpaintDefaults {
  mode: EditMode;
  method: InpaintMethod;
  sampler: EditSampler;
  steps: number;
  jumpLength: number;
  resampleCount: number;
  strength: number;
  guidance: number;
  seed: number;
  count: number;
  digitIndex: number;
  mask: MaskPreset;
}

export const INPAINT_DEFAULTS: Readonly<InpaintDefaults> = Object.freeze({
  mode: 'inpaint',
  method: 'replacement',
  sampler: 'ddim',
  steps: 20,
  jumpLength: 5,
  resampleCount: 4,
  strength: 0.5,
  guidance: 0,
  seed: 0,
  count: 4,
  digitIndex: 0,
  mask: 'bottom-half',
});

export const MODE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  inpainting: 'write "inpaint"',
  'img2img': 'image-to-image editing is "sdedit"',
  edit: 'choose "inpaint" (fill a masked region) or "sdedit" (turn a rough drawing into a digit)',
});

export const METHOD_HINTS: Readonly<Record<string, string>> = Object.freeze({
  replace: 'write "replacement"',
  're-paint': 'write "repaint"',
  resample: 'resampling is "repaint"',
});

/** `label`: a digit 0–9, or "none" (also absent or empty) for no label. */
export function parseLabel(raw: RawAttr): ParseResult<number | null> {
  if (raw === null || raw === undefined || String(raw).trim() === '' || String(raw).trim() === 'none') return { ok: true, value: null };
  const text = String(raw).trim();
  if (/^\d$/.test(text)) return { ok: true, value: Number(text) };
  return { ok: false, message: `${quoteAttr('label', raw)} is not valid: use a digit 0 to 9, or "none" for no label.` };
}

/** The preset masks (1 = fill in): halves of the square, or a 12 × 12 square in the centre. */
export function presetMask(preset: MaskPreset): Float32Array {
  const mask = new Float32Array(PIXELS);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let on = false;
      switch (preset) {
        case 'bottom-half':
          on = y >= SIDE / 2;
          break;
        case 'top-half':
          on = y < SIDE / 2;
          break;
        case 'left-half':
          on = x < SIDE / 2;
          break;
        case 'right-half':
          on = x >= SIDE / 2;
          break;
        case 'center':
          on = x >= 8 && x < 20 && y >= 8 && y < 20;
          break;
        case 'none':
          on = false;
          break;
      }
      mask[y * SIDE + x] = on ? 1 : 0;
    }
  }
  return mask;
}

export const MASK_PRESET_NAMES: Readonly<Record<MaskPreset, string>> = Object.freeze({
  'bottom-half': 'bottom half',
  'top-half': 'top half',
  'left-half': 'left half',
  'right-half': 'right half',
  center: 'centre square',
  none: 'nothing (paint your own)',
});

export const MASK_HINTS: Readonly<Record<string, string>> = Object.freeze({
  centre: 'write "center"',
  bottom: 'write "bottom-half"',
  top: 'write "top-half"',
  left: 'write "left-half"',
  right: 'write "right-half"',
});

const SOURCE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  page: 'the model trained on this page is "trained"',
  local: 'the model trained on this page is "trained"',
  checkpoint: 'the shipped checkpoint is "shipped"',
});

const D = INPAINT_DEFAULTS;

export const INPAINT_SETTINGS = {
  mode: enumSetting<EditMode>('mode', EDIT_MODES, { default: D.mode, hints: MODE_HINTS, doc: 'Fill in a masked region, or turn a rough drawing into a digit.' }),
  method: enumSetting<InpaintMethod>('method', EDIT_METHODS, {
    default: D.method,
    hints: METHOD_HINTS,
    doc: 'Inpainting method: put the kept region back after every step (Song et al. 2021), or also go back up j levels r − 1 times at every j-th level (RePaint, Lugmayr et al. 2022).',
  }),
  sampler: enumSetting<EditSampler>('sampler', EDIT_SAMPLERS, { default: D.sampler, doc: 'The sampler of every step.' }),
  steps: intSetting('steps', {
    min: 1,
    max: MAX_EDIT_STEPS,
    default: D.steps,
    doc: 'Sampler steps of a full run (diffusers’ num_inference_steps); SDEdit runs the last ⌊steps · strength⌋ of them.',
  }),
  // Its upper limit follows `steps` (j only means something below it): the widget passes it when parsing.
  jumpLength: intSetting('jump-length', { min: 1, max: MAX_EDIT_STEPS - 1, default: D.jumpLength, type: 'whole number 1 … steps − 1', doc: 'RePaint’s jump length j (diffusers’ jump_length).' }),
  resampleCount: intSetting('resample-count', { min: 1, max: MAX_RESAMPLE, default: D.resampleCount, doc: 'RePaint’s resample count r (diffusers’ jump_n_sample); 1 is the replacement method.' }),
  strength: floatSetting('strength', {
    min: 0,
    max: 1,
    default: D.strength,
    type: 'number 0 … 1',
    doc: 'SDEdit’s strength (diffusers’ img2img strength): 0 returns the drawing, 1 starts from as much noise as sampling.',
  }),
  label: customSetting<number | null>('label', { type: 'digit 0 … 9 | "none"', default: null, defaultText: 'none', parse: parseLabel, doc: 'Class label of every result.' }),
  guidance: floatSetting('guidance', {
    min: 0,
    max: MAX_EDIT_GUIDANCE,
    default: D.guidance,
    type: `number 0 … ${MAX_EDIT_GUIDANCE}`,
    doc: 'Classifier-free guidance weight w (paper convention; diffusers’ guidance_scale is 1 + w). Needs a label.',
  }),
  seed: seedSetting('Result i uses seed + i, so each result can be reproduced alone.', D.seed),
  count: intSetting('count', { min: 1, max: MAX_EDIT_RESULTS, default: D.count, doc: 'Results per run, side by side.' }),
  digitIndex: intSetting('digit-index', { min: 0, default: D.digitIndex, type: 'whole number 0 … 1999', doc: 'The MNIST test digit to start from.' }),
  mask: enumSetting<MaskPreset>('mask', MASK_PRESETS, { default: D.mask, hints: MASK_HINTS, doc: 'The mask to start from (orange = fill in); the reader paints on top of it.' }),
  source: modelSourceSetting(SOURCE_HINTS),
  backend: backendSetting(),
  assetsBase: labAssetsBaseSetting('mnist/, checkpoints/ and classifier/'),
} as const;

/** The settings of one run, as the controls and attributes give them. */
export interface RunSettings {
  mode: EditMode;
  method: InpaintMethod;
  sampler: EditSampler;
  steps: number;
  jumpLength: number;
  resampleCount: number;
  strength: number;
  label: number | null;
  guidance: number;
  seed: number;
  count: number;
  source: ModelSource;
}

/** The RePaint jump length j in force: at most steps − 1 (and at least 1). */
export function effectiveJump(jumpLength: number, steps: number): number {
  return Math.max(1, Math.min(jumpLength, steps - 1));
}

/**
 * Network steps of a run, as the lab counts them: `steps` for replacement; RePaint's repeats on
 * top (Lugmayr et al. 2022; the schedule is src/diffusion/pipelines/editing-schedule.ts, shared
 * with the lab).
 */
export function networkSteps(method: InpaintMethod, steps: number, jumpLength: number, resampleCount: number): number {
  if (method !== 'repaint' || resampleCount <= 1 || steps < 2) return steps;
  return downMoves(repaintMoves(steps, effectiveJump(jumpLength, steps), resampleCount));
}

/** How an SDEdit run goes: its steps, its first timestep t₀ (null when strength runs none) and T. */
export interface SdeditPlan {
  runSteps: number;
  startTimestep: number | null;
  T: number;
}

/**
 * SDEdit's t₀ and steps for `steps` and `strength` (Meng et al. 2022, §3.2; `sdeditStart`), from
 * the model's scheduler config (diffusers' defaults until the lab has said which model it uses).
 */
export function sdeditPlan(scheduler: Readonly<Record<string, unknown>> | undefined, steps: number, strength: number): SdeditPlan {
  const { numTrainTimesteps: T, timestepSpacing, stepsOffset } = timestepSettingsOf(scheduler);
  try {
    const start = sdeditStart(inferenceTimesteps(T, Math.min(steps, T), timestepSpacing, stepsOffset), strength);
    return { runSteps: start.runSteps, startTimestep: start.startTimestep, T };
  } catch {
    return { runSteps: 0, startTimestep: null, T };
  }
}
