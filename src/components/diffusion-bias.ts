/**
 * <diffusion-bias>: bias in, bias out. A latent diffusion model was trained, without labels, on a
 * class-skewed MNIST subset (some digits kept whole, others thinned out; the checkpoint records
 * the counts). The widget samples it, lets the reference classifier read every sample, and draws
 * the class histogram of the samples against the training distribution: a generative model
 * reproduces the proportions of its data, skew included. Before any sampling, the histogram the
 * evaluation tool measured when the model was shipped is shown. The page's lab (a Web Worker) does
 * the work.
 *
 * Attributes: BIAS_SETTINGS in ./latent/latent-settings.ts (count, steps, seed, backend,
 * assets-base). All are reflected; a bad value shows a message inside the widget and the last
 * good value stays in use. One lab serves every widget on a page.
 *
 * Events (bubbling, composed): `diffusion-sampled` {count, counts, wallMs, seed} when the samples
 * have been classified; `diffusion-change` {name, value} when a control changes a setting;
 * `diffusion-error` {attribute, message} when a value is rejected or the lab reports a problem.
 *
 * Parts: title, controls, chart, numbers, images, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { BackendPreference } from '../backend/names';
import { imageGrid } from '../charts/image-grid';
import type { Lab, LabStatus } from '../lab/lab-api';
import type { LatentInfo } from '../latent/latent-api';
import type { RawAttr } from './base/attributes';
import { backendLine } from './base/backend-line';
import { LabLink } from './base/lab-link';
import { settingProperties } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { classBars } from './latent/class-bars';
import { countClasses, describeClasses, heavyClasses, shareOf, shares } from './latent/class-shares';
import { formatMs, formatPercent } from './latent/display';
import { BIAS_DEFAULTS, BIAS_SETTINGS, MAX_BIAS_COUNT, MAX_LATENT_WIDGET_STEPS } from './latent/latent-settings';
import { biasStyles } from './latent/styles';
import { errorSentence } from './trainer/lab-connection';

const S = BIAS_SETTINGS;
/** Samples drawn in the grid under the chart. */
const SHOWN_IMAGES = 40;

export interface BiasSampledDetail {
  count: number;
  counts: number[];
  wallMs: number;
  seed: number;
}

interface BiasRun {
  count: number;
  seed: number;
  counts: number[];
  images: Float32Array;
  wallMs: number;
}

export class DiffusionBias extends DiffusionWidget {
  static override styles = biasStyles;

  static override properties = settingProperties(BIAS_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, BIAS_SETTINGS);
  // The raw attribute values (see ./latent/latent-settings.ts), parsed in willUpdate.
  declare count: RawAttr;
  declare steps: RawAttr;
  declare seed: RawAttr;
  declare backend: RawAttr;
  declare assetsBase: RawAttr;

  @state() private info: LatentInfo | null = null;
  @state() private infoProblem: string | null = null;
  @state() private running = false;
  @state() private run: BiasRun | null = null;
  @state() private note = '';

  private countValue = BIAS_DEFAULTS.count;
  private stepsValue = BIAS_DEFAULTS.steps;
  private seedValue = BIAS_DEFAULTS.seed;
  private backendChoice: BackendPreference = 'auto';
  private assets: string | null = null;
  private readonly link = new LabLink(this);

  /** The latest classified run (null before the first), for tests and host pages. */
  get result(): BiasRun | null {
    return this.run;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.connect();
  }

  private get lab(): Lab | null {
    return this.link.lab;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.applyAttr('count', S.count.parse(this.count), (v) => (this.countValue = v), String(this.countValue));
    this.applyAttr('steps', S.steps.parse(this.steps), (v) => (this.stepsValue = v), String(this.stepsValue));
    this.applyAttr('seed', S.seed.parse(this.seed), (v) => (this.seedValue = v), String(this.seedValue));
    this.applyAttr('backend', S.backend.parse(this.backend), (v) => (this.backendChoice = v), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', S.assetsBase.parse(this.assetsBase), (v) => (this.assets = v), this.assets === null ? 'the default' : `"${this.assets}"`);
    if (!this.hasUpdated && this.isConnected) this.connect();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.samples');
    if (canvas && this.run) {
      const n = Math.min(SHOWN_IMAGES, this.run.count);
      imageGrid(canvas, this.run.images, n, { cols: 10, scale: 2, label: `The first ${n} of ${this.run.count} samples` });
    }
  }

  private connect(): void {
    const lab = this.link.connect(this.backendChoice, this.assets);
    if (!lab) return;
    lab.latentInfo('skewed').then(
      (info) => {
        this.info = info;
        this.infoProblem = null;
      },
      (error: unknown) => {
        this.infoProblem = errorSentence(error);
        this.emit('diffusion-error', { attribute: 'model', message: this.infoProblem });
      },
    );
  }

  /** Samples the skewed model and classifies every sample with the reference classifier. */
  async sampleAndClassify(): Promise<void> {
    const lab = this.lab;
    if (!lab || this.running) return;
    this.running = true;
    this.clearError('sampling');
    const count = this.countValue;
    const seed = this.seedValue;
    try {
      this.note = `Sampling ${count} digits…`;
      const out = await lab.latentSample({ model: 'skewed', sampler: 'ddim', steps: this.stepsValue, count, seed, label: null });
      this.note = 'Asking the reference classifier what each sample shows…';
      const read = await lab.classify(out.images, count);
      const counts = countClasses(read.labels);
      this.run = { count, seed, counts, images: out.images, wallMs: out.wallMs };
      this.emit<BiasSampledDetail>('diffusion-sampled', { count, counts, wallMs: out.wallMs, seed });
      this.note = `Sampled ${count} digits in ${formatMs(out.wallMs)} and classified them.`;
    } catch (error) {
      this.showError('sampling', `Sampling failed: ${errorSentence(error)}`);
      this.note = '';
    } finally {
      this.running = false;
    }
  }

  private setFromControl(name: 'count' | 'steps' | 'seed', value: string): void {
    this.setAttribute(name, value);
    this.emit('diffusion-change', { name, value: Number(value) });
  }

  override render(): TemplateResult {
    const training = this.info?.model.trainingClassCounts ?? null;
    const shipped = this.info?.model.sampleClassCounts ?? null;
    const samples = this.run?.counts ?? shipped;
    const heavy = training ? heavyClasses(training) : [];
    const source = this.run ? `these ${this.run.count} samples` : shipped ? `${shipped.reduce((a, b) => a + b, 0)} samples measured when the model was shipped` : null;
    return html`
      ${this.embed.render()}
      <h2 part="title">Bias in, bias out</h2>
      <p class="intro">
        This latent diffusion model learnt from a lopsided MNIST subset, without labels. What does it draw? The reference classifier reads each
        sample, and the bars compare what it finds with what the model was shown.
      </p>
      ${this.renderErrors()}
      <div part="controls">
        <label>Samples
          <input type="number" class="count" min="10" max=${MAX_BIAS_COUNT} .value=${String(this.countValue)} ?disabled=${this.running}
            @change=${(e: Event) => this.setFromControl('count', (e.target as HTMLInputElement).value)} /></label>
        <label>Steps (DDIM)
          <input type="number" class="steps" min="1" max=${MAX_LATENT_WIDGET_STEPS} .value=${String(this.stepsValue)} ?disabled=${this.running}
            @change=${(e: Event) => this.setFromControl('steps', (e.target as HTMLInputElement).value)} /></label>
        <label>Seed
          <input type="number" class="seed" min="0" .value=${String(this.seedValue)} ?disabled=${this.running}
            @change=${(e: Event) => this.setFromControl('seed', (e.target as HTMLInputElement).value)} /></label>
        <button type="button" class="sample primary" ?disabled=${this.running || !this.info} @click=${() => void this.sampleAndClassify()}>
          ${this.running ? 'Working…' : 'Sample and classify'}
        </button>
      </div>
      ${this.infoProblem ? html`<p class="problem" role="status">${this.infoProblem}</p>` : nothing}
      ${training
        ? html`<p class="summary">${this.summary(training, samples, heavy, source)}</p>
            <div part="chart">
              ${classBars({ training, samples, label: this.chartLabel(training, samples, source) })}
            </div>
            ${this.renderNumbers(training, samples, source)}`
        : html`<p class="note">${this.infoProblem ? '' : 'Loading the model’s training distribution…'}</p>`}
      ${this.run
        ? html`<figure part="images"><figcaption>The first ${Math.min(SHOWN_IMAGES, this.run.count)} samples</figcaption><canvas class="digit samples"></canvas></figure>`
        : nothing}
      ${this.link.status ? this.renderBackend(this.link.status) : nothing}
      ${this.renderStatus(this.note || (this.info ? 'Press “Sample and classify” to draw new samples and read them.' : 'Loading the model…'))}
    `;
  }

  private summary(training: number[], samples: readonly number[] | null, heavy: number[], source: string | null): string {
    const digits = describeClasses(heavy);
    const inTraining = `Digits ${digits} are ${formatPercent(shareOf(training, heavy))} of the training images`;
    if (!samples || !source) return `${inTraining}.`;
    return `${inTraining} and ${formatPercent(shareOf(samples as number[], heavy))} of ${source}.`;
  }

  private chartLabel(training: number[], samples: readonly number[] | null, source: string | null): string {
    const t = shares(training).map((v, i) => `${i}: ${formatPercent(v)}`).join(', ');
    const s = samples ? `; ${source}: ${shares(samples).map((v, i) => `${i}: ${formatPercent(v)}`).join(', ')}` : '';
    return `Share of each digit in the training set: ${t}${s}`;
  }

  private renderNumbers(training: number[], samples: readonly number[] | null, source: string | null): TemplateResult {
    const t = shares(training);
    const s = samples ? shares(samples) : null;
    return html`<div part="numbers" class="table-wrap">
      <table>
        <caption class="visually-hidden">Share of each digit</caption>
        <thead><tr><th scope="col">digit</th>${t.map((_, i) => html`<th scope="col">${i}</th>`)}</tr></thead>
        <tbody>
          <tr class="training"><th scope="row">training set</th>${t.map((v) => html`<td>${formatPercent(v)}</td>`)}</tr>
          ${s ? html`<tr class="samples"><th scope="row">${source}</th>${s.map((v) => html`<td>${formatPercent(v)}</td>`)}</tr>` : nothing}
        </tbody>
      </table>
    </div>`;
  }

  private renderBackend(status: LabStatus): TemplateResult {
    return html`<p class="note backend">${backendLine(status, this.backendChoice)}</p>`;
  }
}

if (!customElements.get('diffusion-bias')) customElements.define('diffusion-bias', DiffusionBias);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-bias': DiffusionBias;
  }
}
