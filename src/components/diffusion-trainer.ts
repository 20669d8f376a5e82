/**
 * <diffusion-trainer>: trains the course's U-Net on MNIST live in the page. The page's lab (a Web
 * Worker, src/lab/browser/lab-client.ts) does the tensor work; this widget starts, pauses, resumes
 * and resets the run, plots the loss (log scale) and shows the preview samples drawn during
 * training, and saves or loads checkpoints (downloaded files or this browser's IndexedDB).
 *
 * Attributes: the table in ./trainer/trainer-settings.ts (preset, batch-size, learning-rate,
 * steps, label-dropout, seed, sample-every, backend, workers, assets-base). All are reflected; a bad value
 * shows a message inside the widget and the last good value stays in use. One lab serves every
 * widget on a page, so `backend` only counts for the widget that starts it.
 *
 * A setting changed during a run applies to the same run from its next step (batch size, learning
 * rate, label dropout, steps, preview interval); while paused, from Resume. batch-size="auto" (the
 * default) is 32 per worker: the lab fixes it when a run starts and knows its workers. A new preset needs a
 * new model: the lab refuses it until the run is reset, and the widget shows that message. Reset
 * and loading a checkpoint over a trained model ask for confirmation first.
 *
 * Events (bubbling, composed): `diffusion-progress` {state, step, totalSteps, loss, smoothedLoss,
 * stepsPerSecond, etaSeconds} on every progress report of the run; `diffusion-change` {name,
 * value} when a control changes a setting; `diffusion-error` {attribute, message} when a value is
 * rejected or the lab reports a problem (areas: lab, training, checkpoint, preset-conflict).
 *
 * Parts: controls, actions, confirm, backend, advice, chart, images, progress, numbers,
 * checkpoint, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { query, state } from 'lit/decorators.js';
import { backendLine } from './base/backend-line';
import { LabLink } from './base/lab-link';
import type { BackendPreference } from '../backend/names';
import type { Lab, LabStatus, TrainProgress, TrainSettings } from '../lab/lab-api';
import type { RawAttr } from './base/attributes';
import { settingProperties } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { checkPickedFiles, downloadCheckpoint } from './trainer/checkpoint-files';
import { checkpointPanel, confirmDialog, loadFailure, loadedNote, savedNote, type CheckpointSource, type Confirmation } from './trainer/checkpoint-panel';
import { slowDeviceAdvice } from './trainer/device-advice';
import { FrameBatcher } from './trainer/frame-batcher';
import { errorSentence, shippedCheckpointUrl } from './trainer/lab-connection';
import { RunCharts } from './trainer/run-charts';
import { previewFigure, progressPanel } from './trainer/run-view';
import { settingsControls, type ControlAttribute } from './trainer/settings-controls';
import { trainerStyles } from './trainer/styles';
import { TRAINER_DEFAULTS, TRAINER_SETTINGS, autoBatchHint, expectedWorkers, isTrainPreset, trainSettings, type TrainerValues } from './trainer/trainer-settings';
import { TrainingRun, type PreviewSamples, type TrainerProgressDetail } from './trainer/training-run';

export type { TrainerProgressDetail };

export interface TrainerChangeDetail {
  name: string;
  value: string | number;
}

type Busy = 'start' | 'pause' | 'reset' | 'save' | 'load' | null;

const S = TRAINER_SETTINGS;

export class DiffusionTrainer extends DiffusionWidget {
  static override styles = trainerStyles;

  static override properties = settingProperties(TRAINER_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, TRAINER_SETTINGS);
  // The raw attribute values (see ./trainer/trainer-settings.ts), parsed in willUpdate.
  declare preset: RawAttr;
  declare batchSize: RawAttr;
  declare learningRate: RawAttr;
  declare steps: RawAttr;
  declare labelDropout: RawAttr;
  declare seed: RawAttr;
  declare sampleEvery: RawAttr;
  declare backend: RawAttr;
  declare workers: RawAttr;
  declare assetsBase: RawAttr;

  @state() private busy: Busy = null;
  @state() private confirmation: Confirmation | null = null;
  @state() private note = '';

  @query('svg.loss-chart') private chartSvg?: SVGSVGElement;
  @query('canvas.samples') private samplesCanvas?: HTMLCanvasElement;
  @query('input.checkpoint-files') private fileInput?: HTMLInputElement;
  @query('button.confirm-no') private confirmNo?: HTMLButtonElement;

  // The last good settings.
  private values: TrainerValues = { ...TRAINER_DEFAULTS };
  private backendChoice: BackendPreference = 'auto';
  private workersChoice: number | 'auto' = 'auto';
  private assets: string | null = null;

  // The run, as the lab reports it; drawn at most once per animation frame.
  private readonly link = new LabLink(this, {
    'train-progress': (e) => this.receiveProgress(e.detail),
    'train-samples': (e) => this.receiveSamples(e.detail),
    'train-error': (e) => this.showError('training', `${errorSentence(e.detail.message)} The model is kept: lower the learning rate and press Resume, or reset.`),
    // The lab reports its backend each time it starts (also when another widget started it).
    backend: (e) => (this.link.status = e.detail),
  });
  private readonly run = new TrainingRun();
  private readonly frames = new FrameBatcher(() => this.requestUpdate());
  private readonly charts = new RunCharts(() => this.frames.request());
  /** The settings as last read from the attributes: a change is handed to a running run. */
  private valuesKey = '';
  private conflictAsked = '';

  private get lab(): Lab | null {
    return this.link.lab;
  }

  private get labStatus(): LabStatus | null {
    return this.link.status;
  }

  /** The latest progress report of the page's run (null when there is no model). */
  get trainProgress(): TrainProgress | null {
    return this.run.progress;
  }

  /** The backend the page's lab runs on, once it has started. */
  get backendStatus(): LabStatus | null {
    return this.labStatus;
  }

  /** The settings the next start or resume uses. */
  get settings(): TrainSettings {
    return trainSettings(this.values);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) {
      this.connect();
      this.observeChartSize();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.frames.cancel();
    this.charts.disconnect();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.readSettings();
  }

  private readSettings(): void {
    const v = this.values;
    const next: TrainerValues = { ...v };
    this.applyAttr('preset', S.preset.parse(this.preset), (x) => (next.preset = x), `"${v.preset}"`);
    this.applyAttr('batch-size', S.batchSize.parse(this.batchSize), (x) => (next.batchSize = x), v.batchSize === 'auto' ? '"auto"' : String(v.batchSize));
    this.applyAttr('learning-rate', S.learningRate.parse(this.learningRate), (x) => (next.learningRate = x), String(v.learningRate));
    this.applyAttr('steps', S.steps.parse(this.steps), (x) => (next.steps = x), String(v.steps));
    this.applyAttr('label-dropout', S.labelDropout.parse(this.labelDropout), (x) => (next.labelDropout = x), String(v.labelDropout));
    this.applyAttr('seed', S.seed.parse(this.seed), (x) => (next.seed = x), String(v.seed));
    this.applyAttr('sample-every', S.sampleEvery.parse(this.sampleEvery), (x) => (next.sampleEvery = x), String(v.sampleEvery));
    this.applyAttr('backend', S.backend.parse(this.backend), (x) => (this.backendChoice = x), `"${this.backendChoice}"`);
    this.applyAttr('workers', S.workers.parse(this.workers), (x) => (this.workersChoice = x), `"${this.workersChoice}"`);
    this.applyAttr('assets-base', S.assetsBase.parse(this.assetsBase), (x) => (this.assets = x), this.assets === null ? 'the default' : `"${this.assets}"`);
    this.values = next;
    this.checkPresetConflict();
    const key = settingsKey(trainSettings(next));
    // Only a change made here goes to the run: a run started elsewhere keeps its own settings
    // until this widget's settings change.
    if (key !== this.valuesKey && this.valuesKey !== '') this.applyToRunningRun();
    this.valuesKey = key;
  }

  // ------------------------------------------------------------------------------------------
  // The lab
  // ------------------------------------------------------------------------------------------

  protected override firstUpdated(): void {
    this.connect();
    this.observeChartSize();
  }

  /** Redraws the chart when its box changes width (a rotated phone, a resized window). */
  private observeChartSize(): void {
    this.charts.observe(this.chartSvg?.parentElement);
  }

  private connect(): void {
    const lab = this.link.connect(this.backendChoice, this.assets, this.workersChoice);
    lab?.trainProgress().then(
      (p) => {
        // A run this page already has (started by another widget, or before this one was added).
        if (p && !this.run.progress) this.receiveProgress(p);
      },
      () => undefined, // ready() reports why the lab is not available.
    );
  }

  private receiveSamples(samples: PreviewSamples): void {
    this.run.receiveSamples(samples);
    this.charts.gridChanged();
    this.frames.request();
  }

  private receiveProgress(p: TrainProgress): void {
    const { reset, finished } = this.run.receive(p);
    if (reset) this.charts.gridChanged();
    if (p.state === 'running') this.clearError('training');
    if (finished) this.note = `Training finished at step ${p.step}.`;
    this.charts.chartChanged();
    this.checkPresetConflict();
    this.frames.request();
    this.emit<TrainerProgressDetail>('diffusion-progress', this.run.progressDetail(p));
  }

  /** A preset other than the trained model's: ask the lab, which explains what to do. */
  private checkPresetConflict(): void {
    const model = this.run.progress?.settings.preset;
    const wanted = this.values.preset;
    if (!model || model === wanted || !this.lab) {
      this.conflictAsked = '';
      this.clearError('preset-conflict');
      return;
    }
    const key = `${model}→${wanted}`;
    if (this.conflictAsked === key) return;
    this.conflictAsked = key;
    this.lab.startTraining(trainSettings({ ...this.values })).then(
      () => this.clearError('preset-conflict'),
      (error: unknown) => {
        if (this.values.preset !== wanted) return;
        this.showError('preset-conflict', `${errorSentence(error)} Your settings wait until then.`);
      },
    );
  }

  /** During a run, changed settings go to the lab at once and apply from the next step. */
  private applyToRunningRun(): void {
    const p = this.run.progress;
    if (!this.lab || p?.state !== 'running' || this.values.preset !== p.settings.preset) return;
    this.lab.startTraining(trainSettings(this.values)).then(
      () => (this.note = 'New settings apply to the run from its next step.'),
      (error: unknown) => this.showError('training', errorSentence(error)),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Actions
  // ------------------------------------------------------------------------------------------

  private async act(busy: Exclude<Busy, null>, area: string, work: (lab: Lab) => Promise<void>): Promise<void> {
    const lab = this.lab;
    if (!lab || this.busy) return;
    this.busy = busy;
    try {
      await work(lab);
      this.clearError(area);
    } catch (error) {
      this.showError(area, errorSentence(error));
    } finally {
      this.busy = null;
    }
  }

  /** Starts a run, or continues the page's run (after a pause, an error or with more steps). */
  start(): Promise<void> {
    return this.act('start', 'training', async (lab) => {
      const settings = trainSettings(this.values);
      this.note = this.run.hasModel ? `Continuing to step ${settings.steps}.` : `Training the ${settings.preset} U-Net for ${settings.steps} steps.`;
      await lab.startTraining(settings);
    });
  }

  pause(): Promise<void> {
    return this.act('pause', 'training', async (lab) => {
      await lab.pauseTraining();
      this.note = `Paused at step ${this.run.step}. Settings changed now apply when you resume.`;
    });
  }

  private askReset(): void {
    this.confirmation = { kind: 'reset' };
  }

  private async confirmed(): Promise<void> {
    const c = this.confirmation;
    this.confirmation = null;
    if (!c) return;
    if (c.kind === 'reset') {
      await this.act('reset', 'training', async (lab) => {
        await lab.resetTraining();
        this.note = 'The model was reset. Start trains a new one from scratch.';
      });
    } else {
      await this.load(c.from, c.what);
    }
    await this.focusAfterUpdate(['button.main', 'button.load-files']);
  }

  private cancelConfirmation(): void {
    this.confirmation = null;
    this.note = 'Nothing was thrown away.';
    void this.focusAfterUpdate(['button.reset', 'button.main']);
  }

  /** Keeps keyboard focus in the widget when the element that had it goes away: the first enabled of `selectors`. */
  private async focusAfterUpdate(selectors: string[]): Promise<void> {
    await this.updateComplete;
    for (const selector of selectors) {
      const element = this.renderRoot.querySelector(selector) as HTMLButtonElement | null;
      if (element && !element.disabled) {
        element.focus();
        return;
      }
    }
  }

  private async save(target: 'download' | 'indexeddb'): Promise<void> {
    await this.act('save', 'checkpoint', async (lab) => {
      const saved = await lab.saveCheckpoint(target);
      if ('json' in saved) downloadCheckpoint(this.ownerDocument, saved);
      this.note = savedNote(saved, this.run.progress?.step);
    });
  }

  /** Loads over the current model only after the reader agrees. */
  private requestLoad(from: CheckpointSource, what: string): void {
    if (this.run.hasModel) this.confirmation = { kind: 'load', from, what };
    else void this.load(from, what);
  }

  private async load(from: CheckpointSource, what: string): Promise<void> {
    await this.act('load', 'checkpoint', async (lab) => {
      const summary = await lab.loadCheckpoint(from).catch((error: unknown) => {
        throw loadFailure(error, from, this.run.hasModel);
      });
      this.run.forget();
      this.charts.chartChanged();
      this.charts.gridChanged();
      if (isTrainPreset(summary.preset) && summary.preset !== this.values.preset) this.setSetting('preset', summary.preset);
      this.note = loadedNote(what, summary);
    });
  }

  private filesPicked(input: HTMLInputElement): void {
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length === 0) return;
    const problem = checkPickedFiles(files);
    if (problem) {
      this.showError('checkpoint', problem);
      return;
    }
    this.requestLoad({ files }, 'the picked files');
  }

  /** A control changed a setting: the attribute holds it (one source of truth), and the page hears of it. */
  private setSetting(name: ControlAttribute, raw: string): void {
    if (name === 'preset') this.preset = raw;
    // An emptied batch field means "auto", written out so the attribute says so.
    else if (name === 'batch-size') this.batchSize = raw.trim() === '' ? 'auto' : raw;
    else if (name === 'learning-rate') this.learningRate = raw;
    else this.steps = raw;
    const text = name === 'batch-size' ? String(this.batchSize) : raw;
    const value = name === 'preset' || text.trim() === '' ? NaN : Number(text);
    this.emit<TrainerChangeDetail>('diffusion-change', { name, value: Number.isFinite(value) ? value : text });
  }

  // ------------------------------------------------------------------------------------------
  // Drawing and rendering
  // ------------------------------------------------------------------------------------------

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.confirmation && changed.has('confirmation')) this.confirmNo?.focus();
    this.guard('drawing', () => this.charts.draw(this.chartSvg, this.samplesCanvas, this.run.history, this.run.samples, this.run.progress?.totalSteps ?? this.values.steps), undefined);
  }

  private mainButton(): TemplateResult {
    const action = this.run.mainAction(this.values.steps);
    const ready = this.labStatus !== null && this.lab !== null;
    const busy = this.busy !== null;
    const conflict = this.errors.has('preset-conflict');
    if (action.kind === 'pause') {
      return html`<button type="button" class="main pause primary" ?disabled=${busy} @click=${() => void this.pause()}>Pause</button>`;
    }
    return html`<button
      type="button"
      class=${`main start primary ${action.kind === 'resume' ? 'resume' : ''}`}
      ?disabled=${!ready || busy || action.finished || conflict}
      @click=${() => void this.start()}
    >
      ${action.label}
    </button>`;
  }

  private statusText(): string {
    if (this.busy === 'load') return 'Loading the checkpoint…';
    if (this.busy === 'save') return 'Saving…';
    if (this.busy === 'reset') return 'Resetting…';
    if (!this.labStatus && !this.errors.has('lab')) return 'Starting the lab (it loads the tensor library in the background)…';
    return this.note || this.run.describeState();
  }

  private invalid(name: string): 'true' | 'false' {
    return this.errors.has(name) || (name === 'preset' && this.errors.has('preset-conflict')) ? 'true' : 'false';
  }

  protected override render(): TemplateResult {
    const v = this.values;
    const p = this.run.progress;
    const busy = this.busy !== null;
    const advice = slowDeviceAdvice({
      cores: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined,
      viewportWidth: typeof window !== 'undefined' ? window.innerWidth : 0,
      backend: this.labStatus?.backend ?? null,
    });
    return html`
      ${this.embed.render()}
      <h2 part="title">Train a diffusion model</h2>
      <p class="intro">
        The U-Net learns to undo the noise added to MNIST digits (Ho et al. 2020, Algorithm 1), predicting
        v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans &amp; Ho 2022). Watch the loss fall and the samples turn from noise into digits.
      </p>
      ${this.renderErrors()}
      ${settingsControls(v, { busy, invalid: (name) => this.invalid(name), autoBatch: autoBatchHint(p, expectedWorkers(this.labStatus, this.workersChoice)) }, (name, raw) =>
        this.setSetting(name, raw),
      )}
      <div part="actions" class="row" role="group" aria-label="Training">
        ${this.mainButton()}
        <button type="button" class="reset" ?disabled=${busy || !this.run.hasModel || this.confirmation !== null} @click=${() => this.askReset()}>
          Reset…
        </button>
      </div>
      ${this.confirmation
        ? confirmDialog(this.confirmation, this.run.describeModel(), { yes: () => void this.confirmed(), no: () => this.cancelConfirmation() })
        : nothing}
      <div part="backend" class="backend">
        ${this.labStatus
          ? backendLine(this.labStatus, this.backendChoice, 'visible')
          : this.errors.has('lab') ? 'The lab is not available.' : 'Backend: starting…'}
      </div>
      ${advice
        ? html`<div part="advice" class="advice">
            <p>${advice}</p>
            <button type="button" class="load-shipped-advice" ?disabled=${busy || !this.labStatus}
              @click=${() => this.requestLoad({ url: shippedCheckpointUrl(this.assets) }, 'the shipped model')}>Load the shipped model</button>
          </div>`
        : nothing}
      <div class="layout">
        <div part="chart">
          <svg class="loss-chart"></svg>
          ${this.run.history.length === 0 ? html`<p class="chart-empty" aria-hidden="true">The loss appears here once training starts.</p>` : nothing}
        </div>
        ${previewFigure(this.run.samples, v.sampleEvery)}
      </div>
      ${progressPanel(this.run, p?.totalSteps ?? v.steps)}
      ${checkpointPanel(
        { busy, hasModel: this.run.hasModel, labReady: this.labStatus !== null },
        {
          save: (target) => void this.save(target),
          pickFiles: () => this.fileInput?.click(),
          filesPicked: (input) => this.filesPicked(input),
          load: (from, what) => this.requestLoad(from, what),
          shippedUrl: () => shippedCheckpointUrl(this.assets),
        },
      )}
      ${this.renderStatus(this.statusText())}
    `;
  }
}

function settingsKey(s: TrainSettings): string {
  return JSON.stringify([s.preset, s.batchSize, s.learningRate, s.steps, s.labelDropout, s.sampleEvery]);
}

if (!customElements.get('diffusion-trainer')) customElements.define('diffusion-trainer', DiffusionTrainer);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-trainer': DiffusionTrainer;
  }
}
