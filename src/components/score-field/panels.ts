/** Parts of the template of <diffusion-score-field> that only show values: its numbers and the note on the noising. */
import { html, type TemplateResult } from 'lit';
import type { Noising } from '../../toy2d/noising';
import type { TrainLoopProgress } from '../../toy2d/train-loop';
import type { ScoreFieldSampledDetail } from './events';
import { NO_TRUTH } from './view';

export interface NumbersView {
  progress: TrainLoopProgress | null;
  /** Steps a run goes to (shown before the model exists). */
  steps: number;
  run: ScoreFieldSampledDetail | null;
  /** Whether the data has a closed-form score to compare with. */
  hasTruth: boolean;
  cosineGrid: number;
  cosineData: number;
  /** Weights and backend, or null before the model is built. */
  model: string | null;
}

export function numbersList(v: NumbersView): TemplateResult {
  const p = v.progress;
  const run = v.run;
  const fmt = (x: number | undefined, digits = 4): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits).replace('-', '−'));
  const noTruth = !v.hasTruth;
  return html`<dl part="numbers">
      <dt>training step</dt><dd class="step">${p ? `${p.step} / ${p.targetSteps}` : `0 / ${v.steps}`}</dd>
      <dt>loss ‖ε − ε̂‖² (smoothed)</dt><dd class="loss">${fmt(p?.smoothedLoss)}</dd>
      <dt>speed</dt><dd class="speed">${p && Number.isFinite(p.stepsPerSecond) ? `${p.stepsPerSecond.toFixed(0)} steps/s` : '–'}</dd>
      <dt>training time</dt><dd class="train-time">${p ? `${(p.trainingMs / 1000).toFixed(1)} s` : '–'}</dd>
      <dt>cos(learned, true) on grid</dt><dd class="cos-grid">${noTruth ? NO_TRUTH : fmt(v.cosineGrid, 3)}</dd>
      <dt>cos(learned, true) near data</dt><dd class="cos-data">${noTruth ? NO_TRUTH : fmt(v.cosineData, 3)}</dd>
      <dt>particles on a mode</dt><dd class="on-mode">${run && Number.isFinite(run.onMode) ? `${(100 * run.onMode).toFixed(0)} %, ${run.modesCovered} modes` : noTruth ? NO_TRUTH : '–'}</dd>
      <dt>model</dt><dd class="model-info">${v.model ?? '–'}</dd>
    </dl>`;
}

/** What VP and VE noising do, for the active one. */
export function noisingNote(noising: Noising): TemplateResult {
  return noising === 'vp'
    ? html`<p><strong>VP</strong>: x<sub>t</sub> = α(t)·x<sub>0</sub> + σ(t)·ε with α² + σ² = 1, the continuous DDPM (Song et al. 2021,
                  eq. 11). The data shrink while noise grows, and x<sub>1</sub> is N(0, I).</p>`
    : html`<p><strong>VE</strong>: x<sub>t</sub> = x<sub>0</sub> + σ(t)·ε with σ from 0.01 to 5, the continuous NCSN (Song et al. 2021,
                  eq. 9). The data stay put and drown in ever wider noise, so particles start far outside the plot.</p>`;
}
