/**
 * <diffusion-schedule>: noise schedules side by side. Three charts (β_t, ᾱ_t and log-SNR) share a
 * t cursor that can be dragged or moved with the keyboard; under them one MNIST digit is noised at
 * that t under each schedule with the same ε, and each schedule's settings can be copied as a
 * diffusers scheduler config. Pure maths from src/diffusion (no tensors, no tfjs).
 *
 * Attributes: the table in ./schedule/settings.ts (schedules, num-train-timesteps, beta-start,
 * beta-end, t, digit-index, seed, assets-base). Here t is a diffusers timestep, 0…T − 1. All are
 * reflected; a bad value shows a message inside the widget and the last good value stays in use.
 *
 * Events (bubbling, composed): `diffusion-step` {t, values: {[schedule]: {beta, alphaBar, logSnr}}}
 * when the cursor moves; `diffusion-change` {name, value} when a control changes a setting;
 * `diffusion-config` {schedule, config, json} when a config is copied; `diffusion-ready` {count};
 * `diffusion-error` {attribute, message}.
 *
 * Parts: controls, chart (each of the three), images, config, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { queryAll, state } from 'lit/decorators.js';
import { BETA_SCHEDULES, resolveDDPMConfig, type BetaSchedule } from '../diffusion/config';
import { scheduleCurves, type ScheduleCurves } from '../diffusion/curves';
import { toDiffusersConfig, type DiffusersConfigDict } from '../diffusion/diffusers-config';
import { seededNoise } from '../diffusion/forward-math';
import type { RawAttr } from './base/attributes';
import { fallbackDigit } from './base/digit-pad';
import { formatNumber } from './base/format';
import { MnistDigits } from './base/mnist-digits';
import { MAX_TRAIN_TIMESTEPS } from './base/schedule-attributes';
import { settingProperties } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { drawScheduleCharts, drawScheduleDigits } from './schedule/draw';
import { LOOK, swatch } from './schedule/look';
import { DEFAULT_T, SCHEDULE_SETTINGS } from './schedule/settings';
import { scheduleStyles } from './schedule/styles';

export interface ScheduleStepDetail {
  t: number;
  values: Record<string, { beta: number; alphaBar: number; logSnr: number }>;
}

export interface ScheduleChangeDetail {
  name: string;
  value: string | number;
}

export interface ScheduleConfigDetail {
  schedule: BetaSchedule;
  config: DiffusersConfigDict;
  json: string;
}

interface Range {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
}

const SIDE = 28;
const S = SCHEDULE_SETTINGS;

export class DiffusionSchedule extends DiffusionWidget {
  static override styles = scheduleStyles;

  static override properties = settingProperties(SCHEDULE_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, SCHEDULE_SETTINGS);
  // The raw attribute values (see ./schedule/settings.ts), parsed in willUpdate.
  declare schedules: RawAttr;
  declare numTrainTimesteps: RawAttr;
  declare betaStart: RawAttr;
  declare betaEnd: RawAttr;
  declare t: RawAttr;
  declare digitIndex: RawAttr;
  declare seed: RawAttr;
  declare assetsBase: RawAttr;

  private readonly mnist = new MnistDigits(this);
  private get digits() {
    return this.mnist.digits;
  }
  private get loadingFrom() {
    return this.mnist.loadingFrom;
  }
  @state() private copied: ScheduleConfigDetail | null = null;
  @state() private statusNote = '';

  @queryAll('svg.schedule-chart') private chartSvgs!: NodeListOf<SVGSVGElement>;
  @queryAll('canvas.digit') private digitCanvases!: NodeListOf<HTMLCanvasElement>;

  // The last good settings.
  private selected: BetaSchedule[] = [...BETA_SCHEDULES];
  private range: Range = { numTrainTimesteps: 1000, betaStart: 0.0001, betaEnd: 0.02 };
  private step = DEFAULT_T;
  private digit = 0;
  private seedValue = 0;

  // Derived data.
  private curves = new Map<BetaSchedule, ScheduleCurves>();
  private curvesKey = '';
  private x0: Float32Array | null = null;
  private x0Key = '';
  private noise: Float32Array | null = null;
  private noiseSeed = -1;
  private lastEmittedT: number | null = null;

  /** The curves currently drawn, per schedule (for pages that want the numbers). */
  get currentCurves(): ReadonlyMap<BetaSchedule, ScheduleCurves> {
    return this.curves;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.readSettings();
    this.guard('render', () => this.computeData(), undefined);
  }

  private readSettings(): void {
    this.applyAttr(
      'schedules',
      S.schedules.parse(this.schedules),
      (v) => (this.selected = v),
      `"${this.selected.join(',')}"`,
    );
    const r = this.range;
    const next = { ...r };
    this.applyAttr('num-train-timesteps', S.numTrainTimesteps.parse(this.numTrainTimesteps), (v) => (next.numTrainTimesteps = v), String(r.numTrainTimesteps));
    this.applyAttr('beta-start', S.betaStart.parse(this.betaStart), (v) => (next.betaStart = v), String(r.betaStart));
    this.applyAttr('beta-end', S.betaEnd.parse(this.betaEnd), (v) => (next.betaEnd = v), String(r.betaEnd));
    if (next.betaStart > next.betaEnd) {
      this.showError(
        'schedule',
        `beta-start (${next.betaStart}) must not exceed beta-end (${next.betaEnd}): the linear, scaled_linear and sigmoid ` +
          `schedules rise from beta-start to beta-end. Keeping ${r.betaStart} to ${r.betaEnd}.`,
      );
      next.betaStart = r.betaStart;
      next.betaEnd = r.betaEnd;
    } else {
      this.clearError('schedule');
    }
    this.range = next;

    const T = this.range.numTrainTimesteps;
    if (!this.applyAttr('t', S.t.parse(this.t, { max: T - 1, default: Math.min(DEFAULT_T, T - 1) }), (v) => (this.step = v), `t = ${Math.min(this.step, T - 1)}`)) {
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
    this.mnist.sync(this.assetsBase);
  }

  private computeData(): void {
    const key = JSON.stringify(this.range);
    if (key !== this.curvesKey) {
      this.curves.clear();
      this.curvesKey = key;
    }
    for (const schedule of this.selected) {
      if (!this.curves.has(schedule)) this.curves.set(schedule, scheduleCurves({ ...this.range, betaSchedule: schedule }));
    }
    const digits = this.digits;
    const x0Key = digits && this.digit < digits.count ? `mnist:${digits.name}:${this.digit}` : 'fallback';
    if (x0Key !== this.x0Key || !this.x0) {
      this.x0 = digits && this.digit < digits.count ? digits.image(this.digit) : fallbackDigit(this.ownerDocument);
      this.x0Key = x0Key;
    }
    if (this.noiseSeed !== this.seedValue || !this.noise) {
      this.noise = seededNoise(SIDE * SIDE, this.seedValue);
      this.noiseSeed = this.seedValue;
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.guard('drawing', () => this.draw(), undefined);
    if (this.lastEmittedT !== this.step) {
      this.lastEmittedT = this.step;
      const values: ScheduleStepDetail['values'] = {};
      for (const schedule of this.selected) {
        const c = this.curves.get(schedule);
        if (c) values[schedule] = { beta: c.betas[this.step], alphaBar: c.alphasCumprod[this.step], logSnr: c.logSnr[this.step] };
      }
      this.emit<ScheduleStepDetail>('diffusion-step', { t: this.step, values });
    }
  }

  private draw(): void {
    const scene = { selected: this.selected, curves: this.curves, numTrainTimesteps: this.range.numTrainTimesteps, t: this.step };
    drawScheduleCharts(Array.from(this.chartSvgs ?? []), scene, (t) => this.setT(t));
    const x0 = this.x0;
    const noise = this.noise;
    if (!x0 || !noise) return;
    drawScheduleDigits(Array.from(this.digitCanvases ?? []), scene, x0, noise, this.digitName());
  }

  // ------------------------------------------------------------------------------------------
  // Actions
  // ------------------------------------------------------------------------------------------

  private setT(value: number): void {
    const T = this.range.numTrainTimesteps;
    const next = Math.max(0, Math.min(T - 1, Math.round(value)));
    if (next === this.step && this.t !== null) return;
    this.t = String(next);
    this.emit<ScheduleChangeDetail>('diffusion-change', { name: 't', value: next });
  }

  private setNumber(name: 'num-train-timesteps' | 'beta-start' | 'beta-end', raw: string): void {
    if (name === 'num-train-timesteps') this.numTrainTimesteps = raw;
    else if (name === 'beta-start') this.betaStart = raw;
    else this.betaEnd = raw;
    this.emit<ScheduleChangeDetail>('diffusion-change', { name, value: raw });
  }

  private toggleSchedule(schedule: BetaSchedule, on: boolean): void {
    const set = new Set(this.selected);
    if (on) set.add(schedule);
    else set.delete(schedule);
    if (set.size === 0) {
      this.statusNote = 'At least one schedule stays shown.';
      this.requestUpdate();
      return;
    }
    // Keep diffusers' order so colours and rows stay put.
    const value = BETA_SCHEDULES.filter((s) => set.has(s)).join(',');
    this.statusNote = '';
    this.schedules = value;
    this.emit<ScheduleChangeDetail>('diffusion-change', { name: 'schedules', value });
  }

  /** The diffusers DDPMScheduler config for one schedule with the current range. */
  configFor(schedule: BetaSchedule): DiffusersConfigDict {
    return toDiffusersConfig(resolveDDPMConfig({ ...this.range, betaSchedule: schedule }));
  }

  private async copyConfig(schedule: BetaSchedule): Promise<void> {
    const config = this.configFor(schedule);
    const json = JSON.stringify(config, null, 2);
    const detail: ScheduleConfigDetail = { schedule, config, json };
    this.copied = detail;
    this.emit<ScheduleConfigDetail>('diffusion-config', detail);
    let copied = false;
    try {
      if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(json);
        copied = true;
      }
    } catch {
      copied = false;
    }
    this.statusNote = copied
      ? `Copied the ${LOOK[schedule].name} schedule as a diffusers config.`
      : `The ${LOOK[schedule].name} config is shown below; select it to copy (the clipboard is not available here).`;
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  private digitName(): string {
    if (this.digits && this.digit < this.digits.count) return `MNIST test #${this.digit}, a ${this.digits.label(this.digit)}`;
    return 'a drawn “2”';
  }

  private statusText(): string {
    if (this.loadingFrom) return 'Loading MNIST digits…';
    if (this.statusNote) return this.statusNote;
    return `t = ${this.step}.`;
  }

  protected override render(): TemplateResult {
    const T = this.range.numTrainTimesteps;
    const selected = new Set(this.selected);
    const invalid = (name: string): 'true' | 'false' => (this.errors.has(name) || (name !== 'num-train-timesteps' && this.errors.has('schedule')) ? 'true' : 'false');
    return html`
      ${this.embed.render()}
      <h2 part="title">Noise schedules</h2>
      <p class="intro">
        How fast each schedule destroys the signal: β<sub>t</sub> is the noise added per step, ᾱ<sub>t</sub> the
        signal left after t steps, and the log signal-to-noise ratio shows both on one scale.
      </p>
      ${this.renderErrors()}
      <div part="controls">
        <fieldset>
          <legend>Schedules</legend>
          ${BETA_SCHEDULES.map(
            (schedule) => html`<label class="inline">
              <input
                type="checkbox"
                name="schedule"
                value=${schedule}
                .checked=${selected.has(schedule)}
                @change=${(e: Event) => this.toggleSchedule(schedule, (e.target as HTMLInputElement).checked)}
              />
              ${swatch(schedule)}
              <span>${LOOK[schedule].name} <code>${schedule}</code></span>
            </label>`,
          )}
        </fieldset>
        <label>
          T (num-train-timesteps)
          <input
            type="number"
            class="num-train-timesteps"
            min="1"
            max=${MAX_TRAIN_TIMESTEPS}
            step="1"
            .value=${String(T)}
            aria-invalid=${invalid('num-train-timesteps')}
            @change=${(e: Event) => this.setNumber('num-train-timesteps', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          β start (beta-start)
          <input
            type="number"
            class="beta-start"
            min="0"
            max="1"
            step="any"
            .value=${String(this.range.betaStart)}
            aria-invalid=${invalid('beta-start')}
            @change=${(e: Event) => this.setNumber('beta-start', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          β end (beta-end)
          <input
            type="number"
            class="beta-end"
            min="0"
            max="1"
            step="any"
            .value=${String(this.range.betaEnd)}
            aria-invalid=${invalid('beta-end')}
            @change=${(e: Event) => this.setNumber('beta-end', (e.target as HTMLInputElement).value)}
          />
        </label>
        <p class="hint">
          The cosine schedule ignores β start and end. Drag across a chart, or focus its cursor and use the arrow keys
          (Page Up/Down, Home, End) to move t.
        </p>
      </div>
      <div class="charts">
        <div part="chart"><svg class="schedule-chart beta"></svg></div>
        <div part="chart"><svg class="schedule-chart alpha-bar"></svg></div>
        <div part="chart"><svg class="schedule-chart log-snr"></svg></div>
      </div>
      <div part="images" role="group" aria-label=${`The same digit and noise at t = ${this.step} under each schedule`}>
        <figure>
          <canvas class="digit" width="112" height="112"></canvas>
          <figcaption><span class="name">x<sub>0</sub></span><span class="value">${this.digitName()}</span></figcaption>
        </figure>
        ${this.selected.map((schedule) => this.renderScheduleDigit(schedule))}
      </div>
      <div part="config" ?hidden=${this.copied === null}>
        ${this.copied
          ? html`<p>
                diffusers config for the ${LOOK[this.copied.schedule].name} schedule
                (<code>DDPMScheduler.from_config(...)</code>):
              </p>
              <pre class="config-json" tabindex="0" aria-label="diffusers config JSON">${this.copied.json}</pre>`
          : nothing}
      </div>
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderScheduleDigit(schedule: BetaSchedule): TemplateResult {
    const c = this.curves.get(schedule);
    const abar = c ? c.alphasCumprod[this.step] : Number.NaN;
    return html`<figure class="schedule-digit" data-schedule=${schedule}>
      <canvas class="digit" data-schedule=${schedule} width="112" height="112"></canvas>
      <figcaption>
        <span class="name">${swatch(schedule)} ${LOOK[schedule].name}</span>
        <span class="value">ᾱ = <span class="abar">${formatNumber(abar)}</span></span>
      </figcaption>
      <button type="button" class="copy" data-schedule=${schedule} @click=${() => void this.copyConfig(schedule)}
        aria-label=${`Copy diffusers config of the ${LOOK[schedule].name} schedule`}>
        Copy diffusers config
      </button>
    </figure>`;
  }
}

if (!customElements.get('diffusion-schedule')) customElements.define('diffusion-schedule', DiffusionSchedule);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-schedule': DiffusionSchedule;
  }
}
