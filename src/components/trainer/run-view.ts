/**
 * The parts of <diffusion-trainer> that show the run: the preview grid's figure (its canvas is
 * drawn by ./run-charts.ts) and the progress bar with the run's numbers and settings.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatNumber } from '../base/format';
import { formatCount, formatDuration, formatRate } from './format-time';
import { PREVIEW_SAMPLES } from './trainer-settings';
import type { PreviewSamples, TrainingRun } from './training-run';

/** The latest preview grid, or what will appear there; `sampleEvery` is the widget's setting. */
export function previewFigure(samples: PreviewSamples | null, sampleEvery: number): TemplateResult {
  return html`<figure part="images">
          ${samples
            ? html`<canvas class="digit samples" width="288" height="114"></canvas>`
            : html`<div class="placeholder samples-placeholder">
                ${sampleEvery > 0 ? `Samples appear every ${sampleEvery} steps.` : 'Preview samples are off (sample-every="0").'}
              </div>`}
          <figcaption>
            ${samples
              ? html`Step ${samples.step}: digits 0–${Math.min(9, samples.count - 1)} from the same noise, 20 DDIM steps of the EMA weights.`
              : html`${PREVIEW_SAMPLES} samples, one per digit, from the same noise each time.`}
          </figcaption>
        </figure>`;
}

/** Progress towards `total` steps, the latest numbers and the settings the run was trained with. */
export function progressPanel(run: TrainingRun, total: number): TemplateResult {
  const p = run.progress;
  const state = run.state;
  const step = run.step;
  const smoothed = run.history.smoothedLoss;
  return html`<div part="progress">
        <label for="train-progress">
          <span>Progress</span>
          <span class="step-readout">step ${formatCount(step)} of ${formatCount(total)}</span>
        </label>
        <progress id="train-progress" max=${Math.max(1, total)} .value=${Math.min(step, total)}></progress>
        <dl part="numbers">
          <div><dt>loss</dt><dd class="loss">${p && Number.isFinite(p.loss) ? formatNumber(p.loss) : '–'}</dd></div>
          <div><dt>smoothed</dt><dd class="smoothed">${Number.isFinite(smoothed) ? formatNumber(smoothed) : '–'}</dd></div>
          <div><dt>speed</dt><dd class="speed">${formatRate(p?.stepsPerSecond ?? 0)}</dd></div>
          <div><dt>workers</dt><dd class="workers">${p?.workers ?? '–'}</dd></div>
          <div><dt>time left</dt><dd class="eta">${state === 'running' ? formatDuration(p?.etaSeconds ?? Infinity) : state === 'done' ? '0 s' : '–'}</dd></div>
        </dl>
        ${p
          ? html`<p class="run-summary">
              This run: ${p.settings.preset} preset, batch ${p.settings.batchSize}, learning rate ${p.settings.learningRate},
              label dropout ${p.settings.labelDropout}, seed ${p.settings.seed}.
            </p>`
          : nothing}
        ${p?.notice ? html`<p class="notice" role="status">${p.notice}</p>` : nothing}
      </div>`;
}
