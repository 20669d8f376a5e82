/** Shared pieces for Diffusion Lab widgets: base class and styles, attribute parsing, digits. */
export { DiffusionWidget, widgetStyles, type DiffusionErrorDetail } from './widget-base';
export {
  describeFloatRange,
  describeIntRange,
  listAllowed,
  parseBoolAttr,
  parseEnumAttr,
  parseFloatAttr,
  parseIntAttr,
  parseListAttr,
  quoteAttr,
  type BoolAttrOptions,
  type EnumAttrOptions,
  type FloatAttrOptions,
  type IntAttrOptions,
  type ListAttrOptions,
  type ParseResult,
  type RawAttr,
} from './attributes';
export {
  BETA_SCHEDULE_HINTS,
  MAX_TRAIN_TIMESTEPS,
  attributeForSetting,
  parseBeta,
  parseBetaSchedule,
  parseNumTrainTimesteps,
} from './schedule-attributes';
export { DEFAULT_ASSETS_BASE, loadMnistShared, mnistFolderUrl } from './mnist-cache';
export { DigitPad, canvasToUnit, fallbackDigit } from './digit-pad';
export { formatDuration, formatNumber, formatStat, subscript } from './format';
export { DrawnCanvases, LabJobRunner, newRunId, readWithClassifier, shownFrame, type JobOutcome, type RunState, type StreamedRun } from './lab-job';
export { LabLink, type LabListeners } from './lab-link';
export { MODEL_SOURCES, MODEL_SOURCE_NAMES, ModelLine, describeModel, explainMissingModel } from './model-line';
export * from './shared-styles';
export { StepFrames, frameAt, quantize, type Frame, type RecordedStep } from './step-frames';
