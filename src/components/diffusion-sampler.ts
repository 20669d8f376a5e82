/**
 * <diffusion-sampler>: samplers side by side. Each panel runs DDPM (Ho et al. 2020, Algorithm 2)
 * or DDIM (Song et al. 2021, eq. 12), optionally with classifier-free guidance (Ho & Salimans
 * 2022, eq. 6) or classifier guidance by a noise-aware classifier (Dhariwal & Nichol 2021,
 * eq. 14), and every panel starts from the same x_T, drawn from the seed. A shared scrubber
 * plays or steps through the reverse process showing x_t and the predicted x̂₀ of each panel;
 * under it, each panel's final samples, its wall time and network evaluations (NFE), and on
 * request what a reference classifier reads in them. The page's lab (a Web Worker) samples.
 *
 * Attributes (all reflected; a bad value shows a message inside the widget and the last good
 * value stays in use):
 *   panels       the panels, "sampler:steps[:eta=η][:w=weight][:label=digit]" separated by ";"
 *                (1 to 4; default "ddpm:100; ddim:20:eta=0; ddim:20:w=2:label=3"). sampler is
 *                "ddpm" or "ddim"; steps 1…1000; eta 0…1 (ddim only); w 0…20 is the guidance
 *                weight in the paper's convention (diffusers' guidance_scale = 1 + w) and needs
 *                a label; label is a digit 0…9 or "none"; "guide=classifier:s=scale" (s 0…100)
 *                makes a classifier-guided panel instead: the unconditional model steered by the
 *                noise-aware classifier's gradient. Grammar: src/components/sampler/panel-spec.ts.
 *   seed         seed of x_T (and of the noise added along the way), 0…2³²−1 (default 0)
 *   count        samples per panel, 1…64 (default 16)
 *   source       "shipped" | "trained": the shipped checkpoint, or the model trained on this page
 *                with <diffusion-trainer> (default "shipped")
 *   backend      "auto" | "webgpu" | "webgl" | "wasm" | "cpu" (default "auto"; one lab per page)
 *   assets-base  folder that holds checkpoints/ and classifier/ (default: the site's assets/)
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
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { backendDetailsStyles } from './base/backend-styles';
import { backendLine } from './base/backend-line';
import { LabLink } from './base/lab-link';
import { MODEL_SOURCES, MODEL_SOURCE_NAMES, ModelLine, explainMissingModel } from './base/model-line';
import {
  containerHostStyles,
  frameRowStyles,
  inlineNumbersStyles,
  introStyles,
  invalidFieldStyles,
  modelPartStyles,
  placeholderStyles,
  problemStyles,
  progressStyles,
  rowStyles,
  staleStyles,
} from './base/shared-styles';
import type { BackendPreference } from '../backend/names';
import { imageGrid } from '../charts/image-grid';
import type { Lab, LabEvents, LabStatus, ModelSource, SampleStep } from '../lab/lab-api';
import { parseEnumAttr, parseIntAttr, type RawAttr } from './base/attributes';
import { DiffusionWidget, widgetStyles } from './base/widget-base';
import { describeQuality, qualityOf, type QualityReport } from './sampler/quality';
import { meanPairwiseDistance } from '../eval/diversity';
import {
  DEFAULT_CLASSIFIER_SCALE,
  MAX_CLASSIFIER_SCALE,
  classifierGradients,
  guideOf,
  type GuideKind,
  DEFAULT_PANELS,
  MAX_GUIDANCE,
  MAX_PANELS,
  MAX_PANEL_STEPS,
  describePanel,
  expectedNfe,
  formatPanel,
  formatPanels,
  guidanceScale,
  parsePanels,
  type PanelSpec,
  type SamplerName,
} from './sampler/panel-spec';
import { gridColumns } from './sampler/grid-columns';
import { StepFrames, frameAt, type Frame } from './sampler/step-frames';
import { FrameBatcher } from './trainer/frame-batcher';
import { errorSentence, isAbortError, parseAssetsBase, parseBackend } from './trainer/lab-connection';

export { MODEL_SOURCES };
export const MAX_SAMPLE_COUNT = 64;
const DEFAULT_COUNT = 16;
const MAX_SEED = 2 ** 32 - 1;
/** Images per panel kept for the scrubber (the first ones of the grid). */
export const SCRUB_IMAGES = 4;
/** A full play from x_T to x₀ takes about this many frames with motion allowed (4 s at 60 Hz). */
const PLAY_FRAMES = 240;
/** With reduced motion, play jumps through this many coarse steps, one per interval. */
const COARSE_STEPS = 10;
const COARSE_INTERVAL_MS = 700;

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

export interface SamplerStepDetail {
  position: number;
  max: number;
  panels: Array<{ index: number; frame: number; total: number; timestep: number | null }>;
}

export interface SamplerChangeDetail {
  name: string;
  value: string | number;
}

/** One sampling run of a panel and what came of it. */
interface PanelRun {
  id: number;
  spec: PanelSpec;
  seed: number;
  count: number;
  source: ModelSource;
  frames: StepFrames;
  state: 'running' | 'done' | 'stopped' | 'error';
  images: Float32Array | null;
  xT: Float32Array | null;
  nfe: number;
  wallMs: number;
  error: string | null;
  quality: { state: 'running' | 'done' | 'error'; text: string; report: QualityReport | null } | null;
}

interface Panel {
  /** Stable identity of the panel (ids of its headings). */
  key: number;
  spec: PanelSpec;
  run: PanelRun | null;
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

const SOURCE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  page: 'the model trained on this page is "trained"',
  local: 'the model trained on this page is "trained"',
  checkpoint: 'the shipped checkpoint is "shipped"',
  pretrained: 'the model trained ahead of time is "shipped"',
});

let nextKey = 1;
let nextRunId = 1;

export class DiffusionSampler extends DiffusionWidget {
  static override styles = [
    widgetStyles,
    backendDetailsStyles,
    containerHostStyles,
    introStyles,
    invalidFieldStyles,
    rowStyles,
    modelPartStyles,
    problemStyles,
    frameRowStyles,
    placeholderStyles,
    staleStyles,
    inlineNumbersStyles,
    progressStyles,
    css`
      input[type='number'] {
        width: 6.5rem;
      }

      [part~='model'] .problem {
        margin: 0.3rem 0 0;
      }

      .placeholder {
        min-height: 6rem;
      }

      [part~='scrubber'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.75rem;
        margin: 0 0 0.75rem;
        padding: 0.5rem 0.6rem;
        background: var(--_surface);
        border-radius: 6px;
      }

      [part~='scrubber'] label {
        flex: 1 1 16rem;
      }

      [part~='scrubber'] input[type='range'] {
        width: 100%;
      }

      .scrub-readout {
        color: var(--_fg);
        font-variant-numeric: tabular-nums;
      }

      [part~='panels'] {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15.5rem, 1fr));
        gap: 0.9rem;
      }

      [part~='panel'] {
        display: flex;
        flex-direction: column;
        gap: 0.45rem;
        min-width: 0;
        margin: 0;
        padding: 0.6rem 0.7rem 0.7rem;
        border: 1px solid var(--_border);
        border-radius: 8px;
      }

      [part~='panel'] h3 {
        margin: 0;
        font-size: 0.95rem;
      }

      .panel-head {
        display: flex;
        align-items: start;
        justify-content: space-between;
        gap: 0.4rem;
      }

      .panel-settings {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(6.2rem, 1fr));
        gap: 0.35rem 0.5rem;
      }

      .panel-settings input[type='number'],
      .panel-settings select {
        width: 100%;
      }

      .scale-note {
        font-size: 0.78rem;
        color: var(--_muted);
      }

      button.remove {
        padding: 0.1rem 0.45rem;
        font-size: 0.8rem;
      }

      [part~='steps'] figure,
      [part~='images'] {
        margin: 0;
      }

      [part~='steps'] {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
      }

      canvas.digit {
        max-width: 100%;
      }

      .frame-caption,
      figcaption {
        font-size: 0.8rem;
        color: var(--_muted);
      }

      [part~='quality'] {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-size: 0.85rem;
      }

      [part~='quality'] button {
        align-self: start;
      }

      .quality-error {
        padding: 0.35rem 0.55rem;
        color: var(--_error-fg);
        background: var(--_error-bg);
        border: 1px solid var(--_error-border);
        border-radius: 6px;
      }
    `,
  ];

  @property({ reflect: true }) panels: RawAttr = null;
  @property({ reflect: true }) seed: RawAttr = null;
  @property({ reflect: true }) count: RawAttr = null;
  @property({ reflect: true }) source: RawAttr = null;
  @property({ reflect: true }) backend: RawAttr = null;
  @property({ attribute: 'assets-base', reflect: true }) assetsBase: RawAttr = null;

  @state() private sampling = false;
  @state() private playing = false;
  @state() private note = '';

  // The last good settings.
  private specs: PanelSpec[] = parsePanelsOrThrow(DEFAULT_PANELS);
  private seedValue = 0;
  private countValue = DEFAULT_COUNT;
  private sourceValue: ModelSource = 'shipped';
  private backendChoice: BackendPreference = 'auto';
  private assets: string | null = null;

  private panelList: Panel[] = this.specs.map((spec) => ({ key: nextKey++, spec, run: null }));
  /** Scrubber position as a share of the way from x_T (0) to the final samples (1). */
  private fraction = 1;
  private readonly link = new LabLink(this, { 'train-progress': (e) => this.onTrainProgress(e) });
  private readonly model = new ModelLine(this, () => this.sourceValue, explainSamplerModel);
  private lastTrainState = '';
  private controller: AbortController | null = null;
  private playFrame: number | null = null;
  private playInterval: ReturnType<typeof setInterval> | null = null;
  private lastStepKey = '';
  private readonly frames = new FrameBatcher(() => this.requestUpdate());
  /** What each canvas shows now, so a frame redraws only what changed. */
  private readonly drawn = new WeakMap<HTMLCanvasElement, string>();

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
    return this.panelList.map(({ run }) =>
      run && run.state === 'done' && run.images && run.xT
        ? { spec: formatPanel(run.spec), nfe: run.nfe, wallMs: run.wallMs, count: run.count, seed: run.seed, source: run.source, images: run.images, xT: run.xT }
        : null,
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopSampling();
    this.stopPlaying();
    this.frames.cancel();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.applyAttr('panels', parsePanels(this.panels), (specs) => this.setSpecs(specs), `"${formatPanels(this.specs)}"`);
    this.applyAttr('seed', parseIntAttr('seed', this.seed, { min: 0, max: MAX_SEED, default: 0 }), (v) => (this.seedValue = v), `seed ${this.seedValue}`);
    this.applyAttr(
      'count',
      parseIntAttr('count', this.count, { min: 1, max: MAX_SAMPLE_COUNT, default: DEFAULT_COUNT }),
      (v) => (this.countValue = v),
      String(this.countValue),
    );
    this.applyAttr(
      'source',
      parseEnumAttr<ModelSource>('source', this.source, MODEL_SOURCES, { default: 'shipped', hints: SOURCE_HINTS }),
      (v) => (this.sourceValue = v),
      `"${this.sourceValue}"`,
    );
    this.applyAttr('backend', parseBackend(this.backend), (v) => (this.backendChoice = v), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', parseAssetsBase(this.assetsBase), (v) => (this.assets = v), this.assets === null ? 'the default' : `"${this.assets}"`);
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

  // ------------------------------------------------------------------------------------------
  // The lab
  // ------------------------------------------------------------------------------------------

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
    if (!lab || this.sampling) return;
    this.stopPlaying();
    this.sampling = true;
    this.clearError('sampling');
    const controller = new AbortController();
    this.controller = controller;
    let finished = 0;
    try {
      for (const index of indices) {
        if (controller.signal.aborted) break;
        const panel = this.panelList[index];
        if (!panel) continue;
        const ok = await this.sampleInto(lab, panel, index, controller.signal);
        if (!ok) break;
        finished += 1;
      }
    } finally {
      this.sampling = false;
      this.controller = null;
      this.fraction = 1;
      this.frames.request();
    }
    if (controller.signal.aborted) this.note = `Stopped. ${finished} of ${indices.length} panel${indices.length === 1 ? '' : 's'} finished.`;
    else if (finished === indices.length) this.note = this.summary();
    this.emitStep();
  }

  /** One panel's run; false when sampling should not go on (stopped or failed). */
  private async sampleInto(lab: Lab, panel: Panel, index: number, signal: AbortSignal): Promise<boolean> {
    const spec = panel.spec;
    const run: PanelRun = {
      id: nextRunId++,
      spec,
      seed: this.seedValue,
      count: this.countValue,
      source: this.sourceValue,
      frames: new StepFrames(Math.min(SCRUB_IMAGES, this.countValue)),
      state: 'running',
      images: null,
      xT: null,
      nfe: 0,
      wallMs: 0,
      error: null,
      quality: null,
    };
    panel.run = run;
    this.note = `Sampling panel ${index + 1}: ${describePanel(spec)}…`;
    this.frames.request();
    try {
      const result = await lab.sample(
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
        {
          signal,
          onStep: (step: SampleStep) => {
            run.frames.add(step);
            this.frames.request();
          },
        },
      );
      run.images = result.images;
      run.xT = result.xT;
      run.nfe = result.nfe;
      run.wallMs = result.wallMs;
      run.frames.finish(result.images);
      run.state = 'done';
      this.emit<SampledDetail>('diffusion-sampled', {
        index,
        spec: formatPanel(spec),
        panel: { ...spec },
        nfe: result.nfe,
        wallMs: result.wallMs,
        count: run.count,
        seed: run.seed,
        source: run.source,
      });
      return true;
    } catch (error) {
      if (isAbortError(error)) {
        run.state = 'stopped';
        return false;
      }
      run.state = 'error';
      run.error = errorSentence(error);
      const message = this.model.explain(run.source, error);
      this.showError('sampling', `Panel ${index + 1} could not sample: ${message}`);
      return false;
    } finally {
      this.frames.request();
    }
  }

  stopSampling(): void {
    this.controller?.abort();
  }

  private async checkQuality(panel: Panel): Promise<void> {
    const run = panel.run;
    const lab = this.lab;
    if (!lab || !run?.images || run.quality?.state === 'running') return;
    run.quality = { state: 'running', text: 'Asking the reference classifier…', report: null };
    this.requestUpdate();
    try {
      const out = await lab.classify(run.images, run.count);
      const report = qualityOf(out, run.spec.label, meanPairwiseDistance(run.images, run.count, run.images.length / run.count));
      run.quality = { state: 'done', text: describeQuality(report), report };
    } catch (error) {
      // The lab names its option; on a page it is this widget's attribute.
      const message = errorSentence(error).replace(/check assetsBase/, 'check the assets-base attribute');
      run.quality = { state: 'error', text: message, report: null };
      this.emit('diffusion-error', { attribute: 'quality', message });
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
    return `Sampled ${done.map((r) => `${r.spec.sampler.toUpperCase()} ${r.spec.steps} steps in ${formatSeconds(r.wallMs)}`).join(', ')}.`;
  }

  // ------------------------------------------------------------------------------------------
  // Scrubbing and playing
  // ------------------------------------------------------------------------------------------

  /** The scrubber's range: the most steps of any panel with a run. */
  private scrubMax(): number {
    let max = 0;
    for (const p of this.panelList) if (p.run && p.run.frames.total > 0) max = Math.max(max, p.run.frames.total);
    return max;
  }

  private setPosition(position: number, max: number): void {
    this.fraction = max > 0 ? Math.max(0, Math.min(1, position / max)) : 1;
    this.requestUpdate();
    this.emitStep();
  }

  private emitStep(): void {
    const max = this.scrubMax();
    if (max === 0) return;
    const position = Math.round(this.fraction * max);
    const panels = this.panelList.flatMap((p, index) => {
      const frames = p.run?.frames;
      if (!frames || frames.total === 0) return [];
      const frame = frameAt(position, max, frames.total);
      return [{ index, frame, total: frames.total, timestep: frames.frame(frame)?.timestep ?? null }];
    });
    const key = `${position}/${max}:${panels.map((p) => p.frame).join(',')}`;
    if (key === this.lastStepKey) return;
    this.lastStepKey = key;
    this.emit<SamplerStepDetail>('diffusion-step', { position, max, panels });
  }

  private togglePlay(): void {
    if (this.playing) this.stopPlaying();
    else this.play();
  }

  private play(): void {
    const max = this.scrubMax();
    if (max === 0 || this.sampling) return;
    if (this.fraction >= 1) this.setPosition(0, max);
    this.playing = true;
    if (this.prefersReducedMotion()) {
      // No smooth motion: a few coarse jumps, each held long enough to look at.
      const jump = Math.max(1, Math.ceil(max / COARSE_STEPS));
      this.playInterval = setInterval(() => this.advance(jump, max), COARSE_INTERVAL_MS);
    } else {
      const perFrame = Math.max(1, Math.round(max / PLAY_FRAMES));
      const tick = (): void => {
        if (!this.playing) return;
        this.advance(perFrame, max);
        if (this.playing) this.playFrame = requestAnimationFrame(tick);
      };
      this.playFrame = requestAnimationFrame(tick);
    }
  }

  private advance(by: number, max: number): void {
    const next = Math.min(max, Math.round(this.fraction * max) + by);
    this.setPosition(next, max);
    if (next >= max) this.stopPlaying();
  }

  private stopPlaying(): void {
    this.playing = false;
    if (this.playFrame !== null) cancelAnimationFrame(this.playFrame);
    if (this.playInterval !== null) clearInterval(this.playInterval);
    this.playFrame = null;
    this.playInterval = null;
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
  // Drawing (on the frame cadence: updates come from FrameBatcher or user input)
  // ------------------------------------------------------------------------------------------

  /** The frame a panel shows now: the live one while it samples (unless motion is reduced), else the scrubber's. */
  private shownFrame(run: PanelRun): Frame | null {
    const frames = run.frames;
    if (run.state === 'running') return this.prefersReducedMotion() ? frames.frame(0) : frames.frame(frames.latest);
    const max = this.scrubMax();
    return frames.frame(frameAt(this.fraction * max, max, frames.total));
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
        this.drawOnce(xt, `${run.id}:${frame.index}`, frame.xt, shown, `x_t of the first ${shown} samples at ${where}`);
        this.drawOnce(x0, `${run.id}:${frame.index}`, frame.x0, shown, `Predicted clean images x̂₀ at ${where}`);
      }
      const grid = root.querySelector<HTMLCanvasElement>(`canvas.grid[data-panel="${index}"]`);
      if (grid && run.images) {
        const cols = gridColumns(run.count);
        this.drawOnce(grid, `${run.id}:final`, run.images, run.count, `${run.count} final samples of ${describePanel(run.spec)}`, {
          cols,
          scale: run.count <= 16 ? 2 : 1,
          gap: 2,
        });
      }
    });
  }

  private drawOnce(
    canvas: HTMLCanvasElement,
    key: string,
    images: Float32Array,
    count: number,
    label: string,
    layout: { cols?: number; scale?: number; gap?: number } = { scale: 2, gap: 2 },
  ): void {
    if (this.drawn.get(canvas) === key) return;
    this.drawn.set(canvas, key);
    imageGrid(canvas, images, count, { ...layout, label });
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  private statusText(): string {
    if (this.sampling) return this.note || 'Sampling…';
    if (this.note) return this.note;
    return 'Press “Sample all” to run every panel from the same noise.';
  }

  protected override render(): TemplateResult {
    const max = this.scrubMax();
    const position = Math.round(this.fraction * max);
    const ready = this.lab !== null && !this.errors.has('lab');
    return html`
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
            aria-invalid=${this.errors.has('seed') ? 'true' : 'false'} ?disabled=${this.sampling}
            @change=${(e: Event) => this.setSeed((e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" class="new-seed" ?disabled=${this.sampling} @click=${() => this.newSeed()}>New seed</button>
        <label>
          Samples per panel
          <input type="number" class="count" min="1" max=${MAX_SAMPLE_COUNT} step="1" .value=${String(this.countValue)}
            aria-invalid=${this.errors.has('count') ? 'true' : 'false'} ?disabled=${this.sampling}
            @change=${(e: Event) => {
              this.count = (e.target as HTMLInputElement).value;
              this.change('count', Number(this.count));
            }} />
        </label>
        <label>
          Model
          <select class="source" ?disabled=${this.sampling} aria-invalid=${this.errors.has('source') ? 'true' : 'false'}
            @change=${(e: Event) => {
              this.source = (e.target as HTMLSelectElement).value;
              this.change('source', this.source);
            }}>
            ${MODEL_SOURCES.map((s) => html`<option value=${s} .selected=${s === this.sourceValue}>${MODEL_SOURCE_NAMES[s]}</option>`)}
          </select>
        </label>
        <button type="button" class="add-panel" ?disabled=${this.sampling || this.panelList.length >= MAX_PANELS} @click=${() => this.addPanel()}>
          Add panel
        </button>
        <button type="button" class="quality-all" ?disabled=${this.sampling || !this.panelList.some((p) => p.run?.state === 'done')}
          title="Accuracy, confidence and diversity of every sampled panel" @click=${() => void this.checkAllQuality()}>
          Check quality of all
        </button>
        ${this.sampling
          ? html`<button type="button" class="stop primary" @click=${() => this.stopSampling()}>Stop</button>`
          : html`<button type="button" class="sample-all primary" ?disabled=${!ready} @click=${() => void this.sampleAll()}>Sample all</button>`}
      </div>
      <div part="model" class="model">
        ${this.model.render()}
        ${this.link.status ? this.renderBackend(this.link.status) : nothing}
      </div>
      <div part="scrubber">
        <button type="button" class="play" ?disabled=${max === 0 || this.sampling} @click=${() => this.togglePlay()}>
          ${this.playing ? 'Pause' : 'Play'}
        </button>
        <label>
          <span>Reverse process <span class="scrub-readout">${max === 0 ? '(sample first)' : position === 0 ? 'x_T, the shared noise' : position === max ? 'final samples' : `${Math.round(this.fraction * 100)} % of the way`}</span></span>
          <input type="range" class="scrub" min="0" max=${Math.max(1, max)} step="1" .value=${String(position)} ?disabled=${max === 0 || this.sampling}
            aria-valuetext=${max === 0 ? 'nothing sampled yet' : `${position} of ${max}: ${this.scrubText(position, max)}`}
            @input=${(e: Event) => {
              this.stopPlaying();
              this.setPosition(Number((e.target as HTMLInputElement).value), max);
            }} />
        </label>
      </div>
      <div part="panels" class="panels">
        ${this.panelList.map((p, i) => this.renderPanel(p, i))}
      </div>
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderBackend(status: LabStatus): TemplateResult {
    return html`<div class="backend">${backendLine(status, this.backendChoice)}</div>`;
  }

  private scrubText(position: number, max: number): string {
    return this.panelList
      .map((p, i) => {
        const frames = p.run?.frames;
        if (!frames || frames.total === 0) return `panel ${i + 1} not sampled`;
        const frame = frameAt(position, max, frames.total);
        return `panel ${i + 1} ${frame >= frames.total ? 'final' : `step ${frame + 1} of ${frames.total}`}`;
      })
      .join(', ');
  }

  private isStale(panel: Panel): boolean {
    const run = panel.run;
    if (!run || run.state === 'running') return false;
    return formatPanel(run.spec) !== formatPanel(panel.spec) || run.seed !== this.seedValue || run.count !== this.countValue || run.source !== this.sourceValue;
  }

  private renderPanel(panel: Panel, index: number): TemplateResult {
    const spec = panel.spec;
    const run = panel.run;
    const id = `panel-${panel.key}`;
    const stale = this.isStale(panel);
    const busy = this.sampling;
    return html`<section part="panel" class="panel" aria-labelledby=${`${id}-title`} data-panel=${index}>
      <div class="panel-head">
        <h3 id=${`${id}-title`} title=${describePanel(spec)}>${index + 1}. ${panelHeading(spec)}</h3>
        <button type="button" class="remove" ?disabled=${busy || this.panelList.length <= 1} aria-label=${`Remove panel ${index + 1}`}
          @click=${() => this.removePanel(index)}>✕</button>
      </div>
      <div class="panel-settings" role="group" aria-label=${`Settings of panel ${index + 1}`}>
        <label>
          Sampler
          <select class="sampler" ?disabled=${busy}
            @change=${(e: Event) => {
              const sampler = (e.target as HTMLSelectElement).value as SamplerName;
              this.editPanel(index, (s) => ({ ...s, sampler, eta: sampler === 'ddim' ? s.eta : 0 }));
            }}>
            <option value="ddpm" .selected=${spec.sampler === 'ddpm'}>DDPM</option>
            <option value="ddim" .selected=${spec.sampler === 'ddim'}>DDIM</option>
          </select>
        </label>
        <label>
          Steps
          <input type="number" class="steps" min="1" max=${MAX_PANEL_STEPS} step="1" .value=${String(spec.steps)} ?disabled=${busy}
            @change=${(e: Event) => this.editPanel(index, (s) => ({ ...s, steps: Number((e.target as HTMLInputElement).value) }))} />
        </label>
        <label>
          η (eta)
          <input type="number" class="eta" min="0" max="1" step="0.1" .value=${String(spec.eta)} ?disabled=${busy || spec.sampler !== 'ddim'}
            title=${spec.sampler === 'ddim' ? '0: deterministic, 1: as noisy as DDPM' : 'η is a DDIM setting'}
            @change=${(e: Event) => this.editPanel(index, (s) => ({ ...s, eta: Number((e.target as HTMLInputElement).value) }))} />
        </label>
        <label>
          Label
          <select class="label" ?disabled=${busy}
            @change=${(e: Event) => {
              const value = (e.target as HTMLSelectElement).value;
              const label = value === 'none' ? null : Number(value);
              this.editPanel(index, (s) => withLabel(s, label));
            }}>
            <option value="none" .selected=${spec.label === null}>none</option>
            ${Array.from({ length: 10 }, (_, d) => html`<option value=${d} .selected=${spec.label === d}>${d}</option>`)}
          </select>
        </label>
        <label>
          Guidance
          <select class="guide" ?disabled=${busy || spec.label === null}
            title=${spec.label === null ? 'Choose a label to guide towards' : 'What turns the label into guidance'}
            @change=${(e: Event) => this.editPanel(index, (s) => withGuide(s, (e.target as HTMLSelectElement).value as GuideKind))}>
            <option value="cfg" .selected=${guideOf(spec) === 'cfg'} title="classifier-free guidance">CFG</option>
            <option value="classifier" .selected=${guideOf(spec) === 'classifier'}>classifier</option>
          </select>
        </label>
        ${guideOf(spec) === 'classifier'
          ? html`<label>
              Scale s
              <input type="number" class="classifier-scale" min="0" max=${MAX_CLASSIFIER_SCALE} step="0.5" .value=${String(spec.classifierScale)}
                ?disabled=${busy} title="Classifier guidance scale (Dhariwal & Nichol 2021): 0 unguided, 1 the plain posterior, more sharpens it"
                @change=${(e: Event) => this.editPanel(index, (s) => ({ ...s, classifierScale: Number((e.target as HTMLInputElement).value) }))} />
            </label>`
          : html`<label>
              Guidance w
              <input type="number" class="guidance" min="0" max=${MAX_GUIDANCE} step="0.5" .value=${String(spec.guidance)}
                ?disabled=${busy || spec.label === null} title=${spec.label === null ? 'Choose a label to guide towards' : 'Paper convention; diffusers guidance_scale = 1 + w'}
                @change=${(e: Event) => this.editPanel(index, (s) => ({ ...s, guidance: Number((e.target as HTMLInputElement).value) }))} />
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
      ${this.renderRun(panel, index, stale)}
      <div class="row">
        <button type="button" class="sample" ?disabled=${busy || !this.lab} @click=${() => void this.samplePanel(index)}>Sample</button>
        ${run?.state === 'done' && run.images
          ? html`<button type="button" class="quality" ?disabled=${busy || run.quality?.state === 'running'} @click=${() => void this.checkQuality(panel)}>
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

  private renderRun(panel: Panel, index: number, stale: boolean): TemplateResult {
    const run = panel.run;
    if (!run) {
      return html`<div class="placeholder">Not sampled yet.</div>`;
    }
    const frame = this.shownFrame(run);
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
            <div><dt>wall time</dt><dd class="wall">${formatSeconds(run.wallMs)}</dd></div>
          </dl>`
        : run.state === 'stopped'
          ? html`<p class="placeholder">Stopped before the end.</p>`
          : run.state === 'error'
            ? html`<p class="placeholder">${run.error}</p>`
            : nothing}
    </div>`;
  }
}

/** A panel's short heading; its controls show the rest: "DDIM · 20 steps · guided". */
function panelHeading(spec: PanelSpec): string {
  const parts = [spec.sampler.toUpperCase(), `${spec.steps} step${spec.steps === 1 ? '' : 's'}`];
  if (spec.classifierScale !== undefined) parts.push('classifier-guided');
  else if (spec.guidance > 0) parts.push('guided');
  else if (spec.label !== null) parts.push('conditional');
  return parts.join(' · ');
}

/** A panel with another label; without a label there is nothing to guide towards. */
function withLabel(spec: PanelSpec, label: number | null): PanelSpec {
  if (label !== null) return { ...spec, label };
  const { classifierScale: _dropped, ...rest } = spec;
  return { ...rest, label, guidance: 0 };
}

/** A panel switched to classifier-free guidance (keeps w) or to classifier guidance (w = 0, s = 1). */
function withGuide(spec: PanelSpec, guide: GuideKind): PanelSpec {
  const { classifierScale, ...rest } = spec;
  if (guide === 'cfg') return rest;
  return { ...rest, guidance: 0, classifierScale: classifierScale ?? DEFAULT_CLASSIFIER_SCALE };
}

function parsePanelsOrThrow(text: string): PanelSpec[] {
  const parsed = parsePanels(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function formatShort(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
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
