/**
 * <diffusion-forward>: the forward process q(x_t | x_0) on a real MNIST digit (or one drawn by
 * hand). Shows x_0, the noise ε and x_t, the weights ᾱ_t, √ᾱ_t and √(1 − ᾱ_t), and a histogram of
 * x_t's pixels that turns into N(0, 1) as t grows. x_t comes either from the closed form
 * (Ho et al. 2020, eq. 4) or from t + 1 single steps (eq. 2) with the same seed, and the statistics of
 * both are printed side by side. No tfjs: the maths is src/diffusion/forward-math.ts on arrays.
 *
 * Attributes: the table in ./forward/settings.ts (digit-index, t, num-train-timesteps,
 * beta-schedule, beta-start, beta-end, seed, assets-base, mode). Here t is a diffusers timestep,
 * 0…T − 1, 0 being the first noising step (the clean digit is the x₀ panel). All are reflected; a bad value shows a message inside the widget and the last good value
 * stays in use.
 *
 * Events (bubbling, composed): `diffusion-step` {t, numTrainTimesteps, alphaBar, sqrtAlphaBar,
 * sqrtOneMinusAlphaBar, mode, mean, std} whenever the shown t changes; `diffusion-change`
 * {name, value} when a control changes a setting; `diffusion-ready` {count} when the MNIST digits
 * have loaded; `diffusion-error` {attribute, message} when a value is rejected.
 *
 * Parts: controls, images, chart, numbers, compare, pad, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { query } from 'lit/decorators.js';
import { Rng } from '../data/rng';
import type { BetaSchedule } from '../diffusion/config';
import { scheduleCurves, type ScheduleCurves } from '../diffusion/curves';
import type { RawAttr } from './base/attributes';
import { fallbackDigit } from './base/digit-pad';
import { formatNumber, formatStat } from './base/format';
import { MnistDigits } from './base/mnist-digits';
import { settingProperties } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { ForwardChain, type ForwardSource, type ForwardView } from './forward/chain';
import { drawForwardFigures } from './forward/draw';
import { DrawnDigit } from './forward/drawn-digit';
import { TimestepPlayback } from './forward/playback';
import { DEFAULT_T, FORWARD_SETTINGS, pastLastTimestepMessage, type ForwardMode } from './forward/settings';
import { forwardStyles } from './forward/styles';

export { FORWARD_MODES, type ForwardMode } from './forward/settings';

export interface ForwardStepDetail {
  /** The diffusers timestep shown, 0…T − 1. */
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

const S = FORWARD_SETTINGS;

export class DiffusionForward extends DiffusionWidget {
  static override styles = forwardStyles;

  static override properties = settingProperties(FORWARD_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, FORWARD_SETTINGS);
  // The raw attribute values (see ./forward/settings.ts), parsed in willUpdate.
  declare digitIndex: RawAttr;
  declare t: RawAttr;
  declare numTrainTimesteps: RawAttr;
  declare betaSchedule: RawAttr;
  declare betaStart: RawAttr;
  declare betaEnd: RawAttr;
  declare seed: RawAttr;
  declare assetsBase: RawAttr;
  declare mode: RawAttr;

  private readonly mnist = new MnistDigits(this);
  private get digits() {
    return this.mnist.digits;
  }
  private get loadingFrom() {
    return this.mnist.loadingFrom;
  }
  private readonly drawn = new DrawnDigit(this, () => {
    this.statusNote = 'Using your drawing as x₀.';
    this.emit<ForwardChangeDetail>('diffusion-change', { name: 'digit', value: 'drawn' });
  });
  private readonly playback = new TimestepPlayback(this, {
    end: () => this.schedule.numTrainTimesteps - 1,
    current: () => this.step,
    restart: () => this.setT(0, true),
    advanceTo: (t) => {
      this.step = t;
      this.setT(t, false);
    },
    reducedMotion: () => this.prefersReducedMotion(),
  });

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
  private readonly chain = new ForwardChain();
  private view: ForwardView | null = null;

  private lastEmittedT: number | null = null;
  private pickRng: Rng | null = null;
  private statusNote = '';

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
    this.applyAttr('num-train-timesteps', S.numTrainTimesteps.parse(this.numTrainTimesteps), (v) => (next.numTrainTimesteps = v), String(s.numTrainTimesteps));
    this.applyAttr('beta-schedule', S.betaSchedule.parse(this.betaSchedule), (v) => (next.betaSchedule = v), `"${s.betaSchedule}"`);
    this.applyAttr('beta-start', S.betaStart.parse(this.betaStart), (v) => (next.betaStart = v), String(s.betaStart));
    this.applyAttr('beta-end', S.betaEnd.parse(this.betaEnd), (v) => (next.betaEnd = v), String(s.betaEnd));
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
    // t is a diffusers timestep, 0…T − 1, as in <diffusion-schedule>; t = T gets its own message.
    const parsed = S.t.parse(this.t, { max: T - 1, default: Math.min(DEFAULT_T, T - 1) });
    const result = !parsed.ok && String(this.t).trim() === String(T) ? { ok: false as const, message: pastLastTimestepMessage(T) } : parsed;
    if (!this.applyAttr('t', result, (v) => (this.step = v), `t = ${Math.min(this.step, T - 1)}`)) {
      this.step = Math.min(this.step, T - 1);
    }
    const count = this.digits?.count;
    // A value taken before the digits loaded may be out of range once their number is known.
    if (count !== undefined && this.digit >= count) this.digit = 0;
    this.applyAttr(
      'digit-index',
      S.digitIndex.parse(this.digitIndex, { max: count === undefined ? undefined : count - 1 }),
      (v) => (this.digit = v),
      `digit ${this.digit}`,
    );
    this.applyAttr('seed', S.seed.parse(this.seed), (v) => (this.seedValue = v), `seed ${this.seedValue}`);
    this.applyAttr('mode', S.mode.parse(this.mode), (v) => (this.modeValue = v), `"${this.modeValue}"`);
    this.mnist.sync(this.assetsBase);
  }

  private currentX0(): ForwardSource {
    const drawn = this.drawn.image;
    const drawnKey = this.drawn.key;
    if (drawn && drawnKey) return { key: drawnKey, image: () => drawn };
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
    this.view = this.chain.view({
      source: this.currentX0(),
      curves: this.curves,
      curvesKey: this.curvesKey,
      seed: this.seedValue,
      // The chain counts steps taken: timestep t is reached by t + 1 of them.
      t: this.step + 1,
      mode: this.modeValue,
    });
  }

  protected override firstUpdated(): void {
    this.drawn.attach(this.padCanvas);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const view = this.view;
    if (!view) return;
    this.guard(
      'drawing',
      () =>
        drawForwardFigures(
          { x0: this.x0Canvas, noise: this.noiseCanvas, xt: this.xtCanvas, histogram: this.histogramSvg },
          view,
          { t: this.step, iterative: this.modeValue === 'iterative', digitName: this.digitName() },
        ),
      undefined,
    );
    if (this.lastEmittedT !== this.step) {
      this.lastEmittedT = this.step;
      this.emit<ForwardStepDetail>('diffusion-step', {
        t: this.step,
        numTrainTimesteps: this.schedule.numTrainTimesteps,
        alphaBar: view.coeff.alphaBar,
        sqrtAlphaBar: view.coeff.sqrtAlphaBar,
        sqrtOneMinusAlphaBar: view.coeff.sqrtOneMinusAlphaBar,
        mode: this.modeValue,
        mean: view.shownStats.mean,
        std: view.shownStats.std,
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Actions
  // ------------------------------------------------------------------------------------------

  private setT(value: number, fromControl: boolean): void {
    const last = this.schedule.numTrainTimesteps - 1;
    const next = Math.max(0, Math.min(last, Math.round(value)));
    this.t = String(next);
    if (fromControl) this.emit<ForwardChangeDetail>('diffusion-change', { name: 't', value: next });
  }

  private setDigit(index: number): void {
    const count = this.digits?.count;
    if (!count) return;
    const next = ((index % count) + count) % count;
    this.drawn.forget();
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
    if (this.drawn.toggle()) {
      this.statusNote = 'Draw a digit on the black square; x₀ updates after each stroke.';
    } else {
      this.statusNote = this.drawn.image ? 'Using your drawing as x₀.' : '';
    }
  }

  private clearDrawing(): void {
    this.drawn.clear();
    this.statusNote = 'Drawing cleared; x₀ is the MNIST digit again.';
  }

  private stepSize(): number {
    return Math.max(1, Math.round(this.schedule.numTrainTimesteps / 20));
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  private digitName(): string {
    if (this.drawn.image) return 'your drawing';
    if (this.digits) return `MNIST test #${this.digit}, a ${this.digits.label(this.digit)}`;
    return this.loadingFrom ? 'a drawn “2” while MNIST loads' : 'a drawn “2”';
  }

  private statusText(): string {
    if (this.loadingFrom) return 'Loading MNIST digits…';
    if (this.playback.playing) return 'Playing…';
    if (this.statusNote) return this.statusNote;
    const v = this.view;
    if (!v) return '';
    return `t = ${this.step} of 0 … ${this.schedule.numTrainTimesteps - 1}, ᾱ = ${formatNumber(v.coeff.alphaBar)}.`;
  }

  protected override render(): TemplateResult {
    const T = this.schedule.numTrainTimesteps;
    const t = this.step;
    const v = this.view;
    const loaded = this.digits !== null;
    const iterative = this.modeValue === 'iterative';
    const shownStats = v ? v.shownStats : null;
    return html`
      ${this.embed.render()}
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
            <button type="button" class="draw" aria-pressed=${this.drawn.drawing ? 'true' : 'false'} aria-controls="pad" @click=${() => this.toggleDrawing()}>
              Draw
            </button>
            <span class="digit-name">${this.digitName()}</span>
          </div>
        </div>
        <div class="t-control field">
          <label for="t-slider">Timestep <span class="t-readout">t = ${t} / ${T - 1}</span></label>
          <input
            id="t-slider"
            type="range"
            min="0"
            max=${T - 1}
            step="1"
            .value=${String(t)}
            aria-valuetext=${`t = ${t} of 0 to ${T - 1}`}
            @input=${(e: Event) => this.setT(Number((e.target as HTMLInputElement).value), true)}
          />
        </div>
        <div class="row" role="group" aria-label="Animation">
          <button type="button" class="play primary" @click=${() => this.playback.toggle()}>${this.playback.playing ? 'Pause' : 'Play'}</button>
          <button type="button" class="step-back" @click=${() => this.setT(t - this.stepSize(), true)} ?disabled=${t <= 0}
            aria-label=${`Step back ${this.stepSize()}`}>−${this.stepSize()}</button>
          <button type="button" class="step-forward" @click=${() => this.setT(t + this.stepSize(), true)} ?disabled=${t >= T - 1}
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
      <div part="pad" id="pad" ?hidden=${!this.drawn.drawing}>
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
        x<sub>t</sub> reached by ${this.step + 1} steps of x<sub>s</sub> = √(1−β<sub>s</sub>)·x<sub>s−1</sub> + √β<sub>s</sub>·ε<sub>s</sub>
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

if (!customElements.get('diffusion-forward')) customElements.define('diffusion-forward', DiffusionForward);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-forward': DiffusionForward;
  }
}
