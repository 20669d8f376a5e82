/**
 * Attribute parsing for the noise-schedule settings every widget shares, named as the kebab-case
 * of diffusers' arguments: `num-train-timesteps`, `beta-schedule`, `beta-start`, `beta-end`.
 * Pure imports only (no tensors), so light widgets can use it.
 */
import { BETA_SCHEDULES, DEFAULT_SCHEDULE_SETTINGS, type BetaSchedule } from '../../diffusion/config';
import type { ParseResult, RawAttr } from './attributes';
import { enumSetting, floatSetting, intSetting, type Setting } from './settings-table';

/** Upper limit the widgets accept for T (the curves and the step-by-step chain stay quick). */
export const MAX_TRAIN_TIMESTEPS = 4000;

/** Advice for names people often try instead of diffusers' own. */
export const BETA_SCHEDULE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  cosine: 'the cosine schedule of Nichol & Dhariwal 2021 is called "squaredcos_cap_v2" in diffusers',
  squaredcos: 'did you mean "squaredcos_cap_v2"?',
  squaredcos_cap: 'did you mean "squaredcos_cap_v2"?',
  'scaled-linear': 'diffusers writes it with an underscore: "scaled_linear"',
  scaledlinear: 'diffusers writes it with an underscore: "scaled_linear"',
  quadratic: 'diffusers calls the schedule that is linear in √β "scaled_linear"',
});

// The parsers below are the shared rows' own, so each limit and message is written once.
export function parseNumTrainTimesteps(raw: RawAttr, fallback = DEFAULT_SCHEDULE_SETTINGS.numTrainTimesteps): ParseResult<number> {
  return numTrainTimestepsSetting('').parse(raw, { default: fallback });
}

export function parseBetaSchedule(raw: RawAttr, fallback: BetaSchedule = DEFAULT_SCHEDULE_SETTINGS.betaSchedule): ParseResult<BetaSchedule> {
  return betaScheduleSetting('').parse(raw, { default: fallback });
}

/** `beta-start` / `beta-end`: strictly between 0 and 1, as diffusers' schedules need. */
export function parseBeta(name: 'beta-start' | 'beta-end', raw: RawAttr, fallback?: number): ParseResult<number> {
  return betaSetting(name, '').parse(raw, fallback === undefined ? {} : { default: fallback });
}

/** The attribute for a camelCase setting named in a DiffusionConfigError (`betaStart` → `beta-start`). */
export function attributeForSetting(setting: string): string {
  return setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The rows every widget with a schedule shares, in the order diffusers lists its arguments. */
export const numTrainTimestepsSetting = (doc: string): Setting<number> =>
  intSetting('num-train-timesteps', { min: 1, max: MAX_TRAIN_TIMESTEPS, default: DEFAULT_SCHEDULE_SETTINGS.numTrainTimesteps, doc });

export const betaScheduleSetting = (doc: string): Setting<BetaSchedule> =>
  enumSetting('beta-schedule', BETA_SCHEDULES, { default: DEFAULT_SCHEDULE_SETTINGS.betaSchedule, hints: BETA_SCHEDULE_HINTS, doc });

/** `beta-start` / `beta-end`: strictly between 0 and 1, as diffusers' schedules need. */
export const betaSetting = (attribute: 'beta-start' | 'beta-end', doc: string): Setting<number> =>
  floatSetting(attribute, {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
    default: attribute === 'beta-start' ? DEFAULT_SCHEDULE_SETTINGS.betaStart : DEFAULT_SCHEDULE_SETTINGS.betaEnd,
    type: 'number, 0 < β < 1',
    doc,
  });
