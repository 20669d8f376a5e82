/**
 * One run of <diffusion-inpaint> in the page's lab: what it keeps (settings, inputs, streamed
 * steps, result, the classifier's reading), the lab request it makes (inpainting by replacement or
 * RePaint, or SDEdit), and how its end is reported (the `diffusion-edited` detail, the status
 * line). Starting, stopping and streaming are the shared job runner's (../base/lab-job.ts).
 */
import type { EditResult, InpaintMethod, Lab, ModelSource, SampleStep } from '../../lab/lab-api';
import { formatDuration } from '../base/format';
import { newRunId, type StreamedRun } from '../base/lab-job';
import { StepFrames } from '../base/step-frames';
import type { EditMode, EditSampler, RunSettings } from './settings';

/** Results kept per step for the step-by-step view (the first ones). */
export const STEP_IMAGES = 4;

export interface EditedDetail {
  mode: EditMode;
  method: InpaintMethod | null;
  sampler: EditSampler;
  steps: number;
  networkSteps: number;
  nfe: number;
  wallMs: number;
  count: number;
  seed: number;
  strength: number | null;
  startTimestep: number | null;
  label: number | null;
  guidance: number;
  source: ModelSource;
}

/** One run of inpainting or SDEdit and what came of it. */
export interface EditRun extends StreamedRun {
  settings: RunSettings;
  /** Identity of the settings and the inputs, to tell when the shown run is out of date. */
  key: string;
  input: Float32Array;
  mask: Float32Array | null;
  expectedSteps: number;
  result: EditResult | null;
  startedAt: number;
  elapsedMs: number;
  reading: { state: 'running' | 'done' | 'error'; labels: number[]; confidences: number[]; message: string } | null;
}

/** A run about to start; `mask` is null for SDEdit. */
export function newEditRun(settings: RunSettings, key: string, input: Float32Array, mask: Float32Array | null, expectedSteps: number): EditRun {
  return {
    id: newRunId(),
    settings,
    key,
    input,
    mask,
    expectedSteps,
    frames: new StepFrames(Math.min(STEP_IMAGES, settings.count)),
    state: 'running',
    result: null,
    error: null,
    startedAt: performance.now(),
    elapsedMs: 0,
    reading: null,
  };
}

/** Asks the lab for the run: inpainting when it has a mask, else SDEdit. */
export function requestEdit(lab: Lab, run: EditRun, opts: { onStep: (step: SampleStep) => void; signal: AbortSignal }): Promise<EditResult> {
  const settings = run.settings;
  const common = {
    image: run.input,
    sampler: settings.sampler,
    steps: settings.steps,
    guidance: settings.guidance,
    label: settings.label,
    count: settings.count,
    seed: settings.seed,
    source: settings.source,
    recordSteps: true,
  };
  return run.mask !== null
    ? lab.inpaint(
        { ...common, mask: run.mask, method: settings.method, jumpLength: settings.jumpLength, resampleCount: settings.steps > 1 ? settings.resampleCount : 1 },
        opts,
      )
    : lab.sdedit({ ...common, strength: settings.strength }, opts);
}

/** The `diffusion-edited` detail of a finished run. */
export function editedDetail(settings: RunSettings, result: EditResult): EditedDetail {
  return {
    mode: settings.mode,
    method: settings.mode === 'inpaint' ? settings.method : null,
    sampler: settings.sampler,
    steps: settings.steps,
    networkSteps: result.steps,
    nfe: result.nfe,
    wallMs: result.wallMs,
    count: result.count,
    seed: settings.seed,
    strength: settings.mode === 'sdedit' ? settings.strength : null,
    startTimestep: result.startTimestep,
    label: settings.label,
    guidance: settings.guidance,
    source: settings.source,
  };
}

/** The status line after a finished run. */
export function editSummary(run: EditRun): string {
  const r = run.result;
  if (!r) return '';
  const what = run.settings.mode === 'inpaint' ? `Filled in ${r.count} time${r.count === 1 ? '' : 's'}` : `Edited into ${r.count} result${r.count === 1 ? '' : 's'}`;
  return `${what}: ${r.steps} network step${r.steps === 1 ? '' : 's'} in ${formatDuration(r.wallMs)} (${formatDuration(r.steps > 0 ? r.wallMs / r.steps : 0)} per step for ${r.count} image${r.count === 1 ? '' : 's'}).`;
}
