/**
 * <diffusion-latent>: latent diffusion (Rombach et al. 2022) next to pixel-space diffusion. A small
 * autoencoder squeezes 28×28 digits into 7×7×c latents and back (originals, their latents and the
 * reconstructions are shown); a diffusion model trained on those latents samples them, and the
 * decoder turns its samples into digits, shown beside samples of the shipped pixel-space U-Net from
 * the same settings. A table compares the two: values per image, parameters, FLOPs per denoising
 * step (from the layer shapes), the wall time of the runs just made on the reader's backend, and
 * the reference-classifier accuracy and classifier-FID stored with the checkpoints by the
 * evaluation tools. The page's lab (a Web Worker) does the work.
 *
 * Attributes: LATENT_SETTINGS in ./latent/latent-settings.ts (count, steps, guidance, label,
 * seed, backend, assets-base). All are reflected; a bad value shows a message inside the widget
 * and the last good value stays in use. One lab serves every widget on a page.
 *
 * Nothing samples until asked ("Sample both"); the reconstructions load on their own.
 *
 * Events (bubbling, composed): `diffusion-sampled` {space: "pixel" | "latent", wallMs, nfe, count,
 * seed} when one side has finished; `diffusion-change` {name, value} when a control changes a
 * setting; `diffusion-error` {attribute, message} when a value is rejected or the lab reports a
 * problem.
 *
 * Parts: title, autoencoder, controls, model, samples, table, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { BackendPreference } from '../backend/names';
import { imageGrid } from '../charts/image-grid';
import type { Lab, LabStatus } from '../lab/lab-api';
import type { LatentInfo, LatentReconstruction } from '../latent/latent-api';
import type { RawAttr } from './base/attributes';
import { backendLine } from './base/backend-line';
import { LabLink } from './base/lab-link';
import { settingProperties } from './base/settings-table';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { comparisonRows, type RunMeasure } from './latent/comparison';
import { formatMs, latentMosaic } from './latent/display';
import {
  LATENT_DEFAULTS,
  LATENT_SETTINGS,
  MAX_LATENT_GUIDANCE,
  MAX_LATENT_WIDGET_COUNT,
  MAX_LATENT_WIDGET_STEPS,
  labelsFor,
  type LabelChoice,
} from './latent/latent-settings';
import { latentStyles } from './latent/styles';
import { errorSentence } from './trainer/lab-connection';

const S = LATENT_SETTINGS;
/** The assets' test split (class-balanced subset) has this many digits. */
const TEST_DIGITS = 2000;

export interface LatentSampledDetail {
  space: 'pixel' | 'latent';
  wallMs: number;
  nfe: number;
  count: number;
  seed: number;
}

interface SideRun extends RunMeasure {
  images: Float32Array;
  seed: number;
  steps: number;
}

export class DiffusionLatent extends DiffusionWidget {
  static override styles = latentStyles;

  static override properties = settingProperties(LATENT_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, LATENT_SETTINGS);
  // The raw attribute values (see ./latent/latent-settings.ts), parsed in willUpdate.
  declare count: RawAttr;
  declare steps: RawAttr;
  declare guidance: RawAttr;
  declare label: RawAttr;
  declare seed: RawAttr;
  declare backend: RawAttr;
  declare assetsBase: RawAttr;

  @state() private info: LatentInfo | null = null;
  @state() private infoProblem: string | null = null;
  @state() private recon: LatentReconstruction | null = null;
  @state() private reconProblem: string | null = null;
  @state() private sampling: 'pixel' | 'latent' | null = null;
  @state() private pixelRun: SideRun | null = null;
  @state() private latentRun: SideRun | null = null;
  @state() private note = '';

  private countValue = LATENT_DEFAULTS.count;
  private stepsValue = LATENT_DEFAULTS.steps;
  private guidanceValue = LATENT_DEFAULTS.guidance;
  private labelValue: LabelChoice = LATENT_DEFAULTS.label;
  private seedValue = LATENT_DEFAULTS.seed;
  private backendChoice: BackendPreference = 'auto';
  private assets: string | null = null;
  private offset = 0;
  private readonly link = new LabLink(this);
  private reconFor = '';

  /** The latest runs, for tests and host pages. */
  get runs(): { pixel: SideRun | null; latent: SideRun | null } {
    return { pixel: this.pixelRun, latent: this.latentRun };
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
    this.applyAttr('guidance', S.guidance.parse(this.guidance), (v) => (this.guidanceValue = v), String(this.guidanceValue));
    this.applyAttr('label', S.label.parse(this.label), (v) => (this.labelValue = v), `"${String(this.labelValue)}"`);
    this.applyAttr('seed', S.seed.parse(this.seed), (v) => (this.seedValue = v), String(this.seedValue));
    this.applyAttr('backend', S.backend.parse(this.backend), (v) => (this.backendChoice = v), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', S.assetsBase.parse(this.assetsBase), (v) => (this.assets = v), this.assets === null ? 'the default' : `"${this.assets}"`);
    if (!this.hasUpdated && this.isConnected) this.connect();
    this.refreshReconstructions();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.draw();
  }

  // ------------------------------------------------------------------------------------------
  // The lab
  // ------------------------------------------------------------------------------------------

  private connect(): void {
    const lab = this.link.connect(this.backendChoice, this.assets);
    if (!lab) return;
    lab.latentInfo('latent').then(
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

  private refreshReconstructions(): void {
    const lab = this.lab;
    const key = `${this.countValue}:${this.offset}`;
    if (!lab || key === this.reconFor) return;
    this.reconFor = key;
    lab.latentReconstruct({ count: this.countValue, offset: this.offset }).then(
      (r) => {
        if (this.reconFor !== key) return;
        this.recon = r;
        this.reconProblem = null;
      },
      (error: unknown) => {
        if (this.reconFor !== key) return;
        this.reconProblem = errorSentence(error);
      },
    );
  }

  /** Shows the next test digits. */
  nextDigits(): void {
    this.offset = (this.offset + this.countValue) % (TEST_DIGITS - this.countValue);
    this.refreshReconstructions();
    this.requestUpdate();
  }

  /** Samples the pixel model, then the latent model, with the same settings and seed. */
  async sampleBoth(): Promise<void> {
    const lab = this.lab;
    if (!lab || this.sampling) return;
    this.clearError('sampling');
    const count = this.countValue;
    const steps = this.stepsValue;
    const seed = this.seedValue;
    const labels = labelsFor(this.labelValue, count);
    const guidance = labels ? this.guidanceValue : 0;
    try {
      this.sampling = 'pixel';
      this.note = `Sampling ${count} images in pixel space…`;
      const p = await lab.sample({ sampler: 'ddim', steps, guidance, label: labels ?? null, count, seed, source: 'shipped' });
      this.pixelRun = { images: p.images, wallMs: p.wallMs, nfe: p.nfe, count, seed, steps };
      this.emit<LatentSampledDetail>('diffusion-sampled', { space: 'pixel', wallMs: p.wallMs, nfe: p.nfe, count, seed });
      this.sampling = 'latent';
      this.note = `Sampling ${count} images in latent space…`;
      const l = await lab.latentSample({ model: 'latent', sampler: 'ddim', steps, guidance, label: labels ?? null, count, seed });
      this.latentRun = { images: l.images, wallMs: l.wallMs, nfe: l.nfe, count, seed, steps, decodeMs: l.decodeMs };
      this.emit<LatentSampledDetail>('diffusion-sampled', { space: 'latent', wallMs: l.wallMs, nfe: l.nfe, count, seed });
      this.note = `Pixel space ${formatMs(p.wallMs)}, latent space ${formatMs(l.wallMs)} (decoding included) for ${count} images, ${steps} steps.`;
    } catch (error) {
      this.showError('sampling', `Sampling failed: ${errorSentence(error)}`);
      this.note = '';
    } finally {
      this.sampling = null;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Controls
  // ------------------------------------------------------------------------------------------

  private setFromControl(name: 'count' | 'steps' | 'guidance' | 'seed' | 'label', value: string): void {
    this.setAttribute(name, value);
    this.emit('diffusion-change', { name, value: name === 'label' ? value : Number(value) });
  }

  // ------------------------------------------------------------------------------------------
  // Drawing
  // ------------------------------------------------------------------------------------------

  private canvas(name: string): HTMLCanvasElement | null {
    return this.renderRoot.querySelector<HTMLCanvasElement>(`canvas.${name}`);
  }

  private draw(): void {
    const cols = Math.min(8, this.countValue);
    const r = this.recon;
    if (r) {
      const originals = this.canvas('originals');
      const recon = this.canvas('reconstructions');
      const latents = this.canvas('latents');
      const n = Math.min(r.count, this.countValue);
      if (originals) imageGrid(originals, r.originals, n, { cols, scale: 2, label: `${n} test digits: ${Array.from(r.labels.subarray(0, n)).join(', ')}` });
      if (recon) imageGrid(recon, r.reconstructions, n, { cols, scale: 2, label: `The autoencoder's reconstructions of those ${n} digits` });
      if (latents) {
        const m = latentMosaic(r.latents.subarray(0, n * r.latentShape[0] * r.latentShape[1] * r.latentShape[2]), n, r.latentShape);
        imageGrid(latents, m.images, n, { cols, side: m.side, scale: Math.max(1, Math.round(56 / m.side)), label: `Their latents: ${r.latentShape[2]} channels of ${r.latentShape[0]}×${r.latentShape[1]} values each, tiled` });
      }
    }
    for (const [name, run] of [['pixel-samples', this.pixelRun], ['latent-samples', this.latentRun]] as const) {
      const c = this.canvas(name);
      if (c && run) imageGrid(c, run.images, run.count, { cols: Math.min(8, run.count), scale: 2, label: `${run.count} samples, ${name.startsWith('pixel') ? 'pixel space' : 'latent space, decoded'}` });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  override render(): TemplateResult {
    const shape = this.info?.autoencoder.latentShape ?? this.recon?.latentShape ?? null;
    const shapeText = shape ? `${shape[0]}×${shape[1]}×${shape[2]}` : '7×7×c';
    const busy = this.sampling !== null;
    const labelText = this.labelValue === 'none' ? 'none' : String(this.labelValue);
    return html`
      ${this.embed.render()}
      <h2 part="title">Latent diffusion: denoising ${shapeText} latents instead of 28×28 pixels</h2>
      <p class="intro">
        An autoencoder compresses each digit into a small latent; a diffusion model learns those latents, and the decoder turns its samples back
        into digits (Rombach et al. 2022). Every denoising step then works on fewer numbers.
      </p>
      ${this.renderErrors()}
      <section part="autoencoder">
        <h3>The autoencoder: 28×28 → ${shapeText} → 28×28</h3>
        ${this.reconProblem
          ? html`<p class="problem" role="status">${this.reconProblem}</p>`
          : html`<div class="strip">
              <figure><figcaption>Test digits</figcaption><canvas class="digit originals"></canvas></figure>
              <figure><figcaption>Their latents (channels tiled, grey = 0)</figcaption><canvas class="digit latents"></canvas></figure>
              <figure><figcaption>Decoded again</figcaption><canvas class="digit reconstructions"></canvas></figure>
            </div>
            <p class="recon-line">${this.reconLine()}</p>`}
        <button type="button" class="next-digits" ?disabled=${!this.recon} @click=${() => this.nextDigits()}>Other digits</button>
      </section>
      <div part="controls">
        <label>Steps (DDIM)
          <input type="number" class="steps" min="1" max=${MAX_LATENT_WIDGET_STEPS} .value=${String(this.stepsValue)} ?disabled=${busy}
            @change=${(e: Event) => this.setFromControl('steps', (e.target as HTMLInputElement).value)} /></label>
        <label>Guidance w
          <input type="number" class="guidance" min="0" max=${MAX_LATENT_GUIDANCE} step="0.5" .value=${String(this.guidanceValue)} ?disabled=${busy}
            @change=${(e: Event) => this.setFromControl('guidance', (e.target as HTMLInputElement).value)} /></label>
        <label>Digit
          <select class="label" ?disabled=${busy} @change=${(e: Event) => this.setFromControl('label', (e.target as HTMLSelectElement).value)}>
            ${['cycle', 'none', ...Array.from({ length: 10 }, (_, i) => String(i))].map(
              (v) => html`<option value=${v} ?selected=${v === labelText}>${v === 'cycle' ? '0 … 9 in turn' : v === 'none' ? 'none (unconditional)' : v}</option>`,
            )}
          </select></label>
        <label>Images
          <input type="number" class="count" min="1" max=${MAX_LATENT_WIDGET_COUNT} .value=${String(this.countValue)} ?disabled=${busy}
            @change=${(e: Event) => this.setFromControl('count', (e.target as HTMLInputElement).value)} /></label>
        <label>Seed
          <input type="number" class="seed" min="0" .value=${String(this.seedValue)} ?disabled=${busy}
            @change=${(e: Event) => this.setFromControl('seed', (e.target as HTMLInputElement).value)} /></label>
        <button type="button" class="sample primary" ?disabled=${busy || !this.lab || this.info === null} @click=${() => void this.sampleBoth()}>
          ${busy ? 'Sampling…' : 'Sample both'}
        </button>
      </div>
      <div part="model">
        ${this.infoProblem ? html`<p class="problem" role="status">${this.infoProblem}</p>` : nothing}
        ${this.link.status ? this.renderBackend(this.link.status) : nothing}
      </div>
      <div part="samples">
        ${this.renderSide('pixel', 'Pixel space: the shipped U-Net on 28×28', this.pixelRun)}
        ${this.renderSide('latent', `Latent space: ${shapeText} samples, decoded`, this.latentRun)}
      </div>
      ${this.renderTable()}
      ${this.renderStatus(this.note || (this.info ? 'Press “Sample both” to sample the two models with the same settings.' : 'Loading the models…'))}
    `;
  }

  private reconLine(): string {
    const r = this.recon;
    const ae = this.info?.autoencoder;
    if (!r) return 'Loading test digits…';
    const whole = ae?.testMse != null ? ` On the whole MNIST test split: ${ae.testMse.toFixed(4)} (PSNR ${ae.testPsnrDb?.toFixed(1)} dB).` : '';
    return `Mean squared error of these reconstructions: ${r.mse.toFixed(4)} (pixels on the −1 … 1 scale).${whole}`;
  }

  private renderSide(space: 'pixel' | 'latent', title: string, run: SideRun | null): TemplateResult {
    const running = this.sampling === space;
    return html`<figure class="side ${space}">
      <figcaption><strong>${title}</strong>${run ? html` · ${formatMs(run.wallMs)} · ${run.nfe} network evaluations per image` : nothing}</figcaption>
      ${run ? html`<canvas class="digit ${space}-samples"></canvas>` : html`<div class="placeholder">${running ? 'Sampling…' : 'Not sampled yet'}</div>`}
    </figure>`;
  }

  private renderTable(): TemplateResult {
    const info = this.info;
    if (!info) return html`<div part="table"></div>`;
    const guided = this.labelValue !== 'none' && this.guidanceValue > 0;
    const rows = comparisonRows(
      info,
      { steps: this.stepsValue, guided, qualityGuidance: this.labelValue === 'none' ? null : this.guidanceValue },
      { pixel: this.pixelRun, latent: this.latentRun },
    );
    return html`<div part="table" class="table-wrap">
      <table>
        <caption class="visually-hidden">Pixel-space against latent diffusion</caption>
        <thead><tr><td></td><th scope="col">Pixel space</th><th scope="col">Latent space</th><th scope="col" class="ratio"><span class="visually-hidden">Latent compared with pixel</span></th></tr></thead>
        <tbody>
          ${rows.map((r) => html`<tr data-row=${r.key}><th scope="row">${r.label}</th><td class="num pixel">${r.pixel}</td><td class="num latent">${r.latent}${r.ratio ? html`<span class="ratio-inline">${r.ratio}</span>` : nothing}</td><td class="ratio">${r.ratio}</td></tr>`)}
        </tbody>
      </table>
      ${info.pixel.qualityNote ? html`<p class="note stale-note">Pixel-space quality: ${info.pixel.qualityNote}.</p>` : nothing}
      <p class="note">
        FLOPs are counted from the layer shapes (2 × multiply-adds of convolutions and matrix products). Accuracy and FID were measured
        with the reference classifier by the evaluation tools and stored with each checkpoint; wall times are this page’s runs.
      </p>
    </div>`;
  }

  private renderBackend(status: LabStatus): TemplateResult {
    return html`<div class="backend">${backendLine(status, this.backendChoice)}</div>`;
  }
}

if (!customElements.get('diffusion-latent')) customElements.define('diffusion-latent', DiffusionLatent);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-latent': DiffusionLatent;
  }
}
