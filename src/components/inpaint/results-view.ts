/**
 * What <diffusion-inpaint> shows of a run: the input and what the model was given, the results
 * with the reference classifier's reading, the numbers (wall time, network steps, NFE, t₀), and
 * the step-by-step view with its scrubber. The element keeps the run; this module only renders
 * and draws it, and forwards the scrubber.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDuration } from '../base/format';
import type { DrawnCanvases } from '../base/lab-job';
import type { Frame } from '../base/step-frames';
import { drawMasked } from './draw';
import { PIXELS } from './pixel-layer';
import { STEP_IMAGES, type EditRun } from './edit-job';
import type { EditMode } from './settings';

/** What the results need of the widget. */
export interface ResultsView {
  /** The mode chosen now (the run may have used the other). */
  mode: EditMode;
  /** The key of the settings and inputs now: a run with another is out of date. */
  key: string;
  frame(run: EditRun): Frame | null;
  scrubTo(frame: number): void;
}

export function renderResults(run: EditRun | null, view: ResultsView): TemplateResult {
  if (!run) {
    return html`<div part="results"><p class="placeholder">${view.mode === 'inpaint' ? 'Press “Fill in” to let the model complete the masked region.' : 'Press “Edit” to turn your drawing into digits.'}</p></div>`;
  }
  const stale = run.state !== 'running' && run.key !== view.key;
  const result = run.result;
  const inpainting = run.settings.mode === 'inpaint';
  return html`<div part="results" class=${stale ? 'stale' : ''}>
    ${stale ? html`<p class="stale-note">The settings or the image changed since this run: press ${view.mode === 'inpaint' ? 'Fill in' : 'Edit'} again.</p>` : nothing}
    <div part="images">
      <figure class="given">
        <canvas class="digit original"></canvas>
        <figcaption>${inpainting ? 'original' : 'your drawing'}</figcaption>
      </figure>
      ${inpainting
        ? html`<figure class="given"><canvas class="digit masked"></canvas><figcaption>what the model keeps</figcaption></figure>`
        : result
          ? html`<figure class="given"><canvas class="digit start"></canvas><figcaption>noised to t₀ = ${result.startTimestep ?? 0}</figcaption></figure>`
          : nothing}
      ${result
        ? Array.from({ length: result.count }, (_, i) => renderResult(run, i))
        : run.state === 'running'
          ? html`<p class="placeholder running-note">Working… step ${run.frames.received} of ${run.expectedSteps}, ${formatDuration(run.elapsedMs)} so far.</p>`
          : run.state === 'stopped'
            ? html`<p class="placeholder">Stopped before the end.</p>`
            : html`<p class="placeholder run-error">${run.error}</p>`}
    </div>
    ${run.reading?.state === 'error' ? html`<p class="run-error reading-error">${run.reading.message}</p>` : nothing}
    ${renderNumbers(run)}
    ${renderSteps(run, view)}
  </div>`;
}

function renderResult(run: EditRun, i: number): TemplateResult {
  const reading = run.reading;
  const label = reading?.state === 'done' ? reading.labels[i] : undefined;
  const confidence = reading?.state === 'done' ? reading.confidences[i] : undefined;
  return html`<figure class="result-figure">
    <canvas class="digit result" data-index=${i}></canvas>
    <figcaption>
      seed ${run.settings.seed + i}
      <span class="reads">${label === undefined || confidence === undefined ? (reading?.state === 'running' ? 'reading…' : '') : `reads ${label} (${Math.round(confidence * 100)} %)`}</span>
    </figcaption>
  </figure>`;
}

function renderNumbers(run: EditRun): TemplateResult {
  const r = run.result;
  const steps = r ? r.steps : run.frames.received;
  const wall = r ? r.wallMs : run.elapsedMs;
  return html`<dl part="numbers">
    <div><dt>wall time</dt><dd class="wall">${formatDuration(wall)}${run.state === 'running' ? ' so far' : ''}</dd></div>
    <div><dt>network steps</dt><dd class="network-steps">${steps}${run.state === 'running' ? ` of ${run.expectedSteps}` : ''}</dd></div>
    <div><dt>per step</dt><dd class="per-step">${steps > 0 ? formatDuration(wall / steps) : '–'}</dd></div>
    ${r ? html`<div><dt>NFE per image</dt><dd class="nfe">${r.nfe}</dd></div>` : nothing}
    ${r && run.settings.mode === 'sdedit' ? html`<div><dt>t₀</dt><dd class="t0">${r.startTimestep ?? '–'}</dd></div>` : nothing}
  </dl>`;
}

function renderSteps(run: EditRun, view: ResultsView): TemplateResult {
  const total = run.frames.total;
  const frame = view.frame(run);
  const position = frame ? frame.index : 0;
  const where = !frame
    ? 'waiting for the first step…'
    : frame.timestep === null
      ? 'the results'
      : `step ${frame.index + 1} of ${total}, t = ${frame.timestep}`;
  const disabled = run.state === 'running' || total === 0;
  return html`<section part="steps" aria-labelledby="steps-title">
    <h3 id="steps-title">Step by step</h3>
    <label>
      <span class="visually-hidden">Denoising step</span>
      <input type="range" class="scrub" min="0" max=${Math.max(1, total)} step="1" .value=${String(position)} ?disabled=${disabled}
        aria-valuetext=${where}
        @input=${(e: Event) => view.scrubTo(Number((e.target as HTMLInputElement).value))} />
    </label>
    <div class="frame-row"><span>x<sub>t</sub></span><canvas class="digit xt"></canvas></div>
    <div class="frame-row"><span>x̂<sub>0</sub></span><canvas class="digit x0hat"></canvas></div>
    <p class="frame-caption">${where}${run.settings.mode === 'inpaint' && run.settings.method === 'repaint' && run.settings.resampleCount > 1 ? ' · t goes back up at every jump' : ''}</p>
    ${run.state === 'running'
      ? html`<progress max=${Math.max(1, run.expectedSteps)} .value=${run.frames.received}></progress>`
      : nothing}
  </section>`;
}

/** Draws the run's canvases, each only when what it shows changed: the input, what the model keeps, the results, and `frame`. */
export function drawResults(root: ParentNode, run: EditRun, frame: Frame | null, drawn: DrawnCanvases): void {
  const large = (label: string) => ({ scale: 3, gap: 2, label });
  const original = root.querySelector<HTMLCanvasElement>('canvas.original');
  if (original) drawn.grid(original, `${run.id}`, run.input, 1, large(run.settings.mode === 'inpaint' ? 'The original digit' : 'Your drawing'));
  const masked = root.querySelector<HTMLCanvasElement>('canvas.masked');
  if (masked && run.mask && drawn.changed(masked, `${run.id}`)) {
    drawMasked(masked, run.input, run.mask, 3, 'What the model keeps: the digit with the region to fill in painted orange');
  }
  const start = root.querySelector<HTMLCanvasElement>('canvas.start');
  if (start && run.result) {
    drawn.grid(start, `${run.id}`, run.result.xStart, 1, large(`Your drawing noised to t₀ = ${run.result.startTimestep ?? 0} (seed ${run.settings.seed})`));
  }
  if (run.result) {
    for (let i = 0; i < run.result.count; i++) {
      const canvas = root.querySelector<HTMLCanvasElement>(`canvas.result[data-index="${i}"]`);
      if (canvas) drawn.grid(canvas, `${run.id}`, run.result.images.subarray(i * PIXELS, (i + 1) * PIXELS), 1, large(`Result ${i + 1}, seed ${run.settings.seed + i}`));
    }
  }
  const shown = Math.min(STEP_IMAGES, run.settings.count);
  const xt = root.querySelector<HTMLCanvasElement>('canvas.xt');
  const x0 = root.querySelector<HTMLCanvasElement>('canvas.x0hat');
  if (frame && xt && x0) {
    const where = frame.timestep === null ? 'the results' : `step ${frame.index + 1} of ${run.frames.total}, t = ${frame.timestep}`;
    drawn.grid(xt, `${run.id}:${frame.index}`, frame.xt, shown, { scale: 2, gap: 2, label: `x_t of the first ${shown} results at ${where}` });
    drawn.grid(x0, `${run.id}:${frame.index}`, frame.x0, shown, { scale: 2, gap: 2, label: `Predicted clean images x̂₀ at ${where}` });
  }
}
