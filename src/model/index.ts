export { ModelConfigError, PRESETS, PRESET_NAMES, presetConfig, validateUNetConfig, type PresetName, type UNetConfig } from './config';
export { describeUNet, type LayerDescription, type UNetDescription } from './describe';
export { UNet, UNetWeightsError } from './unet';
