/**
 * What each widget offers a page author: attributes (type, allowed values, default), events,
 * styling parts and a snippet to copy. The teacher's page (demo/index.html) builds its tables from
 * this module, and its test checks the attribute lists against the elements' own
 * `observedAttributes`, so the tables cannot drift from the code. Defaults come from the widgets'
 * constants where those live in light modules; the rest mirror the widgets' file headers.
 *
 * Pure data: importing it defines no element and loads no tensor library.
 */
import { DEFAULT_PANELS } from './sampler/panel-spec';
// Widgets whose attributes come from their settings table.
import { attributeDocs } from './base/settings-table';
import { FORWARD_SETTINGS } from './forward/settings';
import { INPAINT_SETTINGS } from './inpaint/settings';
import { BIAS_SETTINGS, LATENT_SETTINGS } from './latent/latent-settings';
import { SAMPLER_SETTINGS } from './sampler/settings';
import { SCHEDULE_SETTINGS } from './schedule/settings';
import { SCORE_FIELD_SETTINGS } from './score-field/settings';
import { VS_GAN_SETTINGS } from './vs-gan/settings';
import { TRAINER_SETTINGS } from './trainer/trainer-settings';

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

const SEED_TYPE = 'whole number 0 … 4294967295';

const ERROR_EVENT: EventDoc = {
  name: 'diffusion-error',
  detail: '{ attribute, message }',
  when: 'a value was rejected (the message is also shown in the widget) or a problem was reported',
};

const EMBED_EVENT: EventDoc = {
  name: 'diffusion-embed-view',
  detail: '{ id, pageUrl?, pageTitle? }',
  when: 'the Embed dialog opens; a page that can be framed at this view sets pageUrl (and pageTitle) while it is dispatched, and the dialog then offers an iframe of it',
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

export const WIDGET_DOCS: readonly WidgetDoc[] = [
  {
    tag: 'diffusion-forward',
    title: 'The forward process',
    summary:
      'Noise one MNIST digit (or a drawn one) to any timestep t: x₀, ε and x_t side by side, the weights √ᾱ_t and √(1 − ᾱ_t), and the pixel histogram turning into N(0, 1). Closed form (eq. 4) or step by step (eq. 2). No tfjs.',
    usesLab: false,
    attributes: attributeDocs(FORWARD_SETTINGS),
    events: [
      { name: 'diffusion-step', detail: '{ t, numTrainTimesteps, alphaBar, sqrtAlphaBar, sqrtOneMinusAlphaBar, mode, mean, std }', when: 'the shown t changed' },
      CHANGE_EVENT,
      { name: 'diffusion-ready', detail: '{ count }', when: 'the MNIST digits have loaded' },
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'images', 'chart', 'numbers', 'compare', 'pad', 'error', 'status'],
    example: '<diffusion-forward t="250" beta-schedule="linear" digit-index="0"></diffusion-forward>',
  },
  {
    tag: 'diffusion-schedule',
    title: 'Noise schedules',
    summary:
      'β_t, ᾱ_t and log-SNR of several schedules on three charts with a shared t cursor, one digit noised under each schedule with the same ε, and each schedule as a diffusers scheduler config to copy. No tfjs.',
    usesLab: false,
    attributes: attributeDocs(SCHEDULE_SETTINGS),
    events: [
      { name: 'diffusion-step', detail: '{ t, values: { [schedule]: { beta, alphaBar, logSnr } } }', when: 'the cursor moved' },
      CHANGE_EVENT,
      { name: 'diffusion-config', detail: '{ schedule, config, json }', when: 'a schedule was copied as a diffusers config' },
      { name: 'diffusion-ready', detail: '{ count }', when: 'the MNIST digits have loaded' },
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'chart', 'images', 'config', 'error', 'status'],
    example: '<diffusion-schedule schedules="linear,squaredcos_cap_v2" t="500"></diffusion-schedule>',
  },
  {
    tag: 'diffusion-trainer',
    title: 'Live training',
    summary:
      'Trains the course’s U-Net on MNIST in the page’s lab (a Web Worker): start, pause, resume and reset, a loss curve on a log scale, preview samples during training, speed and time left, and checkpoints to download, keep in the browser or load.',
    usesLab: true,
    attributes: attributeDocs(TRAINER_SETTINGS),
    events: [
      { name: 'diffusion-progress', detail: '{ state, step, totalSteps, loss, smoothedLoss, stepsPerSecond, etaSeconds }', when: 'the run reported progress' },
      CHANGE_EVENT,
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'actions', 'confirm', 'backend', 'advice', 'chart', 'images', 'progress', 'numbers', 'checkpoint', 'error', 'status'],
    example: '<diffusion-trainer preset="tiny" batch-size="32" steps="500"></diffusion-trainer>',
  },
  {
    tag: 'diffusion-sampler',
    title: 'Sampling side by side',
    summary:
      'DDPM, DDIM and guided sampling in panels that all start from the same x_T: scrub or play through x_t and the predicted x̂₀, compare wall time and network evaluations, and ask a reference classifier what it reads in the samples.',
    usesLab: true,
    attributes: attributeDocs(SAMPLER_SETTINGS),
    events: [
      { name: 'diffusion-sampled', detail: '{ index, spec, panel, nfe, wallMs, count, seed, source }', when: 'a panel finished sampling' },
      { name: 'diffusion-step', detail: '{ position, max, panels: [{ index, frame, total, timestep }] }', when: 'the scrubber moved (by hand or playing)' },
      CHANGE_EVENT,
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'model', 'scrubber', 'panels', 'panel', 'steps', 'images', 'numbers', 'quality', 'error', 'status'],
    example: `<diffusion-sampler panels="${DEFAULT_PANELS}" seed="0" count="16"></diffusion-sampler>`,
  },
  // <diffusion-inpaint>: editing with a trained model.
  {
    tag: 'diffusion-inpaint',
    title: 'Editing: inpainting and SDEdit',
    summary:
      'Paint a mask over a digit and the model fills it in, by the replacement method or RePaint’s resampling; or draw a rough digit, pick a strength, and SDEdit noises it to t₀ and denoises it. Several results side by side, each read by a reference classifier, the step-by-step denoising, and the measured wall time.',
    usesLab: true,
    attributes: attributeDocs(INPAINT_SETTINGS),
    events: [
      { name: 'diffusion-edited', detail: '{ mode, method, sampler, steps, networkSteps, nfe, wallMs, count, seed, strength, startTimestep, label, guidance, source }', when: 'a run finished' },
      { name: 'diffusion-classified', detail: '{ labels, confidences }', when: 'the reference classifier has read the results' },
      { name: 'diffusion-step', detail: '{ frame, total, timestep }', when: 'the step-by-step scrubber moved' },
      { name: 'diffusion-paint', detail: '{ layer, coverage }', when: 'a stroke on the mask or the drawing ended' },
      CHANGE_EVENT,
      { name: 'diffusion-ready', detail: '{ count }', when: 'the MNIST digits have loaded' },
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'modes', 'input', 'editor', 'tools', 'controls', 'model', 'results', 'images', 'numbers', 'steps', 'error', 'status'],
    example: '<diffusion-inpaint mode="inpaint" method="repaint" steps="20" mask="bottom-half"></diffusion-inpaint>',
  },
  // <diffusion-latent> and <diffusion-bias>: latent diffusion (src/latent).
  {
    tag: 'diffusion-latent',
    title: 'Latent diffusion against pixel space',
    summary:
      'A small autoencoder squeezes digits into 7×7×c latents and back (originals, latents and reconstructions shown); a diffusion model trained on the latents samples beside the shipped pixel-space U-Net, and a table compares FLOPs per denoising step, the wall time of both runs on the reader’s backend, and the accuracy and classifier-FID measured by the evaluation tools.',
    usesLab: true,
    attributes: attributeDocs(LATENT_SETTINGS),
    events: [
      { name: 'diffusion-sampled', detail: '{ space, wallMs, nfe, count, seed }', when: 'one side (space "pixel" or "latent") finished sampling' },
      CHANGE_EVENT,
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'autoencoder', 'controls', 'model', 'samples', 'table', 'error', 'status'],
    example: '<diffusion-latent count="8" steps="20" guidance="1" label="cycle"></diffusion-latent>',
  },
  {
    tag: 'diffusion-bias',
    title: 'Bias in, bias out',
    summary:
      'A latent diffusion model trained without labels on a class-skewed MNIST subset: sample it, let the reference classifier read every sample, and compare the class histogram with the training distribution.',
    usesLab: true,
    attributes: attributeDocs(BIAS_SETTINGS),
    events: [
      { name: 'diffusion-sampled', detail: '{ count, counts, wallMs, seed }', when: 'the samples were drawn and classified (counts per digit)' },
      CHANGE_EVENT,
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'chart', 'numbers', 'images', 'error', 'status'],
    example: '<diffusion-bias count="100" steps="20"></diffusion-bias>',
  },
  // <diffusion-score-field>: score-based models on 2-D data (src/toy2d).
  {
    tag: 'diffusion-score-field',
    title: 'Score-based models on 2-D data',
    summary:
      'A small MLP learns the score of a toy 2-D data set live in the page (Swiss roll, two moons, a ring of Gaussians, or points the reader draws). A quiver plot shows the learned score at a chosen noise level beside the closed-form true score of the Gaussian mixtures, with their cosine similarity measured; particles follow annealed Langevin dynamics, the probability-flow ODE or ancestral steps with their paths drawn; VP and VE noising are compared. tfjs (wasm) on the page, loaded on first use.',
    usesLab: false,
    attributes: attributeDocs(SCORE_FIELD_SETTINGS),
    events: [
      { name: 'diffusion-ready', detail: '{ backend, parameters }', when: 'a model was built (tfjs loaded)' },
      { name: 'diffusion-progress', detail: '{ state, step, totalSteps, loss, smoothedLoss, stepsPerSecond }', when: 'training progressed (a few times a second), paused or finished' },
      { name: 'score-field-trained', detail: '{ step, loss, smoothedLoss, stepsPerSecond, trainingSeconds, dataset, noising, cosineGrid, cosineData, t }', when: 'a run reached steps' },
      { name: 'score-field-sampled', detail: '{ sampler, particles, steps, updates, ms, onMode, modesCovered }', when: 'released particles arrived' },
      CHANGE_EVENT,
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'plot', 'legend', 'numbers', 'noising', 'pad', 'error', 'status'],
    example: '<diffusion-score-field dataset="ring" noising="vp" steps="1000"></diffusion-score-field>',
  },
  // <diffusion-vs-gan>: why diffusion won.
  {
    tag: 'diffusion-vs-gan',
    title: 'Why diffusion won: GAN versus diffusion',
    summary:
      'A tiny GAN and a tiny diffusion model train live on the same ring of Gaussians, side by side. Every few steps both are sampled and their mode coverage is measured: modes hit, share of samples per mode, fraction on a mode. The GAN collapses onto few modes while its losses see-saw; the diffusion model covers every mode. tfjs (wasm, main thread in short slices) loads on the first Train.',
    usesLab: false,
    attributes: attributeDocs(VS_GAN_SETTINGS),
    events: [
      { name: 'vs-gan-progress', detail: '{ state, step, totalSteps, modes, gan: { modesHit, shares, highQuality, effectiveModes, discriminatorLoss, generatorLoss }, diffusion: { modesHit, shares, highQuality, effectiveModes, loss } }', when: 'both models were measured' },
      { name: 'vs-gan-state', detail: '{ state, step }', when: 'training started, paused, finished or was reset' },
      CHANGE_EVENT,
      ERROR_EVENT,
      EMBED_EVENT,
    ],
    parts: ['title', 'embed', 'controls', 'progress', 'panels', 'panel', 'scatter', 'numbers', 'shares', 'chart', 'error', 'status'],
    example: '<diffusion-vs-gan seed="0" modes="8" steps="3000"></diffusion-vs-gan>',
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
