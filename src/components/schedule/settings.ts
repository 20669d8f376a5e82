/**
 * The settings of <diffusion-schedule>: its attribute table (see ../base/settings-table.ts).
 * Pure data, so the docs and the URL state can read it without defining the element.
 *
 * Its `t` is a diffusers timestep, 0 … T − 1 (src/diffusion/curves.ts indexes so), as is
 * <diffusion-forward>'s: the same t gives the same ᾱ in both.
 */
import { BETA_SCHEDULES, type BetaSchedule } from '../../diffusion/config';
import { BETA_SCHEDULE_HINTS, betaSetting, numTrainTimestepsSetting, MAX_TRAIN_TIMESTEPS } from '../base/schedule-attributes';
import { assetsBaseSetting, intSetting, listSetting, seedSetting } from '../base/settings-table';

/** Where the cursor starts (clamped to T − 1 for a shorter schedule). */
export const DEFAULT_T = 500;

export const SCHEDULE_SETTINGS = {
  schedules: listSetting<BetaSchedule>('schedules', {
    allowed: BETA_SCHEDULES,
    unique: true,
    default: BETA_SCHEDULES,
    hints: BETA_SCHEDULE_HINTS,
    doc: 'The schedules compared.',
  }),
  numTrainTimesteps: numTrainTimestepsSetting('T, the number of diffusion steps.'),
  betaStart: betaSetting('beta-start', 'First β (not used by the cosine schedule).'),
  betaEnd: betaSetting('beta-end', 'Last β (not used by the cosine schedule).'),
  t: intSetting('t', {
    min: 0,
    max: MAX_TRAIN_TIMESTEPS - 1,
    default: DEFAULT_T,
    type: 'whole number 0 … T − 1',
    doc:
      'The cursor, a diffusers timestep: 0 is the first noising step and T − 1 the last (the papers’ t = 1 … T), as in <diffusion-forward>.',
  }),
  digitIndex: intSetting('digit-index', { min: 0, default: 0, type: 'whole number 0 … 1999', doc: 'Which digit of the MNIST test subset is noised.' }),
  seed: seedSetting('Seed of the noise ε shared by every schedule.'),
  assetsBase: assetsBaseSetting('mnist/'),
} as const;
