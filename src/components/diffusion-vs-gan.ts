/**
 * <diffusion-vs-gan>: why diffusion won. A tiny GAN (Goodfellow et al. 2014) and a tiny diffusion
 * model (Ho et al. 2020) train side by side, on the same batches of the same ring of Gaussians.
 * Every few steps both are sampled and their mode coverage is measured (src/toy2d/mode-coverage.ts):
 * modes hit, the share of samples on each mode, the fraction of samples on any mode. The GAN drops
 * modes and wanders between them while its two losses see-saw; the diffusion model, fitting a plain
 * regression target, spreads over every mode.
 *
 * Both models train on the page's main thread in slices of a few milliseconds (src/toy2d/duel-run.ts;
 * tfjs on wasm, loaded only when training first starts: see src/toy2d/duel-runtime.ts). This
 * element renders the run and forwards its events.
 *
 * Attributes: the table in ./vs-gan/settings.ts (seed, modes, steps, speed, measure-every, samples,
 * autoplay). All are reflected; a bad value shows a message inside the widget and the last good
 * value stays in use. A new seed or number of modes starts a new run (the old one is discarded);
 * the others apply at once.
 *
 * Events (bubbling, composed): `vs-gan-progress` {state, step, totalSteps, modes, gan: {modesHit,
 * shares, highQuality, effectiveModes, discriminatorLoss, generatorLoss}, diffusion: {modesHit,
 * shares, highQuality, effectiveModes, loss}} after every measurement; `vs-gan-state` {state, step}
 * when training starts, pauses, finishes or is reset; `diffusion-change` {name, value} when the
 * speed control changes `speed`; `diffusion-error` {attribute, message} when a value is rejected
 * or training fails.
 *
 * Parts: title, controls, progress, panels, panel, scatter, numbers, shares, chart, error, status.
 */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { query, queryAll, state } from 'lit/decorators.js';
import { ringOfGaussians, type GaussianMixture2D } from '../toy2d/datasets';
import type { DuelMeasurement, GanDiffusionDuel, ModelSnapshot } from '../toy2d/duel';
import { DuelRun } from '../toy2d/duel-run';
import { BATCH_SIZE, DUEL_DIFFUSION, DUEL_GAN, MEASURE_SAMPLER_STEPS, RING } from '../toy2d/duel-setup';
import { COVERAGE_DEFAULTS } from '../toy2d/mode-coverage';
import type { RawAttr } from './base/attributes';
import { settingProperties } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { FrameBatcher } from './trainer/frame-batcher';
import { DuelCharts, MODEL_COLORS, MODEL_TITLES, drawScatters, type DuelView, type VsGanModel } from './vs-gan/charts';
import { VS_GAN_DEFAULTS, VS_GAN_SETTINGS, type VsGanSettings } from './vs-gan/settings';
import { shareBars } from './vs-gan/share-bars';
import { vsGanStyles } from './vs-gan/styles';

export type { VsGanModel };
export type VsGanState = 'idle' | 'loading' | 'training' | 'paused' | 'done';

export interface VsGanCoverageNumbers {
  modesHit: number;
  shares: number[];
  highQuality: number;
  effectiveModes: number;
}

export interface VsGanProgressDetail {
  state: VsGanState;
  step: number;
  totalSteps: number;
  modes: number;
  gan: VsGanCoverageNumbers & { discriminatorLoss: number; generatorLoss: number };
  diffusion: VsGanCoverageNumbers & { loss: number };
}

export interface VsGanChangeDetail {
  name: string;
  value: number;
}

export interface VsGanStateDetail {
  state: VsGanState;
  step: number;
}

type Runtime = typeof import('../toy2d/duel-runtime');

/** Shortest time between two redraws of the charts while training. */
const CHART_INTERVAL_MS = 250;

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** Choices of the speed control (steps per second; 0 = as fast as the page allows). */
const SPEED_CHOICES: ReadonlyArray<[number, string]> = [
  [0, 'as fast as possible'],
  [100, '100 steps/s'],
  [20, '20 steps/s (slow motion)'],
];

export class DiffusionVsGan extends DiffusionWidget {
  static override styles = vsGanStyles;

  static override properties = settingProperties(VS_GAN_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, VS_GAN_SETTINGS);
  // The raw attribute values (see ./vs-gan/settings.ts), parsed in willUpdate.
  declare seed: RawAttr;
  declare modes: RawAttr;
  declare steps: RawAttr;
  declare speed: RawAttr;
  declare measureEvery: RawAttr;
  declare samples: RawAttr;
  declare autoplay: RawAttr;

  @state() private runState: VsGanState = 'idle';
  @state() private shownStep = 0;
  @state() private latest: DuelMeasurement | null = null;
  @state() private statusText = 'Press Train: both models start from scratch on the same data.';

  @queryAll('canvas.scatter') private scatterCanvases!: NodeListOf<HTMLCanvasElement>;
  @query('svg.modes-chart.gan') private ganModesSvg?: SVGSVGElement;
  @query('svg.modes-chart.diffusion') private diffusionModesSvg?: SVGSVGElement;
  @query('svg.loss-chart.gan') private ganLossSvg?: SVGSVGElement;
  @query('svg.loss-chart.diffusion') private diffusionLossSvg?: SVGSVGElement;

  /** The last good settings. */
  private values: VsGanSettings = { ...VS_GAN_DEFAULTS };
  private ring: GaussianMixture2D = ringOfGaussians({ modes: VS_GAN_DEFAULTS.modes, ...RING });
  private runKey = '';

  private runtime: Runtime | null = null;
  private duel: GanDiffusionDuel | null = null;
  private backendName = '';
  /** Bumped on every reset, so a model that finishes loading after a reset is thrown away. */
  private generation = 0;
  private readonly run = new DuelRun(() => this.values, {
    stepped: (step, losses) => {
      this.charts.addStep(step, losses);
      this.frames.request();
    },
    measured: (m) => this.finishMeasurement(m),
    stopped: (error) => this.onRunStop(error),
  });
  private readonly charts = new DuelCharts();
  private readonly frames = new FrameBatcher(() => this.onFrame());
  private chartsDirty = true;
  private scatterDirty = true;
  private lastChartDraw = 0;
  private resizeObserver: ResizeObserver | null = null;
  private colorScheme: MediaQueryList | null = null;
  private readonly redrawAll = (): void => {
    this.chartsDirty = true;
    this.scatterDirty = true;
    this.requestUpdate();
  };
  private autoplayed = false;

  override connectedCallback(): void {
    super.connectedCallback();
    if (typeof matchMedia === 'function') {
      this.colorScheme = matchMedia('(prefers-color-scheme: dark)');
      this.colorScheme.addEventListener('change', this.redrawAll);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.run.stop();
    this.frames.cancel();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.colorScheme?.removeEventListener('change', this.redrawAll);
    this.discardRun();
    this.runState = 'idle';
  }

  /** Where the run stands. */
  get state(): VsGanState {
    return this.runState;
  }

  /** Training steps both models have taken. */
  get step(): number {
    return this.duel?.step ?? 0;
  }

  /** The latest measurement (points and coverage of both models), or null before the first. */
  get measurement(): DuelMeasurement | null {
    return this.latest;
  }

  /** The tfjs backend training runs on ('' before it has loaded). */
  get backend(): string {
    return this.backendName;
  }

  /** Durations of the main-thread slices the training ran in (for responsiveness checks). */
  get sliceStats(): { slices: number; longestMs: number; recentMs: number[] } {
    const s = this.run.stats;
    return { slices: s.slices, longestMs: s.longestMs, recentMs: [...s.recentMs] };
  }

  /** Tensors alive in the page's main-thread tfjs engine, or null while tfjs has not been loaded. */
  async numTensors(): Promise<number | null> {
    return this.runtime ? this.runtime.numTensors() : null;
  }

  /** Starts or resumes training. */
  async train(): Promise<void> {
    if (this.runState === 'training' || this.runState === 'loading') return;
    if (this.step >= this.values.steps && this.duel) return;
    if (!this.duel) {
      const generation = this.generation;
      this.setRunState('loading');
      this.statusText = 'Loading the tensor library and building both models…';
      try {
        this.runtime ??= await import('../toy2d/duel-runtime');
        const { duel, backend } = await this.runtime.createDuel({
          seed: this.values.seed,
          modes: this.values.modes,
          samples: this.values.samples,
        });
        if (generation !== this.generation || !this.isConnected) {
          duel.dispose();
          return;
        }
        this.duel = duel;
        this.run.use(duel);
        this.backendName = backend;
        this.runKey = this.keyOf(this.values);
      } catch (error) {
        if (generation === this.generation) {
          this.setRunState('idle');
          this.showError('training', `Could not start training: ${error instanceof Error ? error.message : String(error)}`);
        }
        return;
      }
    }
    this.clearError('training');
    this.setRunState('training');
    this.statusText = `Training on ${this.backendName}…`;
    this.run.start();
  }

  /** Pauses training (a measurement in progress finishes when training resumes). */
  pause(): void {
    if (this.runState !== 'training') return;
    this.run.stop();
    this.setRunState('paused');
    this.statusText = `Paused at step ${this.step}.`;
    this.frames.request();
  }

  /** Discards both models and every measurement. */
  reset(): void {
    this.run.stop();
    this.discardRun();
    this.setRunState('idle');
    this.statusText = 'Reset: press Train to start again from scratch.';
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.readAttributes();
  }

  private readAttributes(): void {
    const v = this.values;
    const next: VsGanSettings = { ...v };
    const S = VS_GAN_SETTINGS;
    this.applyAttr('seed', S.seed.parse(this.seed), (x) => (next.seed = x), String(v.seed));
    this.applyAttr('modes', S.modes.parse(this.modes), (x) => (next.modes = x), String(v.modes));
    this.applyAttr('steps', S.steps.parse(this.steps), (x) => (next.steps = x), String(v.steps));
    this.applyAttr('speed', S.speed.parse(this.speed), (x) => (next.speed = x), String(v.speed));
    this.applyAttr('measure-every', S.measureEvery.parse(this.measureEvery), (x) => (next.measureEvery = x), String(v.measureEvery));
    this.applyAttr('samples', S.samples.parse(this.samples), (x) => (next.samples = x), String(v.samples));
    this.applyAttr('autoplay', S.autoplay.parse(this.autoplay), (x) => (next.autoplay = x), String(v.autoplay));

    if (next.modes !== v.modes) this.ring = ringOfGaussians({ modes: next.modes, ...RING });
    const newRun = this.duel !== null && this.keyOf(next) !== this.runKey;
    const speedChanged = next.speed !== v.speed;
    this.values = next;
    if (newRun) {
      // Weights, data and measurements all come from the seed and the ring: a new run.
      this.reset();
      this.statusText = `New ${next.modes}-mode ring or seed ${next.seed}: press Train to start this run.`;
    } else if (this.loading && this.keyOf(next) !== this.keyOf(v)) {
      this.reset();
    }
    if (speedChanged) this.run.restartSpeedClock();
    if (this.duel) this.duel.samples = next.samples;
    // More steps after the end: the run can go on.
    if (this.runState === 'done' && this.step < next.steps) this.setRunState('paused');
    if (next.autoplay && !this.autoplayed && this.runState === 'idle') {
      this.autoplayed = true;
      if (this.prefersReducedMotion()) this.statusText = 'Autoplay is off because this device asks for reduced motion: press Train to start.';
      else queueMicrotask(() => void this.train());
    }
    // Redraw the charts only when something they show changed (not on every frame).
    if (JSON.stringify(next) !== JSON.stringify(v)) {
      this.chartsDirty = true;
      this.scatterDirty = true;
    }
  }

  private get loading(): boolean {
    return this.runState === 'loading';
  }

  private keyOf(s: VsGanSettings): string {
    return `${s.seed}|${s.modes}`;
  }

  private discardRun(): void {
    this.generation += 1;
    this.run.use(null);
    this.duel?.dispose();
    this.duel = null;
    this.latest = null;
    this.shownStep = 0;
    this.charts.clear();
    this.chartsDirty = true;
    this.scatterDirty = true;
  }

  private setRunState(next: VsGanState): void {
    if (this.runState === next) return;
    this.runState = next;
    this.emit<VsGanStateDetail>('vs-gan-state', { state: next, step: this.step });
  }

  // ------------------------------------------------------------------------------------------
  // The run's events (see src/toy2d/duel-run.ts)
  // ------------------------------------------------------------------------------------------

  private finishMeasurement(m: DuelMeasurement): void {
    this.latest = m;
    this.charts.addMeasurement(m);
    this.chartsDirty = true;
    this.scatterDirty = true;
    const k = this.ring.weights.length;
    this.statusText =
      `Step ${m.step}: the GAN hits ${m.gan.coverage.modesHit} of ${k} modes, ` +
      `the diffusion model ${m.diffusion.coverage.modesHit} of ${k}.`;
    this.frames.request();
    const numbers = (s: ModelSnapshot): VsGanCoverageNumbers => ({
      modesHit: s.coverage.modesHit,
      shares: [...s.coverage.shares],
      highQuality: s.coverage.highQuality,
      effectiveModes: s.coverage.effectiveModes,
    });
    this.emit<VsGanProgressDetail>('vs-gan-progress', {
      state: m.step >= this.values.steps ? 'done' : this.runState,
      step: m.step,
      totalSteps: this.values.steps,
      modes: k,
      gan: { ...numbers(m.gan), discriminatorLoss: this.charts.lastLosses.discriminator, generatorLoss: this.charts.lastLosses.generator },
      diffusion: { ...numbers(m.diffusion), loss: this.charts.lastLosses.diffusion },
    });
  }

  private onRunStop(error?: unknown): void {
    if (error !== undefined) {
      this.setRunState('paused');
      this.showError('training', `Training stopped: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.duel && this.step >= this.values.steps) {
      this.setRunState('done');
      this.statusText = `${this.latest ? `${this.statusText} ` : ''}Finished ${this.step} steps; raise steps to go on.`;
    }
    this.frames.request();
  }

  private onFrame(): void {
    this.shownStep = this.step;
    // The loss curves follow training a few times a second; each redraw walks every step.
    const now = performance.now();
    if (now - this.lastChartDraw > CHART_INTERVAL_MS) this.chartsDirty = true;
    this.requestUpdate();
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  private trainLabel(): string {
    switch (this.runState) {
      case 'training':
        return 'Pause';
      case 'loading':
        return 'Loading…';
      case 'paused':
        return 'Resume';
      case 'done':
        return 'Finished';
      default:
        return 'Train';
    }
  }

  /** The speed choices, plus the current value when an attribute set one not in the list. */
  private speedChoices(): ReadonlyArray<[number, string]> {
    const speed = this.values.speed;
    return SPEED_CHOICES.some(([v]) => v === speed) ? SPEED_CHOICES : [...SPEED_CHOICES, [speed, `${speed} steps/s`]];
  }

  private setSpeed(value: number): void {
    this.speed = String(value);
    this.emit<VsGanChangeDetail>('diffusion-change', { name: 'speed', value });
  }

  private toggleTraining(): void {
    if (this.runState === 'training') this.pause();
    else void this.train();
  }

  protected override render(): TemplateResult {
    const k = this.ring.weights.length;
    const busy = this.runState === 'loading';
    return html`
      ${this.embed.render()}
      <h2 part="title">Why diffusion won: a GAN and a diffusion model on the same ${k} Gaussians</h2>
      <p class="intro">
        Both models learn the same ring of ${k} Gaussians from the same batches. Every
        ${this.values.measureEvery} steps each draws ${this.values.samples} points, and each mode's share is counted.
      </p>
      ${this.renderErrors()}
      <div part="controls" role="group" aria-label="Training">
        <button type="button" class="train primary" aria-disabled=${busy ? 'true' : 'false'} ?disabled=${this.runState === 'done'}
          @click=${() => this.toggleTraining()}>
          ${this.trainLabel()}
        </button>
        <button type="button" class="reset" ?disabled=${this.runState === 'idle' || busy} @click=${() => this.reset()}>Reset</button>
        <label class="field">
          Speed
          <select class="speed" .value=${String(this.values.speed)} @change=${(e: Event) => this.setSpeed(Number((e.target as HTMLSelectElement).value))}>
            ${this.speedChoices().map(([value, label]) => html`<option value=${value} ?selected=${value === this.values.speed}>${label}</option>`)}
          </select>
        </label>
        <span part="progress" class="progress">
          Step <span class="step">${this.shownStep}</span> / <span class="total">${this.values.steps}</span>
        </span>
      </div>
      <div part="panels">${this.renderPanel('gan')} ${this.renderPanel('diffusion')}</div>
      <p class="how">
        A sample is on a mode when it lies within ${COVERAGE_DEFAULTS.radiusInStd}σ of the mode's centre (the circles); a mode
        counts as hit when it holds at least ${percent(COVERAGE_DEFAULTS.hitFraction)} of its fair share (1/${k} of the
        samples, the dashed line). ${this.describeSetup()}
      </p>
      ${this.renderStatus(this.statusText)}
    `;
  }

  /** The two models' setup, from the constants the run uses (and its weight counts once built). */
  private describeSetup(): string {
    const g = DUEL_GAN;
    const d = DUEL_DIFFUSION;
    const counts = this.duel
      ? ` Weights: generator ${this.duel.gan.parameterCount.generator.toLocaleString('en')}, discriminator ` +
        `${this.duel.gan.parameterCount.discriminator.toLocaleString('en')}, diffusion model ${this.duel.diffusion.parameterCount.toLocaleString('en')}.`
      : '';
    return (
      `GAN: generator and discriminator are ${g.layers}×${g.hidden} ReLU MLPs, latent z of ${g.latentDim} numbers, ` +
      `non-saturating loss, Adam at ${g.learningRate} with β₁ = ${g.beta1}: the kind of setup in which Metz et al. (2017) ` +
      `watched a GAN hop between the modes of a ring. Diffusion: a ${d.layers}×${d.hidden} MLP predicting the noise ε ` +
      `(Ho et al. 2020), sampled with ${MEASURE_SAMPLER_STEPS} ancestral steps. Both learn from the same ${BATCH_SIZE} points per step.${counts}`
    );
  }

  private renderPanel(model: VsGanModel): TemplateResult {
    const k = this.ring.weights.length;
    const snap = this.latest ? this.latest[model] : null;
    const cov = snap?.coverage ?? null;
    const title = MODEL_TITLES[model];
    const cite = model === 'gan' ? 'Goodfellow et al. 2014' : 'Ho et al. 2020';
    const scatterLabel = cov
      ? `${title} samples at step ${this.latest!.step}: ${cov.modesHit} of ${k} modes hit, ${percent(cov.highQuality)} of the points on a mode.`
      : `The ${k} modes of the ring; no ${title} samples yet.`;
    const lossLabel = model === 'gan' ? 'Losses of D and G (smoothed)' : 'Loss (smoothed)';
    return html`
      <section part="panel" class=${`panel ${model}`} aria-labelledby=${`${model}-title`}>
        <h3 id=${`${model}-title`}>${title} <span class="cite">(${cite})</span></h3>
        <canvas part="scatter" class=${`scatter ${model}`} role="img" aria-label=${scatterLabel}></canvas>
        <p class="caption">${cov ? `${this.latest!.step === 0 ? 'Before training' : `After ${this.latest!.step} steps`}` : 'Samples appear once training starts.'}</p>
        <p part="numbers" class="numbers">
          <span>Modes hit <strong class="modes-hit">${cov ? cov.modesHit : '–'}</strong> / ${k}</span>
          <span>On a mode <span class="high-quality">${cov ? percent(cov.highQuality) : '–'}</span></span>
          <span>Effective modes <span class="effective">${cov ? cov.effectiveModes.toFixed(1) : '–'}</span></span>
        </p>
        <svg part="shares" class=${`shares ${model}`} viewBox="0 0 300 110" role="img"
          aria-label=${cov ? `Share of ${title} samples per mode: ${cov.shares.map((s, m) => `mode ${m + 1} ${percent(s)}`).join(', ')}.` : `Share of ${title} samples per mode: not measured yet.`}>
          ${shareBars({
            shares: cov ? cov.shares : new Array<number>(k).fill(0),
            hit: cov ? cov.hit : new Array<boolean>(k).fill(false),
            fairShare: 1 / k,
            hitShare: COVERAGE_DEFAULTS.hitFraction / k,
            color: MODEL_COLORS[model],
          })}
        </svg>
        <p class="chart-heading">Modes hit over training</p>
        <div part="chart"><svg class=${`modes-chart ${model}`}></svg></div>
        <p class="chart-heading">${lossLabel}</p>
        <div part="chart"><svg class=${`loss-chart ${model}`}></svg></div>
      </section>
    `;
  }

  protected override firstUpdated(): void {
    if (typeof ResizeObserver === 'function') {
      this.resizeObserver = new ResizeObserver(() => this.redrawAll());
      for (const canvas of this.scatterCanvases) this.resizeObserver.observe(canvas);
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.guard('drawing', () => this.draw(), undefined);
  }

  private draw(): void {
    const view: DuelView = { ring: this.ring, latest: this.latest, step: this.step, totalSteps: this.values.steps };
    if (this.scatterDirty) {
      this.scatterDirty = false;
      drawScatters(this, this.scatterCanvases, view);
    }
    if (!this.chartsDirty) return;
    this.chartsDirty = false;
    this.lastChartDraw = performance.now();
    this.charts.draw({ modes: { gan: this.ganModesSvg, diffusion: this.diffusionModesSvg }, ganLoss: this.ganLossSvg, diffusionLoss: this.diffusionLossSvg }, view);
  }
}

if (!customElements.get('diffusion-vs-gan')) customElements.define('diffusion-vs-gan', DiffusionVsGan);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-vs-gan': DiffusionVsGan;
  }
}
