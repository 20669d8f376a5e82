/**
 * <diffusion-forward>: the forward process q(x_t | x_0) on a real MNIST digit (or one drawn by
 * hand). Shows x_0, the noise ε and x_t, the weights ᾱ_t, √ᾱ_t and √(1 − ᾱ_t), and a histogram of
 * x_t's pixels that turns into N(0, 1) as t grows. x_t comes either from the closed form
 * (Ho et al. 2020, eq. 4) or from t single steps (eq. 2) with the same seed, and the statistics of
 * both are printed side by side. No tfjs: the maths is src/diffusion/forward-math.ts on arrays.
 *
 * Attributes (all reflected; a bad value shows a message inside the widget and the last good
 * value stays in use):
 *   digit-index          index into the MNIST test subset (default 0)
 *   t                    timestep 0…T, 0 = the clean digit (default 250, at most T)
 *   num-train-timesteps  T, 1…4000 (default 1000)
 *   beta-schedule        "linear" | "scaled_linear" | "squaredcos_cap_v2" | "sigmoid" (default "linear")
 *   beta-start, beta-end β range, each strictly between 0 and 1 (defaults 0.0001 and 0.02)
 *   seed                 seed of ε and of the step-by-step chain (default 0)
 *   assets-base          folder that holds mnist/ (default "/assets/")
 *   mode                 "closed-form" | "iterative": which x_t is shown (default "closed-form")
 *
 * Events (bubbling, composed): `diffusion-step` {t, numTrainTimesteps, alphaBar, sqrtAlphaBar,
 * sqrtOneMinusAlphaBar, mode, mean, std} whenever the shown t changes; `diffusion-change`
 * {name, value} when a control changes a setting; `diffusion-ready` {count} when the MNIST digits
 * have loaded; `diffusion-error` {attribute, message} when a value is rejected.
 *
 * Parts: controls, images, chart, numbers, compare, pad, error, status.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { histogram } from '../charts/histogram';
import { imageGrid } from '../charts/image-grid';
import { Rng } from '../data/rng';
import type { BetaSchedule } from '../diffusion/config';
import { scheduleCurves, type ScheduleCurves } from '../diffusion/curves';
import {
  IterativeForward,
  expectedPixelStats,
  forwardCoefficients,
  noiseClosedForm,
  pixelStats,
  seededNoise,
  standardNormalPdf,
  type ForwardCoefficients,
  type PixelStats,
} from '../diffusion/forward-math';
import { parseEnumAttr, parseIntAttr, type RawAttr } from './base/attributes';
import { DigitPad, fallbackDigit } from './base/digit-pad';
import { formatNumber, formatStat, subscript } from './base/format';
import { MnistDigits } from './base/mnist-digits';
import { parseBeta, parseBetaSchedule, parseNumTrainTimesteps } from './base/schedule-attributes';
import { containerHostStyles, fieldsetStyles, introStyles, rowStyles } from './base/shared-styles';
import { DiffusionWidget, widgetStyles } from './base/widget-base';

export const FORWARD_MODES = ['closed-form', 'iterative'] as const;
export type ForwardMode = (typeof FORWARD_MODES)[number];

export interface ForwardStepDetail {
  t: number;
  numTrainTimesteps: number;
  alphaBar: number;
  sqrtAlphaBar: number;
  sqrtOneMinusAlphaBar: number;
  mode: ForwardMode;
  /** Mean and standard deviation of the shown x_t's pixels. */
  mean: number;
  std: number;
}

export interface ForwardChangeDetail {
  name: string;
  value: string | number;
}

interface ScheduleChoice {
  numTrainTimesteps: number;
  betaSchedule: BetaSchedule;
  betaStart: number;
  betaEnd: number;
}

interface ForwardView {
  coeff: ForwardCoefficients;
  x0: Float32Array;
  noise: Float32Array;
  shown: Float32Array;
  closedStats: PixelStats;
  iterativeStats: PixelStats;
  expected: { mean: number; std: number };
}

const SIDE = 28;
const DEFAULT_T = 250;
const MAX_SEED = 2 ** 32 - 1;
/** Frames a full play from 0 to T takes with motion allowed (about 4 s at 60 Hz). */
const PLAY_FRAMES = 240;
/** With reduced motion, play jumps in this many coarse steps, one per interval. */
const COARSE_STEPS = 10;
const COARSE_INTERVAL_MS = 700;
const HISTOGRAM_DOMAIN: [number, number] = [-4, 4];

const MODE_HINTS = {
  closed_form: 'did you mean "closed-form"?',
  closed: 'did you mean "closed-form"?',
  'step-by-step': 'did you mean "iterative"?',
  steps: 'did you mean "iterative"?',
};

/** x with the timestep as a subscript, for SVG text: x₂₅₀. */
const xSub = (t: number): string => subscript('x', t);

export class DiffusionForward extends DiffusionWidget {
  static override styles = [
    widgetStyles,
    containerHostStyles,
    introStyles,
    rowStyles,
    fieldsetStyles,
    css`
      .t-control {
        flex: 1 1 18rem;
      }

      .t-control input[type='range'] {
        width: 100%;
      }

      .t-readout {
        font-variant-numeric: tabular-nums;
        color: var(--_fg);
      }

      .digit-name {
        max-width: 12rem;
        font-size: 0.85rem;
        line-height: 1.25;
        color: var(--_muted);
      }

      .layout {
        display: grid;
        /* The left column is as wide as the three images, so long captions wrap instead of
           squeezing the chart. */
        grid-template-columns: minmax(0, calc(3 * 140px + 2 * 0.9rem)) minmax(16rem, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }

      @container (max-width: 46rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }

      [part~='images'] {
        display: flex;
        flex-wrap: wrap;
        align-items: start;
        gap: 0.5rem 0.9rem;
      }

      figure {
        width: 140px;
        margin: 0;
      }

      figcaption {
        margin-top: 0.3rem;
        font-size: 0.85rem;
        text-align: center;
        color: var(--_muted);
      }

      canvas.digit {
        width: 140px;
        height: 140px;
      }

      .operator {
        align-self: center;
        margin-top: -1.4rem;
        font-size: 1.1rem;
        color: var(--_muted);
      }

      .formula {
        margin: 0.6rem 0 0;
        font-size: 0.9rem;
      }

      var {
        font-style: italic;
      }

      [part~='numbers'] {
        display: grid;
        grid-template-columns: repeat(3, auto);
        justify-content: start;
        gap: 0.1rem 1.5rem;
        margin: 0.75rem 0 0;
      }

      [part~='numbers'] dt {
        font-size: 0.8rem;
        color: var(--_muted);
      }

      [part~='numbers'] dd {
        margin: 0;
        font-size: 1.05rem;
        font-variant-numeric: tabular-nums;
        font-family: var(--_mono);
      }

      [part~='chart'] {
        min-width: 0;
      }

      table {
        width: 100%;
        margin-top: 0.5rem;
        border-collapse: collapse;
        font-size: 0.85rem;
      }

      caption {
        margin-bottom: 0.25rem;
        font-size: 0.85rem;
        text-align: left;
        color: var(--_muted);
      }

      th,
      td {
        padding: 0.2rem 0.4rem;
        text-align: right;
        border-bottom: 1px solid var(--_border);
      }

      th[scope='row'] {
        font-weight: normal;
        text-align: left;
      }

      td {
        font-family: var(--_mono);
        font-variant-numeric: tabular-nums;
      }

      tr.shown th,
      tr.shown td {
        font-weight: 700;
      }

      [part~='pad'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: end;
        margin: 0 0 0.75rem;
        padding: 0.6rem;
        background: var(--_surface);
        border-radius: 6px;
      }

      [part~='pad'][hidden] {
        display: none;
      }

      canvas.pad {
        width: 168px;
        height: 168px;
        cursor: crosshair;
        touch-action: none;
      }
    `,
  ];

  @property({ attribute: 'digit-index', reflect: true }) digitIndex: RawAttr = null;
  @property({ reflect: true }) t: RawAttr = null;
  @property({ attribute: 'num-train-timesteps', reflect: true }) numTrainTimesteps: RawAttr = null;
  @property({ attribute: 'beta-schedule', reflect: true }) betaSchedule: RawAttr = null;
  @property({ attribute: 'beta-start', reflect: true }) betaStart: RawAttr = null;
  @property({ attribute: 'beta-end', reflect: true }) betaEnd: RawAttr = null;
  @property({ reflect: true }) seed: RawAttr = null;
  @property({ attribute: 'assets-base', reflect: true }) assetsBase: RawAttr = null;
  @property({ reflect: true }) mode: RawAttr = null;

  private readonly mnist = new MnistDigits(this);
  private get digits() {
    return this.mnist.digits;
  }
  private get loadingFrom() {
    return this.mnist.loadingFrom;
  }
  @state() private drawn: Float32Array | null = null;
  @state() private drawing = false;
  @state() private playing = false;

  @query('canvas.x0') private x0Canvas?: HTMLCanvasElement;
  @query('canvas.noise') private noiseCanvas?: HTMLCanvasElement;
  @query('canvas.xt') private xtCanvas?: HTMLCanvasElement;
  @query('canvas.pad') private padCanvas?: HTMLCanvasElement;
  @query('svg.histogram') private histogramSvg?: SVGSVGElement;

  // The last good settings.
  private schedule: ScheduleChoice = { numTrainTimesteps: 1000, betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02 };
  private step = DEFAULT_T;
  private digit = 0;
  private seedValue = 0;
  private modeValue: ForwardMode = 'closed-form';

  // Derived data, rebuilt only when its inputs change.
  private curves: ScheduleCurves = scheduleCurves(this.schedule);
  private curvesKey = JSON.stringify(this.schedule);
  private fallback: Float32Array | null = null;
  private x0Key = '';
  private x0: Float32Array = new Float32Array(SIDE * SIDE).fill(-1);
  private noiseKey = -1;
  private noise: Float32Array = new Float32Array(SIDE * SIDE);
  private chainKey = '';
  private chain: IterativeForward | null = null;
  private view: ForwardView | null = null;

  private pad: DigitPad | null = null;
  private frame: number | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private lastEmittedT: number | null = null;
  private pickRng: Rng | null = null;
  private statusNote = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
    this.pad?.dispose();
    this.pad = null;
  }

  /** The x_t currently shown (a copy), e.g. for a page that wants the numbers. */
  get currentImage(): Float32Array | null {
    return this.view ? Float32Array.from(this.view.shown) : null;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.readSchedule();
    this.readOthers();
    this.guard('render', () => this.computeView(), undefined);
  }

  private readSchedule(): void {
    const s = this.schedule;
    const next = { ...s };
    this.applyAttr('num-train-timesteps', parseNumTrainTimesteps(this.numTrainTimesteps), (v) => (next.numTrainTimesteps = v), String(s.numTrainTimesteps));
    this.applyAttr('beta-schedule', parseBetaSchedule(this.betaSchedule), (v) => (next.betaSchedule = v), `"${s.betaSchedule}"`);
    this.applyAttr('beta-start', parseBeta('beta-start', this.betaStart), (v) => (next.betaStart = v), String(s.betaStart));
    this.applyAttr('beta-end', parseBeta('beta-end', this.betaEnd), (v) => (next.betaEnd = v), String(s.betaEnd));
    // linear, scaled_linear and sigmoid rise from beta-start to beta-end (the cosine ignores both).
    if (next.betaSchedule !== 'squaredcos_cap_v2' && next.betaStart > next.betaEnd) {
      this.showError(
        'schedule',
        `beta-start (${next.betaStart}) must not exceed beta-end (${next.betaEnd}): the ${next.betaSchedule} schedule rises ` +
          `from beta-start to beta-end. Keeping ${s.betaStart} to ${s.betaEnd}.`,
      );
      next.betaStart = s.betaStart;
      next.betaEnd = s.betaEnd;
    } else {
      this.clearError('schedule');
    }
    const key = JSON.stringify(next);
    if (key === this.curvesKey) return;
    const curves = this.guard('schedule-curves', () => scheduleCurves(next), null);
    if (curves) {
      this.schedule = next;
      this.curves = curves;
      this.curvesKey = key;
    }
  }

  private readOthers(): void {
    const T = this.schedule.numTrainTimesteps;
    const tResult = parseIntAttr('t', this.t, { min: 0, max: T, default: Math.min(DEFAULT_T, T) });
    if (!this.applyAttr('t', tResult, (v) => (this.step = v), `t = ${Math.min(this.step, T)}`)) {
      this.step = Math.min(this.step, T);
    }
    const count = this.digits?.count;
    // A value taken before the digits loaded may be out of range once their number is known.
    if (count !== undefined && this.digit >= count) this.digit = 0;
    this.applyAttr(
      'digit-index',
      parseIntAttr('digit-index', this.digitIndex, { min: 0, max: count === undefined ? undefined : count - 1, default: 0 }),
      (v) => (this.digit = v),
      `digit ${this.digit}`,
    );
    this.applyAttr('seed', parseIntAttr('seed', this.seed, { min: 0, max: MAX_SEED, default: 0 }), (v) => (this.seedValue = v), `seed ${this.seedValue}`);
    this.applyAttr(
      'mode',
      parseEnumAttr<ForwardMode>('mode', this.mode, FORWARD_MODES, { default: 'closed-form', hints: MODE_HINTS }),
      (v) => (this.modeValue = v),
      `"${this.modeValue}"`,
    );
    this.mnist.sync(this.assetsBase);
  }

  private currentX0(): { key: string; image: () => Float32Array } {
    if (this.drawn) {
      const drawn = this.drawn;
      return { key: `drawn:${drawnId(drawn)}`, image: () => drawn };
    }
    const dataset = this.digits;
    if (dataset && this.digit < dataset.count) {
      const digit = this.digit;
      return { key: `mnist:${dataset.name}:${digit}:${dataset.count}`, image: () => dataset.image(digit) };
    }
    return {
      key: 'fallback',
      image: () => (this.fallback ??= fallbackDigit(this.ownerDocument)),
    };
  }

  private computeView(): void {
    const source = this.currentX0();
    if (source.key !== this.x0Key) {
      this.x0 = source.image();
      this.x0Key = source.key;
    }
    if (this.noiseKey !== this.seedValue) {
      this.noise = seededNoise(SIDE * SIDE, this.seedValue);
      this.noiseKey = this.seedValue;
    }
    const chainKey = `${this.x0Key}|${this.curvesKey}|${this.seedValue}`;
    if (chainKey !== this.chainKey || !this.chain) {
      // Same seed as ε: the chain's first step draws exactly ε, so x_1 matches the closed form.
      this.chain = new IterativeForward(this.x0, this.curves.betas, this.seedValue);
      this.chainKey = chainKey;
    }
    const coeff = forwardCoefficients(this.curves.alphasCumprod, this.step);
    const closed = noiseClosedForm(this.x0, coeff.alphaBar, this.noise);
    const iterative = this.chain.at(this.step);
    const shownIterative = this.modeValue === 'iterative';
    const shown = shownIterative ? iterative : closed;
    // In the chain, the noise it added, rescaled to unit variance: the ε for which eq. 4 gives
    // exactly this x_t, itself a sample of N(0, I).
    let noise = this.noise;
    if (shownIterative && coeff.sqrtOneMinusAlphaBar > 0 && this.step > 0) {
      noise = iterative.map((v, i) => (v - coeff.sqrtAlphaBar * this.x0[i]) / coeff.sqrtOneMinusAlphaBar);
    }
    this.view = {
      coeff,
      x0: this.x0,
      noise,
      shown,
      closedStats: pixelStats(closed),
      iterativeStats: pixelStats(iterative),
      expected: expectedPixelStats(this.x0, coeff.alphaBar),
    };
  }

  protected override firstUpdated(): void {
    if (this.padCanvas) {
      this.pad = new DigitPad(this.padCanvas, (image) => {
        this.drawn = image;
        this.statusNote = 'Using your drawing as x₀.';
        this.emit<ForwardChangeDetail>('diffusion-change', { name: 'digit', value: 'drawn' });
      });
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const view = this.view;
    if (!view) return;
    this.guard(
      'drawing',
      () => {
        const t = this.step;
        if (this.x0Canvas) imageGrid(this.x0Canvas, view.x0, 1, { scale: 5, gap: 0, label: `x₀: ${this.digitName()}` });
        if (this.noiseCanvas) imageGrid(this.noiseCanvas, view.noise, 1, { scale: 5, gap: 0, label: 'The noise ε, standard normal pixels' });
        if (this.xtCanvas) {
          imageGrid(this.xtCanvas, view.shown, 1, { scale: 5, gap: 0, label: `x_t at t = ${t}, ${this.modeValue === 'iterative' ? 'step by step' : 'closed form'}` });
        }
        if (this.histogramSvg) {
          const s = this.modeValue === 'iterative' ? view.iterativeStats : view.closedStats;
          histogram(this.histogramSvg, view.shown, {
            bins: 48,
            domain: HISTOGRAM_DOMAIN,
            overlay: standardNormalPdf,
            valuesLabel: `pixels of ${xSub(t)}`,
            overlayLabel: 'N(0, 1) density',
            yMax: 1.2,
            xLabel: 'pixel value',
            yLabel: 'density',
            title: `Pixel values of ${xSub(t)}`,
            description:
              `Histogram of the ${view.shown.length} pixel values of x_t at t = ${t} (mean ${formatStat(s.mean)}, ` +
              `standard deviation ${formatStat(s.std)}), with the standard normal density drawn over it. ` +
              'As t grows the histogram turns into that bell curve.',
            width: 420,
            height: 280,
          });
        }
      },
      undefined,
    );
    if (this.lastEmittedT !== this.step) {
      this.lastEmittedT = this.step;
      const s = this.modeValue === 'iterative' ? view.iterativeStats : view.closedStats;
      this.emit<ForwardStepDetail>('diffusion-step', {
        t: this.step,
        numTrainTimesteps: this.schedule.numTrainTimesteps,
        alphaBar: view.coeff.alphaBar,
        sqrtAlphaBar: view.coeff.sqrtAlphaBar,
        sqrtOneMinusAlphaBar: view.coeff.sqrtOneMinusAlphaBar,
        mode: this.modeValue,
        mean: s.mean,
        std: s.std,
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Actions
  // ------------------------------------------------------------------------------------------

  private setT(value: number, fromControl: boolean): void {
    const T = this.schedule.numTrainTimesteps;
    const next = Math.max(0, Math.min(T, Math.round(value)));
    this.t = String(next);
    if (fromControl) this.emit<ForwardChangeDetail>('diffusion-change', { name: 't', value: next });
  }

  private setDigit(index: number): void {
    const count = this.digits?.count;
    if (!count) return;
    const next = ((index % count) + count) % count;
    this.drawn = null;
    this.statusNote = '';
    this.digitIndex = String(next);
    this.emit<ForwardChangeDetail>('diffusion-change', { name: 'digit-index', value: next });
  }

  private randomDigit(): void {
    const count = this.digits?.count;
    if (!count) return;
    this.pickRng ??= new Rng(this.seedValue + 0x5eed);
    this.setDigit(this.pickRng.int(count));
  }

  private setMode(mode: ForwardMode): void {
    this.mode = mode;
    this.emit<ForwardChangeDetail>('diffusion-change', { name: 'mode', value: mode });
  }

  private toggleDrawing(): void {
    this.drawing = !this.drawing;
    if (this.drawing) {
      this.pad?.clear();
      this.statusNote = 'Draw a digit on the black square; x₀ updates after each stroke.';
    } else {
      this.statusNote = this.drawn ? 'Using your drawing as x₀.' : '';
    }
  }

  private clearDrawing(): void {
    this.pad?.clear();
    this.drawn = null;
    this.statusNote = 'Drawing cleared; x₀ is the MNIST digit again.';
  }

  private togglePlay(): void {
    if (this.playing) this.stop();
    else this.play();
  }

  private play(): void {
    const T = this.schedule.numTrainTimesteps;
    if (this.step >= T) this.setT(0, true);
    this.playing = true;
    if (this.prefersReducedMotion()) {
      // No smooth motion: a few coarse jumps, each held long enough to look at.
      const jump = Math.max(1, Math.ceil(T / COARSE_STEPS));
      this.interval = setInterval(() => this.advance(jump), COARSE_INTERVAL_MS);
    } else {
      const perFrame = Math.max(1, Math.round(T / PLAY_FRAMES));
      const tick = (): void => {
        if (!this.playing) return;
        this.advance(perFrame);
        if (this.playing) this.frame = requestAnimationFrame(tick);
      };
      this.frame = requestAnimationFrame(tick);
    }
  }

  private advance(by: number): void {
    const T = this.schedule.numTrainTimesteps;
    const next = Math.min(T, this.step + by);
    this.step = next;
    this.setT(next, false);
    if (next >= T) this.stop();
  }

  private stop(): void {
    this.playing = false;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.interval !== null) clearInterval(this.interval);
    this.frame = null;
    this.interval = null;
  }

  private stepSize(): number {
    return Math.max(1, Math.round(this.schedule.numTrainTimesteps / 20));
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  private digitName(): string {
    if (this.drawn) return 'your drawing';
    if (this.digits) return `MNIST test #${this.digit}, a ${this.digits.label(this.digit)}`;
    return this.loadingFrom ? 'a drawn “2” while MNIST loads' : 'a drawn “2”';
  }

  private statusText(): string {
    if (this.loadingFrom) return 'Loading MNIST digits…';
    if (this.playing) return 'Playing…';
    if (this.statusNote) return this.statusNote;
    const v = this.view;
    if (!v) return '';
    return `t = ${this.step} of ${this.schedule.numTrainTimesteps}, ᾱ = ${formatNumber(v.coeff.alphaBar)}.`;
  }

  protected override render(): TemplateResult {
    const T = this.schedule.numTrainTimesteps;
    const t = this.step;
    const v = this.view;
    const loaded = this.digits !== null;
    const iterative = this.modeValue === 'iterative';
    const shownStats = v ? (iterative ? v.iterativeStats : v.closedStats) : null;
    return html`
      <h2 part="title">The forward process q(x<sub>t</sub> | x<sub>0</sub>)</h2>
      <p class="intro">
        Noise is mixed into a digit step by step until only noise is left. Move <var>t</var> and watch the
        pixel histogram turn into a standard normal.
      </p>
      ${this.renderErrors()}
      <div part="controls">
        <div class="field" role="group" aria-labelledby="digit-label">
          <span id="digit-label">Digit x<sub>0</sub></span>
          <div class="row">
            <button type="button" class="prev" ?disabled=${!loaded} @click=${() => this.setDigit(this.digit - 1)} aria-label="Prev digit">◀ Prev</button>
            <button type="button" class="next" ?disabled=${!loaded} @click=${() => this.setDigit(this.digit + 1)} aria-label="Next digit">Next ▶</button>
            <button type="button" class="random" ?disabled=${!loaded} @click=${() => this.randomDigit()}>Random</button>
            <button type="button" class="draw" aria-pressed=${this.drawing ? 'true' : 'false'} aria-controls="pad" @click=${() => this.toggleDrawing()}>
              Draw
            </button>
            <span class="digit-name">${this.digitName()}</span>
          </div>
        </div>
        <div class="t-control field">
          <label for="t-slider">Timestep <span class="t-readout">t = ${t} / ${T}</span></label>
          <input
            id="t-slider"
            type="range"
            min="0"
            max=${T}
            step="1"
            .value=${String(t)}
            aria-valuetext=${`t = ${t} of ${T}`}
            @input=${(e: Event) => this.setT(Number((e.target as HTMLInputElement).value), true)}
          />
        </div>
        <div class="row" role="group" aria-label="Animation">
          <button type="button" class="play primary" @click=${() => this.togglePlay()}>${this.playing ? 'Pause' : 'Play'}</button>
          <button type="button" class="step-back" @click=${() => this.setT(t - this.stepSize(), true)} ?disabled=${t <= 0}
            aria-label=${`Step back ${this.stepSize()}`}>−${this.stepSize()}</button>
          <button type="button" class="step-forward" @click=${() => this.setT(t + this.stepSize(), true)} ?disabled=${t >= T}
            aria-label=${`Step forward ${this.stepSize()}`}>+${this.stepSize()}</button>
        </div>
        <fieldset>
          <legend>Compute x<sub>t</sub></legend>
          <label class="inline"><input type="radio" name="mode" value="closed-form" .checked=${!iterative}
            @change=${() => this.setMode('closed-form')} />in one go (eq. 4)</label>
          <label class="inline"><input type="radio" name="mode" value="iterative" .checked=${iterative}
            @change=${() => this.setMode('iterative')} />one step at a time (eq. 2)</label>
        </fieldset>
      </div>
      <div part="pad" id="pad" ?hidden=${!this.drawing}>
        <canvas class="pad digit" width="28" height="28" aria-label="Drawing pad: draw a digit with the mouse, a pen or a finger"></canvas>
        <div class="field">
          <span>Draw a digit in white; it becomes x<sub>0</sub>.</span>
          <div class="row">
            <button type="button" class="clear" @click=${() => this.clearDrawing()}>Clear</button>
            <button type="button" class="done" @click=${() => this.toggleDrawing()}>Done</button>
          </div>
        </div>
      </div>
      <div class="layout">
        <div>
          <div part="images">
            <figure>
              <canvas class="digit x0" width="140" height="140"></canvas>
              <figcaption>x<sub>0</sub></figcaption>
            </figure>
            <figure>
              <canvas class="digit noise" width="140" height="140"></canvas>
              <figcaption>${iterative ? html`noise the steps added, ÷√(1−ᾱ<sub>t</sub>)` : html`noise ε (seed ${this.seedValue})`}</figcaption>
            </figure>
            <figure>
              <canvas class="digit xt" width="140" height="140"></canvas>
              <figcaption>x<sub>t</sub> at t = ${t}</figcaption>
            </figure>
          </div>
          ${v ? this.renderFormula(v) : nothing}
          ${v ? this.renderNumbers(v) : nothing}
          ${v ? this.renderCompare(v) : nothing}
        </div>
        <div part="chart">
          <svg class="histogram" role="img"></svg>
          <p class="shown-stats">
            x<sub>t</sub> pixels: mean <span class="mean">${shownStats ? formatStat(shownStats.mean) : '–'}</span>, std
            <span class="std">${shownStats ? formatStat(shownStats.std) : '–'}</span>
            <span class="muted">(N(0, 1) has mean 0, std 1)</span>
          </p>
        </div>
      </div>
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderFormula(v: ForwardView): TemplateResult {
    if (this.modeValue === 'iterative') {
      return html`<p class="formula">
        x<sub>t</sub> reached by ${this.step} steps of x<sub>s</sub> = √(1−β<sub>s</sub>)·x<sub>s−1</sub> + √β<sub>s</sub>·ε<sub>s</sub>
        (Ho et al. 2020, eq. 2), fresh ε<sub>s</sub> each step.
      </p>`;
    }
    return html`<p class="formula">
      x<sub>t</sub> = √ᾱ<sub>t</sub>·x<sub>0</sub> + √(1−ᾱ<sub>t</sub>)·ε =
      <span class="mono">${formatNumber(v.coeff.sqrtAlphaBar)}</span>·x<sub>0</sub> +
      <span class="mono">${formatNumber(v.coeff.sqrtOneMinusAlphaBar)}</span>·ε (Ho et al. 2020, eq. 4)
    </p>`;
  }

  private renderNumbers(v: ForwardView): TemplateResult {
    return html`<dl part="numbers">
      <dt>ᾱ<sub>t</sub></dt>
      <dt>√ᾱ<sub>t</sub> (signal)</dt>
      <dt>√(1−ᾱ<sub>t</sub>) (noise)</dt>
      <dd class="alpha-bar">${formatNumber(v.coeff.alphaBar)}</dd>
      <dd class="sqrt-alpha-bar">${formatNumber(v.coeff.sqrtAlphaBar)}</dd>
      <dd class="sqrt-one-minus-alpha-bar">${formatNumber(v.coeff.sqrtOneMinusAlphaBar)}</dd>
    </dl>`;
  }

  private renderCompare(v: ForwardView): TemplateResult {
    const iterative = this.modeValue === 'iterative';
    const row = (name: TemplateResult, cls: string, s: { mean: number; std: number }, shown: boolean): TemplateResult =>
      html`<tr class=${`${cls}${shown ? ' shown' : ''}`}>
        <th scope="row">${name}</th>
        <td class="mean">${formatStat(s.mean)}</td>
        <td class="std">${formatStat(s.std)}</td>
      </tr>`;
    return html`<table part="compare">
      <caption>
        Same digit, same seed, t = ${this.step}: both ways give the same distribution (up to the sampling
        noise of ${v.x0.length} pixels).
      </caption>
      <thead>
        <tr><td></td><th scope="col">mean</th><th scope="col">std</th></tr>
      </thead>
      <tbody>
        ${row(html`in one go (eq. 4)`, 'closed-form', v.closedStats, !iterative)}
        ${row(html`one step at a time (eq. 2)`, 'iterative', v.iterativeStats, iterative)}
        ${row(html`expected from x<sub>0</sub>`, 'expected', v.expected, false)}
      </tbody>
    </table>`;
  }
}

/** Identity of a drawn image for cache keys (a new array per stroke). */
const drawnIds = new WeakMap<Float32Array, number>();
let nextDrawnId = 1;
function drawnId(image: Float32Array): number {
  let id = drawnIds.get(image);
  if (id === undefined) {
    id = nextDrawnId++;
    drawnIds.set(image, id);
  }
  return id;
}

if (!customElements.get('diffusion-forward')) customElements.define('diffusion-forward', DiffusionForward);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-forward': DiffusionForward;
  }
}
