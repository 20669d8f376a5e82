/**
 * The settings of <diffusion-inpaint>: names, limits and defaults (shared with docs.ts), the
 * preset masks, and parsers for the attributes that the shared parsers do not cover. No tfjs.
 */
import type { InpaintMethod } from '../../lab/lab-api';
import { downMoves, repaintMoves } from '../../diffusion/pipelines/editing-schedule';
import { quoteAttr, type ParseResult, type RawAttr } from '../base/attributes';
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
export const MAX_SEED = 2 ** 32 - 1;

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

/** The RePaint jump length j in force: at most steps − 1 (and at least 1). */
export function effectiveJump(jumpLength: number, steps: number): number {
  return Math.max(1, Math.min(jumpLength, steps - 1));
}

/**
 * Network steps of a run, as the lab counts them: `steps` for replacement; RePaint's repeats on
 * top (Lugmayr et al. 2022; the schedule is src/lab/editing-schedule.ts, shared with the lab).
 */
export function networkSteps(method: InpaintMethod, steps: number, jumpLength: number, resampleCount: number): number {
  if (method !== 'repaint' || resampleCount <= 1 || steps < 2) return steps;
  return downMoves(repaintMoves(steps, effectiveJump(jumpLength, steps), resampleCount));
}
