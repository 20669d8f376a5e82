/** Builds the right scheduler class for a resolved config, e.g. one read with `fromDiffusersConfig`. */
import type { DDIMConfig, DDPMConfig, SchedulerConfig } from './config';
import { DDIMScheduler } from './ddim';
import { DDPMScheduler } from './ddpm';
import type { SchedulerOptions } from './scheduler-base';

export type Scheduler = DDPMScheduler | DDIMScheduler;

export function createScheduler(config: DDPMConfig, options?: SchedulerOptions): DDPMScheduler;
export function createScheduler(config: DDIMConfig, options?: SchedulerOptions): DDIMScheduler;
export function createScheduler(config: SchedulerConfig, options?: SchedulerOptions): Scheduler;
export function createScheduler(config: SchedulerConfig, options: SchedulerOptions = {}): Scheduler {
  return config.className === 'DDPMScheduler' ? new DDPMScheduler(config, options) : new DDIMScheduler(config, options);
}
