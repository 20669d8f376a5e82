/**
 * The settings of <diffusion-forward>: its attribute table (see ../base/settings-table.ts).
 * Pure data, so the docs and the URL state can read it without defining the element.
 *
 * Its `t` counts as the papers do, 0 … T with 0 the clean digit (src/diffusion/forward-math.ts);
 * <diffusion-schedule>'s `t` is a diffusers timestep, 0 … T − 1, one less for the same ᾱ.
 */
import { betaScheduleSetting, betaSetting, numTrainTimestepsSetting, MAX_TRAIN_TIMESTEPS } from '../base/schedule-attributes';
import { assetsBaseSetting, enumSetting, intSetting, seedSetting } from '../base/settings-table';

export const FORWARD_MODES = ['closed-form', 'iterative'] as const;
export type ForwardMode = (typeof FORWARD_MODES)[number];

/** Where t starts (clamped to T for a shorter schedule). */
export const DEFAULT_T = 250;

/** Advice for names people often try instead of the two modes. */
const MODE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  closed_form: 'did you mean "closed-form"?',
  closed: 'did you mean "closed-form"?',
  'step-by-step': 'did you mean "iterative"?',
  steps: 'did you mean "iterative"?',
});

export const FORWARD_SETTINGS = {
  digitIndex: intSetting('digit-index', { min: 0, default: 0, type: 'whole number 0 … 1999', doc: 'Which digit of the MNIST test subset is x₀.' }),
  t: intSetting('t', {
    min: 0,
    max: MAX_TRAIN_TIMESTEPS,
    default: DEFAULT_T,
    type: 'whole number 0 … T',
    doc: 'The timestep shown, counted as in the papers: 0 is the clean digit x₀ and T the last step. (<diffusion-schedule> counts diffusers timesteps, 0 … T − 1: its t is this t − 1.)',
  }),
  numTrainTimesteps: numTrainTimestepsSetting('T, the number of diffusion steps (diffusers’ num_train_timesteps).'),
  betaSchedule: betaScheduleSetting('The noise schedule, named as in diffusers.'),
  betaStart: betaSetting('beta-start', 'First β of the schedule (not used by the cosine schedule).'),
  betaEnd: betaSetting('beta-end', 'Last β of the schedule (not used by the cosine schedule).'),
  seed: seedSetting('Seed of the noise ε and of the step-by-step chain.'),
  assetsBase: assetsBaseSetting('mnist/'),
  mode: enumSetting('mode', FORWARD_MODES, {
    default: 'closed-form',
    hints: MODE_HINTS,
    doc: 'Which x_t is shown: one jump (eq. 4) or t single steps (eq. 2).',
  }),
} as const;
