/**
 * <diffusion-trainer>: trains the course's U-Net on MNIST live in the page. The page's lab (a Web
 * Worker, src/lab/browser/lab-client.ts) does the tensor work; this widget starts, pauses, resumes
 * and resets the run, plots the loss (log scale) and shows the preview samples drawn during
 * training, and saves or loads checkpoints (downloaded files or this browser's IndexedDB).
 *
 * Attributes (all reflected; a bad value shows a message inside the widget and the last good
 * value stays in use):
 *   preset         "tiny" | "small": the U-Net to train (default "tiny"; "small" is the shipped model's size)
 *   batch-size     images per step, 1…512 (default 32)
 *   learning-rate  Adam's peak learning rate, greater than 0 and less than 1 (default 0.002)
 *   steps          total steps to reach, 1…20000 (default 2000)
 *   label-dropout  probability of the null label, 0…1, so guidance works later (default 0.1)
 *   seed           seed of the weights and the data order, 0…2³²−1 (default 0)
 *   sample-every   steps between preview grids, 0 = none (default 100)
 *   backend        "auto" | "webgpu" | "webgl" | "wasm" | "cpu" (default "auto": the best available,
 *                  or whatever the page's lab already runs on; one lab serves every widget on a page)
 *   assets-base    folder that holds mnist/ and checkpoints/ (default: the site's assets/)
 *
 * A setting changed during a run applies to the same run from its next step (batch size, learning
 * rate, label dropout, steps, preview interval); while paused, from Resume. A new preset needs a
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
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { backendDetailsStyles } from './base/backend-styles';
import { backendLine } from './base/backend-line';
import { LabLink } from './base/lab-link';
import {
  containerHostStyles,
  introStyles,
  invalidFieldStyles,
  legendStyles,
  placeholderStyles,
  progressStyles,
  rowStyles,
} from './base/shared-styles';
import type { BackendPreference } from '../backend/names';
import { imageGrid } from '../charts/image-grid';
import { lineChart } from '../charts/line-chart';
import type { CheckpointSummary, Lab, LabEvents, LabStatus, TrainProgress, TrainSettings } from '../lab/lab-api';
import { describeUNet } from '../model/describe';
import { presetConfig } from '../model/config';
import type { RawAttr } from './base/attributes';
import { formatNumber } from './base/format';
import { DiffusionWidget, widgetStyles } from './base/widget-base';
import { checkPickedFiles, downloadCheckpoint } from './trainer/checkpoint-files';
import { slowDeviceAdvice } from './trainer/device-advice';
import { formatCount, formatDuration, formatRate } from './trainer/format-time';
import { FrameBatcher } from './trainer/frame-batcher';
import { errorSentence, parseAssetsBase, parseBackend, shippedCheckpointUrl } from './trainer/lab-connection';
import { LossHistory } from './trainer/loss-history';
import {
  MAX_BATCH,
  MAX_TRAIN_STEPS,
  PREVIEW_SAMPLES,
  TRAINER_DEFAULTS,
  TRAIN_PRESETS,
  isTrainPreset,
  parseBatchSize,
  parseLabelDropout,
  parseLearningRate,
  parsePreset,
  parseSampleEvery,
  parseSeed,
  parseSteps,
  trainSettings,
  type TrainPreset,
} from './trainer/trainer-settings';

export interface TrainerProgressDetail {
  state: TrainProgress['state'];
  step: number;
  totalSteps: number;
  loss: number;
  smoothedLoss: number;
  stepsPerSecond: number;
  etaSeconds: number;
}

export interface TrainerChangeDetail {
  name: string;
  value: string | number;
}

type Values = Omit<TrainSettings, 'sampleCount'>;

/** Something that throws the trained model away, waiting for the reader's yes. */
type Confirmation =
  | { kind: 'reset' }
  | { kind: 'load'; from: { files: File[] } | 'indexeddb' | { url: string }; what: string };

type Busy = 'start' | 'pause' | 'reset' | 'save' | 'load' | null;

const PRESET_FACTS: Record<TrainPreset, string> = Object.fromEntries(
  TRAIN_PRESETS.map((name) => {
    const d = describeUNet(presetConfig(name));
    return [name, `${formatCount(d.params)} parameters, ${(d.flopsPerImage / 1e6).toFixed(1)} MFLOPs`];
  }),
) as Record<TrainPreset, string>;

const CONTROL_ATTRIBUTES = ['preset', 'batch-size', 'learning-rate', 'steps'] as const;
type ControlAttribute = (typeof CONTROL_ATTRIBUTES)[number];

export class DiffusionTrainer extends DiffusionWidget {
  static override styles = [
    widgetStyles,
    backendDetailsStyles,
    containerHostStyles,
    introStyles,
    invalidFieldStyles,
    rowStyles,
    placeholderStyles,
    progressStyles,
    legendStyles,
    css`
      input[type='number'] {
        width: 7.5rem;
      }

      [part~='controls'] label {
        max-width: 100%;
      }

      select.preset {
        max-width: 100%;
      }

      [part~='actions'] {
        margin: 0 0 0.75rem;
      }

      button.main {
        min-width: 9rem;
      }

      [part~='backend'],
      [part~='advice'] {
        margin: 0 0 0.6rem;
        font-size: 0.85rem;
        color: var(--_muted);
      }

      [part~='backend'] strong {
        color: var(--_fg);
      }

      [part~='advice'] {
        padding: 0.5rem 0.75rem;
        background: var(--_surface);
        border-left: 3px solid var(--_accent);
        border-radius: 6px;
      }

      [part~='confirm'] {
        margin: 0 0 0.75rem;
        padding: 0.6rem 0.75rem;
        color: var(--_error-fg);
        background: var(--_error-bg);
        border: 1px solid var(--_error-border);
        border-radius: 6px;
      }

      [part~='confirm'] p {
        margin: 0 0 0.5rem;
      }

      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1.5fr) minmax(0, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }

      @container (max-width: 44rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }

      [part~='chart'] {
        position: relative;
        min-width: 0;
      }

      .chart-empty {
        position: absolute;
        inset: 40% 1rem auto 4rem;
        margin: 0;
        text-align: center;
        font-size: 0.85rem;
        color: var(--_muted);
        pointer-events: none;
      }

      [part~='images'] {
        margin: 0;
      }

      [part~='images'] canvas.digit {
        width: 100%;
        max-width: 300px;
        height: auto;
      }

      .placeholder {
        width: 100%;
        max-width: 300px;
        aspect-ratio: 288 / 114;
      }

      figcaption {
        margin-top: 0.3rem;
        font-size: 0.85rem;
        color: var(--_muted);
      }

      [part~='progress'] {
        margin: 0.75rem 0 0;
      }

      [part~='progress'] label {
        display: flex;
        flex-direction: row;
        justify-content: space-between;
        color: var(--_fg);
      }

      progress {
        height: 0.9rem;
      }

      [part~='numbers'] {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr));
        gap: 0.1rem 1rem;
        margin: 0.5rem 0 0;
      }

      [part~='numbers'] div {
        display: flex;
        flex-direction: column;
      }

      [part~='numbers'] dt {
        font-size: 0.8rem;
        color: var(--_muted);
      }

      [part~='numbers'] dd {
        margin: 0;
        font-family: var(--_mono);
        font-variant-numeric: tabular-nums;
      }

      [part~='checkpoint'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 0.6rem;
        align-items: center;
        margin: 0.9rem 0 0;
        padding: 0.4rem 0.6rem 0.6rem;
        border: 1px solid var(--_border);
        border-radius: 6px;
      }

      .run-summary {
        margin: 0.4rem 0 0;
        font-size: 0.85rem;
        color: var(--_muted);
      }
    `,
  ];

  @property({ reflect: true }) preset: RawAttr = null;
  @property({ attribute: 'batch-size', reflect: true }) batchSize: RawAttr = null;
  @property({ attribute: 'learning-rate', reflect: true }) learningRate: RawAttr = null;
  @property({ reflect: true }) steps: RawAttr = null;
  @property({ attribute: 'label-dropout', reflect: true }) labelDropout: RawAttr = null;
  @property({ reflect: true }) seed: RawAttr = null;
  @property({ attribute: 'sample-every', reflect: true }) sampleEvery: RawAttr = null;
  @property({ reflect: true }) backend: RawAttr = null;
  @property({ attribute: 'assets-base', reflect: true }) assetsBase: RawAttr = null;

  @state() private busy: Busy = null;
  @state() private confirmation: Confirmation | null = null;
  @state() private note = '';

  @query('svg.loss-chart') private chartSvg?: SVGSVGElement;
  @query('canvas.samples') private samplesCanvas?: HTMLCanvasElement;
  @query('input.checkpoint-files') private fileInput?: HTMLInputElement;
  @query('button.confirm-no') private confirmNo?: HTMLButtonElement;

  // The last good settings.
  private values: Values = { ...TRAINER_DEFAULTS };
  private backendChoice: BackendPreference = 'auto';
  private assets: string | null = null;

  // The run, as the lab reports it; drawn at most once per animation frame.
  private readonly link = new LabLink(this, {
    'train-progress': (e) => this.receiveProgress(e.detail),
    'train-samples': (e) => this.receiveSamples(e.detail),
    'train-error': (e) => this.showError('training', `${errorSentence(e.detail.message)} The model is kept: lower the learning rate and press Resume, or reset.`),
    // The lab reports its backend each time it starts (also when another widget started it).
    backend: (e) => (this.link.status = e.detail),
  });
  private progress: TrainProgress | null = null;
  private samples: LabEvents['train-samples'] | null = null;
  private readonly history = new LossHistory();
  private chartDirty = true;
  private gridDirty = true;
  private readonly frames = new FrameBatcher(() => this.requestUpdate());
  private resizeObserver: ResizeObserver | null = null;
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
    return this.progress;
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
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.readSettings();
  }

  private readSettings(): void {
    const v = this.values;
    const next: Values = { ...v };
    this.applyAttr('preset', parsePreset(this.preset), (x) => (next.preset = x), `"${v.preset}"`);
    this.applyAttr('batch-size', parseBatchSize(this.batchSize), (x) => (next.batchSize = x), String(v.batchSize));
    this.applyAttr('learning-rate', parseLearningRate(this.learningRate), (x) => (next.learningRate = x), String(v.learningRate));
    this.applyAttr('steps', parseSteps(this.steps), (x) => (next.steps = x), String(v.steps));
    this.applyAttr('label-dropout', parseLabelDropout(this.labelDropout), (x) => (next.labelDropout = x), String(v.labelDropout));
    this.applyAttr('seed', parseSeed(this.seed), (x) => (next.seed = x), String(v.seed));
    this.applyAttr('sample-every', parseSampleEvery(this.sampleEvery), (x) => (next.sampleEvery = x), String(v.sampleEvery));
    this.applyAttr('backend', parseBackend(this.backend), (x) => (this.backendChoice = x), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', parseAssetsBase(this.assetsBase), (x) => (this.assets = x), this.assets === null ? 'the default' : `"${this.assets}"`);
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
    const box = this.chartSvg?.parentElement;
    if (!box || typeof ResizeObserver === 'undefined' || this.resizeObserver) return;
    let lastWidth = -1;
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = Math.round(entries[0]?.contentRect.width ?? 0);
      if (Math.abs(width - lastWidth) < 8) return;
      lastWidth = width;
      this.chartDirty = true;
      this.frames.request();
    });
    this.resizeObserver.observe(box);
  }

  private connect(): void {
    const lab = this.link.connect(this.backendChoice, this.assets);
    lab?.trainProgress().then(
      (p) => {
        // A run this page already has (started by another widget, or before this one was added).
        if (p && !this.progress) this.receiveProgress(p);
      },
      () => undefined, // ready() reports why the lab is not available.
    );
  }

  private receiveSamples(samples: LabEvents['train-samples']): void {
    this.samples = samples;
    this.gridDirty = true;
    this.frames.request();
  }

  private receiveProgress(p: TrainProgress): void {
    const before = this.progress;
    if (p.state === 'idle' && p.step === 0) {
      // The run was reset: the model and its history are gone.
      this.history.clear();
      this.samples = null;
      this.gridDirty = true;
      this.progress = null;
    } else {
      if (before && p.step < before.step) this.history.clear();
      this.history.add(p.newLosses);
      this.progress = p;
    }
    if (p.state === 'running') this.clearError('training');
    if (before?.state === 'running' && p.state === 'done') this.note = `Training finished at step ${p.step}.`;
    this.chartDirty = true;
    this.checkPresetConflict();
    this.frames.request();
    this.emit<TrainerProgressDetail>('diffusion-progress', {
      state: p.state,
      step: p.step,
      totalSteps: p.totalSteps,
      loss: p.loss,
      smoothedLoss: this.history.smoothedLoss,
      stepsPerSecond: p.stepsPerSecond,
      etaSeconds: p.etaSeconds,
    });
  }

  private hasModel(): boolean {
    return this.progress !== null;
  }

  private runState(): TrainProgress['state'] | 'none' {
    return this.progress?.state ?? 'none';
  }

  /** A preset other than the trained model's: ask the lab, which explains what to do. */
  private checkPresetConflict(): void {
    const model = this.progress?.settings.preset;
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
    if (!this.lab || this.progress?.state !== 'running' || this.values.preset !== this.progress.settings.preset) return;
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
      this.note = this.hasModel() ? `Continuing to step ${settings.steps}.` : `Training the ${settings.preset} U-Net for ${settings.steps} steps.`;
      await lab.startTraining(settings);
    });
  }

  pause(): Promise<void> {
    return this.act('pause', 'training', async (lab) => {
      await lab.pauseTraining();
      this.note = `Paused at step ${this.progress?.step ?? 0}. Settings changed now apply when you resume.`;
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
      if ('json' in saved) {
        downloadCheckpoint(this.ownerDocument, saved);
        this.note = `Saved model.json and weights.bin (step ${this.progress?.step ?? '?'}). Load both files together to continue.`;
      } else {
        this.note = `Saved in this browser: the ${saved.preset} model at step ${saved.steps}.`;
      }
    });
  }

  /** Loads over the current model only after the reader agrees. */
  private requestLoad(from: { files: File[] } | 'indexeddb' | { url: string }, what: string): void {
    if (this.hasModel()) this.confirmation = { kind: 'load', from, what };
    else void this.load(from, what);
  }

  private async load(from: { files: File[] } | 'indexeddb' | { url: string }, what: string): Promise<void> {
    await this.act('load', 'checkpoint', async (lab) => {
      let summary: CheckpointSummary;
      try {
        summary = await lab.loadCheckpoint(from);
      } catch (error) {
        const message = errorSentence(error);
        const kept = this.hasModel() ? ' The model on the page is unchanged.' : '';
        if (typeof from === 'object' && 'url' in from && /^No checkpoint at/.test(message)) {
          throw new Error(`The shipped model is not available yet: ${message}${kept}`);
        }
        throw new Error(`${message}${kept}`);
      }
      this.history.clear();
      this.samples = null;
      this.chartDirty = true;
      this.gridDirty = true;
      if (isTrainPreset(summary.preset) && summary.preset !== this.values.preset) this.setSetting('preset', summary.preset);
      this.note = `Loaded ${what}: a ${summary.preset} model trained for ${formatCount(summary.steps)} steps. Sample from it, or raise Steps and continue training.`;
    });
  }

  private pickFiles(): void {
    this.fileInput?.click();
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
    else if (name === 'batch-size') this.batchSize = raw;
    else if (name === 'learning-rate') this.learningRate = raw;
    else this.steps = raw;
    const value = name === 'preset' ? raw : Number(raw);
    this.emit<TrainerChangeDetail>('diffusion-change', { name, value: Number.isFinite(value) ? value : raw });
  }

  // ------------------------------------------------------------------------------------------
  // Drawing
  // ------------------------------------------------------------------------------------------

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.confirmation && changed.has('confirmation')) this.confirmNo?.focus();
    this.guard('drawing', () => this.draw(), undefined);
  }

  private draw(): void {
    if (this.chartDirty && this.chartSvg) {
      this.chartDirty = false;
      const { start, raw, smoothed } = this.history.series();
      const total = this.progress?.totalSteps ?? this.values.steps;
      // Drawn at about its shown size, so its text stays readable on a phone.
      const shownWidth = this.chartSvg.parentElement?.clientWidth ?? 480;
      const width = Math.max(300, Math.min(560, Math.round(shownWidth) || 480));
      lineChart(this.chartSvg, {
        series: [
          { name: 'loss per step', values: raw, color: 'color-mix(in srgb, var(--_series-1) 40%, transparent)', dash: '' },
          { name: 'smoothed', values: smoothed, color: 'var(--_series-2)', dash: '' },
        ],
        x: { label: 'training step', symbol: 'step', start, domain: [Math.min(start, 1), Math.max(total, start + 1)] },
        y: { label: 'MSE of ε (log scale)', scale: 'log' },
        title: 'Training loss',
        description: this.describeLoss(),
        legend: true,
        width,
        height: width < 420 ? 240 : 260,
      });
    }
    if (this.gridDirty && this.samplesCanvas && this.samples) {
      this.gridDirty = false;
      const s = this.samples;
      imageGrid(this.samplesCanvas, s.images, s.count, {
        cols: 5,
        scale: 2,
        gap: 4,
        label: `Samples of the model at step ${s.step}, one per digit 0 to ${Math.min(9, s.count - 1)}, drawn with 20 DDIM steps`,
      });
    }
  }

  private describeLoss(): string {
    const first = this.history.firstStep;
    const last = this.history.lastStep;
    if (first === null || last === null) return 'No loss yet: the curve appears once training starts.';
    return (
      `Loss per training step on a log scale, from ${formatNumber(this.history.at(first))} at step ${first} ` +
      `to ${formatNumber(this.history.at(last))} at step ${last}; smoothed, ${formatNumber(this.history.smoothedLoss)}.`
    );
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  private mainButton(): TemplateResult {
    const state = this.runState();
    const ready = this.labStatus !== null && this.lab !== null;
    const busy = this.busy !== null;
    const conflict = this.errors.has('preset-conflict');
    if (state === 'running') {
      return html`<button type="button" class="main pause primary" ?disabled=${busy} @click=${() => void this.pause()}>Pause</button>`;
    }
    const step = this.progress?.step ?? 0;
    let label = 'Start training';
    if (state === 'paused' || state === 'error') label = 'Resume';
    else if (state === 'done') label = step < this.values.steps ? `Continue to ${formatCount(this.values.steps)} steps` : 'Finished: raise Steps to go on';
    const finished = state === 'done' && step >= this.values.steps;
    return html`<button
      type="button"
      class=${`main start primary ${state === 'paused' || state === 'error' ? 'resume' : ''}`}
      ?disabled=${!ready || busy || finished || conflict}
      @click=${() => void this.start()}
    >
      ${label}
    </button>`;
  }

  private statusText(): string {
    if (this.busy === 'load') return 'Loading the checkpoint…';
    if (this.busy === 'save') return 'Saving…';
    if (this.busy === 'reset') return 'Resetting…';
    if (!this.labStatus && !this.errors.has('lab')) return 'Starting the lab (it loads the tensor library in the background)…';
    if (this.note) return this.note;
    const p = this.progress;
    if (!p) return 'Ready to train.';
    return `${p.state === 'running' ? 'Training' : p.state === 'paused' ? 'Paused' : p.state === 'done' ? 'Done' : 'Stopped'}: step ${p.step} of ${p.totalSteps}.`;
  }

  private invalid(name: string): 'true' | 'false' {
    return this.errors.has(name) || (name === 'preset' && this.errors.has('preset-conflict')) ? 'true' : 'false';
  }

  protected override render(): TemplateResult {
    const v = this.values;
    const p = this.progress;
    const state = this.runState();
    const busy = this.busy !== null;
    const step = p?.step ?? 0;
    const total = p?.totalSteps ?? v.steps;
    const advice = slowDeviceAdvice({
      cores: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined,
      viewportWidth: typeof window !== 'undefined' ? window.innerWidth : 0,
      backend: this.labStatus?.backend ?? null,
    });
    return html`
      <h2 part="title">Train a diffusion model</h2>
      <p class="intro">
        The U-Net learns to predict the noise ε that was added to MNIST digits (Ho et al. 2020, Algorithm 1). Watch
        the loss fall and the samples turn from noise into digits.
      </p>
      ${this.renderErrors()}
      <div part="controls">
        <label>
          Preset
          <select class="preset" aria-invalid=${this.invalid('preset')} ?disabled=${busy}
            @change=${(e: Event) => this.setSetting('preset', (e.target as HTMLSelectElement).value)}>
            ${TRAIN_PRESETS.map((name) => html`<option value=${name} .selected=${name === v.preset}>${name} (${PRESET_FACTS[name]})</option>`)}
          </select>
        </label>
        <label>
          Batch size
          <input type="number" class="batch-size" min="1" max=${MAX_BATCH} step="1" .value=${String(v.batchSize)}
            aria-invalid=${this.invalid('batch-size')}
            @change=${(e: Event) => this.setSetting('batch-size', (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Learning rate
          <input type="number" class="learning-rate" min="0" max="1" step="any" .value=${String(v.learningRate)}
            aria-invalid=${this.invalid('learning-rate')}
            @change=${(e: Event) => this.setSetting('learning-rate', (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Steps
          <input type="number" class="steps" min="1" max=${MAX_TRAIN_STEPS} step="1" .value=${String(v.steps)}
            aria-invalid=${this.invalid('steps')}
            @change=${(e: Event) => this.setSetting('steps', (e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <div part="actions" class="row" role="group" aria-label="Training">
        ${this.mainButton()}
        <button type="button" class="reset" ?disabled=${busy || !this.hasModel() || this.confirmation !== null} @click=${() => this.askReset()}>
          Reset…
        </button>
      </div>
      ${this.confirmation ? this.renderConfirmation(this.confirmation) : nothing}
      <div part="backend" class="backend">
        ${this.labStatus
          ? this.renderBackend(this.labStatus)
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
          ${this.history.length === 0 ? html`<p class="chart-empty" aria-hidden="true">The loss appears here once training starts.</p>` : nothing}
        </div>
        <figure part="images">
          ${this.samples
            ? html`<canvas class="digit samples" width="288" height="114"></canvas>`
            : html`<div class="placeholder samples-placeholder">
                ${v.sampleEvery > 0 ? `Samples appear every ${v.sampleEvery} steps.` : 'Preview samples are off (sample-every="0").'}
              </div>`}
          <figcaption>
            ${this.samples
              ? html`Step ${this.samples.step}: digits 0–${Math.min(9, this.samples.count - 1)} from the same noise, 20 DDIM steps of the EMA weights.`
              : html`${PREVIEW_SAMPLES} samples, one per digit, from the same noise each time.`}
          </figcaption>
        </figure>
      </div>
      <div part="progress">
        <label for="train-progress">
          <span>Progress</span>
          <span class="step-readout">step ${formatCount(step)} of ${formatCount(total)}</span>
        </label>
        <progress id="train-progress" max=${Math.max(1, total)} .value=${Math.min(step, total)}></progress>
        <dl part="numbers">
          <div><dt>loss</dt><dd class="loss">${p && Number.isFinite(p.loss) ? formatNumber(p.loss) : '–'}</dd></div>
          <div><dt>smoothed</dt><dd class="smoothed">${Number.isFinite(this.history.smoothedLoss) ? formatNumber(this.history.smoothedLoss) : '–'}</dd></div>
          <div><dt>speed</dt><dd class="speed">${formatRate(p?.stepsPerSecond ?? 0)}</dd></div>
          <div><dt>time left</dt><dd class="eta">${state === 'running' ? formatDuration(p?.etaSeconds ?? Infinity) : state === 'done' ? '0 s' : '–'}</dd></div>
        </dl>
        ${p
          ? html`<p class="run-summary">
              This run: ${p.settings.preset} preset, batch ${p.settings.batchSize}, learning rate ${p.settings.learningRate},
              label dropout ${p.settings.labelDropout}, seed ${p.settings.seed}.
            </p>`
          : nothing}
      </div>
      <fieldset part="checkpoint">
        <legend>Checkpoint (model.json + weights.bin)</legend>
        <button type="button" class="save-download" ?disabled=${busy || !this.hasModel()} @click=${() => void this.save('download')}>Download</button>
        <button type="button" class="save-browser" ?disabled=${busy || !this.hasModel()} @click=${() => void this.save('indexeddb')}>Save in this browser</button>
        <button type="button" class="load-files" ?disabled=${busy || !this.labStatus} @click=${() => this.pickFiles()}>Load files…</button>
        <input class="checkpoint-files" type="file" multiple accept=".json,.bin,application/json,application/octet-stream" hidden
          aria-label="Checkpoint files: model.json and weights.bin" @change=${(e: Event) => this.filesPicked(e.target as HTMLInputElement)} />
        <button type="button" class="load-browser" ?disabled=${busy || !this.labStatus} @click=${() => this.requestLoad('indexeddb', 'the checkpoint saved in this browser')}>
          Load from this browser
        </button>
        <button type="button" class="load-shipped" ?disabled=${busy || !this.labStatus}
          @click=${() => this.requestLoad({ url: shippedCheckpointUrl(this.assets) }, 'the shipped model')}>Load the shipped model</button>
      </fieldset>
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderBackend(status: LabStatus): TemplateResult {
    return backendLine(status, this.backendChoice);
  }

  private renderConfirmation(c: Confirmation): TemplateResult {
    const p = this.progress;
    const what = p ? `the ${p.settings.preset} model trained for ${formatCount(p.step)} step${p.step === 1 ? '' : 's'}` : 'the trained model';
    const question = c.kind === 'reset' ? `Reset throws away ${what}.` : `Loading ${c.what} replaces ${what}.`;
    return html`<div part="confirm" class="confirm" role="alertdialog" aria-labelledby="confirm-text"
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelConfirmation()}>
      <p id="confirm-text">${question} Download or save a checkpoint first to keep it.</p>
      <div class="row">
        <button type="button" class="confirm-yes" @click=${() => void this.confirmed()}>${c.kind === 'reset' ? 'Reset the model' : 'Replace the model'}</button>
        <button type="button" class="confirm-no" @click=${() => this.cancelConfirmation()}>Keep the model</button>
      </div>
    </div>`;
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
