/**
 * One panel's sampling run of <diffusion-sampler> in the page's lab: what it keeps (settings,
 * streamed steps for the scrubber, samples, x_T, numbers, the quality reading), the lab request
 * it makes, and how it is reported (the `diffusion-sampled` detail, the `results` getter).
 * Starting, stopping and streaming are the shared job runner's (../base/lab-job.ts).
 */
import type { Lab, ModelSource, SampleResult, SampleStep } from '../../lab/lab-api';
import { newRunId, type StreamedRun } from '../base/lab-job';
import { formatPanel, type PanelSpec } from './panel-spec';
import type { QualityReport } from './quality';
import { StepFrames } from '../base/step-frames';

/** Images per panel kept for the scrubber (the first ones of the grid). */
export const SCRUB_IMAGES = 4;

export interface SampledDetail {
  index: number;
  /** The panel's settings as text (its part of the `panels` attribute). */
  spec: string;
  panel: PanelSpec;
  nfe: number;
  wallMs: number;
  count: number;
  seed: number;
  source: ModelSource;
}

/** What a panel shows, as the tests and host pages may read it. */
export interface PanelResult {
  spec: string;
  nfe: number;
  wallMs: number;
  count: number;
  seed: number;
  source: ModelSource;
  images: Float32Array;
  xT: Float32Array;
}

/** One sampling run of a panel and what came of it. */
export interface PanelRun extends StreamedRun {
  spec: PanelSpec;
  seed: number;
  count: number;
  source: ModelSource;
  images: Float32Array | null;
  xT: Float32Array | null;
  nfe: number;
  wallMs: number;
  quality: { state: 'running' | 'done' | 'error'; text: string; report: QualityReport | null } | null;
}

/** A run about to start. */
export function newPanelRun(spec: PanelSpec, seed: number, count: number, source: ModelSource): PanelRun {
  return {
    id: newRunId(),
    spec,
    seed,
    count,
    source,
    frames: new StepFrames(Math.min(SCRUB_IMAGES, count)),
    state: 'running',
    images: null,
    xT: null,
    nfe: 0,
    wallMs: 0,
    error: null,
    quality: null,
  };
}

/** Asks the lab for the run's samples, recording every step for the scrubber. */
export function requestSamples(lab: Lab, run: PanelRun, opts: { signal: AbortSignal; onStep: (step: SampleStep) => void }): Promise<SampleResult> {
  const spec = run.spec;
  return lab.sample(
    {
      sampler: spec.sampler,
      steps: spec.steps,
      eta: spec.eta,
      guidance: spec.guidance,
      label: spec.label,
      ...(spec.classifierScale === undefined ? {} : { guidanceKind: 'classifier' as const, classifierScale: spec.classifierScale }),
      count: run.count,
      seed: run.seed,
      source: run.source,
      recordSteps: true,
    },
    opts,
  );
}

/** The `diffusion-sampled` detail of a finished run of panel `index`. */
export function sampledDetail(index: number, run: PanelRun): SampledDetail {
  return { index, spec: formatPanel(run.spec), panel: { ...run.spec }, nfe: run.nfe, wallMs: run.wallMs, count: run.count, seed: run.seed, source: run.source };
}

/** A panel's finished samples and x_T, or null for a panel not sampled (or not finished). */
export function panelResult(run: PanelRun | null): PanelResult | null {
  return run && run.state === 'done' && run.images && run.xT
    ? { spec: formatPanel(run.spec), nfe: run.nfe, wallMs: run.wallMs, count: run.count, seed: run.seed, source: run.source, images: run.images, xT: run.xT }
    : null;
}
