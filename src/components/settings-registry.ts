/**
 * Which settings each widget takes: tag → its settings table (./base/settings-table.ts), for code
 * that must know a widget's attributes without defining the element, such as the typed URL state
 * of src/site/url-state.ts. It imports only the widgets' settings modules, so it defines no element
 * and loads no tensor library.
 *
 * A widget whose attributes live in a settings table is added with one line below. A widget not
 * listed is not checked: every attribute a link may set reaches it, as before tables existed.
 */
import type { SettingsTable } from './base/settings-table';
import { FORWARD_SETTINGS } from './forward/settings';
import { SCHEDULE_SETTINGS } from './schedule/settings';
import { SCORE_FIELD_SETTINGS } from './score-field/settings';
import { VS_GAN_SETTINGS } from './vs-gan/settings';
import { TRAINER_SETTINGS } from './trainer/trainer-settings';
import { BIAS_SETTINGS, LATENT_SETTINGS } from './latent/latent-settings';
import { SAMPLER_SETTINGS } from './sampler/settings';
import { INPAINT_SETTINGS } from './inpaint/settings';

const SETTINGS_BY_TAG: ReadonlyMap<string, SettingsTable> = new Map<string, SettingsTable>([
  ['diffusion-forward', FORWARD_SETTINGS],
  ['diffusion-schedule', SCHEDULE_SETTINGS],
  ['diffusion-score-field', SCORE_FIELD_SETTINGS],
  ['diffusion-vs-gan', VS_GAN_SETTINGS],
  ['diffusion-trainer', TRAINER_SETTINGS],
  ['diffusion-latent', LATENT_SETTINGS],
  ['diffusion-bias', BIAS_SETTINGS],
  ['diffusion-sampler', SAMPLER_SETTINGS],
  ['diffusion-inpaint', INPAINT_SETTINGS],
]);

/** The tags whose settings are known here. */
export function tagsWithSettings(): string[] {
  return [...SETTINGS_BY_TAG.keys()];
}

/** The settings table of a widget tag, or undefined when the widget has none listed here. */
export function settingsTableFor(tag: string): SettingsTable | undefined {
  return SETTINGS_BY_TAG.get(tag);
}

/** The attributes (kebab-case, in table order) of a widget tag, or undefined when not listed. */
export function settingAttributes(tag: string): string[] | undefined {
  const table = SETTINGS_BY_TAG.get(tag);
  return table ? Object.values(table).map((setting) => setting.attribute) : undefined;
}
