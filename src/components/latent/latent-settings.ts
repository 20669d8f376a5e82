/**
 * The settings of <diffusion-latent> and <diffusion-bias>: their attribute tables (see
 * ../base/settings-table.ts), with each default, limit and one-line doc in one row, the label
 * choice and the labels of a run. Pure data and parsing (no tfjs, no DOM): unit-tested in Node.
 */
import type { ParseResult, RawAttr } from '../base/attributes';
import {
  backendSetting,
  customSetting,
  defaultOf,
  floatSetting,
  intSetting,
  labAssetsBaseSetting,
  seedSetting,
  type Setting,
} from '../base/settings-table';

export const MAX_LATENT_WIDGET_COUNT = 32;
export const MAX_LATENT_WIDGET_STEPS = 200;
export const MAX_LATENT_GUIDANCE = 10;
export const MAX_BIAS_COUNT = 400;

/** A digit for every image, "cycle" (0, 1, …, 9, 0, …) or "none" (unconditional). */
export type LabelChoice = number | 'cycle' | 'none';

export function parseLabelChoice(raw: RawAttr, fallback: LabelChoice): ParseResult<LabelChoice> {
  if (raw === null || raw === undefined || String(raw).trim() === '') return { ok: true, value: fallback };
  const text = String(raw).trim().toLowerCase();
  if (text === 'cycle' || text === 'none') return { ok: true, value: text };
  if (/^\d$/.test(text)) return { ok: true, value: Number(text) };
  return {
    ok: false,
    message: `label="${String(raw)}" is not valid: use a digit 0 … 9, "cycle" (0, 1, …, 9 in turn) or "none" (no label, unconditional samples).`,
  };
}

function labelSetting(defaultLabel: LabelChoice, doc: string): Setting<LabelChoice> {
  return customSetting<LabelChoice>('label', {
    default: defaultLabel,
    type: 'digit 0 … 9 | "cycle" | "none"',
    doc,
    parse: (raw, b = {}) => parseLabelChoice(raw, b.default ?? defaultLabel),
  });
}

/** One label per image for a run, or null for unconditional samples. */
export function labelsFor(choice: LabelChoice, count: number): number[] | null {
  if (choice === 'none') return null;
  return Array.from({ length: count }, (_, i) => (choice === 'cycle' ? i % 10 : choice));
}

/** <diffusion-latent>'s attributes, in the order the docs list them. */
export const LATENT_SETTINGS = {
  count: intSetting('count', { min: 1, max: MAX_LATENT_WIDGET_COUNT, default: 8, doc: 'Samples per side, and test digits shown with their reconstructions.' }),
  steps: intSetting('steps', { min: 1, max: MAX_LATENT_WIDGET_STEPS, default: 20, doc: 'DDIM steps of both samplers.' }),
  guidance: floatSetting('guidance', {
    min: 0,
    max: MAX_LATENT_GUIDANCE,
    default: 1,
    type: `number 0 … ${MAX_LATENT_GUIDANCE}`,
    doc: 'Classifier-free guidance weight w of both models (paper convention; diffusers’ guidance_scale is 1 + w). Ignored with label="none".',
  }),
  label: labelSetting('cycle', 'The digit of every sample, 0 … 9 in turn, or none (unconditional).'),
  seed: seedSetting('Seed of x_T (pixels and latents are drawn from the same seed).'),
  backend: backendSetting(),
  assetsBase: labAssetsBaseSetting('mnist/, checkpoints/ and classifier/'),
} as const;

/** <diffusion-bias>'s attributes, in the order the docs list them. */
export const BIAS_SETTINGS = {
  count: intSetting('count', { min: 10, max: MAX_BIAS_COUNT, default: 100, doc: 'Samples drawn and classified per run.' }),
  steps: intSetting('steps', { min: 1, max: MAX_LATENT_WIDGET_STEPS, default: 20, doc: 'DDIM steps.' }),
  seed: seedSetting('Seed of x_T.'),
  backend: backendSetting(),
  assetsBase: labAssetsBaseSetting('checkpoints/ and classifier/'),
} as const;

/** The sampling settings when no attribute is set: the tables' defaults. */
export const LATENT_DEFAULTS: Readonly<{ count: number; steps: number; guidance: number; label: LabelChoice; seed: number }> = Object.freeze({
  count: defaultOf(LATENT_SETTINGS.count),
  steps: defaultOf(LATENT_SETTINGS.steps),
  guidance: defaultOf(LATENT_SETTINGS.guidance),
  label: defaultOf(LATENT_SETTINGS.label),
  seed: defaultOf(LATENT_SETTINGS.seed),
});
export const BIAS_DEFAULTS: Readonly<{ count: number; steps: number; seed: number }> = Object.freeze({
  count: defaultOf(BIAS_SETTINGS.count),
  steps: defaultOf(BIAS_SETTINGS.steps),
  seed: defaultOf(BIAS_SETTINGS.seed),
});
