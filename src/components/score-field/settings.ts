/**
 * The settings of <diffusion-score-field>: its attribute table (see ../base/settings-table.ts),
 * with the defaults and limits. A light module (no tfjs, no DOM), so the docs and the URL state
 * can read it without defining the element.
 */
import { TOY_DATASETS, type ToyDatasetName } from '../../toy2d/datasets';
import { NOISINGS, type Noising } from '../../toy2d/noising';
import { TOY_SAMPLERS, type ToySamplerName } from '../../toy2d/samplers';
import { boolSetting, enumSetting, floatSetting, intSetting, seedSetting } from '../base/settings-table';

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
};

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

const D = SCORE_FIELD_DEFAULTS;
const L = SCORE_FIELD_LIMITS;

export const SCORE_FIELD_SETTINGS = {
  // `dataset` would shadow HTMLElement.dataset.
  datasetName: enumSetting('dataset', TOY_DATASETS, {
    property: 'datasetName',
    default: D.dataset,
    hints: DATASET_HINTS,
    doc: 'The data; "drawn" lets the reader add points by dragging on the plot (or with the arrow keys and Enter).',
  }),
  noising: enumSetting('noising', NOISINGS, {
    default: D.noising,
    hints: NOISING_HINTS,
    doc: 'Variance preserving (the continuous DDPM) or variance exploding (NCSN), Song et al. 2021. Changing it starts a new model.',
  }),
  seed: seedSetting('Seed of the initial weights, the training noise and the particles.', D.seed),
  steps: intSetting('steps', { min: 1, max: L.maxSteps, default: D.steps, doc: 'Training steps a run goes to; raise it to train on.' }),
  t: floatSetting('t', {
    min: L.minT,
    max: 1,
    default: D.t,
    type: `number ${L.minT} … 1`,
    doc: 'Noise level of the quiver plot, as continuous time t (σ(t) is shown beside it).',
  }),
  particles: intSetting('particles', { min: 1, max: L.maxParticles, default: D.particles, doc: 'Particles released from the prior.' }),
  sampler: enumSetting('sampler', TOY_SAMPLERS, {
    default: D.sampler,
    hints: SAMPLER_HINTS,
    type: '"ode" | "langevin" | "ancestral"',
    doc: 'How particles move: the probability-flow ODE, annealed Langevin dynamics, or ancestral (DDPM / SMLD) steps.',
  }),
  sampleSteps: intSetting('sample-steps', {
    min: 1,
    max: L.maxSampleSteps,
    default: D.sampleSteps,
    doc: 'Steps of the ODE and ancestral samplers, or noise levels of Langevin dynamics (8 updates each).',
  }),
  field: enumSetting('field', SCORE_FIELDS, { default: D.field, doc: 'Which arrows are drawn; the true score exists for "ring" and "drawn".' }),
  batchSize: intSetting('batch-size', { min: 1, max: L.maxBatch, default: D.batchSize, doc: 'Points per training step.' }),
  learningRate: floatSetting('learning-rate', {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
    default: D.learningRate,
    type: 'number, 0 < lr < 1',
    doc: 'Adam’s learning rate. Changing it starts a new model.',
  }),
  hiddenUnits: intSetting('hidden-units', {
    min: 4,
    max: L.maxHidden,
    default: D.hidden,
    doc: 'Units per hidden layer of the 3-layer MLP. Changing it starts a new model.',
  }),
  autotrain: boolSetting('autotrain', { doc: 'Start training as soon as the model is ready.' }),
} as const;

/** Settings that define the model: changing one starts a new model (the old one cannot be reused). */
export const MODEL_SETTINGS = ['dataset', 'noising', 'seed', 'hidden', 'learningRate'] as const satisfies readonly (keyof ScoreFieldSettings)[];
