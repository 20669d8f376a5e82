/**
 * All Diffusion Lab widgets in one import: defines <diffusion-forward>, <diffusion-schedule>,
 * <diffusion-trainer> and <diffusion-sampler>. Pages that show only some widgets should import
 * those modules alone (src/site/widget-loader.ts does so for lessons): the trainer and the sampler
 * bring the lab's Web Worker, and with it the tensor library, into the page's downloads.
 */
export { DiffusionForward } from './diffusion-forward';
export { DiffusionSchedule } from './diffusion-schedule';
export { DiffusionTrainer } from './diffusion-trainer';
export { DiffusionSampler } from './diffusion-sampler';
export { WIDGET_DOCS, CUSTOM_PROPERTIES, widgetDoc, type AttributeDoc, type EventDoc, type WidgetDoc } from './docs';

/** The tags this module defines. */
export const WIDGET_TAGS = ['diffusion-forward', 'diffusion-schedule', 'diffusion-trainer', 'diffusion-sampler'] as const;
