/**
 * <diffusion-score-field>: score-based models on 2-D data. A small MLP noise predictor trains live
 * on a toy data set (Swiss roll, two moons, a ring of Gaussians, or points the learner draws); a
 * d3 quiver plot shows the learned score s(x, t) = −ε̂/σ(t) at a chosen noise level next to the true
 * score where it is known in closed form (the ring and the drawn set are Gaussian mixtures), with
 * their mean cosine similarity measured; particles move by annealed Langevin dynamics, the
 * probability-flow ODE or ancestral steps with their trajectories drawn; VP and VE noising can be
 * switched and compared on a small chart. The maths is src/toy2d/; tfjs loads lazily on first use.
 *
 * Attributes (all reflected; a bad value shows a message inside the widget and the last good
 * value stays in use):
 *   dataset        "swiss-roll" | "two-moons" | "ring" | "drawn" (default "ring")
 *   noising        "vp" | "ve" (default "vp")
 *   seed           initial weights, training noise and particles (default 0)
 *   steps          training steps a run goes to, 1 … 100000 (default 1000)
 *   t              noise level of the plot, continuous time 0.01 … 1 (default 0.1)
 *   particles      1 … 1000 (default 200)
 *   sampler        "ode" | "langevin" | "ancestral" (default "ode")
 *   sample-steps   steps (ode, ancestral) or noise levels (langevin), 1 … 500 (default 60)
 *   field          "both" | "learned" | "true": which arrows are drawn (default "both")
 *   batch-size     1 … 2048 (default 256)
 *   learning-rate  Adam's rate, 0 < lr < 1 (default 0.005)
 *   hidden-units   units per hidden layer, 4 … 256 (default 64)
 *   autotrain      start training as soon as the model is ready (boolean, default off)
 *
 * Events (bubbling, composed): `diffusion-ready` {backend, parameters} when the model is built;
 * `diffusion-progress` {state, step, totalSteps, loss, smoothedLoss, stepsPerSecond} while training;
 * `score-field-trained` {step, loss, smoothedLoss, stepsPerSecond, trainingSeconds, dataset,
 * noising, cosineGrid, cosineData, t} when a run reaches `steps`; `score-field-sampled` {sampler,
 * particles, steps, updates, ms, onMode, modesCovered} when particles arrive; `diffusion-change`
 * {name, value} when a control changes a setting; `diffusion-error` {attribute, message}.
 *
 * Parts: title, controls, plot, legend, numbers, noising, pad, error, status.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { Rng } from '../data/rng';
import { ringOfGaussians, sampleDataset, sampleDrawn, type GaussianMixture2D, type ToyDatasetName } from '../toy2d/datasets';
import { fieldGrid, meanCosine, noisedPoints } from '../toy2d/field-compare';
import { mixtureFit } from '../toy2d/mixture-fit';
import { mixtureScore } from '../toy2d/mixture-score';
import { noiseProcess, type NoiseProcess, type Noising } from '../toy2d/noising';
import type { ParticleSampler, ToySamplerName } from '../toy2d/samplers';
import type { ToyDiffusion } from '../toy2d/toy-diffusion';
import { parseBoolAttr, type ParseResult, type RawAttr } from './base/attributes';
import { formatNumber } from './base/format';
import { containerHostStyles, fieldsetStyles, introStyles, rowStyles } from './base/shared-styles';
import { DiffusionWidget, widgetStyles } from './base/widget-base';
import { noisingChart } from './score-field/noising-chart';
import { quiverPlot, type QuiverPlotScales } from './score-field/quiver-plot';
import {
  MODEL_SETTINGS,
  SCORE_FIELD_DEFAULTS,
  SCORE_FIELD_LIMITS,
  parseBatchSize,
  parseDataset,
  parseField,
  parseHidden,
  parseLearningRate,
  parseNoising,
  parseParticles,
  parseSampleSteps,
  parseSampler,
  parseSeed,
  parseSteps,
  parseT,
  type ScoreFieldSettings,
} from './score-field/settings';
import { TrainLoop, type TrainProgress } from './score-field/train-loop';

type Engine = typeof import('./score-field/engine');

export interface ScoreFieldProgressDetail {
  state: 'training' | 'paused' | 'done';
  step: number;
  totalSteps: number;
  loss: number;
  smoothedLoss: number;
  stepsPerSecond: number;
}

export interface ScoreFieldTrainedDetail {
  step: number;
  loss: number;
  smoothedLoss: number;
  stepsPerSecond: number;
  trainingSeconds: number;
  dataset: ToyDatasetName;
  noising: Noising;
  /** Mean cosine similarity of learned and true score on the plot's grid (NaN without a true score). */
  cosineGrid: number;
  /** The same at samples of the noised data p_t. */
  cosineData: number;
  t: number;
}

export interface ScoreFieldSampledDetail {
  sampler: ToySamplerName;
  particles: number;
  steps: number;
  updates: number;
  ms: number;
  /** For mixtures (ring, drawn): share of particles within 3 std of a mode, and the modes reached. */
  onMode: number;
  modesCovered: number;
}

/** The square shown, in data units (the data sets have unit spread). */
const DOMAIN: [number, number] = [-3, 3];
const GRID = 20;
const DATA_DOTS = 600;
/** Points of p_t where the learned and true scores are compared. */
const COMPARE_POINTS = 400;
const DRAW_JITTER = 0.08;
const MIN_DRAWN = 3;
/** Field redraws while training, at most one per this many ms. */
const FIELD_REFRESH_MS = 300;
/** Longest a training chunk may run before the page gets the thread back. */
const TRAIN_CHUNK_MS = 12;
const PROGRESS_EVENT_MS = 250;
/** Trajectory points kept per particle (older frames are thinned so paths stay light). */
const TRAJECTORY_POINTS = 60;
/** How long a particle run plays when motion is allowed: 25 ms per update, within 1.5 … 4 s. */
const PARTICLE_MS_PER_UPDATE = 25;
const PARTICLE_MIN_MS = 1500;
const PARTICLE_MAX_MS = 4000;
const FRAME_BUDGET_MS = 8;
const CURSOR_STEP = 0.1;

export class DiffusionScoreField extends DiffusionWidget {
  static override styles = [
    widgetStyles,
    containerHostStyles,
    introStyles,
    rowStyles,
    fieldsetStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 30rem) minmax(16rem, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }

      @container (max-width: 48rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }

      .t-control input[type='range'] {
        width: 100%;
      }

      .t-control {
        display: flex;
        margin: 0.5rem 0 0;
      }

      .readout {
        font-variant-numeric: tabular-nums;
        color: var(--_fg);
      }

      [part~='plot'] svg {
        display: block;
        width: 100%;
        height: auto;
        border-radius: 6px;
        touch-action: none;
      }

      [part~='plot'] svg.drawing {
        cursor: crosshair;
      }

      .plot-frame {
        fill: var(--_surface);
        stroke: var(--_border);
      }

      .data-points circle {
        fill: var(--_muted);
        opacity: 0.35;
      }

      .drawn-points circle {
        fill: var(--_fg);
      }

      .arrows-learned path {
        fill: none;
        stroke: var(--_series-1);
        stroke-width: 1.5;
      }

      .arrows-true path {
        fill: none;
        stroke: var(--_series-2);
        stroke-width: 1.5;
        opacity: 0.8;
      }

      .trajectories path {
        fill: none;
        stroke: var(--_series-3);
        stroke-width: 0.8;
        opacity: 0.35;
      }

      /* Langevin paths zigzag with the injected noise: fainter, so the arrows stay readable. */
      svg[data-sampler='langevin'] .trajectories path {
        stroke-width: 0.6;
        opacity: 0.15;
      }

      .particles circle {
        fill: var(--_series-3);
        stroke: var(--_bg);
        stroke-width: 0.6;
      }

      .draw-cursor path {
        stroke: var(--_focus);
        stroke-width: 2;
      }

      [part~='legend'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 1rem;
        margin: 0.35rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
        color: var(--_muted);
      }

      .swatch {
        display: inline-block;
        width: 1.1em;
        height: 0.3em;
        margin-right: 0.35em;
        vertical-align: middle;
        border-radius: 2px;
      }

      .swatch.learned {
        background: var(--_series-1);
      }

      .swatch.true {
        background: var(--_series-2);
      }

      .swatch.particles {
        background: var(--_series-3);
      }

      .swatch.data {
        background: var(--_muted);
      }

      [part~='numbers'] {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.15rem 0.8rem;
        margin: 0 0 0.75rem;
      }

      [part~='numbers'] dt {
        font-size: 0.85rem;
        color: var(--_muted);
      }

      [part~='numbers'] dd {
        margin: 0;
        font-family: var(--_mono);
        font-variant-numeric: tabular-nums;
      }

      [part~='noising'] p {
        font-size: 0.88rem;
      }

      [part~='pad'] {
        margin: 0.5rem 0 0;
        padding: 0.5rem 0.6rem;
        font-size: 0.88rem;
        background: var(--_surface);
        border-radius: 6px;
      }

      [part~='pad'][hidden] {
        display: none;
      }
    `,
  ];

  @property({ attribute: 'dataset', reflect: true }) datasetName: RawAttr = null;
  @property({ reflect: true }) noising: RawAttr = null;
  @property({ reflect: true }) seed: RawAttr = null;
  @property({ reflect: true }) steps: RawAttr = null;
  @property({ reflect: true }) t: RawAttr = null;
  @property({ reflect: true }) particles: RawAttr = null;
  @property({ reflect: true }) sampler: RawAttr = null;
  @property({ attribute: 'sample-steps', reflect: true }) sampleSteps: RawAttr = null;
  @property({ reflect: true }) field: RawAttr = null;
  @property({ attribute: 'batch-size', reflect: true }) batchSize: RawAttr = null;
  @property({ attribute: 'learning-rate', reflect: true }) learningRate: RawAttr = null;
  @property({ attribute: 'hidden-units', reflect: true }) hiddenUnits: RawAttr = null;
  @property({ reflect: true }) autotrain: RawAttr = null;

  @state() private progress: TrainProgress | null = null;
  @state() private modelReady = false;
  @state() private sampling = false;
  @state() private cosineGrid = Number.NaN;
  @state() private cosineData = Number.NaN;
  @state() private backendName = '';
  @state() private lastRun: ScoreFieldSampledDetail | null = null;
  @state() private drawnCount = 0;
  /** The sampler of the particles on the plot (for styling their paths). */
  @state() private shownSampler: ToySamplerName | '' = '';

  @query('svg.quiver') private plotSvg?: SVGSVGElement;
  @query('svg.noising-chart') private chartSvg?: SVGSVGElement;

  /** The last good settings. */
  private settings: ScoreFieldSettings = { ...SCORE_FIELD_DEFAULTS };
  private autotrainValue = false;
  private engine: Engine | null = null;
  private enginePromise: Promise<Engine> | null = null;
  private model: ToyDiffusion | null = null;
  private modelKey = '';
  private loop: TrainLoop | null = null;
  private batchRng = new Rng(1);
  private readonly grid = fieldGrid(DOMAIN[0], DOMAIN[1], GRID);
  private dataDots: Float32Array = new Float32Array(0);
  private dataKey = '';
  private drawn: number[] = [];
  private learnedField: Float32Array | null = null;
  private trueField: Float32Array | null = null;
  private particleRun: ParticleSampler | null = null;
  private particlePoints: Float32Array | null = null;
  private trajectoryFrames: Float32Array[] = [];
  private particleFrame: number | null = null;
  private particleRuns = 0;
  private lastFieldRefresh = 0;
  private lastProgressEvent = 0;
  private cursor: [number, number] = [0, 0];
  private cursorVisible = false;
  private pointerDown = false;
  private scales: QuiverPlotScales | null = null;
  private statusNote = '';
  private disposedByDisconnect = false;
  private chartKey = '';

  /** The learned score field at the grid, as last computed (σ·s, i.e. −ε̂); for pages and tests. */
  get learnedVectors(): Float32Array | null {
    return this.learnedField ? Float32Array.from(this.learnedField) : null;
  }

  /** Live tfjs tensors on this thread, or null before tfjs has loaded (leak checks). */
  get tensorCount(): number | null {
    return this.engine ? this.engine.numTensors() : null;
  }

  /** How training shared the thread: chunks run and the longest one in ms (for tests and pages). */
  get trainingChunks(): { chunks: number; longestMs: number } {
    const p = this.loop?.progress();
    return { chunks: p?.chunks ?? 0, longestMs: p?.longestChunkMs ?? 0 };
  }

  /** Training steps taken by the current model. */
  get trainingStep(): number {
    return this.model?.step ?? 0;
  }

  /** The learner's drawn points (x, y interleaved, data units). */
  get drawnPoints(): Float32Array {
    return Float32Array.from(this.drawn);
  }

  /** Replaces the drawn points (x, y interleaved, data units); for pages that prepare a shape. */
  set drawnPoints(points: ArrayLike<number>) {
    const next: number[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) {
      if (Number.isFinite(points[i]) && Number.isFinite(points[i + 1])) next.push(clampToDomain(points[i]), clampToDomain(points[i + 1]));
    }
    this.drawn = next;
    this.onDrawnChanged();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.disposedByDisconnect) {
      // Moved in the DOM: build a fresh model on the next update.
      this.disposedByDisconnect = false;
      this.modelKey = '';
      this.requestUpdate();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopParticles();
    this.loop?.pause();
    this.loop = null;
    this.model?.dispose();
    this.model = null;
    this.modelReady = false;
    this.disposedByDisconnect = true;
  }

  // ------------------------------------------------------------------------------------------
  // Attributes
  // ------------------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const s = this.settings;
    const next = { ...s };
    const read = <K extends keyof ScoreFieldSettings>(attr: string, key: K, result: ParseResult<ScoreFieldSettings[K]>, keeping: string): void => {
      this.applyAttr(attr, result, (v) => (next[key] = v), keeping);
    };
    read('dataset', 'dataset', parseDataset(this.datasetName), `"${s.dataset}"`);
    read('noising', 'noising', parseNoising(this.noising), `"${s.noising}"`);
    read('seed', 'seed', parseSeed(this.seed), `seed ${s.seed}`);
    read('steps', 'steps', parseSteps(this.steps), String(s.steps));
    read('t', 't', parseT(this.t), `t = ${s.t}`);
    read('particles', 'particles', parseParticles(this.particles), String(s.particles));
    read('sampler', 'sampler', parseSampler(this.sampler), `"${s.sampler}"`);
    read('sample-steps', 'sampleSteps', parseSampleSteps(this.sampleSteps), String(s.sampleSteps));
    read('field', 'field', parseField(this.field), `"${s.field}"`);
    read('batch-size', 'batchSize', parseBatchSize(this.batchSize), String(s.batchSize));
    read('learning-rate', 'learningRate', parseLearningRate(this.learningRate), String(s.learningRate));
    read('hidden-units', 'hidden', parseHidden(this.hiddenUnits), String(s.hidden));
    this.applyAttr('autotrain', parseBoolAttr('autotrain', this.autotrain), (v) => (this.autotrainValue = v));
    const tChanged = next.t !== s.t;
    const fieldChanged = next.field !== s.field;
    this.settings = next;
    if (this.loop && next.steps !== s.steps) this.loop.target = next.steps;

    const dataKey = `${next.dataset}|${next.seed}`;
    if (dataKey !== this.dataKey) {
      this.dataKey = dataKey;
      this.refreshDataDots();
    }
    const modelKey = MODEL_SETTINGS.map((k) => String(next[k])).join('|');
    if (modelKey !== this.modelKey && this.isConnected) {
      this.modelKey = modelKey;
      void this.rebuildModel();
    } else if ((tChanged || fieldChanged) && this.modelReady) {
      this.refreshField();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Model and training
  // ------------------------------------------------------------------------------------------

  private loadEngine(): Promise<Engine> {
    this.enginePromise ??= import('./score-field/engine').then(async (engine) => {
      const { backend } = await engine.ensureBackend();
      this.engine = engine;
      this.backendName = backend;
      return engine;
    });
    return this.enginePromise;
  }

  private async rebuildModel(): Promise<void> {
    const key = this.modelKey;
    this.stopParticles();
    this.clearParticles();
    this.loop?.pause();
    this.loop = null;
    this.model?.dispose();
    this.model = null;
    this.modelReady = false;
    this.progress = null;
    this.learnedField = null;
    let engine: Engine;
    try {
      engine = await this.loadEngine();
      this.clearError('engine');
    } catch (error) {
      this.enginePromise = null;
      this.showError('engine', `Could not start the tensor library: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // Settings may have changed while tfjs loaded: only the latest request builds a model.
    if (key !== this.modelKey || !this.isConnected) return;
    const s = this.settings;
    const model = this.guard(
      'model',
      () => engine.createToyModel({ seed: s.seed, noising: s.noising, hidden: s.hidden, learningRate: s.learningRate }),
      null,
    );
    if (!model) return;
    this.model = model;
    this.batchRng = new Rng(s.seed + 0x9e37);
    this.loop = new TrainLoop(model, () => this.nextBatch(), s.steps, {
      chunkMs: TRAIN_CHUNK_MS,
      onProgress: (p) => this.onProgress(p),
      onDone: (p) => this.onTrained(p),
      onError: (error) => {
        this.showError('training', `Training stopped: ${error instanceof Error ? error.message : String(error)}`);
        this.progress = this.loop?.progress() ?? null;
      },
    });
    this.modelReady = true;
    this.refreshField();
    this.emit('diffusion-ready', { backend: this.backendName, parameters: model.parameterCount });
    if (this.autotrainValue && this.canTrain()) this.startTraining();
  }

  private nextBatch(): Float32Array {
    const { dataset, batchSize } = this.settings;
    if (dataset === 'drawn') return sampleDrawn(Float32Array.from(this.drawn), batchSize, this.batchRng, DRAW_JITTER);
    return sampleDataset(dataset, batchSize, this.batchRng);
  }

  private canTrain(): boolean {
    return this.settings.dataset !== 'drawn' || this.drawn.length / 2 >= MIN_DRAWN;
  }

  private startTraining(): void {
    if (!this.loop || !this.model) return;
    if (!this.canTrain()) {
      this.statusNote = `Draw at least ${MIN_DRAWN} points on the plot first.`;
      this.requestUpdate();
      return;
    }
    this.clearError('training');
    if (this.model.step >= this.settings.steps) {
      this.statusNote = `Already at ${this.settings.steps} steps: raise steps to train on.`;
      this.requestUpdate();
      return;
    }
    this.statusNote = '';
    this.loop.start();
    this.progress = this.loop.progress();
  }

  private pauseTraining(): void {
    this.loop?.pause();
    this.progress = this.loop?.progress() ?? null;
    if (this.progress) this.emitProgress(this.progress, true);
    this.refreshField();
  }

  private toggleTraining(): void {
    if (this.loop?.isRunning) this.pauseTraining();
    else this.startTraining();
  }

  private reset(): void {
    this.modelKey = MODEL_SETTINGS.map((k) => String(this.settings[k])).join('|');
    this.statusNote = 'New model with fresh weights.';
    void this.rebuildModel();
  }

  /** After every chunk: numbers, arrows and events at a few frames per second, not per chunk. */
  private onProgress(p: TrainProgress): void {
    const now = performance.now();
    if (now - this.lastFieldRefresh >= FIELD_REFRESH_MS || !p.running) {
      this.progress = p;
      this.refreshField();
    }
    this.emitProgress(p, false);
  }

  private emitProgress(p: TrainProgress, force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastProgressEvent < PROGRESS_EVENT_MS) return;
    this.lastProgressEvent = now;
    this.emit<ScoreFieldProgressDetail>('diffusion-progress', {
      state: p.running ? 'training' : p.step >= p.targetSteps ? 'done' : 'paused',
      step: p.step,
      totalSteps: p.targetSteps,
      loss: p.loss,
      smoothedLoss: p.smoothedLoss,
      stepsPerSecond: p.stepsPerSecond,
    });
  }

  private onTrained(p: TrainProgress): void {
    this.progress = p;
    this.refreshField();
    this.emitProgress(p, true);
    this.emit<ScoreFieldTrainedDetail>('score-field-trained', {
      step: p.step,
      loss: p.loss,
      smoothedLoss: p.smoothedLoss,
      stepsPerSecond: p.stepsPerSecond,
      trainingSeconds: p.trainingMs / 1000,
      dataset: this.settings.dataset,
      noising: this.settings.noising,
      cosineGrid: this.cosineGrid,
      cosineData: this.cosineData,
      t: this.settings.t,
    });
  }

  // ------------------------------------------------------------------------------------------
  // Fields
  // ------------------------------------------------------------------------------------------

  private get process(): NoiseProcess {
    return this.model?.process ?? noiseProcess(this.settings.noising);
  }

  /** The data set as a Gaussian mixture when it is one (ring; drawn points with their jitter). */
  private mixture(): GaussianMixture2D | null {
    if (this.settings.dataset === 'ring') return ringOfGaussians();
    if (this.settings.dataset === 'drawn' && this.drawn.length >= 2) {
      const k = this.drawn.length / 2;
      return { means: Float32Array.from(this.drawn), std: DRAW_JITTER, weights: new Float32Array(k).fill(1 / k) };
    }
    return null;
  }

  private refreshDataDots(): void {
    const { dataset, seed } = this.settings;
    if (dataset === 'drawn') {
      this.dataDots = this.drawn.length >= 2 ? sampleDrawn(Float32Array.from(this.drawn), DATA_DOTS, new Rng(seed + 7), DRAW_JITTER) : new Float32Array(0);
    } else {
      this.dataDots = sampleDataset(dataset, DATA_DOTS, new Rng(seed + 7));
    }
  }

  /**
   * Recomputes both arrow fields at the plot's t and their agreement. Arrows show σ(t)·s(x, t)
   * (= −ε̂ for the learned field), which keeps lengths comparable across noise levels.
   */
  private refreshField(): void {
    this.lastFieldRefresh = performance.now();
    const p = this.process;
    const t = Math.max(p.tMin, this.settings.t);
    const sigma = p.sigma(t);
    const m = this.mixture();
    this.trueField = m ? scaleVectors(mixtureScore(m, this.grid, p.alpha(t), sigma), sigma) : null;
    const model = this.model;
    if (!model || model.isDisposed) {
      this.learnedField = null;
      this.cosineGrid = Number.NaN;
      this.cosineData = Number.NaN;
      this.drawPlot();
      return;
    }
    this.guard(
      'field',
      () => {
        this.learnedField = scaleVectors(model.score(this.grid, t), sigma);
        if (m && this.trueField) {
          this.cosineGrid = meanCosine(this.learnedField, this.trueField);
          const clean = this.compareData(m);
          const noisy = noisedPoints(clean, t, p, new Rng(this.settings.seed + 11));
          this.cosineData = meanCosine(model.score(noisy, t), mixtureScore(m, noisy, p.alpha(t), sigma));
        } else {
          this.cosineGrid = Number.NaN;
          this.cosineData = Number.NaN;
        }
      },
      undefined,
    );
    this.drawPlot();
  }

  private compareData(m: GaussianMixture2D): Float32Array {
    const rng = new Rng(this.settings.seed + 13);
    const out = new Float32Array(2 * COMPARE_POINTS);
    const k = m.weights.length;
    for (let i = 0; i < COMPARE_POINTS; i++) {
      const j = rng.int(k);
      out[2 * i] = m.means[2 * j] + m.std * rng.normal();
      out[2 * i + 1] = m.means[2 * j + 1] + m.std * rng.normal();
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Particles
  // ------------------------------------------------------------------------------------------

  private runParticles(): void {
    const model = this.model;
    if (!model) return;
    this.stopParticles();
    const { particles, sampler, sampleSteps, seed } = this.settings;
    const rng = new Rng(seed * 7919 + ++this.particleRuns);
    const run = this.guard('particles', () => model.sampler(particles, rng, { sampler, steps: sampleSteps }), null);
    if (!run) return;
    this.particleRun = run;
    this.shownSampler = run.sampler;
    this.particlePoints = Float32Array.from(run.points);
    this.trajectoryFrames = [Float32Array.from(run.points)];
    this.sampling = true;
    const total = run.totalUpdates;
    const keepEvery = Math.max(1, Math.ceil(total / TRAJECTORY_POINTS));
    const reduced = this.prefersReducedMotion();
    // Motion allowed: the run plays over a fixed time whatever the frame rate; reduced motion: as
    // fast as the frame budget allows, drawing only the end.
    const duration = Math.min(PARTICLE_MAX_MS, Math.max(PARTICLE_MIN_MS, total * PARTICLE_MS_PER_UPDATE));
    const started = performance.now();
    let busyMs = 0;
    const tick = (): void => {
      if (this.particleRun !== run) return;
      const frameStart = performance.now();
      const due = reduced ? total : Math.ceil((total * (frameStart - started)) / duration);
      const ok = this.guard(
        'particles',
        () => {
          while (run.updates < due && !run.done) {
            run.step();
            if (run.updates % keepEvery === 0 || run.done) this.trajectoryFrames.push(Float32Array.from(run.points));
            if (performance.now() - frameStart >= FRAME_BUDGET_MS) break;
          }
          return true;
        },
        false,
      );
      busyMs += performance.now() - frameStart;
      if (!ok) {
        this.stopParticles();
        return;
      }
      if (!reduced || run.done) {
        this.particlePoints = Float32Array.from(run.points);
        this.drawPlot();
      }
      if (run.done) {
        this.particleFrame = null;
        this.particleRun = null;
        this.sampling = false;
        this.finishParticles(run, busyMs, performance.now() - started);
      } else {
        this.particleFrame = requestAnimationFrame(tick);
      }
    };
    this.particleFrame = requestAnimationFrame(tick);
  }

  private finishParticles(run: ParticleSampler, busyMs: number, wallMs: number): void {
    const m = this.mixture();
    const fit = m ? mixtureFit(m, run.points, 3 * m.std + this.process.sigma(this.process.tMin)) : null;
    const detail: ScoreFieldSampledDetail = {
      sampler: run.sampler,
      particles: run.points.length / 2,
      steps: this.settings.sampleSteps,
      updates: run.updates,
      ms: busyMs,
      onMode: fit ? fit.onMode : Number.NaN,
      modesCovered: fit ? fit.modesCovered : Number.NaN,
    };
    this.lastRun = detail;
    const name = samplerName(run.sampler);
    this.statusNote = `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${run.updates} updates of ${run.points.length / 2} particles, ${Math.round(busyMs)} ms of computing over ${(wallMs / 1000).toFixed(1)} s.`;
    this.emit<ScoreFieldSampledDetail>('score-field-sampled', detail);
  }

  private stopParticles(): void {
    if (this.particleFrame !== null) cancelAnimationFrame(this.particleFrame);
    this.particleFrame = null;
    this.particleRun = null;
    this.sampling = false;
  }

  private clearParticles(): void {
    this.stopParticles();
    this.particlePoints = null;
    this.trajectoryFrames = [];
    this.lastRun = null;
    this.drawPlot();
  }

  // ------------------------------------------------------------------------------------------
  // Drawing points
  // ------------------------------------------------------------------------------------------

  private addPoint(x: number, y: number, fromKeyboard: boolean): void {
    if (this.settings.dataset !== 'drawn') return;
    const n = this.drawn.length;
    // While dragging, space points out so a stroke gives an even density.
    if (!fromKeyboard && n >= 2 && Math.hypot(this.drawn[n - 2] - x, this.drawn[n - 1] - y) < 0.08) return;
    this.drawn = [...this.drawn, clampToDomain(x), clampToDomain(y)];
    this.onDrawnChanged();
  }

  private onDrawnChanged(): void {
    this.drawnCount = this.drawn.length / 2;
    if (this.settings.dataset === 'drawn') {
      this.refreshDataDots();
      if (this.modelReady) this.refreshField();
      else this.drawPlot();
    }
    this.emit('diffusion-change', { name: 'drawn', value: this.drawnCount });
  }

  private clearDrawn(): void {
    this.loop?.pause();
    this.drawn = [];
    this.onDrawnChanged();
    this.statusNote = 'Points cleared.';
  }

  private eventToData(event: PointerEvent): [number, number] | null {
    const svg = this.plotSvg;
    const scales = this.scales;
    if (!svg || !scales) return null;
    const ctm = svg.getScreenCTM();
    if (!ctm) return null;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    const x = scales.x.invert(point.x - scales.margin.left);
    const y = scales.y.invert(point.y - scales.margin.top);
    if (x < DOMAIN[0] || x > DOMAIN[1] || y < DOMAIN[0] || y > DOMAIN[1]) return null;
    return [x, y];
  }

  private onPointerDown(event: PointerEvent): void {
    if (this.settings.dataset !== 'drawn') return;
    const p = this.eventToData(event);
    if (!p) return;
    this.pointerDown = true;
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
    this.addPoint(p[0], p[1], true);
  }

  private onPointerMove(event: PointerEvent): void {
    if (!this.pointerDown) return;
    const p = this.eventToData(event);
    if (p) this.addPoint(p[0], p[1], false);
  }

  private onPointerUp(): void {
    this.pointerDown = false;
  }

  /** Arrow keys move a cursor on the plot, Enter or Space adds a point there. */
  private onPlotKey(event: KeyboardEvent): void {
    if (this.settings.dataset !== 'drawn') return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      this.cursorVisible = true;
      this.cursor = [clampToDomain(this.cursor[0] + move[0] * CURSOR_STEP), clampToDomain(this.cursor[1] + move[1] * CURSOR_STEP)];
      this.drawPlot();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.cursorVisible = true;
      this.addPoint(this.cursor[0], this.cursor[1], true);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Controls
  // ------------------------------------------------------------------------------------------

  private change(name: string, value: string | number): void {
    this.setAttribute(name, String(value));
    this.emit('diffusion-change', { name, value });
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.drawPlot();
    const chartKey = `${this.settings.t}|${this.settings.noising}`;
    if (this.chartSvg && chartKey !== this.chartKey) {
      this.chartKey = chartKey;
      const svg = this.chartSvg;
      this.guard('chart', () => noisingChart(svg, { t: this.settings.t, active: this.settings.noising, onT: (t) => this.change('t', t) }), undefined);
    }
  }

  private drawPlot(): void {
    const svg = this.plotSvg;
    if (!svg) return;
    const s = this.settings;
    const showLearned = s.field !== 'true';
    const showTrue = s.field !== 'learned';
    const t = Math.max(this.process.tMin, s.t);
    this.scales = this.guard(
      'plot',
      () =>
        quiverPlot(svg, {
          domain: DOMAIN,
          grid: this.grid,
          cell: (DOMAIN[1] - DOMAIN[0]) / GRID,
          learned: showLearned ? this.learnedField : null,
          truth: showTrue ? this.trueField : null,
          data: this.dataDots,
          drawn: s.dataset === 'drawn' ? this.drawnArray() : null,
          particles: this.particlePoints,
          trajectories: this.trajectoryFrames.length > 1 ? this.trajectoryFrames : null,
          cursor: s.dataset === 'drawn' && this.cursorVisible ? this.cursor : null,
          title: `Score field at t = ${formatT(t)} (σ = ${formatNumber(this.process.sigma(t))})`,
          description: this.plotDescription(t),
        }),
      this.scales,
    );
  }

  private drawnCache: { source: number[]; array: Float32Array } | null = null;
  private drawnArray(): Float32Array {
    if (this.drawnCache?.source !== this.drawn) this.drawnCache = { source: this.drawn, array: Float32Array.from(this.drawn) };
    return this.drawnCache.array;
  }

  private plotDescription(t: number): string {
    const s = this.settings;
    const parts = [
      `${DATASET_NAMES[s.dataset]} data as grey dots in the square from ${DOMAIN[0]} to ${DOMAIN[1]}.`,
      `Arrows on a ${GRID} by ${GRID} grid show σ·s(x, t) at t = ${formatT(t)}:`,
      this.learnedField ? `blue for the learned score after ${this.model?.step ?? 0} training steps` : 'the learned score appears once the model is built',
      this.trueField ? ', orange for the true score of the noised Gaussian mixture.' : '; this data set has no closed-form score.',
    ];
    if (Number.isFinite(this.cosineGrid)) parts.push(` Mean cosine similarity: ${this.cosineGrid.toFixed(3)} on the grid, ${this.cosineData.toFixed(3)} near the data.`);
    if (this.particlePoints) parts.push(` ${this.particlePoints.length / 2} particles in green with their paths.`);
    if (s.dataset === 'drawn') parts.push(` ${this.drawnCount} drawn points. Drag on the plot, or use the arrow keys and Enter, to add points.`);
    return parts.join(' ');
  }

  private statusText(): string {
    if (!this.modelReady && !this.errors.has('engine')) return 'Loading the tensor library…';
    if (this.sampling) return `Moving particles with ${samplerName(this.settings.sampler)}…`;
    if (this.statusNote) return this.statusNote;
    const p = this.progress;
    if (p?.running) return `Training: step ${p.step} of ${p.targetSteps}.`;
    if (p && p.step >= p.targetSteps) return `Trained ${p.step} steps.`;
    return this.modelReady ? 'Model ready: press Train.' : '';
  }

  protected override render(): TemplateResult {
    const s = this.settings;
    const p = this.progress;
    const running = p?.running ?? false;
    const proc = this.process;
    const t = Math.max(proc.tMin, s.t);
    const drawnMode = s.dataset === 'drawn';
    return html`
      <h2 part="title">Score-based models on 2-D data</h2>
      <p class="intro">
        A small network learns the score ∇ log p<sub>t</sub>(x), the direction in which noised data gets denser. Train it,
        move the noise level, and release particles that follow the learned score back to the data.
      </p>
      ${this.renderErrors()}
      <div part="controls">
        <label>Data set
          <select id="dataset" .value=${s.dataset} @change=${(e: Event) => this.change('dataset', (e.target as HTMLSelectElement).value)}>
            ${Object.entries(DATASET_NAMES).map(([value, name]) => html`<option value=${value} ?selected=${value === s.dataset}>${name}</option>`)}
          </select>
        </label>
        <fieldset>
          <legend>Noising</legend>
          <label class="inline"><input type="radio" name="noising" value="vp" .checked=${s.noising === 'vp'}
            @change=${() => this.change('noising', 'vp')} />VP (DDPM)</label>
          <label class="inline"><input type="radio" name="noising" value="ve" .checked=${s.noising === 've'}
            @change=${() => this.change('noising', 've')} />VE (NCSN)</label>
        </fieldset>
        <div class="row" role="group" aria-label="Training">
          <button type="button" class="train primary" ?disabled=${!this.modelReady} @click=${() => this.toggleTraining()}>
            ${running ? 'Pause' : p && p.step > 0 ? 'Resume' : 'Train'}
          </button>
          <button type="button" class="reset" ?disabled=${!this.modelReady} @click=${() => this.reset()}>Reset</button>
        </div>
        <label>Arrows
          <select id="field" .value=${s.field} @change=${(e: Event) => this.change('field', (e.target as HTMLSelectElement).value)}>
            <option value="both" ?selected=${s.field === 'both'}>learned and true</option>
            <option value="learned" ?selected=${s.field === 'learned'}>learned only</option>
            <option value="true" ?selected=${s.field === 'true'}>true only</option>
          </select>
        </label>
        <div class="row" role="group" aria-label="Particles">
          <label>Particles move by
            <select id="sampler" .value=${s.sampler} @change=${(e: Event) => this.change('sampler', (e.target as HTMLSelectElement).value)}>
              <option value="ode" ?selected=${s.sampler === 'ode'}>probability-flow ODE</option>
              <option value="langevin" ?selected=${s.sampler === 'langevin'}>annealed Langevin</option>
              <option value="ancestral" ?selected=${s.sampler === 'ancestral'}>ancestral steps</option>
            </select>
          </label>
          <button type="button" class="run-particles" ?disabled=${!this.modelReady} @click=${() => this.runParticles()}>Release particles</button>
          <button type="button" class="clear-particles" ?disabled=${!this.particlePoints} @click=${() => this.clearParticles()}>Clear</button>
        </div>
      </div>
      <div class="layout">
        <div>
          <div part="plot">
            <svg class="quiver ${drawnMode ? 'drawing' : ''}" tabindex=${drawnMode ? '0' : '-1'} data-sampler=${this.shownSampler}
              aria-keyshortcuts=${drawnMode ? 'ArrowLeft ArrowRight ArrowUp ArrowDown Enter Space' : nothing}
              @pointerdown=${(e: PointerEvent) => this.onPointerDown(e)}
              @pointermove=${(e: PointerEvent) => this.onPointerMove(e)}
              @pointerup=${() => this.onPointerUp()}
              @pointercancel=${() => this.onPointerUp()}
              @keydown=${(e: KeyboardEvent) => this.onPlotKey(e)}
              @blur=${() => {
                this.cursorVisible = false;
                this.drawPlot();
              }}></svg>
          </div>
          <ul part="legend">
            <li><span class="swatch learned"></span>learned score</li>
            ${this.trueField ? html`<li><span class="swatch true"></span>true score (closed form)</li>` : nothing}
            <li><span class="swatch data"></span>data</li>
            <li><span class="swatch particles"></span>particles</li>
          </ul>
          <div class="t-control field">
            <label for="t-slider">Noise level <span class="readout">t = ${formatT(t)}, σ(t) = ${formatNumber(proc.sigma(t))}, α(t) = ${formatNumber(proc.alpha(t))}</span></label>
            <input id="t-slider" type="range" min=${SCORE_FIELD_LIMITS.minT} max="1" step="0.01" .value=${String(s.t)}
              aria-valuetext=${`t = ${formatT(t)}, sigma = ${formatNumber(proc.sigma(t))}`}
              @input=${(e: Event) => this.change('t', Number((e.target as HTMLInputElement).value))} />
          </div>
          <div part="pad" ?hidden=${!drawnMode}>
            <p>Drag on the plot to add points (or focus the plot, move the cross with the arrow keys and press Enter).
              Each point becomes a small Gaussian, so the true score is known here too.</p>
            <div class="row">
              <span class="drawn-count">${this.drawnCount} points</span>
              <button type="button" class="clear-points" ?disabled=${this.drawnCount === 0} @click=${() => this.clearDrawn()}>Clear points</button>
            </div>
          </div>
        </div>
        <div>
          ${this.renderNumbers()}
          <div part="noising">
            <svg class="noising-chart"></svg>
            ${s.noising === 'vp'
              ? html`<p><strong>VP</strong>: x<sub>t</sub> = α(t)·x<sub>0</sub> + σ(t)·ε with α² + σ² = 1, the continuous DDPM (Song et al. 2021,
                  eq. 11). The data shrink while noise grows, and x<sub>1</sub> is N(0, I).</p>`
              : html`<p><strong>VE</strong>: x<sub>t</sub> = x<sub>0</sub> + σ(t)·ε with σ from 0.01 to 5, the continuous NCSN (Song et al. 2021,
                  eq. 9). The data stay put and drown in ever wider noise, so particles start far outside the plot.</p>`}
          </div>
        </div>
      </div>
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderNumbers(): TemplateResult {
    const p = this.progress;
    const run = this.lastRun;
    const fmt = (v: number | undefined, digits = 4): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits).replace('-', '−'));
    const noTruth = this.trueField === null;
    return html`<dl part="numbers">
      <dt>training step</dt><dd class="step">${p ? `${p.step} / ${p.targetSteps}` : `0 / ${this.settings.steps}`}</dd>
      <dt>loss ‖ε − ε̂‖² (smoothed)</dt><dd class="loss">${fmt(p?.smoothedLoss)}</dd>
      <dt>speed</dt><dd class="speed">${p && Number.isFinite(p.stepsPerSecond) ? `${p.stepsPerSecond.toFixed(0)} steps/s` : '–'}</dd>
      <dt>training time</dt><dd class="train-time">${p ? `${(p.trainingMs / 1000).toFixed(1)} s` : '–'}</dd>
      <dt>cos(learned, true) on grid</dt><dd class="cos-grid">${noTruth ? NO_TRUTH : fmt(this.cosineGrid, 3)}</dd>
      <dt>cos(learned, true) near data</dt><dd class="cos-data">${noTruth ? NO_TRUTH : fmt(this.cosineData, 3)}</dd>
      <dt>particles on a mode</dt><dd class="on-mode">${run && Number.isFinite(run.onMode) ? `${(100 * run.onMode).toFixed(0)} %, ${run.modesCovered} modes` : noTruth ? NO_TRUTH : '–'}</dd>
      <dt>model</dt><dd class="model-info">${this.model ? `${this.model.parameterCount} weights, ${this.backendName}` : '–'}</dd>
    </dl>`;
  }
}

/** Shown instead of a comparison for data sets whose score has no closed form. */
const NO_TRUTH = 'no closed form';

const DATASET_NAMES: Record<ToyDatasetName, string> = {
  ring: 'Ring of 8 Gaussians',
  'swiss-roll': 'Swiss roll',
  'two-moons': 'Two moons',
  drawn: 'Your own points',
};

function samplerName(sampler: ToySamplerName): string {
  return sampler === 'ode' ? 'the probability-flow ODE' : sampler === 'langevin' ? 'annealed Langevin dynamics' : 'ancestral sampling';
}

function formatT(t: number): string {
  return t.toFixed(2);
}

function clampToDomain(v: number): number {
  return Math.min(DOMAIN[1], Math.max(DOMAIN[0], v));
}

function scaleVectors(v: Float32Array, by: number): Float32Array {
  for (let i = 0; i < v.length; i++) v[i] *= by;
  return v;
}

if (!customElements.get('diffusion-score-field')) customElements.define('diffusion-score-field', DiffusionScoreField);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-score-field': DiffusionScoreField;
  }
}
