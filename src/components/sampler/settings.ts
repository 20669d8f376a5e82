/**
 * The settings of <diffusion-sampler>: its attribute table (see ../base/settings-table.ts). The
 * `panels` grammar and its parser are in ./panel-spec.ts. Pure data, so the docs and the URL state
 * can read it without defining the element.
 */
import {
  backendSetting,
  customSetting,
  intSetting,
  labAssetsBaseSetting,
  modelSourceSetting,
  seedSetting,
} from '../base/settings-table';
import {
  DEFAULT_CLASSIFIER_SCALE,
  DEFAULT_PANELS,
  MAX_CLASSIFIER_SCALE,
  MAX_GUIDANCE,
  MAX_PANEL_STEPS,
  MAX_PANELS,
  formatPanels,
  parsePanels,
  type PanelSpec,
} from './panel-spec';

/**
 * Most samples per panel the widget's `count` accepts: a grid that still fits a panel, and a
 * scrubber run that stays quick. (The lab itself accepts larger requests: MAX_SAMPLES_PER_REQUEST
 * in src/lab/browser/lab-host.ts.)
 */
export const MAX_SAMPLES_PER_PANEL = 64;
export const DEFAULT_SAMPLES_PER_PANEL = 16;

const SOURCE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  page: 'the model trained on this page is "trained"',
  local: 'the model trained on this page is "trained"',
  checkpoint: 'the shipped checkpoint is "shipped"',
  pretrained: 'the model trained ahead of time is "shipped"',
});

export const SAMPLER_SETTINGS = {
  panels: customSetting<PanelSpec[]>('panels', {
    type: `1 … ${MAX_PANELS} panels "sampler:steps[:eta=η][:w=weight][:label=digit][:guide=classifier:s=scale]" separated by ";"; sampler "ddpm" | "ddim", steps 1 … ${MAX_PANEL_STEPS}, η 0 … 1 (ddim), w 0 … ${MAX_GUIDANCE}, label 0 … 9 | "none", guide "cfg" | "classifier", s 0 … ${MAX_CLASSIFIER_SCALE}`,
    defaultText: DEFAULT_PANELS,
    doc: `The panels. w is the guidance weight in the paper’s convention (Ho & Salimans 2022); diffusers’ guidance_scale is 1 + w. Guidance needs a label. guide=classifier makes a classifier-guided panel instead (Dhariwal & Nichol 2021): the unconditional model steered by a noise-aware classifier’s gradient with scale s (default ${DEFAULT_CLASSIFIER_SCALE}; s implies guide=classifier and excludes w), e.g. "ddim:50:w=2:label=3; ddim:50:guide=classifier:s=2:label=3" compares the two on the same seed.`,
    parse: (raw) => parsePanels(raw),
    write: formatPanels,
  }),
  seed: seedSetting('Seed of x_T, the same for every panel.'),
  count: intSetting('count', { min: 1, max: MAX_SAMPLES_PER_PANEL, default: DEFAULT_SAMPLES_PER_PANEL, doc: 'Samples per panel.' }),
  source: modelSourceSetting(SOURCE_HINTS),
  backend: backendSetting(),
  assetsBase: labAssetsBaseSetting('checkpoints/ and classifier/'),
} as const;
