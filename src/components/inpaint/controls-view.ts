/**
 * The run settings of <diffusion-inpaint> as controls: method, sampler, steps, RePaint's j and r,
 * SDEdit's strength (with the t₀ it gives), label, guidance, seed, results, model, and the run
 * button with what a run will cost. Each control writes its attribute through the widget.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { MAX_SEED } from '../../data/rng';
import { MODEL_SOURCES, MODEL_SOURCE_NAMES } from '../base/model-line';
import { MAX_EDIT_GUIDANCE, MAX_EDIT_RESULTS, MAX_EDIT_STEPS, MAX_RESAMPLE, networkSteps, type RunSettings, type SdeditPlan } from './settings';

/** What the controls need of the widget. */
export interface ControlsView {
  /** The settings as the controls show them (j and w as given, before they are capped or dropped). */
  shown: RunSettings;
  /** The settings a run would use now. */
  run: RunSettings;
  /** SDEdit's t₀ and steps for `run`. */
  plan: SdeditPlan;
  busy: boolean;
  canRun: boolean;
  /** Whether the attribute's last value was rejected. */
  invalid(attribute: string): boolean;
  /** Writes an attribute from a control. */
  set(attribute: string, value: string): void;
  /** The strength slider moved (its attribute follows; the change is reported when it is let go). */
  slideStrength(value: string): void;
  newSeed(): void;
  start(): void;
  stop(): void;
}

export function renderControls(v: ControlsView): TemplateResult {
  const shown = v.shown;
  const inpainting = shown.mode === 'inpaint';
  const repaint = inpainting && shown.method === 'repaint';
  const busy = v.busy;
  const s = v.run;
  const plan = v.plan;
  const cost = inpainting ? networkSteps(s.method, s.steps, s.jumpLength, s.resampleCount) : plan.runSteps;
  const invalid = (name: string): string => (v.invalid(name) ? 'true' : 'false');
  return html`<div part="controls">
    ${inpainting
      ? html`<label>
          Method
          <select class="method" ?disabled=${busy} aria-invalid=${invalid('method')} @change=${(e: Event) => v.set('method', (e.target as HTMLSelectElement).value)}>
            <option value="replacement" .selected=${shown.method === 'replacement'}>replacement</option>
            <option value="repaint" .selected=${shown.method === 'repaint'}>RePaint (resampling)</option>
          </select>
        </label>`
      : nothing}
    <label>
      Sampler
      <select class="sampler" ?disabled=${busy} aria-invalid=${invalid('sampler')} @change=${(e: Event) => v.set('sampler', (e.target as HTMLSelectElement).value)}>
        <option value="ddpm" .selected=${shown.sampler === 'ddpm'}>DDPM</option>
        <option value="ddim" .selected=${shown.sampler === 'ddim'}>DDIM</option>
      </select>
    </label>
    <label>
      Steps
      <input type="number" class="steps" min="1" max=${MAX_EDIT_STEPS} step="1" .value=${String(shown.steps)} ?disabled=${busy} aria-invalid=${invalid('steps')}
        @change=${(e: Event) => v.set('steps', (e.target as HTMLInputElement).value)} />
    </label>
    ${repaint
      ? html`<label>
            Jump j
            <input type="number" class="jump" min="1" max=${Math.max(1, shown.steps - 1)} step="1" .value=${String(shown.jumpLength)} ?disabled=${busy}
              aria-invalid=${invalid('jump-length')} @change=${(e: Event) => v.set('jump-length', (e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Resamples r
            <input type="number" class="resample" min="1" max=${MAX_RESAMPLE} step="1" .value=${String(shown.resampleCount)} ?disabled=${busy}
              aria-invalid=${invalid('resample-count')} @change=${(e: Event) => v.set('resample-count', (e.target as HTMLInputElement).value)} />
          </label>`
      : nothing}
    ${inpainting
      ? nothing
      : html`<div class="field strength-field">
          <label for="strength">Strength <span class="t0-readout">${shown.strength.toFixed(2)} → ${plan.startTimestep === null ? 'no noise: the drawing is returned as it is' : `t₀ = ${plan.startTimestep} of ${plan.T}, ${plan.runSteps} of ${s.steps} steps`}</span></label>
          <input id="strength" type="range" class="strength" min="0" max="1" step="0.05" .value=${String(shown.strength)} ?disabled=${busy}
            aria-valuetext=${`strength ${shown.strength.toFixed(2)}: ${plan.startTimestep === null ? 'no noise' : `t₀ = ${plan.startTimestep}`}`}
            @change=${(e: Event) => v.set('strength', (e.target as HTMLInputElement).value)}
            @input=${(e: Event) => v.slideStrength((e.target as HTMLInputElement).value)} />
        </div>`}
    <label>
      Label
      <select class="label" ?disabled=${busy} aria-invalid=${invalid('label')}
        @change=${(e: Event) => {
          const value = (e.target as HTMLSelectElement).value;
          if (value === 'none' && shown.guidance > 0) v.set('guidance', '0');
          v.set('label', value);
        }}>
        <option value="none" .selected=${shown.label === null}>none</option>
        ${Array.from({ length: 10 }, (_, d) => html`<option value=${d} .selected=${shown.label === d}>${d}</option>`)}
      </select>
    </label>
    <label>
      Guidance w
      <input type="number" class="guidance" min="0" max=${MAX_EDIT_GUIDANCE} step="0.5" .value=${String(shown.guidance)}
        ?disabled=${busy || shown.label === null} aria-invalid=${invalid('guidance')}
        title=${shown.label === null ? 'Choose a label to guide towards' : 'Paper convention; diffusers guidance_scale = 1 + w'}
        @change=${(e: Event) => v.set('guidance', (e.target as HTMLInputElement).value)} />
    </label>
    <label>
      Seed
      <input type="number" class="seed" min="0" max=${MAX_SEED} step="1" .value=${String(shown.seed)} ?disabled=${busy} aria-invalid=${invalid('seed')}
        @change=${(e: Event) => v.set('seed', (e.target as HTMLInputElement).value)} />
    </label>
    <button type="button" class="new-seed" ?disabled=${busy} @click=${() => v.newSeed()}>New seed</button>
    <label>
      Results
      <input type="number" class="count" min="1" max=${MAX_EDIT_RESULTS} step="1" .value=${String(shown.count)} ?disabled=${busy} aria-invalid=${invalid('count')}
        @change=${(e: Event) => v.set('count', (e.target as HTMLInputElement).value)} />
    </label>
    <label>
      Model
      <select class="source" ?disabled=${busy} aria-invalid=${invalid('source')} @change=${(e: Event) => v.set('source', (e.target as HTMLSelectElement).value)}>
        ${MODEL_SOURCES.map((m) => html`<option value=${m} .selected=${m === shown.source}>${MODEL_SOURCE_NAMES[m]}</option>`)}
      </select>
    </label>
    ${busy
      ? html`<button type="button" class="stop primary" @click=${() => v.stop()}>Stop</button>`
      : html`<button type="button" class="run primary" ?disabled=${!v.canRun} @click=${() => v.start()}>
          ${inpainting ? 'Fill in' : 'Edit'}
        </button>`}
    <span class="cost">${cost} network step${cost === 1 ? '' : 's'}${s.guidance > 0 && s.label !== null ? ' (×2 evaluations: guided)' : ''} per run${repaint && shown.jumpLength > shown.steps - 1 ? ` · j capped at ${s.jumpLength}` : ''}</span>
  </div>`;
}
