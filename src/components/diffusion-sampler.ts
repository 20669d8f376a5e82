/**
 * <diffusion-sampler>: samplers side by side. Each panel runs DDPM (Ho et al. 2020, Algorithm 2)
 * or DDIM (Song et al. 2021, eq. 12), optionally with classifier-free guidance (Ho & Salimans
 * 2022, eq. 6) or classifier guidance by a noise-aware classifier (Dhariwal & Nichol 2021,
 * eq. 14), and every panel starts from the same x_T, drawn from the seed. A shared scrubber
 * plays or steps through the reverse process showing x_t and the predicted x̂₀ of each panel;
 * under it, each panel's final samples, its wall time and network evaluations (NFE), and on
 * request what a reference classifier reads in them. The page's lab (a Web Worker) samples.
 *
 * Attributes: the table in ./sampler/settings.ts (panels, seed, count, source, backend,
 * assets-base); the `panels` grammar is in ./sampler/panel-spec.ts. All are reflected; a bad
 * value shows a message inside the widget and the last good value stays in use.
 *
 * Nothing samples until asked (no autoplay): "Sample all" or a panel's own button.
 *
 * Events (bubbling, composed): `diffusion-sampled` {index, spec, panel, nfe, wallMs, count, seed,
 * source} when a panel has finished; `diffusion-step` {position, max, panels: [{index, frame,
 * total, timestep}]} when the scrubber moves; `diffusion-change` {name, value} when a control
 * changes a setting; `diffusion-error` {attribute, message} when a value is rejected or the lab
 * reports a problem.
 *
 * Parts: controls, model, scrubber, panels, panel, steps, images, numbers, quality, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { BackendPreference } from '../backend/names';
import { MAX_SEED } from '../data/rng';
import { meanPairwiseDistance } from '../eval/diversity';
import type { Lab, LabEvents, LabStatus, ModelSource } from '../lab/lab-api';
import type { RawAttr } from './base/attributes';
import { backendLine } from './base/backend-line';
import { formatDuration } from './base/format';
import { DrawnCanvases, LabJobRunner, readWithClassifier, shownFrame } from './base/lab-job';
import { LabLink } from './base/lab-link';
import { MODEL_SOURCES, MODEL_SOURCE_NAMES, ModelLine, explainMissingModel } from './base/model-line';
import { settingProperties } from './base/settings-table';
import { frameAt, type Frame, type StepFrames } from './base/step-frames';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { gridColumns } from './sampler/grid-columns';
import { MAX_PANELS, defaultPanels, describePanel, formatPanel, formatPanels, type PanelSpec } from './sampler/panel-spec';
import { SCRUB_IMAGES, newPanelRun, panelResult, requestSamples, sampledDetail, type PanelResult, type PanelRun, type SampledDetail } from './sampler/panel-job';
import { renderPanel, type Panel, type PanelView } from './sampler/panel-view';
import { describeQuality, qualityOf } from './sampler/quality';
import { ScrubPlayer, scrubMax, scrubText, stepDetail, type SamplerStepDetail } from './sampler/scrubber';
import { DEFAULT_SAMPLES_PER_PANEL, MAX_SAMPLES_PER_PANEL, SAMPLER_SETTINGS } from './sampler/settings';
import { samplerStyles } from './sampler/styles';
import { errorSentence } from './trainer/lab-connection';

export { MODEL_SOURCES };
export type { PanelResult, SampledDetail, SamplerStepDetail };
const S = SAMPLER_SETTINGS;

export interface SamplerChangeDetail {
  name: string;
  value: string | number;
}

let nextKey = 1;

export class DiffusionSampler extends DiffusionWidget {
  static override styles = samplerStyles;

  static override properties = settingProperties(SAMPLER_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, SAMPLER_SETTINGS);
  // The raw attribute values (see ./sampler/settings.ts), parsed in willUpdate.
  declare panels: RawAttr;
  declare seed: RawAttr;
  declare count: RawAttr;
  declare source: RawAttr;
  declare backend: RawAttr;
  declare assetsBase: RawAttr;

  @state() private note = '';

  // The last good settings.
  private specs: PanelSpec[] = defaultPanels();
  private seedValue = 0;
  private countValue = DEFAULT_SAMPLES_PER_PANEL;
  private sourceValue: ModelSource = 'shipped';
  private backendChoice: BackendPreference = 'auto';
  private assets: string | null = null;

  private panelList: Panel[] = this.specs.map((spec) => ({ key: nextKey++, spec, run: null }));
  /** Scrubber position as a share of the way from x_T (0) to the final samples (1). */
  private fraction = 1;
  private readonly link = new LabLink(this, { 'train-progress': (e) => this.onTrainProgress(e) });
  private readonly model = new ModelLine(this, () => this.sourceValue, explainSamplerModel);
  private readonly jobs = new LabJobRunner(this);
  private readonly player = new ScrubPlayer(this, {
    fraction: () => this.fraction,
    move: (position, max) => this.moveScrubber(position, max),
    reducedMotion: () => this.prefersReducedMotion(),
  });
  private lastTrainState = '';
  private lastStepKey = '';
  /** What each canvas shows now, so a frame redraws only what changed. */
  private readonly drawn = new DrawnCanvases();

  private get lab(): Lab | null {
    return this.link.lab;
  }

  private onTrainProgress(e: CustomEvent<LabEvents['train-progress']>): void {
    // The page's model appeared, changed state or went away: what "trained" means may have changed.
    const key = `${e.detail.state}:${e.detail.state === 'running' ? '' : e.detail.step}`;
    if (key === this.lastTrainState) return;
    this.lastTrainState = key;
    if (this.sourceValue === 'trained' && e.detail.state !== 'running') this.model.refresh(this.lab, true);
  }

  /** Each panel's finished samples and x_T (null for a panel not sampled yet). */
  get results(): Array<PanelResult | null> {
    return this.panelList.map(({ run }) => panelResult(run));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.connect();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.applyAttr('panels', S.panels.parse(this.panels), (specs) => this.setSpecs(specs), `"${formatPanels(this.specs)}"`);
    this.applyAttr('seed', S.seed.parse(this.seed), (v) => (this.seedValue = v), `seed ${this.seedValue}`);
    this.applyAttr('count', S.count.parse(this.count), (v) => (this.countValue = v), String(this.countValue));
    this.applyAttr('source', S.source.parse(this.source), (v) => (this.sourceValue = v), `"${this.sourceValue}"`);
    this.applyAttr('backend', S.backend.parse(this.backend), (v) => (this.backendChoice = v), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', S.assetsBase.parse(this.assetsBase), (v) => (this.assets = v), this.assets === null ? 'the default' : `"${this.assets}"`);
    // The lab starts with the first settings read (so the first render already offers its buttons).
    if (!this.hasUpdated && this.isConnected) this.connect();
    this.model.refresh(this.lab);
  }

  /** New panel settings: panels keep their place (and their last run) by position. */
  private setSpecs(specs: PanelSpec[]): void {
    this.specs = specs;
    const old = this.panelList;
    this.panelList = specs.map((spec, i) => (old[i] ? { ...old[i], spec } : { key: nextKey++, spec, run: null }));
  }

  private connect(): void {
    this.model.refresh(this.link.connect(this.backendChoice, this.assets));
  }

  // ------------------------------------------------------------------------------------------
  // Sampling
  // ------------------------------------------------------------------------------------------

  /** Samples every panel, one after another, from the same x_T. */
  async sampleAll(): Promise<void> {
    await this.run(this.panelList.map((_, i) => i));
  }

  /** Samples one panel. */
  async samplePanel(index: number): Promise<void> {
    await this.run([index]);
  }

  private async run(indices: number[]): Promise<void> {
    const lab = this.lab;
    if (!lab || this.jobs.running) return;
    this.player.stop();
    const signal = this.jobs.begin();
    if (!signal) return;
    this.clearError('sampling');
    let finished = 0;
    try {
      for (const index of indices) {
        if (signal.aborted) break;
        const panel = this.panelList[index];
        if (!panel) continue;
        const ok = await this.sampleInto(lab, panel, index, signal);
        if (!ok) break;
        finished += 1;
      }
    } finally {
      this.fraction = 1;
      this.jobs.end();
    }
    if (signal.aborted) this.note = `Stopped. ${finished} of ${indices.length} panel${indices.length === 1 ? '' : 's'} finished.`;
    else if (finished === indices.length) this.note = this.summary();
    this.emitStep();
  }

  /** One panel's run; false when sampling should not go on (stopped or failed). */
  private async sampleInto(lab: Lab, panel: Panel, index: number, signal: AbortSignal): Promise<boolean> {
    const spec = panel.spec;
    const run = newPanelRun(spec, this.seedValue, this.countValue, this.sourceValue);
    panel.run = run;
    this.note = `Sampling panel ${index + 1}: ${describePanel(spec)}…`;
    this.jobs.frames.request();
    const outcome = await this.jobs.settle(requestSamples(lab, run, { signal, onStep: this.jobs.recorder(run.frames) }));
    if (outcome.state === 'stopped') {
      run.state = 'stopped';
      return false;
    }
    if (outcome.state === 'error') {
      run.state = 'error';
      run.error = errorSentence(outcome.error);
      const message = this.model.explain(run.source, outcome.error);
      this.showError('sampling', `Panel ${index + 1} could not sample: ${message}`);
      return false;
    }
    const result = outcome.value;
    run.images = result.images;
    run.xT = result.xT;
    run.nfe = result.nfe;
    run.wallMs = result.wallMs;
    run.frames.finish(result.images);
    run.state = 'done';
    this.emit<SampledDetail>('diffusion-sampled', sampledDetail(index, run));
    return true;
  }

  stopSampling(): void {
    this.jobs.stop();
  }

  private async checkQuality(panel: Panel): Promise<void> {
    const run = panel.run;
    const lab = this.lab;
    if (!lab || !run?.images || run.quality?.state === 'running') return;
    run.quality = { state: 'running', text: 'Asking the reference classifier…', report: null };
    this.requestUpdate();
    const read = await readWithClassifier(lab, run.images, run.count);
    if (read.ok) {
      const report = qualityOf(read.value, run.spec.label, meanPairwiseDistance(run.images, run.count, run.images.length / run.count));
      run.quality = { state: 'done', text: describeQuality(report), report };
    } else {
      run.quality = { state: 'error', text: read.message, report: null };
      this.emit('diffusion-error', { attribute: 'quality', message: read.message });
    }
    this.requestUpdate();
  }

  /** Asks the reference classifier about every sampled panel, one after another (to compare them). */
  async checkAllQuality(): Promise<void> {
    for (const panel of this.panelList) if (panel.run?.state === 'done' && panel.run.images) await this.checkQuality(panel);
  }

  private summary(): string {
    const done = this.panelList.map((p) => p.run).filter((r): r is PanelRun => r?.state === 'done');
    if (done.length === 0) return '';
    return `Sampled ${done.map((r) => `${r.spec.sampler.toUpperCase()} ${r.spec.steps} steps in ${formatDuration(r.wallMs)}`).join(', ')}.`;
  }

  // ------------------------------------------------------------------------------------------
  // The scrubber (./sampler/scrubber.ts plays it)
  // ------------------------------------------------------------------------------------------

  private panelFrames(): Array<StepFrames | undefined> {
    return this.panelList.map((p) => p.run?.frames);
  }

  private moveScrubber(position: number, max: number): void {
    this.fraction = max > 0 ? Math.max(0, Math.min(1, position / max)) : 1;
    this.requestUpdate();
    this.emitStep();
  }

  private emitStep(): void {
    const detail = stepDetail(this.panelFrames(), this.fraction);
    if (!detail) return;
    const key = `${detail.position}/${detail.max}:${detail.panels.map((p) => p.frame).join(',')}`;
    if (key === this.lastStepKey) return;
    this.lastStepKey = key;
    this.emit<SamplerStepDetail>('diffusion-step', detail);
  }

  // ------------------------------------------------------------------------------------------
  // Settings from the controls (the attributes hold them)
  // ------------------------------------------------------------------------------------------

  private change(name: string, value: string | number): void {
    this.emit<SamplerChangeDetail>('diffusion-change', { name, value });
  }

  private editPanel(index: number, edit: (spec: PanelSpec) => PanelSpec): void {
    const specs = this.panelList.map((p) => ({ ...p.spec }));
    specs[index] = edit(specs[index]);
    this.writePanels(specs);
  }

  private writePanels(specs: PanelSpec[]): void {
    const value = formatPanels(specs);
    this.panels = value;
    this.change('panels', value);
  }

  private addPanel(): void {
    if (this.panelList.length >= MAX_PANELS) return;
    this.writePanels([...this.panelList.map((p) => p.spec), { sampler: 'ddim', steps: 20, eta: 0, guidance: 0, label: null }]);
  }

  private removePanel(index: number): void {
    if (this.panelList.length <= 1) return;
    const kept = this.panelList.filter((_, i) => i !== index);
    // Keep each remaining panel's run with it.
    this.panelList = kept;
    this.specs = kept.map((p) => p.spec);
    this.writePanels(this.specs);
    this.note = `Removed panel ${index + 1}.`;
  }

  private setSeed(raw: string): void {
    this.seed = raw;
    this.change('seed', Number(raw));
  }

  private newSeed(): void {
    const seed = Math.floor(Math.random() * 1_000_000);
    this.setSeed(String(seed));
    this.note = `New seed ${seed}: press Sample all for a new x_T.`;
  }

  // ------------------------------------------------------------------------------------------
  // Drawing (on the frame cadence: updates come from the job runner or user input)
  // ------------------------------------------------------------------------------------------

  /** The frame a panel shows now: the live one while it samples (unless motion is reduced), else the scrubber's. */
  private shownFrame(run: PanelRun): Frame | null {
    return shownFrame(run, this.prefersReducedMotion(), () => {
      const max = scrubMax(this.panelFrames());
      return frameAt(this.fraction * max, max, run.frames.total);
    });
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.guard('drawing', () => this.draw(), undefined);
  }

  private draw(): void {
    const root = this.renderRoot;
    this.panelList.forEach((panel, index) => {
      const run = panel.run;
      if (!run) return;
      const frame = this.shownFrame(run);
      const shown = Math.min(SCRUB_IMAGES, run.count);
      const xt = root.querySelector<HTMLCanvasElement>(`canvas.xt[data-panel="${index}"]`);
      const x0 = root.querySelector<HTMLCanvasElement>(`canvas.x0hat[data-panel="${index}"]`);
      if (frame && xt && x0) {
        const where = frame.timestep === null ? 'the final samples' : `step ${frame.index + 1} of ${run.frames.total}, t = ${frame.timestep}`;
        this.drawn.grid(xt, `${run.id}:${frame.index}`, frame.xt, shown, { scale: 2, gap: 2, label: `x_t of the first ${shown} samples at ${where}` });
        this.drawn.grid(x0, `${run.id}:${frame.index}`, frame.x0, shown, { scale: 2, gap: 2, label: `Predicted clean images x̂₀ at ${where}` });
      }
      const grid = root.querySelector<HTMLCanvasElement>(`canvas.grid[data-panel="${index}"]`);
      if (grid && run.images) {
        this.drawn.grid(grid, `${run.id}:final`, run.images, run.count, {
          cols: gridColumns(run.count),
          scale: run.count <= 16 ? 2 : 1,
          gap: 2,
          label: `${run.count} final samples of ${describePanel(run.spec)}`,
        });
      }
    });
  }

  // ------------------------------------------------------------------------------------------
  // Rendering (each panel: ./sampler/panel-view.ts)
  // ------------------------------------------------------------------------------------------

  private panelView(): PanelView {
    return {
      busy: this.jobs.running,
      canSample: this.lab !== null,
      panelCount: this.panelList.length,
      stale: (panel) => this.isStale(panel),
      frame: (run) => this.shownFrame(run),
      edit: (index, edit) => this.editPanel(index, edit),
      remove: (index) => this.removePanel(index),
      sample: (index) => void this.samplePanel(index),
      checkQuality: (panel) => void this.checkQuality(panel),
    };
  }

  private isStale(panel: Panel): boolean {
    const run = panel.run;
    if (!run || run.state === 'running') return false;
    return formatPanel(run.spec) !== formatPanel(panel.spec) || run.seed !== this.seedValue || run.count !== this.countValue || run.source !== this.sourceValue;
  }

  private statusText(): string {
    if (this.jobs.running) return this.note || 'Sampling…';
    if (this.note) return this.note;
    return 'Press “Sample all” to run every panel from the same noise.';
  }

  protected override render(): TemplateResult {
    const max = scrubMax(this.panelFrames());
    const position = Math.round(this.fraction * max);
    const ready = this.lab !== null && !this.errors.has('lab');
    const view = this.panelView();
    return html`
      ${this.embed.render()}
      <h2 part="title">Sampling: DDPM, DDIM and guidance</h2>
      <p class="intro">
        Every panel starts from the same noise x<sub>T</sub> and removes it step by step. Compare how many network
        evaluations each sampler needs, and what guidance does to the digits.
      </p>
      ${this.renderErrors()}
      <div part="controls">
        <label>
          <span>Seed of x<sub>T</sub></span>
          <input type="number" class="seed" min="0" max=${MAX_SEED} step="1" .value=${String(this.seedValue)}
            aria-invalid=${this.errors.has('seed') ? 'true' : 'false'} ?disabled=${this.jobs.running}
            @change=${(e: Event) => this.setSeed((e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" class="new-seed" ?disabled=${this.jobs.running} @click=${() => this.newSeed()}>New seed</button>
        <label>
          Samples per panel
          <input type="number" class="count" min="1" max=${MAX_SAMPLES_PER_PANEL} step="1" .value=${String(this.countValue)}
            aria-invalid=${this.errors.has('count') ? 'true' : 'false'} ?disabled=${this.jobs.running}
            @change=${(e: Event) => {
              this.count = (e.target as HTMLInputElement).value;
              this.change('count', Number(this.count));
            }} />
        </label>
        <label>
          Model
          <select class="source" ?disabled=${this.jobs.running} aria-invalid=${this.errors.has('source') ? 'true' : 'false'}
            @change=${(e: Event) => {
              this.source = (e.target as HTMLSelectElement).value;
              this.change('source', this.source);
            }}>
            ${MODEL_SOURCES.map((s) => html`<option value=${s} .selected=${s === this.sourceValue}>${MODEL_SOURCE_NAMES[s]}</option>`)}
          </select>
        </label>
        <button type="button" class="add-panel" ?disabled=${this.jobs.running || this.panelList.length >= MAX_PANELS} @click=${() => this.addPanel()}>
          Add panel
        </button>
        <button type="button" class="quality-all" ?disabled=${this.jobs.running || !this.panelList.some((p) => p.run?.state === 'done')}
          title="Accuracy, confidence and diversity of every sampled panel" @click=${() => void this.checkAllQuality()}>
          Check quality of all
        </button>
        ${this.jobs.running
          ? html`<button type="button" class="stop primary" @click=${() => this.stopSampling()}>Stop</button>`
          : html`<button type="button" class="sample-all primary" ?disabled=${!ready} @click=${() => void this.sampleAll()}>Sample all</button>`}
      </div>
      <div part="model" class="model">
        ${this.model.render()}
        ${this.link.status ? this.renderBackend(this.link.status) : nothing}
      </div>
      <div part="scrubber">
        <button type="button" class="play" ?disabled=${max === 0 || this.jobs.running} @click=${() => this.player.toggle(max)}>
          ${this.player.isPlaying ? 'Pause' : 'Play'}
        </button>
        <label>
          <span>Reverse process <span class="scrub-readout">${max === 0 ? '(sample first)' : position === 0 ? 'x_T, the shared noise' : position === max ? 'final samples' : `${Math.round(this.fraction * 100)} % of the way`}</span></span>
          <input type="range" class="scrub" min="0" max=${Math.max(1, max)} step="1" .value=${String(position)} ?disabled=${max === 0 || this.jobs.running}
            aria-valuetext=${max === 0 ? 'nothing sampled yet' : `${position} of ${max}: ${scrubText(this.panelFrames(), position, max)}`}
            @input=${(e: Event) => {
              this.player.stop();
              this.moveScrubber(Number((e.target as HTMLInputElement).value), max);
            }} />
        </label>
      </div>
      <div part="panels" class="panels">
        ${this.panelList.map((p, i) => renderPanel(p, i, view))}
      </div>
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderBackend(status: LabStatus): TemplateResult {
    return html`<div class="backend">${backendLine(status, this.backendChoice)}</div>`;
  }
}

/** A missing shipped checkpoint can be replaced by training one on the page; the rest as every widget says it. */
function explainSamplerModel(source: ModelSource, error: unknown): string {
  const message = errorSentence(error);
  if (source === 'shipped' && /no shipped checkpoint/i.test(message)) {
    return `${message} Until it is there, train a model with <diffusion-trainer> on this page and choose “the model trained on this page”.`;
  }
  return explainMissingModel(source, error);
}

if (!customElements.get('diffusion-sampler')) customElements.define('diffusion-sampler', DiffusionSampler);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-sampler': DiffusionSampler;
  }
}
