/**
 * The settings of <diffusion-trainer>: its attribute table (see ../base/settings-table.ts), with
 * each default, limit and one-line doc in one row. Pure data and parsing (no tensors, no DOM), so
 * the docs module and unit tests can use them too. The lab checks the same settings again in its
 * worker (src/lab/browser/train-settings.ts) and shares its limits.
 */
import type { LabStatus, TrainSettings } from '../../lab/lab-api';
import { MAX_BATCH, TRAIN_PRESETS } from '../../lab/browser/train-settings';
import { LIVE_RECIPE, liveBatchSize } from '../../training/live-recipe';
import { MAX_PAGE_WORKERS } from '../../training/worker-count';
import { backendSetting, customSetting, defaultOf, enumSetting, floatSetting, intSetting, labAssetsBaseSetting, seedSetting } from '../base/settings-table';

export type TrainPreset = (typeof TRAIN_PRESETS)[number];
export { MAX_BATCH, TRAIN_PRESETS };

/** Longest run the widget offers: its loss curve keeps one point per step. */
export const MAX_TRAIN_STEPS = 20_000;
/** Samples in the preview grid: one per class, labels 0 to 9. */
export const PREVIEW_SAMPLES = 10;

export const PRESET_HINTS: Readonly<Record<string, string>> = Object.freeze({
  base: 'the "base" preset needs a GPU and hours of training; the widget offers "live", "tiny" and "small"',
  medium: 'the widget offers "live" (fastest to learn, for lessons), "tiny" and "small" (the shipped model)',
  large: 'the widget offers "live" (fastest to learn, for lessons), "tiny" and "small" (the shipped model)',
});

/**
 * The attributes, in the order the docs list them. The defaults are the live recipe
 * (src/training/live-recipe.ts), the run `npm run train -- --live` repeats on the command line.
 */
export const TRAINER_SETTINGS = {
  preset: enumSetting<TrainPreset>('preset', TRAIN_PRESETS, {
    default: LIVE_RECIPE.preset,
    hints: PRESET_HINTS,
    doc: 'The U-Net: "live" (155k parameters run at 14×14, the fastest to learn), "tiny" (39k) or "small" (164k, the shipped model’s size). A new preset needs a reset first.',
  }),
  /** "auto": the live recipe's share per worker (liveBatchSize), resolved by the lab when a run starts. */
  batchSize: customSetting<number | 'auto'>('batch-size', {
    default: 'auto',
    type: `"auto" | whole number 1 … ${MAX_BATCH}`,
    doc: `Images per training step: "auto" is ${LIVE_RECIPE.batchPerWorker} per worker (${LIVE_RECIPE.batchPerWorker * 2} with 2 workers), fixed when a run starts; a number is the whole batch, shared by the workers.`,
    parse: (raw, bounds = {}) => {
      const text = raw === null || raw === undefined ? '' : String(raw).trim();
      if (text === '') return { ok: true, value: bounds.default ?? 'auto' };
      if (text === 'auto') return { ok: true, value: 'auto' };
      const n = Number(text);
      if (/^\d+$/.test(text) && n >= 1 && n <= MAX_BATCH) return { ok: true, value: n };
      return { ok: false, message: `batch-size="${text}" is not valid: use "auto" (${LIVE_RECIPE.batchPerWorker} per worker) or a whole number from 1 to ${MAX_BATCH}.` };
    },
  }),
  /** Adam's peak learning rate (Kingma & Ba 2015), strictly between 0 and 1 as the lab requires. */
  learningRate: floatSetting('learning-rate', {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
    default: LIVE_RECIPE.learningRate,
    type: 'number, 0 < lr < 1',
    doc: `Adam’s peak learning rate (after a warm-up of 10 % of the run, at most ${LIVE_RECIPE.warmupSteps} steps).`,
  }),
  steps: intSetting('steps', { min: 1, max: MAX_TRAIN_STEPS, default: LIVE_RECIPE.steps, doc: 'Total training steps to reach; raise it to continue a finished run.' }),
  /** Probability of replacing the label by the null label, so one network learns ε(x, c) and ε(x) (Ho & Salimans 2022). */
  labelDropout: floatSetting('label-dropout', {
    min: 0,
    max: 1,
    default: LIVE_RECIPE.labelDropout,
    type: 'number 0 … 1',
    doc: 'How often the label is replaced by the null label, so the model also learns ε(x) and guidance works.',
  }),
  seed: seedSetting('Seed of the initial weights and the data order.'),
  sampleEvery: intSetting('sample-every', {
    min: 0,
    max: MAX_TRAIN_STEPS,
    default: 100,
    doc: 'Steps between preview grids (digits 0–9, 20 DDIM steps, guidance w = 2); 0 turns them off.',
  }),
  backend: backendSetting(),
  /** Data-parallel training (src/training/data-parallel.ts): "auto", or a fixed count for a reproducible run. */
  workers: customSetting<number | 'auto'>('workers', {
    default: 'auto',
    type: `"auto" | whole number 1 … ${MAX_PAGE_WORKERS}`,
    doc: 'Workers that share each batch: "auto" is one per core (at most 4, fewer on a device with little memory); a fixed count gives a reproducible run. Like backend, it counts for the widget that starts the lab.',
    parse: (raw, bounds = {}) => {
      const text = raw === null || raw === undefined ? '' : String(raw).trim();
      if (text === '') return { ok: true, value: bounds.default ?? 'auto' };
      if (text === 'auto') return { ok: true, value: 'auto' };
      const n = Number(text);
      if (/^\d+$/.test(text) && n >= 1 && n <= MAX_PAGE_WORKERS) return { ok: true, value: n };
      return { ok: false, message: `workers="${text}" is not valid: use "auto" or a whole number from 1 to ${MAX_PAGE_WORKERS}.` };
    },
  }),
  assetsBase: labAssetsBaseSetting('mnist/ and checkpoints/'),
} as const;

/** The settings of a run the attributes choose (the preview grid's size is fixed). */
export type TrainerValues = Omit<TrainSettings, 'sampleCount'>;

const S = TRAINER_SETTINGS;

/** The run settings when no attribute is set: the table's defaults. */
export const TRAINER_DEFAULTS: Readonly<TrainerValues> = Object.freeze({
  preset: defaultOf(S.preset),
  batchSize: defaultOf(S.batchSize),
  learningRate: defaultOf(S.learningRate),
  steps: defaultOf(S.steps),
  labelDropout: defaultOf(S.labelDropout),
  seed: defaultOf(S.seed),
  sampleEvery: defaultOf(S.sampleEvery),
});

/** The settings a run is started or continued with. */
export function trainSettings(values: TrainerValues): TrainSettings {
  return { ...values, sampleCount: PREVIEW_SAMPLES };
}

/**
 * The workers a run started now would most likely have, for the batch control's hint (null when
 * not known yet): the lab trains on a GPU in one worker; on the CPU with the page's fixed count,
 * or the count that won the timed step. The run's progress then reports the real count.
 */
export function expectedWorkers(status: LabStatus | null, asked: number | 'auto'): number | null {
  if (!status) return null;
  if (status.backend !== 'wasm' && status.backend !== 'cpu') return 1;
  if (asked !== 'auto') return asked;
  return status.choice?.backend === status.backend ? status.choice.workers : null;
}

/**
 * What an "auto" batch means here: `auto: 32 per worker → 64` once the batch is known, that is the
 * run's (TrainProgress.autoBatchSize) or else the one the expected workers would get.
 */
export function autoBatchHint(run: { state: string; autoBatchSize?: number } | null, workers: number | null): string {
  const share = `auto: ${LIVE_RECIPE.batchPerWorker} per worker`;
  const batch = run && run.state !== 'idle' && run.autoBatchSize !== undefined ? run.autoBatchSize : workers === null ? null : liveBatchSize(workers);
  return batch === null ? share : `${share} → ${batch}`;
}

/** Whether `name` is one of the presets a run can be started with. */
export function isTrainPreset(name: string): name is TrainPreset {
  return (TRAIN_PRESETS as readonly string[]).includes(name);
}
