/**
 * The diffusion maths core: DDPM and DDIM schedulers mirroring Hugging Face diffusers, the noise
 * schedules and their curves as plain arrays, classifier-free and classifier guidance, and
 * configuration checks. The host-neutral sampling and editing loops built on them are in
 * ./pipelines/.
 */
export { DiffusionConfigError } from './errors';
export {
  BETA_SCHEDULES,
  DEFAULT_DDIM_CONFIG,
  DEFAULT_DDPM_CONFIG,
  DEFAULT_SCHEDULE_SETTINGS,
  PREDICTION_TYPES,
  TIMESTEP_SPACINGS,
  VARIANCE_TYPES,
  resolveDDIMConfig,
  resolveDDPMConfig,
  resolveScheduleSettings,
  type BetaSchedule,
  type DDIMConfig,
  type DDIMConfigInput,
  type DDPMConfig,
  type DDPMConfigInput,
  type PredictionType,
  type SamplerSettings,
  type ScheduleSettings,
  type ScheduleSettingsInput,
  type SchedulerClassName,
  type SchedulerConfig,
  type TimestepSpacing,
  type VarianceType,
} from './config';
export { fromDiffusersConfig, toDiffusersConfig, type DiffusersConfigDict } from './diffusers-config';
export {
  COSINE_MAX_BETA,
  COSINE_S,
  computeBetas,
  cosineAlphaBarUnnormalised,
  cosineBetas,
  linearBetas,
  linspace,
  rescaleZeroTerminalSnr,
  scaledLinearBetas,
  sigmoidBetas,
} from './schedules';
export {
  alphasCumprodFromBetas,
  alphasFromBetas,
  computeAlphasCumprod,
  computeLogSnr,
  computeSnr,
  computeSqrtAlphasCumprod,
  computeSqrtOneMinusAlphasCumprod,
  cosineAlphaBar,
  logSnrFromAlphasCumprod,
  scheduleCurves,
  snrFromAlphasCumprod,
  type ScheduleCurves,
} from './curves';
export { inferenceTimesteps, roundHalfEven, validateCustomTimesteps } from './timesteps';
export { type TimestepInput } from './forward-process';
export {
  DiscreteScheduler,
  type SchedulerOptions,
  type StepOptions,
  type StepResult,
} from './scheduler-base';
export { DDPMScheduler } from './ddpm';
export { DDIMScheduler } from './ddim';
export { createScheduler, type Scheduler } from './create-scheduler';
export { classifierFreeGuidance, guidanceScaleFromWeight, guidanceWeightFromScale } from './guidance';
export { classifierGuidedEpsilon, classifierLogProbGradient, type NoisyClassifierLike } from './classifier-guidance';
export {
  IterativeForward,
  alphaBarAt,
  expectedPixelStats,
  forwardCoefficients,
  forwardStep,
  noiseClosedForm,
  noiseIterative,
  pixelStats,
  seededNoise,
  standardNormalPdf,
  type ForwardCoefficients,
  type PixelStats,
} from './forward-math';
