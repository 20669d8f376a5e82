/**
 * All Diffusion Lab widgets in one import: defines every widget of WIDGET_TAGS below. Pages that
 * show only some widgets should import those modules alone (src/site/widget-loader.ts does so for
 * lessons): the trainer, the sampler and the editor (<diffusion-inpaint>) bring the lab's Web
 * Worker, and with it the tensor library, into the page's downloads.
 */
export { DiffusionForward } from './diffusion-forward';
export { DiffusionSchedule } from './diffusion-schedule';
export { DiffusionTrainer } from './diffusion-trainer';
export { DiffusionSampler } from './diffusion-sampler';
export { DiffusionInpaint } from './diffusion-inpaint';
// Latent diffusion and its bias demonstration.
export { DiffusionLatent } from './diffusion-latent';
export { DiffusionBias } from './diffusion-bias';
// Score-based models on 2-D data.
export { DiffusionScoreField } from './diffusion-score-field';
// GAN versus diffusion on a ring of Gaussians.
export { DiffusionVsGan } from './diffusion-vs-gan';
export { WIDGET_DOCS, CUSTOM_PROPERTIES, widgetDoc, type AttributeDoc, type EventDoc, type WidgetDoc } from './docs';

/** The tags this module defines. */
export const WIDGET_TAGS = ['diffusion-forward', 'diffusion-schedule', 'diffusion-trainer', 'diffusion-sampler', 'diffusion-inpaint', 'diffusion-latent', 'diffusion-bias', 'diffusion-score-field', 'diffusion-vs-gan'] as const;
