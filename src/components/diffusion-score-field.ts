/**
 * <diffusion-score-field>: score-based models on 2-D data. A small MLP noise predictor trains live
 * on a toy data set (Swiss roll, two moons, a ring of Gaussians, or points the learner draws); a
 * d3 quiver plot shows the learned score s(x, t) = −ε̂/σ(t) at a chosen noise level next to the true
 * score where it is known in closed form (the ring and the drawn set are Gaussian mixtures), with
 * their mean cosine similarity measured; particles move by annealed Langevin dynamics, the
 * probability-flow ODE or ancestral steps with their trajectories drawn; VP and VE noising can be
 * switched and compared on a small chart. The maths is src/toy2d/; tfjs loads lazily on first use
 * (./score-field/trainer.ts). This element renders and forwards events.
 *
 * Attributes: the table in ./score-field/settings.ts (dataset, noising, seed, steps, t, particles,
 * sampler, sample-steps, field, batch-size, learning-rate, hidden-units, autotrain). All are
 * reflected; a bad value shows a message inside the widget and the last good value stays in use.
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
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { query, state } from 'lit/decorators.js';
import { noiseProcess, type NoiseProcess } from '../toy2d/noising';
import type { ParticleSampler, ToySamplerName } from '../toy2d/samplers';
import { particleFit, type ToyData } from '../toy2d/score-comparison';
import type { TrainLoopProgress } from '../toy2d/train-loop';
import type { RawAttr } from './base/attributes';
import { formatNumber } from './base/format';
import { settingProperties, type Setting } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { progressDetail, sampledDetail, trainedDetail, type ScoreFieldProgressDetail, type ScoreFieldSampledDetail, type ScoreFieldTrainedDetail } from './score-field/events';
import { noisingChart } from './score-field/noising-chart';
import { noisingNote, numbersList } from './score-field/panels';
import { ParticleAnimator } from './score-field/particle-animator';
import { PlotFields } from './score-field/plot-fields';
import { PointPad } from './score-field/point-pad';
import type { QuiverPlotScales } from './score-field/quiver-plot';
import { MODEL_SETTINGS, SCORE_FIELD_DEFAULTS, SCORE_FIELD_LIMITS, SCORE_FIELD_SETTINGS, type ScoreFieldSettings } from './score-field/settings';
import { scoreFieldStyles } from './score-field/styles';
import { ScoreFieldTrainer } from './score-field/trainer';
import { DATASET_NAMES, formatT, particlesNote, samplerName } from './score-field/view';

export type { ScoreFieldProgressDetail, ScoreFieldSampledDetail, ScoreFieldTrainedDetail };

const MIN_DRAWN = 3;
/** Field redraws while training, at most one per this many ms. */
const FIELD_REFRESH_MS = 300;
const PROGRESS_EVENT_MS = 250;

export class DiffusionScoreField extends DiffusionWidget {
  static override styles = scoreFieldStyles;

  static override properties = settingProperties(SCORE_FIELD_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, SCORE_FIELD_SETTINGS);
  // The raw attribute values (see ./score-field/settings.ts), parsed in willUpdate.
  declare datasetName: RawAttr;
  declare noising: RawAttr;
  declare seed: RawAttr;
  declare steps: RawAttr;
  declare t: RawAttr;
  declare particles: RawAttr;
  declare sampler: RawAttr;
  declare sampleSteps: RawAttr;
  declare field: RawAttr;
  declare batchSize: RawAttr;
  declare learningRate: RawAttr;
  declare hiddenUnits: RawAttr;
  declare autotrain: RawAttr;

  @state() private progress: TrainLoopProgress | null = null;
  @state() private modelReady = false;
  @state() private sampling = false;
  @state() private lastRun: ScoreFieldSampledDetail | null = null;
  @state() private drawnCount = 0;
  /** The sampler of the particles on the plot (for styling their paths). */
  @state() private shownSampler: ToySamplerName | '' = '';

  @query('svg.quiver') private plotSvg?: SVGSVGElement;
  @query('svg.noising-chart') private chartSvg?: SVGSVGElement;

  /** The last good settings. */
  private settings: ScoreFieldSettings = { ...SCORE_FIELD_DEFAULTS };
  private autotrainValue = false;
  private readonly trainer = new ScoreFieldTrainer();
  private modelKey = '';
  private readonly fields = new PlotFields();
  private dataKey = '';
  private readonly animator = new ParticleAnimator();
  private lastFieldRefresh = 0;
  private lastProgressEvent = 0;
  private readonly pad = new PointPad({
    drawing: () => this.settings.dataset === 'drawn',
    plot: () => ({ svg: this.plotSvg, scales: this.scales }),
    changed: () => this.onDrawnChanged(),
    redraw: () => this.drawPlot(),
  });
  private scales: QuiverPlotScales | null = null;
  private statusNote = '';
  private disposedByDisconnect = false;
  private chartKey = '';

  /** The learned score field at the grid, as last computed (σ·s, i.e. −ε̂); for pages and tests. */
  get learnedVectors(): Float32Array | null {
    return this.fields.learned ? Float32Array.from(this.fields.learned) : null;
  }

  /** Live tfjs tensors on this thread, or null before tfjs has loaded (leak checks). */
  get tensorCount(): number | null {
    return this.trainer.tensorCount;
  }

  /** How training shared the thread: chunks run and the longest one in ms (for tests and pages). */
  get trainingChunks(): { chunks: number; longestMs: number } {
    const p = this.trainer.loop?.progress();
    return { chunks: p?.chunks ?? 0, longestMs: p?.longestChunkMs ?? 0 };
  }

  /** Training steps taken by the current model. */
  get trainingStep(): number {
    return this.trainer.model?.step ?? 0;
  }

  /** The learner's drawn points (x, y interleaved, data units). */
  get drawnPoints(): Float32Array {
    return Float32Array.from(this.pad.points);
  }

  /** Replaces the drawn points (x, y interleaved, data units); for pages that prepare a shape. */
  set drawnPoints(points: ArrayLike<number>) {
    this.pad.set(points);
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
    this.trainer.dispose();
    this.modelReady = false;
    this.disposedByDisconnect = true;
  }

  // ------------------------------------------------------------------------------------------
  // Attributes
  // ------------------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const S = SCORE_FIELD_SETTINGS;
    const s = this.settings;
    const next = { ...s };
    const read = <K extends keyof ScoreFieldSettings>(key: K, row: Setting<ScoreFieldSettings[K]>, raw: RawAttr, keeping: string): void => {
      this.applyAttr(row.attribute, row.parse(raw), (v) => (next[key] = v), keeping);
    };
    read('dataset', S.datasetName, this.datasetName, `"${s.dataset}"`);
    read('noising', S.noising, this.noising, `"${s.noising}"`);
    read('seed', S.seed, this.seed, `seed ${s.seed}`);
    read('steps', S.steps, this.steps, String(s.steps));
    read('t', S.t, this.t, `t = ${s.t}`);
    read('particles', S.particles, this.particles, String(s.particles));
    read('sampler', S.sampler, this.sampler, `"${s.sampler}"`);
    read('sampleSteps', S.sampleSteps, this.sampleSteps, String(s.sampleSteps));
    read('field', S.field, this.field, `"${s.field}"`);
    read('batchSize', S.batchSize, this.batchSize, String(s.batchSize));
    read('learningRate', S.learningRate, this.learningRate, String(s.learningRate));
    read('hidden', S.hiddenUnits, this.hiddenUnits, String(s.hidden));
    this.applyAttr('autotrain', S.autotrain.parse(this.autotrain), (v) => (this.autotrainValue = v));
    const tChanged = next.t !== s.t;
    const fieldChanged = next.field !== s.field;
    this.settings = next;
    if (this.trainer.loop && next.steps !== s.steps) this.trainer.loop.target = next.steps;

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
  // Model and training (./score-field/trainer.ts)
  // ------------------------------------------------------------------------------------------

  private async rebuildModel(): Promise<void> {
    const key = this.modelKey;
    this.stopParticles();
    this.clearParticles();
    this.trainer.dispose();
    this.modelReady = false;
    this.progress = null;
    this.fields.learned = null;
    let runtime: Awaited<ReturnType<ScoreFieldTrainer['load']>>;
    try {
      runtime = await this.trainer.load();
      this.clearError('engine');
    } catch (error) {
      this.showError('engine', `Could not start the tensor library: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // Settings may have changed while tfjs loaded: only the latest request builds a model.
    if (key !== this.modelKey || !this.isConnected) return;
    const events = {
      onProgress: (p: TrainLoopProgress) => this.onProgress(p),
      onDone: (p: TrainLoopProgress) => this.onTrained(p),
      onError: (error: unknown) => {
        this.showError('training', `Training stopped: ${error instanceof Error ? error.message : String(error)}`);
        this.progress = this.trainer.loop?.progress() ?? null;
      },
    };
    const model = this.guard('model', () => this.trainer.build(runtime, () => this.settings, () => this.data(), events), null);
    if (!model) return;
    this.modelReady = true;
    this.refreshField();
    this.emit('diffusion-ready', { backend: this.trainer.backend, parameters: model.parameterCount });
    if (this.autotrainValue && this.canTrain()) this.startTraining();
  }

  /** The data set, with the drawn points when it is "drawn". */
  private data(): ToyData {
    return { dataset: this.settings.dataset, drawn: this.pad.points };
  }

  private canTrain(): boolean {
    return this.settings.dataset !== 'drawn' || this.pad.count >= MIN_DRAWN;
  }

  private startTraining(): void {
    const { loop, model } = this.trainer;
    if (!loop || !model) return;
    if (!this.canTrain()) {
      this.statusNote = `Draw at least ${MIN_DRAWN} points on the plot first.`;
      this.requestUpdate();
      return;
    }
    this.clearError('training');
    if (model.step >= this.settings.steps) {
      this.statusNote = `Already at ${this.settings.steps} steps: raise steps to train on.`;
      this.requestUpdate();
      return;
    }
    this.statusNote = '';
    loop.start();
    this.progress = loop.progress();
  }

  private pauseTraining(): void {
    this.trainer.loop?.pause();
    this.progress = this.trainer.loop?.progress() ?? null;
    if (this.progress) this.emitProgress(this.progress, true);
    this.refreshField();
  }

  private toggleTraining(): void {
    if (this.trainer.loop?.isRunning) this.pauseTraining();
    else this.startTraining();
  }

  private reset(): void {
    this.modelKey = MODEL_SETTINGS.map((k) => String(this.settings[k])).join('|');
    this.statusNote = 'New model with fresh weights.';
    void this.rebuildModel();
  }

  /** After every chunk: numbers, arrows and events at a few frames per second, not per chunk. */
  private onProgress(p: TrainLoopProgress): void {
    const now = performance.now();
    if (now - this.lastFieldRefresh >= FIELD_REFRESH_MS || !p.running) {
      this.progress = p;
      this.refreshField();
    }
    this.emitProgress(p, false);
  }

  private emitProgress(p: TrainLoopProgress, force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastProgressEvent < PROGRESS_EVENT_MS) return;
    this.lastProgressEvent = now;
    this.emit<ScoreFieldProgressDetail>('diffusion-progress', progressDetail(p));
  }

  private onTrained(p: TrainLoopProgress): void {
    this.progress = p;
    this.refreshField();
    this.emitProgress(p, true);
    this.emit<ScoreFieldTrainedDetail>('score-field-trained', trainedDetail(p, this.settings, this.fields));
  }

  // ------------------------------------------------------------------------------------------
  // Fields (./score-field/plot-fields.ts, with src/toy2d/score-comparison.ts)
  // ------------------------------------------------------------------------------------------

  private get process(): NoiseProcess {
    return this.trainer.model?.process ?? noiseProcess(this.settings.noising);
  }

  private refreshDataDots(): void {
    this.fields.sampleData(this.data(), this.settings.seed);
  }

  /** Recomputes both arrow fields at the plot's t and their agreement. */
  private refreshField(): void {
    this.lastFieldRefresh = performance.now();
    const p = this.process;
    const t = Math.max(p.tMin, this.settings.t);
    const model = this.trainer.model;
    const live = model && !model.isDisposed ? model : null;
    this.guard('field', () => this.fields.refresh(this.data(), live, t, p, this.settings.seed), undefined);
    this.requestUpdate();
    this.drawPlot();
  }

  // ------------------------------------------------------------------------------------------
  // Particles (./score-field/particle-animator.ts)
  // ------------------------------------------------------------------------------------------

  private runParticles(): void {
    const model = this.trainer.model;
    if (!model) return;
    this.stopParticles();
    const run = this.guard('particles', () => this.animator.release(model, this.settings), null);
    if (!run) return;
    this.shownSampler = run.sampler;
    this.sampling = true;
    this.animator.play(run, this.prefersReducedMotion(), {
      guard: (work) => this.guard('particles', work, false),
      frame: () => this.drawPlot(),
      finished: (done, busyMs, wallMs) => {
        this.sampling = false;
        this.finishParticles(done, busyMs, wallMs);
      },
      failed: () => (this.sampling = false),
    });
  }

  private finishParticles(run: ParticleSampler, busyMs: number, wallMs: number): void {
    const detail = sampledDetail(run, this.settings.sampleSteps, busyMs, particleFit(this.data(), run.points, this.process));
    this.lastRun = detail;
    this.statusNote = particlesNote(run, busyMs, wallMs);
    this.emit<ScoreFieldSampledDetail>('score-field-sampled', detail);
  }

  private stopParticles(): void {
    this.animator.stop();
    this.sampling = false;
  }

  private clearParticles(): void {
    this.stopParticles();
    this.animator.clear();
    this.lastRun = null;
    this.drawPlot();
  }

  // ------------------------------------------------------------------------------------------
  // Drawing points (./score-field/point-pad.ts)
  // ------------------------------------------------------------------------------------------

  private onDrawnChanged(): void {
    this.drawnCount = this.pad.count;
    if (this.settings.dataset === 'drawn') {
      this.refreshDataDots();
      if (this.modelReady) this.refreshField();
      else this.drawPlot();
    }
    this.emit('diffusion-change', { name: 'drawn', value: this.drawnCount });
  }

  private clearDrawn(): void {
    this.trainer.loop?.pause();
    this.pad.clear();
    this.statusNote = 'Points cleared.';
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
    const drawing = s.dataset === 'drawn';
    const view = {
      dataset: s.dataset,
      field: s.field,
      t: Math.max(this.process.tMin, s.t),
      process: this.process,
      drawn: drawing ? this.pad.points : null,
      cursor: drawing && this.pad.cursorVisible ? this.pad.cursor : null,
      particles: this.animator.points,
      trajectories: this.animator.trajectoryFrames,
      step: this.trainer.model?.step ?? 0,
    };
    this.scales = this.guard('plot', () => this.fields.draw(svg, view), this.scales);
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
      ${this.embed.render()}
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
          <button type="button" class="clear-particles" ?disabled=${!this.animator.points} @click=${() => this.clearParticles()}>Clear</button>
        </div>
      </div>
      <div class="layout">
        <div>
          <div part="plot">
            <svg class="quiver ${drawnMode ? 'drawing' : ''}" tabindex=${drawnMode ? '0' : '-1'} data-sampler=${this.shownSampler}
              aria-keyshortcuts=${drawnMode ? 'ArrowLeft ArrowRight ArrowUp ArrowDown Enter Space' : nothing}
              @pointerdown=${(e: PointerEvent) => this.pad.pointerDown(e)}
              @pointermove=${(e: PointerEvent) => this.pad.pointerMove(e)}
              @pointerup=${() => this.pad.pointerUp()}
              @pointercancel=${() => this.pad.pointerUp()}
              @keydown=${(e: KeyboardEvent) => this.pad.key(e)}
              @blur=${() => this.pad.blur()}></svg>
          </div>
          <ul part="legend">
            <li><span class="swatch learned"></span>learned score</li>
            ${this.fields.truth ? html`<li><span class="swatch true"></span>true score (closed form)</li>` : nothing}
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
          ${numbersList({
            progress: this.progress,
            steps: s.steps,
            run: this.lastRun,
            hasTruth: this.fields.truth !== null,
            cosineGrid: this.fields.cosineGrid,
            cosineData: this.fields.cosineData,
            model: this.trainer.model ? `${this.trainer.model.parameterCount} weights, ${this.trainer.backend}` : null,
          })}
          <div part="noising">
            <svg class="noising-chart"></svg>
            ${noisingNote(s.noising)}
          </div>
        </div>
      </div>
      ${this.renderStatus(this.statusText())}
    `;
  }

}

if (!customElements.get('diffusion-score-field')) customElements.define('diffusion-score-field', DiffusionScoreField);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-score-field': DiffusionScoreField;
  }
}
