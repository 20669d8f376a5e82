/**
 * One panel of <diffusion-sampler>: its settings (sampler, steps, η, label, guidance), the run's
 * x_t and x̂₀ at the scrubber's step, its final samples and numbers, and the quality reading. The
 * element keeps the panels and their runs; this module only renders them and forwards the controls.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDuration } from '../base/format';
import type { PanelRun } from './panel-job';
import {
  MAX_CLASSIFIER_SCALE,
  MAX_GUIDANCE,
  MAX_PANEL_STEPS,
  classifierGradients,
  describePanel,
  expectedNfe,
  guidanceScale,
  guideOf,
  withGuide,
  withLabel,
  type GuideKind,
  type PanelSpec,
  type SamplerName,
} from './panel-spec';
import type { Frame } from '../base/step-frames';

export interface Panel {
  /** Stable identity of the panel (ids of its headings). */
  key: number;
  spec: PanelSpec;
  run: PanelRun | null;
}

/** What a panel's template needs of the widget: its state, and where the controls' edits go. */
export interface PanelView {
  busy: boolean;
  canSample: boolean;
  panelCount: number;
  stale(panel: Panel): boolean;
  frame(run: PanelRun): Frame | null;
  edit(index: number, edit: (spec: PanelSpec) => PanelSpec): void;
  remove(index: number): void;
  sample(index: number): void;
  checkQuality(panel: Panel): void;
}

export function renderPanel(panel: Panel, index: number, view: PanelView): TemplateResult {
  const spec = panel.spec;
  const run = panel.run;
  const id = `panel-${panel.key}`;
  const stale = view.stale(panel);
  const busy = view.busy;
  return html`<section part="panel" class="panel" aria-labelledby=${`${id}-title`} data-panel=${index}>
    <div class="panel-head">
      <h3 id=${`${id}-title`} title=${describePanel(spec)}>${index + 1}. ${panelHeading(spec)}</h3>
      <button type="button" class="remove" ?disabled=${busy || view.panelCount <= 1} aria-label=${`Remove panel ${index + 1}`}
        @click=${() => view.remove(index)}>✕</button>
    </div>
    <div class="panel-settings" role="group" aria-label=${`Settings of panel ${index + 1}`}>
      <label>
        Sampler
        <select class="sampler" ?disabled=${busy}
          @change=${(e: Event) => {
            const sampler = (e.target as HTMLSelectElement).value as SamplerName;
            view.edit(index, (s) => ({ ...s, sampler, eta: sampler === 'ddim' ? s.eta : 0 }));
          }}>
          <option value="ddpm" .selected=${spec.sampler === 'ddpm'}>DDPM</option>
          <option value="ddim" .selected=${spec.sampler === 'ddim'}>DDIM</option>
        </select>
      </label>
      <label>
        Steps
        <input type="number" class="steps" min="1" max=${MAX_PANEL_STEPS} step="1" .value=${String(spec.steps)} ?disabled=${busy}
          @change=${(e: Event) => view.edit(index, (s) => ({ ...s, steps: Number((e.target as HTMLInputElement).value) }))} />
      </label>
      <label>
        η (eta)
        <input type="number" class="eta" min="0" max="1" step="0.1" .value=${String(spec.eta)} ?disabled=${busy || spec.sampler !== 'ddim'}
          title=${spec.sampler === 'ddim' ? '0: deterministic, 1: as noisy as DDPM' : 'η is a DDIM setting'}
          @change=${(e: Event) => view.edit(index, (s) => ({ ...s, eta: Number((e.target as HTMLInputElement).value) }))} />
      </label>
      <label>
        Label
        <select class="label" ?disabled=${busy}
          @change=${(e: Event) => {
            const value = (e.target as HTMLSelectElement).value;
            const label = value === 'none' ? null : Number(value);
            view.edit(index, (s) => withLabel(s, label));
          }}>
          <option value="none" .selected=${spec.label === null}>none</option>
          ${Array.from({ length: 10 }, (_, d) => html`<option value=${d} .selected=${spec.label === d}>${d}</option>`)}
        </select>
      </label>
      <label>
        Guidance
        <select class="guide" ?disabled=${busy || spec.label === null}
          title=${spec.label === null ? 'Choose a label to guide towards' : 'What turns the label into guidance'}
          @change=${(e: Event) => view.edit(index, (s) => withGuide(s, (e.target as HTMLSelectElement).value as GuideKind))}>
          <option value="cfg" .selected=${guideOf(spec) === 'cfg'} title="classifier-free guidance">CFG</option>
          <option value="classifier" .selected=${guideOf(spec) === 'classifier'}>classifier</option>
        </select>
      </label>
      ${guideOf(spec) === 'classifier'
        ? html`<label>
            Scale s
            <input type="number" class="classifier-scale" min="0" max=${MAX_CLASSIFIER_SCALE} step="0.5" .value=${String(spec.classifierScale)}
              ?disabled=${busy} title="Classifier guidance scale (Dhariwal & Nichol 2021): 0 unguided, 1 the plain posterior, more sharpens it"
              @change=${(e: Event) => view.edit(index, (s) => ({ ...s, classifierScale: Number((e.target as HTMLInputElement).value) }))} />
          </label>`
        : html`<label>
            Guidance w
            <input type="number" class="guidance" min="0" max=${MAX_GUIDANCE} step="0.5" .value=${String(spec.guidance)}
              ?disabled=${busy || spec.label === null} title=${spec.label === null ? 'Choose a label to guide towards' : 'Paper convention; diffusers guidance_scale = 1 + w'}
              @change=${(e: Event) => view.edit(index, (s) => ({ ...s, guidance: Number((e.target as HTMLInputElement).value) }))} />
          </label>`}
    </div>
    <p class="scale-note">
      ${spec.label === null
        ? 'Unconditional: choose a label to guide.'
        : guideOf(spec) === 'classifier'
          ? html`Unconditional model steered by a noise-aware classifier's gradient${spec.classifierScale === 0 ? ' (s = 0: unguided)' : ''}`
          : html`diffusers: <code>guidance_scale=${formatShort(guidanceScale(spec.guidance))}</code>${spec.guidance === 0 ? ' (conditional, unguided)' : ''}`}
      · ${expectedNfe(spec)} network evaluations${classifierGradients(spec) > 0 ? html` + ${classifierGradients(spec)} classifier gradients` : ''} per image
    </p>
    ${renderRun(panel, index, stale, view)}
    <div class="row">
      <button type="button" class="sample" ?disabled=${busy || !view.canSample} @click=${() => view.sample(index)}>Sample</button>
      ${run?.state === 'done' && run.images
        ? html`<button type="button" class="quality" ?disabled=${busy || run.quality?.state === 'running'} @click=${() => view.checkQuality(panel)}>
            Check quality
          </button>`
        : nothing}
    </div>
    ${run?.quality
      ? html`<div part="quality" class="quality-result">
          <p class=${run.quality.state === 'error' ? 'quality-error' : 'quality-text'} role="status">
            ${run.quality.text}
          </p>
        </div>`
      : nothing}
  </section>`;
}

function renderRun(panel: Panel, index: number, stale: boolean, view: PanelView): TemplateResult {
  const run = panel.run;
  if (!run) {
    return html`<div class="placeholder">Not sampled yet.</div>`;
  }
  const frame = view.frame(run);
  const where = !frame
    ? 'waiting for the first step…'
    : frame.timestep === null
      ? 'final samples'
      : frame.index === 0
        ? `x_T (step 1 of ${run.frames.total}, t = ${frame.timestep})`
        : `step ${frame.index + 1} of ${run.frames.total}, t = ${frame.timestep}`;
  return html`<div class=${stale ? 'stale' : ''}>
    ${stale ? html`<p class="stale-note">Settings changed since this was sampled: press Sample.</p>` : nothing}
    <div part="steps">
      <div class="frame-row"><span>x<sub>t</sub></span><canvas class="digit xt" data-panel=${index} width="230" height="56"></canvas></div>
      <div class="frame-row"><span>x̂<sub>0</sub></span><canvas class="digit x0hat" data-panel=${index} width="230" height="56"></canvas></div>
      <p class="frame-caption">${where}</p>
      ${run.state === 'running'
        ? html`<label class="inline">
            <progress max=${Math.max(1, run.spec.steps)} .value=${run.frames.received}></progress>
            <span class="run-progress">step ${run.frames.received} of ${run.spec.steps}</span>
          </label>`
        : nothing}
    </div>
    ${run.images
      ? html`<figure part="images">
          <canvas class="digit grid" data-panel=${index}></canvas>
          <figcaption>${run.count} samples, seed ${run.seed}${run.spec.label === null ? '' : `, label ${run.spec.label}`}</figcaption>
        </figure>
        <dl part="numbers">
          <div><dt>NFE</dt><dd class="nfe">${run.nfe}</dd></div>
          <div><dt>wall time</dt><dd class="wall">${formatDuration(run.wallMs)}</dd></div>
        </dl>`
      : run.state === 'stopped'
        ? html`<p class="placeholder">Stopped before the end.</p>`
        : run.state === 'error'
          ? html`<p class="placeholder">${run.error}</p>`
          : nothing}
  </div>`;
}

/** A panel's short heading; its controls show the rest: "DDIM · 20 steps · guided". */
function panelHeading(spec: PanelSpec): string {
  const parts = [spec.sampler.toUpperCase(), `${spec.steps} step${spec.steps === 1 ? '' : 's'}`];
  if (spec.classifierScale !== undefined) parts.push('classifier-guided');
  else if (spec.guidance > 0) parts.push('guided');
  else if (spec.label !== null) parts.push('conditional');
  return parts.join(' · ');
}

function formatShort(x: number): string {
  return String(Number(x.toPrecision(6)));
}
