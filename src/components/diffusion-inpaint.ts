/**
 * <diffusion-inpaint>: editing with a trained model. Two modes:
 * - inpaint: pick an MNIST digit (or draw one), paint a mask over it, and the model fills the
 *   masked region in, several fills side by side, by the replacement method (Song et al. 2021,
 *   App. I.2) or RePaint (Lugmayr et al. 2022) with jump length j and resample count r;
 * - sdedit: draw a rough digit, pick a strength, and the model noises it to t₀ and denoises it
 *   (Meng et al. 2022), one result per seed, each read by the reference classifier.
 * The page's lab (a Web Worker) runs the loops of src/diffusion/pipelines/editing.ts; the widget
 * shows the input, what the model was given, the results, the step-by-step denoising, and the
 * measured wall time, live while it runs.
 *
 * Attributes: the table in ./inpaint/settings.ts (mode, method, sampler, steps, jump-length,
 * resample-count, strength, label, guidance, seed, count, digit-index, mask, source, backend,
 * assets-base). All are reflected; a bad value shows a message inside the widget and the last good
 * value stays in use.
 *
 * Painting (./inpaint/paint-editor.ts): pointer (mouse, pen, finger) on the editor; or with the
 * keyboard on the focused editor: arrow keys move the brush, Shift + arrow paints while moving,
 * Space paints a dot, Delete erases one.
 *
 * Events (bubbling, composed): `diffusion-edited` {mode, method, sampler, steps, networkSteps, nfe,
 * wallMs, count, seed, strength, startTimestep, label, guidance, source} when a run finished;
 * `diffusion-classified` {labels, confidences} when the reference classifier has read the results;
 * `diffusion-step` {frame, total, timestep} when the step scrubber moved; `diffusion-paint` {layer,
 * coverage} after a stroke; `diffusion-change` {name, value} when a control changed a setting;
 * `diffusion-ready` {count} when the MNIST digits have loaded; `diffusion-error` {attribute, message}.
 *
 * Parts: title, modes, input, editor, tools, controls, model, results, images, numbers, steps, error, status.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { BackendPreference } from '../backend/names';
import type { EditResult, InpaintMethod, Lab, LabStatus, ModelSource } from '../lab/lab-api';
import type { RawAttr } from './base/attributes';
import { backendLine } from './base/backend-line';
import { formatDuration } from './base/format';
import { DrawnCanvases, LabJobRunner, readWithClassifier, shownFrame } from './base/lab-job';
import { LabLink } from './base/lab-link';
import { MnistDigits } from './base/mnist-digits';
import { ModelLine } from './base/model-line';
import { propertyForAttribute, settingProperties } from './base/settings-table';
import type { Frame } from './base/step-frames';
import { EmbedControl } from './base/embed-control';
import { DiffusionWidget } from './base/widget-base';
import { EditInputs } from './inpaint/edit-inputs';
import { renderControls, type ControlsView } from './inpaint/controls-view';
import { renderInput, type InputView } from './inpaint/input-view';
import { editSummary, editedDetail, newEditRun, requestEdit, type EditRun, type EditedDetail } from './inpaint/edit-job';
import { drawResults, renderResults, type ResultsView } from './inpaint/results-view';
import {
  INPAINT_DEFAULTS,
  INPAINT_SETTINGS,
  effectiveJump,
  networkSteps,
  sdeditPlan,
  type EditMode,
  type EditSampler,
  type MaskPreset,
  type RunSettings,
  type SdeditPlan,
} from './inpaint/settings';
import { inpaintStyles } from './inpaint/styles';

const S = INPAINT_SETTINGS;

export type { EditedDetail };

export interface EditStepDetail {
  frame: number;
  total: number;
  timestep: number | null;
}

export class DiffusionInpaint extends DiffusionWidget {
  static override styles = inpaintStyles;

  static override properties = settingProperties(INPAINT_SETTINGS);
  /** The Embed button in the header: this widget's current settings as a snippet to paste elsewhere. */
  private readonly embed = new EmbedControl(this, INPAINT_SETTINGS);
  // The raw attribute values (see ./inpaint/settings.ts), parsed in willUpdate.
  declare mode: RawAttr;
  declare method: RawAttr;
  declare sampler: RawAttr;
  declare steps: RawAttr;
  declare jumpLength: RawAttr;
  declare resampleCount: RawAttr;
  declare strength: RawAttr;
  declare label: RawAttr;
  declare guidance: RawAttr;
  declare seed: RawAttr;
  declare count: RawAttr;
  declare digitIndex: RawAttr;
  declare mask: RawAttr;
  declare source: RawAttr;
  declare backend: RawAttr;
  declare assetsBase: RawAttr;

  @state() private note = '';

  @query('canvas.editor') private editorCanvas?: HTMLCanvasElement;

  // The last good settings.
  private modeValue: EditMode = INPAINT_DEFAULTS.mode;
  private methodValue: InpaintMethod = INPAINT_DEFAULTS.method;
  private samplerValue: EditSampler = INPAINT_DEFAULTS.sampler;
  private stepsValue = INPAINT_DEFAULTS.steps;
  private jumpValue = INPAINT_DEFAULTS.jumpLength;
  private resampleValue = INPAINT_DEFAULTS.resampleCount;
  private strengthValue = INPAINT_DEFAULTS.strength;
  private labelValue: number | null = null;
  private guidanceValue = INPAINT_DEFAULTS.guidance;
  private seedValue = INPAINT_DEFAULTS.seed;
  private countValue = INPAINT_DEFAULTS.count;
  private digitValue = INPAINT_DEFAULTS.digitIndex;
  private maskPreset: MaskPreset = INPAINT_DEFAULTS.mask;
  private sourceValue: ModelSource = 'shipped';
  private backendChoice: BackendPreference = 'auto';
  private assets: string | null = null;

  private readonly mnist = new MnistDigits(this);
  /** The digit or drawing a run edits, and the mask: ./inpaint/edit-inputs.ts and its editor. */
  private readonly inputs = new EditInputs(
    {
      requestUpdate: () => this.requestUpdate(),
      document: () => this.ownerDocument,
      mode: () => this.modeValue,
      digit: () => this.digitValue,
      locked: () => this.jobs.running,
      strokeEnded: (layer, coverage) => this.emit('diffusion-paint', { layer, coverage }),
    },
    this.mnist,
  );

  private run: EditRun | null = null;
  /** Scrubber position (frame), or null to follow the latest frame. */
  private scrubFrame: number | null = null;
  private readonly link = new LabLink(this);
  private readonly model = new ModelLine(this, () => this.sourceValue);
  private readonly jobs = new LabJobRunner(this);
  private readonly drawn = new DrawnCanvases();

  /** The last run's results (null before a run has finished). */
  get result(): (EditResult & { settings: RunSettings; input: Float32Array; mask: Float32Array | null }) | null {
    const run = this.run;
    if (!run?.result || run.state !== 'done') return null;
    return { ...run.result, settings: { ...run.settings }, input: run.input, mask: run.mask };
  }

  /** The mask being painted now (1 = fill in), a copy. */
  get currentMask(): Float32Array {
    return Float32Array.from(this.inputs.editor.mask.values);
  }

  /** The image being edited now (the MNIST digit or the drawing), a copy. */
  get currentImage(): Float32Array {
    return Float32Array.from(this.inputs.image());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.connect();
  }

  // ------------------------------------------------------------------------------------------
  // Attributes
  // ------------------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.applyAttr('mode', S.mode.parse(this.mode), (v) => (this.modeValue = v), `"${this.modeValue}"`);
    this.applyAttr('method', S.method.parse(this.method), (v) => (this.methodValue = v), `"${this.methodValue}"`);
    this.applyAttr('sampler', S.sampler.parse(this.sampler), (v) => (this.samplerValue = v), `"${this.samplerValue}"`);
    this.applyAttr('steps', S.steps.parse(this.steps), (v) => (this.stepsValue = v), String(this.stepsValue));
    // j only means something below the number of steps: its range follows `steps`.
    const maxJump = Math.max(1, this.stepsValue - 1);
    const jumpKept = effectiveJump(this.jumpValue, this.stepsValue);
    if (!this.applyAttr('jump-length', S.jumpLength.parse(this.jumpLength, { max: maxJump, default: Math.min(INPAINT_DEFAULTS.jumpLength, maxJump) }), (v) => (this.jumpValue = v), String(jumpKept))) {
      this.jumpValue = jumpKept;
    }
    this.applyAttr('resample-count', S.resampleCount.parse(this.resampleCount), (v) => (this.resampleValue = v), String(this.resampleValue));
    this.applyAttr('strength', S.strength.parse(this.strength), (v) => (this.strengthValue = v), String(this.strengthValue));
    this.applyAttr('label', S.label.parse(this.label), (v) => (this.labelValue = v), this.labelValue === null ? '"none"' : String(this.labelValue));
    const guidance = S.guidance.parse(this.guidance);
    if (guidance.ok && guidance.value > 0 && this.labelValue === null) {
      this.showError('guidance', `guidance="${String(this.guidance)}" needs a label: classifier-free guidance pushes towards a class, so set label to a digit 0 to 9, or guidance to 0. Keeping 0.`);
      this.guidanceValue = 0;
    } else {
      this.applyAttr('guidance', guidance, (v) => (this.guidanceValue = v), String(this.guidanceValue));
    }
    this.applyAttr('seed', S.seed.parse(this.seed), (v) => (this.seedValue = v), `seed ${this.seedValue}`);
    this.applyAttr('count', S.count.parse(this.count), (v) => (this.countValue = v), String(this.countValue));
    const digits = this.mnist.digits;
    if (digits && this.digitValue >= digits.count) this.digitValue = 0;
    this.applyAttr('digit-index', S.digitIndex.parse(this.digitIndex, { max: digits ? digits.count - 1 : undefined }), (v) => (this.digitValue = v), `digit ${this.digitValue}`);
    this.applyAttr('mask', S.mask.parse(this.mask), (v) => (this.maskPreset = v), `"${this.maskPreset}"`);
    this.inputs.syncPreset(this.maskPreset);
    this.applyAttr('source', S.source.parse(this.source), (v) => (this.sourceValue = v), `"${this.sourceValue}"`);
    this.applyAttr('backend', S.backend.parse(this.backend), (v) => (this.backendChoice = v), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', S.assetsBase.parse(this.assetsBase), (v) => (this.assets = v), this.assets === null ? 'the default' : `"${this.assets}"`);
    this.mnist.sync(this.assetsBase);
    this.inputs.startInk();
    if (!this.hasUpdated && this.isConnected) this.connect();
    this.model.refresh(this.lab);
  }

  // ------------------------------------------------------------------------------------------
  // The lab
  // ------------------------------------------------------------------------------------------

  private get lab(): Lab | null {
    return this.link.lab;
  }

  private connect(): void {
    this.model.refresh(this.link.connect(this.backendChoice, this.assets), true);
  }

  // ------------------------------------------------------------------------------------------
  // Settings of a run
  // ------------------------------------------------------------------------------------------

  private settingsNow(): RunSettings {
    return {
      mode: this.modeValue,
      method: this.methodValue,
      sampler: this.samplerValue,
      steps: this.stepsValue,
      jumpLength: effectiveJump(this.jumpValue, this.stepsValue),
      resampleCount: this.resampleValue,
      strength: this.strengthValue,
      label: this.labelValue,
      guidance: this.labelValue === null ? 0 : this.guidanceValue,
      seed: this.seedValue,
      count: this.countValue,
      source: this.sourceValue,
    };
  }

  private keyNow(): string {
    const s = this.settingsNow();
    const { input, mask } = this.inputs.key(s.mode);
    const relevant = s.mode === 'sdedit' ? { ...s, method: null, jumpLength: null, resampleCount: null } : { ...s, strength: null, ...(s.method === 'replacement' ? { jumpLength: null, resampleCount: null } : {}) };
    return JSON.stringify({ relevant, input, mask });
  }

  // ------------------------------------------------------------------------------------------
  // Running (the lab's job runner: ./base/lab-job.ts)
  // ------------------------------------------------------------------------------------------

  /** Runs inpainting or SDEdit with the current settings and inputs. */
  async edit(): Promise<void> {
    const lab = this.lab;
    if (!lab || this.jobs.running) return;
    const settings = this.settingsNow();
    const input = Float32Array.from(this.inputs.image());
    const mask = settings.mode === 'inpaint' ? Float32Array.from(this.inputs.editor.mask.values) : null;
    if (mask && mask.every((v) => v === 0)) {
      this.note = 'The mask is empty: paint over the part of the digit the model should fill in (or pick a mask).';
      return;
    }
    const expectedSteps = settings.mode === 'inpaint' ? networkSteps(settings.method, settings.steps, settings.jumpLength, settings.resampleCount) : this.sdeditPlan(settings).runSteps;
    const signal = this.jobs.begin();
    if (!signal) return;
    const run = newEditRun(settings, this.keyNow(), input, mask, expectedSteps);
    this.run = run;
    this.scrubFrame = null;
    this.clearError('run');
    this.note = settings.mode === 'inpaint' ? `Filling in with ${settings.method === 'repaint' ? 'RePaint' : 'the replacement method'}…` : 'Noising your drawing and denoising it…';
    const onStep = this.jobs.recorder(run.frames, () => (run.elapsedMs = performance.now() - run.startedAt));
    const outcome = await this.jobs.settle(requestEdit(lab, run, { onStep, signal }));
    if (outcome.state === 'done') {
      const result = outcome.value;
      run.result = result;
      run.state = 'done';
      run.elapsedMs = result.wallMs;
      run.frames.finish(result.images);
      this.note = editSummary(run);
      this.emit<EditedDetail>('diffusion-edited', editedDetail(settings, result));
    } else if (outcome.state === 'stopped') {
      run.state = 'stopped';
      this.note = `Stopped after ${run.frames.received} of ${run.expectedSteps} steps.`;
    } else {
      run.state = 'error';
      run.error = this.model.explain(settings.source, outcome.error);
      this.showError('run', `Could not ${settings.mode === 'inpaint' ? 'fill in' : 'edit'}: ${run.error}`);
      this.note = '';
    }
    this.jobs.end();
    if (run.state === 'done') await this.readResults(lab, run);
  }

  stop(): void {
    this.jobs.stop();
  }

  /** The reference classifier's reading of each result. */
  private async readResults(lab: Lab, run: EditRun): Promise<void> {
    const result = run.result;
    if (!result) return;
    run.reading = { state: 'running', labels: [], confidences: [], message: 'Asking the reference classifier…' };
    this.requestUpdate();
    const read = await readWithClassifier(lab, result.images, result.count);
    if (read.ok) {
      const labels = Array.from(read.value.labels);
      const confidences = Array.from(read.value.confidence);
      run.reading = { state: 'done', labels, confidences, message: '' };
      this.emit('diffusion-classified', { labels, confidences });
    } else {
      run.reading = { state: 'error', labels: [], confidences: [], message: read.message };
      this.emit('diffusion-error', { attribute: 'classifier', message: read.message });
    }
    this.requestUpdate();
  }

  /** SDEdit's t₀ and steps for the settings, from the model's scheduler (diffusers' defaults until it is known). */
  private sdeditPlan(s: RunSettings): SdeditPlan {
    return sdeditPlan(this.model.info?.scheduler, s.steps, s.strength);
  }

  // ------------------------------------------------------------------------------------------
  // Controls
  // ------------------------------------------------------------------------------------------

  private change(name: string, value: string | number): void {
    this.emit('diffusion-change', { name, value });
  }

  /** Writes an attribute from a control (the attribute is the one source of truth) and reports it. */
  private set(name: string, value: string): void {
    (this as unknown as Record<string, RawAttr>)[propertyForAttribute(name)] = value;
    const asNumber = Number(value);
    this.change(name, value.trim() !== '' && Number.isFinite(asNumber) ? asNumber : value);
  }

  private setMode(mode: EditMode): void {
    this.inputs.drawingDigit = false;
    this.set('mode', mode);
    this.note = mode === 'sdedit' ? 'Draw a rough digit (or start from the MNIST digit), pick a strength, and press Edit.' : 'Paint over the part of the digit the model should fill in, then press Fill in.';
  }

  private setDigit(index: number): void {
    const digits = this.mnist.digits;
    if (!digits) return;
    const next = ((index % digits.count) + digits.count) % digits.count;
    this.digitIndex = String(next);
    this.digitValue = next;
    this.change('digit-index', next);
    this.note = this.inputs.digitChosen(next);
  }

  private randomDigit(): void {
    const digits = this.mnist.digits;
    if (!digits) return;
    this.setDigit(this.inputs.randomDigit(this.seedValue, digits.count));
  }

  private toggleDrawDigit(): void {
    this.note = this.inputs.toggleDrawDigit();
  }

  private clearLayer(): void {
    this.note = this.inputs.clear();
  }

  private applyPreset(preset: MaskPreset): void {
    // The attribute names the starting mask; choosing it again resets the painted mask to it.
    this.inputs.resetPreset();
    this.set('mask', preset);
  }

  private newSeed(): void {
    const seed = Math.floor(Math.random() * 1_000_000);
    this.set('seed', String(seed));
  }

  // ------------------------------------------------------------------------------------------
  // Drawing
  // ------------------------------------------------------------------------------------------

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.guard('drawing', () => this.draw(), undefined);
  }

  private shownFrame(run: EditRun): Frame | null {
    return shownFrame(run, this.prefersReducedMotion(), () => this.scrubFrame ?? run.frames.total);
  }

  private draw(): void {
    if (this.editorCanvas) this.inputs.draw(this.editorCanvas);
    if (this.run) drawResults(this.renderRoot, this.run, this.shownFrame(this.run), this.drawn);
  }

  // ------------------------------------------------------------------------------------------
  // Rendering (the results: ./inpaint/results-view.ts)
  // ------------------------------------------------------------------------------------------

  private inputView(): InputView {
    return {
      mode: this.modeValue,
      editor: this.inputs.editor,
      digitName: this.inputs.name(),
      digit: this.digitValue,
      digitsLoaded: this.mnist.digits !== null,
      drawingDigit: this.inputs.drawingDigit,
      maskPreset: this.maskPreset,
      maskInvalid: this.errors.has('mask'),
      busy: this.jobs.running,
      setDigit: (index) => this.setDigit(index),
      randomDigit: () => this.randomDigit(),
      toggleDrawDigit: () => this.toggleDrawDigit(),
      clear: () => this.clearLayer(),
      applyPreset: (preset) => this.applyPreset(preset),
    };
  }

  private controlsView(): ControlsView {
    const run = this.settingsNow();
    return {
      shown: { ...run, jumpLength: this.jumpValue, guidance: this.guidanceValue },
      run,
      plan: this.sdeditPlan(run),
      busy: this.jobs.running,
      canRun: this.lab !== null && !this.errors.has('lab'),
      invalid: (attribute) => this.errors.has(attribute),
      set: (attribute, value) => this.set(attribute, value),
      slideStrength: (value) => (this.strength = value),
      newSeed: () => this.newSeed(),
      start: () => void this.edit(),
      stop: () => this.stop(),
    };
  }

  private resultsView(): ResultsView {
    return { mode: this.modeValue, key: this.keyNow(), frame: (run) => this.shownFrame(run), scrubTo: (frame) => this.scrubTo(frame) };
  }

  protected override render(): TemplateResult {
    const inpainting = this.modeValue === 'inpaint';
    return html`
      ${this.embed.render()}
      <h2 part="title">${inpainting ? 'Inpainting: the model fills in a masked region' : 'SDEdit: from a rough drawing to a digit'}</h2>
      <p class="intro">
        ${inpainting
          ? html`Paint over part of a digit. At every step the model denoises the whole image, and the part you kept is put back,
              noised to the same level, so the fill has to agree with it.`
          : html`Your drawing is noised to a timestep t₀ and then denoised: a small strength keeps its shape, a large one keeps
              only the rough layout and lets the model draw a clean digit.`}
      </p>
      ${this.renderErrors()}
      <fieldset part="modes" class="modes">
        <legend>What to do</legend>
        <label class="inline"><input type="radio" name="mode" value="inpaint" .checked=${inpainting} ?disabled=${this.jobs.running}
          @change=${() => this.setMode('inpaint')} />Inpaint: fill in a masked region</label>
        <label class="inline"><input type="radio" name="mode" value="sdedit" .checked=${!inpainting} ?disabled=${this.jobs.running}
          @change=${() => this.setMode('sdedit')} />SDEdit: turn a rough drawing into a digit</label>
      </fieldset>
      ${renderInput(this.inputView())}
      ${renderControls(this.controlsView())}
      ${this.renderModel()}
      ${renderResults(this.run, this.resultsView())}
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderModel(): TemplateResult {
    return html`<div part="model">
      ${this.model.render()}
      ${this.link.status ? this.renderBackend(this.link.status) : nothing}
    </div>`;
  }

  private renderBackend(status: LabStatus): TemplateResult {
    return html`<div class="backend">${backendLine(status, this.backendChoice)}</div>`;
  }

  private scrubTo(frame: number): void {
    const run = this.run;
    if (!run) return;
    const total = run.frames.total;
    this.scrubFrame = Math.max(0, Math.min(total, Math.round(frame)));
    this.requestUpdate();
    const shown = run.frames.frame(this.scrubFrame);
    this.emit<EditStepDetail>('diffusion-step', { frame: this.scrubFrame, total, timestep: shown?.timestep ?? null });
  }

  private statusText(): string {
    if (this.mnist.loadingFrom && !this.mnist.digits) return 'Loading MNIST digits…';
    if (this.jobs.running && this.run) return `${this.note} Step ${this.run.frames.received} of ${this.run.expectedSteps}, ${formatDuration(this.run.elapsedMs)}.`;
    return this.note;
  }
}

if (!customElements.get('diffusion-inpaint')) customElements.define('diffusion-inpaint', DiffusionInpaint);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-inpaint': DiffusionInpaint;
  }
}
