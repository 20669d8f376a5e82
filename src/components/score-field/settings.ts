/**
 * Settings of <diffusion-score-field>: defaults, limits and attribute parsers. A light module (no
 * tfjs, no DOM), so the widget docs can import the defaults.
 */
import { TOY_DATASETS, type ToyDatasetName } from '../../toy2d/datasets';
import { NOISINGS, type Noising } from '../../toy2d/noising';
import { TOY_SAMPLERS, type ToySamplerName } from '../../toy2d/samplers';
import { parseEnumAttr, parseFloatAttr, parseIntAttr, type ParseResult, type RawAttr } from '../base/attributes';

export const SCORE_FIELDS = ['both', 'learned', 'true'] as const;
export type ScoreFieldShown = (typeof SCORE_FIELDS)[number];

export interface ScoreFieldSettings {
  dataset: ToyDatasetName;
  noising: Noising;
  seed: number;
  /** Training steps a run goes to. */
  steps: number;
  /** Noise level of the quiver plot, as continuous time t. */
  t: number;
  particles: number;
  sampler: ToySamplerName;
  sampleSteps: number;
  field: ScoreFieldShown;
  batchSize: number;
  learningRate: number;
  hidden: number;
}

export const SCORE_FIELD_DEFAULTS: ScoreFieldSettings = {
  dataset: 'ring',
  noising: 'vp',
  seed: 0,
  steps: 1000,
  t: 0.1,
  particles: 200,
  sampler: 'ode',
  sampleSteps: 60,
  field: 'both',
  batchSize: 256,
  learningRate: 5e-3,
  hidden: 64,
};

export const SCORE_FIELD_LIMITS = {
  maxSteps: 100_000,
  /** t below this has σ so small that the score is huge and the plot says little (tMin of the model). */
  minT: 0.01,
  maxParticles: 1000,
  maxSampleSteps: 500,
  maxBatch: 2048,
  maxHidden: 256,
  maxSeed: 2 ** 32 - 1,
};

/** The attributes, in the order the widget reads them (also its observedAttributes). */
export const SCORE_FIELD_ATTRIBUTES = [
  'dataset',
  'noising',
  'seed',
  'steps',
  't',
  'particles',
  'sampler',
  'sample-steps',
  'field',
  'batch-size',
  'learning-rate',
  'hidden-units',
  'autotrain',
] as const;

const DATASET_HINTS = {
  swissroll: 'did you mean "swiss-roll"?',
  swiss_roll: 'did you mean "swiss-roll"?',
  moons: 'did you mean "two-moons"?',
  two_moons: 'did you mean "two-moons"?',
  gaussians: 'the ring of Gaussians is "ring"',
  mixture: 'the ring of Gaussians is "ring"',
  draw: 'did you mean "drawn"?',
};

const NOISING_HINTS = {
  ddpm: 'DDPM is the variance-preserving process, "vp"',
  ncsn: 'NCSN / SMLD is the variance-exploding process, "ve"',
  smld: 'NCSN / SMLD is the variance-exploding process, "ve"',
};

const SAMPLER_HINTS = {
  'probability-flow': 'the probability-flow ODE is "ode"',
  pf: 'the probability-flow ODE is "ode"',
  ddpm: 'the DDPM step is "ancestral"',
  ald: 'annealed Langevin dynamics is "langevin"',
};

export type SettingParser<K extends keyof ScoreFieldSettings> = (raw: RawAttr) => ParseResult<ScoreFieldSettings[K]>;

const d = SCORE_FIELD_DEFAULTS;
const L = SCORE_FIELD_LIMITS;

export const parseDataset: SettingParser<'dataset'> = (raw) => parseEnumAttr('dataset', raw, TOY_DATASETS, { default: d.dataset, hints: DATASET_HINTS });
export const parseNoising: SettingParser<'noising'> = (raw) => parseEnumAttr('noising', raw, NOISINGS, { default: d.noising, hints: NOISING_HINTS });
export const parseSeed: SettingParser<'seed'> = (raw) => parseIntAttr('seed', raw, { min: 0, max: L.maxSeed, default: d.seed });
export const parseSteps: SettingParser<'steps'> = (raw) => parseIntAttr('steps', raw, { min: 1, max: L.maxSteps, default: d.steps });
export const parseT: SettingParser<'t'> = (raw) => parseFloatAttr('t', raw, { min: L.minT, max: 1, default: d.t });
export const parseParticles: SettingParser<'particles'> = (raw) => parseIntAttr('particles', raw, { min: 1, max: L.maxParticles, default: d.particles });
export const parseSampler: SettingParser<'sampler'> = (raw) => parseEnumAttr('sampler', raw, TOY_SAMPLERS, { default: d.sampler, hints: SAMPLER_HINTS });
export const parseSampleSteps: SettingParser<'sampleSteps'> = (raw) => parseIntAttr('sample-steps', raw, { min: 1, max: L.maxSampleSteps, default: d.sampleSteps });
export const parseField: SettingParser<'field'> = (raw) => parseEnumAttr('field', raw, SCORE_FIELDS, { default: d.field });
export const parseBatchSize: SettingParser<'batchSize'> = (raw) => parseIntAttr('batch-size', raw, { min: 1, max: L.maxBatch, default: d.batchSize });
export const parseLearningRate: SettingParser<'learningRate'> = (raw) =>
  parseFloatAttr('learning-rate', raw, { min: 0, max: 1, minExclusive: true, maxExclusive: true, default: d.learningRate });
export const parseHidden: SettingParser<'hidden'> = (raw) => parseIntAttr('hidden-units', raw, { min: 4, max: L.maxHidden, default: d.hidden });

/** Settings that define the model: changing one starts a new model (the old one cannot be reused). */
export const MODEL_SETTINGS = ['dataset', 'noising', 'seed', 'hidden', 'learningRate'] as const satisfies readonly (keyof ScoreFieldSettings)[];
