/** Parsing of the benchmark's settings, shared by the command line and the browser page. */
import { PRESET_NAMES, type PresetName } from '../model';
import { DEFAULT_BENCH_SETTINGS, type BenchSettings, type BenchStepKind } from './bench-measure';

const STEP_KINDS: readonly BenchStepKind[] = ['trainer', 'adam'];

export interface RawBenchSettings {
  presets?: string;
  step?: string;
  steps?: string;
  batch?: string;
  warmup?: string;
  maxSeconds?: string;
  /** "true" for a batch that grows with the workers (--batch-per-worker). */
  batchPerWorker?: string;
}

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

export function parseBenchSettings(raw: RawBenchSettings): BenchSettings {
  const presets = raw.presets === undefined ? DEFAULT_BENCH_SETTINGS.presets : raw.presets.split(',').filter(Boolean);
  for (const p of presets) {
    if (!(PRESET_NAMES as string[]).includes(p)) throw new Error(`unknown preset "${p}"; allowed: ${PRESET_NAMES.join(', ')}`);
  }
  const step = (raw.step ?? DEFAULT_BENCH_SETTINGS.step) as BenchStepKind;
  if (!STEP_KINDS.includes(step)) throw new Error(`--step must be one of ${STEP_KINDS.join(', ')}, got "${raw.step}"`);
  const maxSeconds = raw.maxSeconds === undefined ? DEFAULT_BENCH_SETTINGS.maxSeconds : Number(raw.maxSeconds);
  if (!(maxSeconds > 0)) throw new Error(`--max-seconds must be a positive number, got "${raw.maxSeconds}"`);
  return {
    presets: presets as PresetName[],
    step,
    steps: positiveInt('steps', raw.steps, DEFAULT_BENCH_SETTINGS.steps),
    batch: positiveInt('batch', raw.batch, DEFAULT_BENCH_SETTINGS.batch),
    warmup: positiveInt('warmup', raw.warmup, DEFAULT_BENCH_SETTINGS.warmup, 0),
    maxSeconds,
    batchPerWorker: raw.batchPerWorker === 'true',
  };
}

/** URL query for the browser page with the same settings. */
export function benchSettingsQuery(settings: BenchSettings, backends: readonly string[]): string {
  const q = new URLSearchParams({
    backends: backends.join(','),
    presets: settings.presets.join(','),
    step: settings.step,
    steps: String(settings.steps),
    batch: String(settings.batch),
    warmup: String(settings.warmup),
    maxSeconds: String(settings.maxSeconds),
    batchPerWorker: String(settings.batchPerWorker),
  });
  return q.toString();
}
