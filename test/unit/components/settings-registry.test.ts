import { describe, expect, it } from 'vitest';
import { FORWARD_SETTINGS } from '../../../src/components/forward/settings';
import { INPAINT_SETTINGS } from '../../../src/components/inpaint/settings';
import { SAMPLER_SETTINGS } from '../../../src/components/sampler/settings';
import { SCHEDULE_SETTINGS } from '../../../src/components/schedule/settings';
import { SCORE_FIELD_SETTINGS } from '../../../src/components/score-field/settings';
import { VS_GAN_SETTINGS } from '../../../src/components/vs-gan/settings';
import { settingAttributes, settingsTableFor, tagsWithSettings } from '../../../src/components/settings-registry';

// Importing the registry in Node at all shows it defines no element (there is no HTMLElement here).
describe('settings registry', () => {
  it('maps each widget tag with a settings table to that table', () => {
    expect(tagsWithSettings()).toEqual(['diffusion-forward', 'diffusion-schedule', 'diffusion-score-field', 'diffusion-vs-gan', 'diffusion-trainer', 'diffusion-latent', 'diffusion-bias', 'diffusion-sampler', 'diffusion-inpaint']);
    expect(settingsTableFor('diffusion-forward')).toBe(FORWARD_SETTINGS);
    expect(settingsTableFor('diffusion-schedule')).toBe(SCHEDULE_SETTINGS);
    expect(settingsTableFor('diffusion-score-field')).toBe(SCORE_FIELD_SETTINGS);
    expect(settingsTableFor('diffusion-vs-gan')).toBe(VS_GAN_SETTINGS);
    expect(settingsTableFor('diffusion-sampler')).toBe(SAMPLER_SETTINGS);
    expect(settingsTableFor('diffusion-inpaint')).toBe(INPAINT_SETTINGS);
    for (const tag of tagsWithSettings()) expect(tag).toMatch(/^diffusion-[a-z0-9-]+$/);
  });

  it('lists a widget’s attributes in table order, and nothing for a widget it does not know', () => {
    expect(settingAttributes('diffusion-forward')).toEqual([
      'digit-index',
      't',
      'num-train-timesteps',
      'beta-schedule',
      'beta-start',
      'beta-end',
      'seed',
      'assets-base',
      'mode',
    ]);
    expect(settingAttributes('diffusion-schedule')).toEqual(['schedules', 'num-train-timesteps', 'beta-start', 'beta-end', 't', 'digit-index', 'seed', 'assets-base']);
    expect(settingAttributes('diffusion-nothing')).toBeUndefined();
    expect(settingsTableFor('constructor')).toBeUndefined();
  });
});
