/**
 * The settings of <diffusion-forward>: its attribute table (see ../base/settings-table.ts).
 * Pure data, so the docs and the URL state can read it without defining the element.
 *
 * Its `t` is a diffusers timestep, 0 … T − 1, as in <diffusion-schedule> and the course: 0 is the
 * first noising step, and x_t is reached by t + 1 steps (src/diffusion/forward-math.ts counts those
 * steps, the papers' 1-based t). The clean digit is the x₀ panel.
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
    max: MAX_TRAIN_TIMESTEPS - 1,
    default: DEFAULT_T,
    type: 'whole number 0 … T − 1',
    doc: 'The timestep shown, a diffusers timestep as in <diffusion-schedule>: 0 is the first noising step and T − 1 the last (the papers’ t = 1 … T). t = T, the last step in the papers’ count, is refused with a message naming T − 1.',
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

/**
 * The message for t = T, which earlier versions of this widget accepted as the last step: the
 * papers number the steps 1 … T, diffusers and this widget 0 … T − 1.
 */
export function pastLastTimestepMessage(T: number): string {
  return `t="${T}" is past the last timestep: t counts diffusers timesteps 0 … ${T - 1} (0 is the first noising step), so the papers' last step t = ${T} is t="${T - 1}" here.`;
}
