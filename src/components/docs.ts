/**
 * What each widget offers a page author: attributes (type, allowed values, default), events,
 * styling parts and a snippet to copy. The teacher's page (demo/index.html) builds its tables from
 * this module, and its test checks the attribute lists against the elements' own
 * `observedAttributes`, so the tables cannot drift from the code. Defaults come from the widgets'
 * constants where those live in light modules; the rest mirror the widgets' file headers.
 *
 * Pure data: importing it defines no element and loads no tensor library.
 */
import { BACKEND_PREFERENCES } from '../backend/names';
import { BETA_SCHEDULES, DEFAULT_SCHEDULE_SETTINGS } from '../diffusion/config';
import { MAX_TRAIN_TIMESTEPS } from './base/schedule-attributes';
import { DEFAULT_PANELS, MAX_GUIDANCE, MAX_PANEL_STEPS, MAX_PANELS } from './sampler/panel-spec';
import { MAX_BATCH, MAX_TRAIN_STEPS, TRAINER_DEFAULTS, TRAIN_PRESETS } from './trainer/trainer-settings';

export interface AttributeDoc {
  name: string;
  /** Type and allowed values, as a reader would write them. */
  type: string;
  /** The default, as the attribute would be written ('' when there is none to write). */
  default: string;
  description: string;
}

export interface EventDoc {
  name: string;
  /** The fields of `event.detail`. */
  detail: string;
  when: string;
}

export interface WidgetDoc {
  tag: string;
  title: string;
  summary: string;
  /** Whether the widget uses the page's lab (a Web Worker with tfjs) to train or sample. */
  usesLab: boolean;
  attributes: readonly AttributeDoc[];
  events: readonly EventDoc[];
  /** Names for `::part()`. */
  parts: readonly string[];
  /** A snippet that works when pasted into a page that loads the widgets. */
  example: string;
}

export interface CustomPropertyDoc {
  name: string;
  description: string;
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(' | ');
const SEED_TYPE = 'whole number 0 … 4294967295';
const SCHEDULES = quoted(BETA_SCHEDULES);

const ERROR_EVENT: EventDoc = {
  name: 'diffusion-error',
  detail: '{ attribute, message }',
  when: 'a value was rejected (the message is also shown in the widget) or a problem was reported',
};

const CHANGE_EVENT: EventDoc = {
  name: 'diffusion-change',
  detail: '{ name, value }',
  when: 'a control changed a setting; name is the attribute (lesson pages write it into the URL)',
};

const ASSETS_BASE = (holds: string): AttributeDoc => ({
  name: 'assets-base',
  type: 'URL of a folder',
  default: '/assets/',
  description: `Folder that holds ${holds}, relative to the page. Cannot be set from a link.`,
});

const BACKEND: AttributeDoc = {
  name: 'backend',
  type: quoted(BACKEND_PREFERENCES),
  default: 'auto',
  description:
    'tfjs backend of the page’s lab. "auto" tries webgpu → webgl → wasm → cpu (or joins the lab the page already runs); one lab serves every widget on a page, so the first widget to start it decides.',
};

export const WIDGET_DOCS: readonly WidgetDoc[] = [
  {
    tag: 'diffusion-forward',
    title: 'The forward process',
    summary:
      'Noise one MNIST digit (or a drawn one) to any timestep t: x₀, ε and x_t side by side, the weights √ᾱ_t and √(1 − ᾱ_t), and the pixel histogram turning into N(0, 1). Closed form (eq. 4) or step by step (eq. 2). No tfjs.',
    usesLab: false,
    attributes: [
      { name: 'digit-index', type: 'whole number 0 … 1999', default: '0', description: 'Which digit of the MNIST test subset is x₀.' },
      { name: 't', type: 'whole number 0 … T', default: '250', description: 'The timestep shown; 0 is the clean digit.' },
      { name: 'num-train-timesteps', type: `whole number 1 … ${MAX_TRAIN_TIMESTEPS}`, default: String(DEFAULT_SCHEDULE_SETTINGS.numTrainTimesteps), description: 'T, the number of diffusion steps (diffusers’ num_train_timesteps).' },
      { name: 'beta-schedule', type: SCHEDULES, default: DEFAULT_SCHEDULE_SETTINGS.betaSchedule, description: 'The noise schedule, named as in diffusers.' },
      { name: 'beta-start', type: 'number, 0 < β < 1', default: String(DEFAULT_SCHEDULE_SETTINGS.betaStart), description: 'First β of the schedule (not used by the cosine schedule).' },
      { name: 'beta-end', type: 'number, 0 < β < 1', default: String(DEFAULT_SCHEDULE_SETTINGS.betaEnd), description: 'Last β of the schedule (not used by the cosine schedule).' },
      { name: 'seed', type: SEED_TYPE, default: '0', description: 'Seed of the noise ε and of the step-by-step chain.' },
      ASSETS_BASE('mnist/'),
      { name: 'mode', type: '"closed-form" | "iterative"', default: 'closed-form', description: 'Which x_t is shown: one jump (eq. 4) or t single steps (eq. 2).' },
    ],
    events: [
      { name: 'diffusion-step', detail: '{ t, numTrainTimesteps, alphaBar, sqrtAlphaBar, sqrtOneMinusAlphaBar, mode, mean, std }', when: 'the shown t changed' },
      CHANGE_EVENT,
      { name: 'diffusion-ready', detail: '{ count }', when: 'the MNIST digits have loaded' },
      ERROR_EVENT,
    ],
    parts: ['title', 'controls', 'images', 'chart', 'numbers', 'compare', 'pad', 'error', 'status'],
    example: '<diffusion-forward t="250" beta-schedule="linear" digit-index="0"></diffusion-forward>',
  },
  {
    tag: 'diffusion-schedule',
    title: 'Noise schedules',
    summary:
      'β_t, ᾱ_t and log-SNR of several schedules on three charts with a shared t cursor, one digit noised under each schedule with the same ε, and each schedule as a diffusers scheduler config to copy. No tfjs.',
    usesLab: false,
    attributes: [
      { name: 'schedules', type: `comma-separated, from ${SCHEDULES}`, default: BETA_SCHEDULES.join(','), description: 'The schedules compared.' },
      { name: 'num-train-timesteps', type: `whole number 1 … ${MAX_TRAIN_TIMESTEPS}`, default: String(DEFAULT_SCHEDULE_SETTINGS.numTrainTimesteps), description: 'T, the number of diffusion steps.' },
      { name: 'beta-start', type: 'number, 0 < β < 1', default: String(DEFAULT_SCHEDULE_SETTINGS.betaStart), description: 'First β (not used by the cosine schedule).' },
      { name: 'beta-end', type: 'number, 0 < β < 1', default: String(DEFAULT_SCHEDULE_SETTINGS.betaEnd), description: 'Last β (not used by the cosine schedule).' },
      { name: 't', type: 'whole number 0 … T − 1', default: '500', description: 'The cursor, a diffusers timestep.' },
      { name: 'digit-index', type: 'whole number 0 … 1999', default: '0', description: 'Which digit of the MNIST test subset is noised.' },
      { name: 'seed', type: SEED_TYPE, default: '0', description: 'Seed of the noise ε shared by every schedule.' },
      ASSETS_BASE('mnist/'),
    ],
    events: [
      { name: 'diffusion-step', detail: '{ t, values: { [schedule]: { beta, alphaBar, logSnr } } }', when: 'the cursor moved' },
      CHANGE_EVENT,
      { name: 'diffusion-config', detail: '{ schedule, config, json }', when: 'a schedule was copied as a diffusers config' },
      { name: 'diffusion-ready', detail: '{ count }', when: 'the MNIST digits have loaded' },
      ERROR_EVENT,
    ],
    parts: ['title', 'controls', 'chart', 'images', 'config', 'error', 'status'],
    example: '<diffusion-schedule schedules="linear,squaredcos_cap_v2" t="500"></diffusion-schedule>',
  },
  {
    tag: 'diffusion-trainer',
    title: 'Live training',
    summary:
      'Trains the course’s U-Net on MNIST in the page’s lab (a Web Worker): start, pause, resume and reset, a loss curve on a log scale, preview samples during training, speed and time left, and checkpoints to download, keep in the browser or load.',
    usesLab: true,
    attributes: [
      { name: 'preset', type: quoted(TRAIN_PRESETS), default: TRAINER_DEFAULTS.preset, description: 'The U-Net: "tiny" (39k parameters, for lessons) or "small" (164k, the shipped model’s size). A new preset needs a reset first.' },
      { name: 'batch-size', type: `whole number 1 … ${MAX_BATCH}`, default: String(TRAINER_DEFAULTS.batchSize), description: 'Images per training step.' },
      { name: 'learning-rate', type: 'number, 0 < lr < 1', default: String(TRAINER_DEFAULTS.learningRate), description: 'Adam’s peak learning rate (after a warm-up of 10 % of the run, at most 200 steps).' },
      { name: 'steps', type: `whole number 1 … ${MAX_TRAIN_STEPS}`, default: String(TRAINER_DEFAULTS.steps), description: 'Total training steps to reach; raise it to continue a finished run.' },
      { name: 'label-dropout', type: 'number 0 … 1', default: String(TRAINER_DEFAULTS.labelDropout), description: 'How often the label is replaced by the null label, so the model also learns ε(x) and guidance works.' },
      { name: 'seed', type: SEED_TYPE, default: String(TRAINER_DEFAULTS.seed), description: 'Seed of the initial weights and the data order.' },
      { name: 'sample-every', type: `whole number 0 … ${MAX_TRAIN_STEPS}`, default: String(TRAINER_DEFAULTS.sampleEvery), description: 'Steps between preview grids (digits 0–9, 20 DDIM steps); 0 turns them off.' },
      BACKEND,
      ASSETS_BASE('mnist/ and checkpoints/'),
    ],
    events: [
      { name: 'diffusion-progress', detail: '{ state, step, totalSteps, loss, smoothedLoss, stepsPerSecond, etaSeconds }', when: 'the run reported progress' },
      CHANGE_EVENT,
      ERROR_EVENT,
    ],
    parts: ['title', 'controls', 'actions', 'confirm', 'backend', 'advice', 'chart', 'images', 'progress', 'numbers', 'checkpoint', 'error', 'status'],
    example: '<diffusion-trainer preset="tiny" batch-size="32" steps="500"></diffusion-trainer>',
  },
  {
    tag: 'diffusion-sampler',
    title: 'Sampling side by side',
    summary:
      'DDPM, DDIM and guided sampling in panels that all start from the same x_T: scrub or play through x_t and the predicted x̂₀, compare wall time and network evaluations, and ask a reference classifier what it reads in the samples.',
    usesLab: true,
    attributes: [
      {
        name: 'panels',
        type: `1 … ${MAX_PANELS} panels "sampler:steps[:eta=η][:w=weight][:label=digit]" separated by ";"; sampler "ddpm" | "ddim", steps 1 … ${MAX_PANEL_STEPS}, η 0 … 1 (ddim), w 0 … ${MAX_GUIDANCE}, label 0 … 9 | "none"`,
        default: DEFAULT_PANELS,
        description: 'The panels. w is the guidance weight in the paper’s convention (Ho & Salimans 2022); diffusers’ guidance_scale is 1 + w. Guidance needs a label.',
      },
      { name: 'seed', type: SEED_TYPE, default: '0', description: 'Seed of x_T, the same for every panel.' },
      { name: 'count', type: 'whole number 1 … 64', default: '16', description: 'Samples per panel.' },
      { name: 'source', type: '"shipped" | "trained"', default: 'shipped', description: 'The shipped checkpoint, or the model trained on this page with <diffusion-trainer>.' },
      BACKEND,
      ASSETS_BASE('checkpoints/ and classifier/'),
    ],
    events: [
      { name: 'diffusion-sampled', detail: '{ index, spec, panel, nfe, wallMs, count, seed, source }', when: 'a panel finished sampling' },
      { name: 'diffusion-step', detail: '{ position, max, panels: [{ index, frame, total, timestep }] }', when: 'the scrubber moved (by hand or playing)' },
      CHANGE_EVENT,
      ERROR_EVENT,
    ],
    parts: ['title', 'controls', 'model', 'scrubber', 'panels', 'panel', 'steps', 'images', 'numbers', 'quality', 'error', 'status'],
    example: `<diffusion-sampler panels="${DEFAULT_PANELS}" seed="0" count="16"></diffusion-sampler>`,
  },
];

/** CSS custom properties every widget reads (set them on the element or an ancestor). */
export const CUSTOM_PROPERTIES: readonly CustomPropertyDoc[] = [
  { name: '--dl-font', description: 'Text font (falls back to the site’s --font-sans).' },
  { name: '--dl-mono', description: 'Font of numbers and code.' },
  { name: '--dl-fg', description: 'Text colour.' },
  { name: '--dl-bg', description: 'Background of the widget.' },
  { name: '--dl-surface', description: 'Background of insets (scrubber, placeholders).' },
  { name: '--dl-muted', description: 'Secondary text and axis labels.' },
  { name: '--dl-border', description: 'Borders and axis lines.' },
  { name: '--dl-accent', description: 'Primary buttons, bars and progress.' },
  { name: '--dl-on-accent', description: 'Text on the accent colour.' },
  { name: '--dl-focus', description: 'Keyboard focus ring.' },
  { name: '--dl-radius', description: 'Corner radius of the widget.' },
  { name: '--dl-error-bg, --dl-error-fg, --dl-error-border', description: 'The message banner for rejected values.' },
  { name: '--dl-series-1 … --dl-series-4', description: 'Chart lines (colour-blind-safe defaults; lines also differ by dash).' },
  { name: '--dl-image-bg', description: 'Behind digit images.' },
];

/** The documentation of one widget by tag. */
export function widgetDoc(tag: string): WidgetDoc | undefined {
  return WIDGET_DOCS.find((doc) => doc.tag === tag);
}
