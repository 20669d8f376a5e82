/**
 * <diffusion-inpaint>: editing with a trained model. Two modes:
 * - inpaint: pick an MNIST digit (or draw one), paint a mask over it, and the model fills the
 *   masked region in, several fills side by side, by the replacement method (Song et al. 2021,
 *   App. I.2) or RePaint (Lugmayr et al. 2022) with jump length j and resample count r;
 * - sdedit: draw a rough digit, pick a strength, and the model noises it to t₀ and denoises it
 *   (Meng et al. 2022), one result per seed, each read by the reference classifier.
 * The page's lab (a Web Worker) runs the loops of src/lab/editing.ts; the widget shows the input,
 * what the model was given, the results, the step-by-step denoising, and the measured wall time,
 * live while it runs.
 *
 * Attributes (all reflected; a bad value shows a message inside the widget and the last good value
 * stays in use):
 *   mode            "inpaint" | "sdedit" (default "inpaint")
 *   method          "replacement" | "repaint" (default "replacement"), inpaint mode
 *   sampler         "ddpm" | "ddim" (default "ddim")
 *   steps           sampler steps of a full run, 1…1000 (default 20)
 *   jump-length     RePaint's j, 1…steps − 1 (default 5)
 *   resample-count  RePaint's r, 1…20 (default 4; 1 is the replacement method)
 *   strength        SDEdit's strength 0…1 (default 0.5): t₀ is the first of the last ⌊steps·strength⌋ timesteps
 *   label           a digit 0…9 or "none" (default "none"): class label of every result
 *   guidance        classifier-free guidance weight w 0…20 (default 0; needs a label)
 *   seed            0…2³²−1 (default 0): result i uses seed + i
 *   count           results per run, 1…16 (default 4)
 *   digit-index     MNIST test digit to start from (default 0)
 *   mask            starting mask: "bottom-half" | "top-half" | "left-half" | "right-half" | "center" | "none"
 *                   (default "bottom-half"); the learner paints on top of it
 *   source          "shipped" | "trained" (default "shipped")
 *   backend         "auto" | "webgpu" | "webgl" | "wasm" | "cpu" (default "auto"; one lab per page)
 *   assets-base     folder that holds mnist/, checkpoints/ and classifier/ (default: the site's assets/)
 *
 * Painting: pointer (mouse, pen, finger) on the editor; or with the keyboard on the focused editor:
 * arrow keys move the brush, Shift + arrow paints while moving, Space paints a dot, Delete erases one.
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
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { BackendPreference } from '../backend/names';
import { imageGrid } from '../charts/image-grid';
import { Rng } from '../data/rng';
import { inferenceTimesteps } from '../diffusion/timesteps';
import { sdeditStart } from '../diffusion/pipelines/editing-schedule';
import type { EditResult, InpaintMethod, Lab, LabStatus, ModelSource, SampleStep } from '../lab/lab-api';
import { parseEnumAttr, parseFloatAttr, parseIntAttr, type RawAttr } from './base/attributes';
import { backendDetailsStyles } from './base/backend-styles';
import { backendLine } from './base/backend-line';
import { LabLink } from './base/lab-link';
import { MODEL_SOURCES, MODEL_SOURCE_NAMES, ModelLine } from './base/model-line';
import {
  containerHostStyles,
  fieldsetStyles,
  frameRowStyles,
  inlineNumbersStyles,
  introStyles,
  invalidFieldStyles,
  modelPartStyles,
  placeholderStyles,
  problemStyles,
  progressStyles,
  rowStyles,
  staleStyles,
} from './base/shared-styles';
import { fallbackDigit } from './base/digit-pad';
import { MnistDigits } from './base/mnist-digits';
import { DiffusionWidget, widgetStyles } from './base/widget-base';
import { drawEditor, drawMasked } from './inpaint/draw';
import { PixelLayer, PIXELS, SIDE, cursorCentre, moveCursor, type Point } from './inpaint/pixel-layer';
import {
  EDIT_METHODS,
  EDIT_MODES,
  EDIT_SAMPLERS,
  INPAINT_DEFAULTS,
  MASK_HINTS,
  MASK_PRESETS,
  MASK_PRESET_NAMES,
  MAX_EDIT_GUIDANCE,
  MAX_EDIT_RESULTS,
  MAX_EDIT_STEPS,
  MAX_RESAMPLE,
  MAX_SEED,
  METHOD_HINTS,
  MODE_HINTS,
  effectiveJump,
  networkSteps,
  parseLabel,
  presetMask,
  type EditMode,
  type EditSampler,
  type MaskPreset,
} from './inpaint/settings';
import { StepFrames, type Frame } from './sampler/step-frames';
import { FrameBatcher } from './trainer/frame-batcher';
import { errorSentence, isAbortError, parseAssetsBase, parseBackend } from './trainer/lab-connection';

/** Results kept per step for the step-by-step view (the first ones). */
const STEP_IMAGES = 4;
const EDITOR_SCALE = 8;
const BRUSHES = { small: { mask: 1, ink: 0.9 }, medium: { mask: 2, ink: 1.3 }, large: { mask: 3.5, ink: 2 } } as const;
type BrushSize = keyof typeof BRUSHES;

const SOURCE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  page: 'the model trained on this page is "trained"',
  local: 'the model trained on this page is "trained"',
  checkpoint: 'the shipped checkpoint is "shipped"',
});

export interface EditedDetail {
  mode: EditMode;
  method: InpaintMethod | null;
  sampler: EditSampler;
  steps: number;
  networkSteps: number;
  nfe: number;
  wallMs: number;
  count: number;
  seed: number;
  strength: number | null;
  startTimestep: number | null;
  label: number | null;
  guidance: number;
  source: ModelSource;
}

export interface EditStepDetail {
  frame: number;
  total: number;
  timestep: number | null;
}

interface RunSettings {
  mode: EditMode;
  method: InpaintMethod;
  sampler: EditSampler;
  steps: number;
  jumpLength: number;
  resampleCount: number;
  strength: number;
  label: number | null;
  guidance: number;
  seed: number;
  count: number;
  source: ModelSource;
}

interface EditRun {
  id: number;
  settings: RunSettings;
  /** Identity of the settings and the inputs, to tell when the shown run is out of date. */
  key: string;
  input: Float32Array;
  mask: Float32Array | null;
  expectedSteps: number;
  frames: StepFrames;
  state: 'running' | 'done' | 'stopped' | 'error';
  result: EditResult | null;
  error: string | null;
  startedAt: number;
  elapsedMs: number;
  reading: { state: 'running' | 'done' | 'error'; labels: number[]; confidences: number[]; message: string } | null;
}

let nextRunId = 1;

export class DiffusionInpaint extends DiffusionWidget {
  static override styles = [
    widgetStyles,
    backendDetailsStyles,
    containerHostStyles,
    introStyles,
    rowStyles,
    fieldsetStyles,
    invalidFieldStyles,
    modelPartStyles,
    problemStyles,
    staleStyles,
    inlineNumbersStyles,
    frameRowStyles,
    progressStyles,
    css`
      .row {
        gap: 0.4rem;
      }

      fieldset {
        margin: 0 0 0.75rem;
      }

      .problem {
        margin: 0.3rem 0 0;
      }

      .run-error {
        margin: 0.3rem 0 0;
        padding: 0.45rem 0.7rem;
        color: var(--_error-fg);
        background: var(--_error-bg);
        border: 1px solid var(--_error-border);
        border-radius: 6px;
      }

      .placeholder {
        min-height: 5rem;
      }

      .stale {
        opacity: 0.6;
      }

      .stale-note {
        margin: 0;
      }

      input[type='number'] {
        width: 5.5rem;
      }

      input.seed {
        width: 7.5rem;
      }

      [part~='input'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 1.25rem;
        margin: 0 0 0.75rem;
      }

      [part~='editor'] {
        margin: 0;
        flex: 0 1 224px;
        max-width: 100%;
      }

      canvas.editor {
        display: block;
        width: 224px;
        max-width: 100%;
        height: auto;
        aspect-ratio: 1;
        cursor: crosshair;
        touch-action: none;
        border-radius: 4px;
        image-rendering: pixelated;
      }

      [part~='tools'] {
        display: flex;
        flex: 1 1 16rem;
        flex-direction: column;
        gap: 0.55rem;
        min-width: 0;
      }

      [part~='tools'] > label {
        align-self: flex-start;
      }

      .help {
        margin: 0;
        font-size: 0.8rem;
        color: var(--_muted);
      }

      .digit-name {
        font-size: 0.85rem;
      }

      .t0-readout,
      .cost {
        font-size: 0.8rem;
        color: var(--_muted);
        font-variant-numeric: tabular-nums;
      }

      .strength-field {
        flex: 1 1 14rem;
      }

      .strength-field input[type='range'] {
        width: 100%;
      }

      [part~='results'] {
        display: flex;
        flex-direction: column;
        gap: 0.6rem;
        margin: 0 0 0.75rem;
      }

      [part~='images'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        margin: 0;
      }

      [part~='images'] figure {
        margin: 0;
        max-width: 6.5rem;
      }

      [part~='images'] figure.given {
        padding-right: 0.6rem;
        border-right: 1px dashed var(--_border);
      }

      figcaption {
        font-size: 0.78rem;
        color: var(--_muted);
      }

      .reads {
        display: block;
        color: var(--_fg);
      }

      canvas.digit {
        max-width: 100%;
      }

      [part~='steps'] {
        display: flex;
        flex-direction: column;
        gap: 0.3rem;
        padding: 0.5rem 0.6rem;
        background: var(--_surface);
        border-radius: 6px;
      }

      [part~='steps'] h3 {
        margin: 0;
        font-size: 0.95rem;
      }

      [part~='steps'] label {
        width: 100%;
      }

      [part~='steps'] input[type='range'] {
        width: 100%;
      }

      .frame-caption {
        font-size: 0.8rem;
        color: var(--_muted);
        font-variant-numeric: tabular-nums;
      }
    `,
    // After the local rules: a run error shown in place of the results looks like the other placeholders.
    placeholderStyles,
  ];

  @property({ reflect: true }) mode: RawAttr = null;
  @property({ reflect: true }) method: RawAttr = null;
  @property({ reflect: true }) sampler: RawAttr = null;
  @property({ reflect: true }) steps: RawAttr = null;
  @property({ attribute: 'jump-length', reflect: true }) jumpLength: RawAttr = null;
  @property({ attribute: 'resample-count', reflect: true }) resampleCount: RawAttr = null;
  @property({ reflect: true }) strength: RawAttr = null;
  @property({ reflect: true }) label: RawAttr = null;
  @property({ reflect: true }) guidance: RawAttr = null;
  @property({ reflect: true }) seed: RawAttr = null;
  @property({ reflect: true }) count: RawAttr = null;
  @property({ attribute: 'digit-index', reflect: true }) digitIndex: RawAttr = null;
  @property({ reflect: true }) mask: RawAttr = null;
  @property({ reflect: true }) source: RawAttr = null;
  @property({ reflect: true }) backend: RawAttr = null;
  @property({ attribute: 'assets-base', reflect: true }) assetsBase: RawAttr = null;

  @state() private running = false;
  @state() private note = '';
  @state() private drawingDigit = false;
  @state() private erasing = false;
  @state() private brush: BrushSize = 'medium';
  @state() private editorFocused = false;

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
  private readonly maskLayer = new PixelLayer(false, presetMask(INPAINT_DEFAULTS.mask));
  private readonly inkLayer = new PixelLayer(true);
  private inkReady = false;
  /** Inpainting starts from the drawing instead of the MNIST digit. */
  private drawnBase = false;
  /** The learner has drawn (or loaded a digit) on the ink layer: keep it when switching to drawing. */
  private inkTouched = false;
  /** Bumped on every stroke, so the run's key notices edits. */
  private paintVersion = 0;
  /** Bumped on every dot and segment (also mid-stroke), so the editor redraws only when it changed. */
  private inkVersion = 0;
  private appliedPreset: MaskPreset | null = INPAINT_DEFAULTS.mask;
  private cursor: Point = { x: 14, y: 20 };
  private stroke: { last: Point; pointerId: number } | null = null;

  private run: EditRun | null = null;
  /** Scrubber position (frame), or null to follow the latest frame. */
  private scrubFrame: number | null = null;
  private readonly link = new LabLink(this);
  private readonly model = new ModelLine(this, () => this.sourceValue);
  private controller: AbortController | null = null;
  private pickRng: Rng | null = null;
  private fallback: Float32Array | null = null;
  private readonly frames = new FrameBatcher(() => this.requestUpdate());
  private readonly drawn = new WeakMap<HTMLCanvasElement, string>();

  /** The last run's results (null before a run has finished). */
  get result(): (EditResult & { settings: RunSettings; input: Float32Array; mask: Float32Array | null }) | null {
    const run = this.run;
    if (!run?.result || run.state !== 'done') return null;
    return { ...run.result, settings: { ...run.settings }, input: run.input, mask: run.mask };
  }

  /** The mask being painted now (1 = fill in), a copy. */
  get currentMask(): Float32Array {
    return Float32Array.from(this.maskLayer.values);
  }

  /** The image being edited now (the MNIST digit or the drawing), a copy. */
  get currentImage(): Float32Array {
    return Float32Array.from(this.inputImage());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
    this.frames.cancel();
  }

  // ------------------------------------------------------------------------------------------
  // Attributes
  // ------------------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.applyAttr('mode', parseEnumAttr<EditMode>('mode', this.mode, EDIT_MODES, { default: INPAINT_DEFAULTS.mode, hints: MODE_HINTS }), (v) => (this.modeValue = v), `"${this.modeValue}"`);
    this.applyAttr(
      'method',
      parseEnumAttr<InpaintMethod>('method', this.method, EDIT_METHODS, { default: INPAINT_DEFAULTS.method, hints: METHOD_HINTS }),
      (v) => (this.methodValue = v),
      `"${this.methodValue}"`,
    );
    this.applyAttr('sampler', parseEnumAttr<EditSampler>('sampler', this.sampler, EDIT_SAMPLERS, { default: INPAINT_DEFAULTS.sampler }), (v) => (this.samplerValue = v), `"${this.samplerValue}"`);
    this.applyAttr('steps', parseIntAttr('steps', this.steps, { min: 1, max: MAX_EDIT_STEPS, default: INPAINT_DEFAULTS.steps }), (v) => (this.stepsValue = v), String(this.stepsValue));
    // j only means something below the number of steps: its range follows `steps`.
    const maxJump = Math.max(1, this.stepsValue - 1);
    const jumpKept = effectiveJump(this.jumpValue, this.stepsValue);
    if (!this.applyAttr('jump-length', parseIntAttr('jump-length', this.jumpLength, { min: 1, max: maxJump, default: Math.min(INPAINT_DEFAULTS.jumpLength, maxJump) }), (v) => (this.jumpValue = v), String(jumpKept))) {
      this.jumpValue = jumpKept;
    }
    this.applyAttr(
      'resample-count',
      parseIntAttr('resample-count', this.resampleCount, { min: 1, max: MAX_RESAMPLE, default: INPAINT_DEFAULTS.resampleCount }),
      (v) => (this.resampleValue = v),
      String(this.resampleValue),
    );
    this.applyAttr('strength', parseFloatAttr('strength', this.strength, { min: 0, max: 1, default: INPAINT_DEFAULTS.strength }), (v) => (this.strengthValue = v), String(this.strengthValue));
    this.applyAttr('label', parseLabel(this.label), (v) => (this.labelValue = v), this.labelValue === null ? '"none"' : String(this.labelValue));
    const guidance = parseFloatAttr('guidance', this.guidance, { min: 0, max: MAX_EDIT_GUIDANCE, default: 0 });
    if (guidance.ok && guidance.value > 0 && this.labelValue === null) {
      this.showError('guidance', `guidance="${String(this.guidance)}" needs a label: classifier-free guidance pushes towards a class, so set label to a digit 0 to 9, or guidance to 0. Keeping 0.`);
      this.guidanceValue = 0;
    } else {
      this.applyAttr('guidance', guidance, (v) => (this.guidanceValue = v), String(this.guidanceValue));
    }
    this.applyAttr('seed', parseIntAttr('seed', this.seed, { min: 0, max: MAX_SEED, default: 0 }), (v) => (this.seedValue = v), `seed ${this.seedValue}`);
    this.applyAttr('count', parseIntAttr('count', this.count, { min: 1, max: MAX_EDIT_RESULTS, default: INPAINT_DEFAULTS.count }), (v) => (this.countValue = v), String(this.countValue));
    const digits = this.mnist.digits;
    if (digits && this.digitValue >= digits.count) this.digitValue = 0;
    this.applyAttr(
      'digit-index',
      parseIntAttr('digit-index', this.digitIndex, { min: 0, max: digits ? digits.count - 1 : undefined, default: 0 }),
      (v) => (this.digitValue = v),
      `digit ${this.digitValue}`,
    );
    this.applyAttr('mask', parseEnumAttr<MaskPreset>('mask', this.mask, MASK_PRESETS, { default: INPAINT_DEFAULTS.mask, hints: MASK_HINTS }), (v) => (this.maskPreset = v), `"${this.maskPreset}"`);
    if (this.appliedPreset !== this.maskPreset) {
      this.maskLayer.set(presetMask(this.maskPreset));
      this.appliedPreset = this.maskPreset;
      this.paintVersion++;
    }
    this.applyAttr(
      'source',
      parseEnumAttr<ModelSource>('source', this.source, MODEL_SOURCES, { default: 'shipped', hints: SOURCE_HINTS }),
      (v) => (this.sourceValue = v),
      `"${this.sourceValue}"`,
    );
    this.applyAttr('backend', parseBackend(this.backend), (v) => (this.backendChoice = v), `"${this.backendChoice}"`);
    this.applyAttr('assets-base', parseAssetsBase(this.assetsBase), (v) => (this.assets = v), this.assets === null ? 'the default' : `"${this.assets}"`);
    this.mnist.sync(this.assetsBase);
    if (!this.inkReady) {
      // A rough "2" to start SDEdit from, so the widget does something sensible before any drawing.
      this.inkLayer.fromImage(fallbackDigit(this.ownerDocument));
      this.inkReady = true;
    }
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
  // Inputs
  // ------------------------------------------------------------------------------------------

  private mnistImage(): Float32Array {
    const digits = this.mnist.digits;
    if (digits && this.digitValue < digits.count) return digits.image(this.digitValue);
    return (this.fallback ??= fallbackDigit(this.ownerDocument));
  }

  /** What the run edits: inpainting's digit (MNIST or drawn), or SDEdit's drawing. */
  private inputImage(): Float32Array {
    if (this.modeValue === 'sdedit' || this.drawnBase) return this.inkLayer.toImage();
    return this.mnistImage();
  }

  /** Which layer the editor paints now. */
  private target(): 'mask' | 'ink' {
    return this.modeValue === 'inpaint' && !this.drawingDigit ? 'mask' : 'ink';
  }

  private digitName(): string {
    if (this.modeValue === 'sdedit') return 'your drawing';
    if (this.drawnBase) return 'your drawing';
    const digits = this.mnist.digits;
    if (digits) return `MNIST test #${this.digitValue}, a ${digits.label(this.digitValue)}`;
    return this.mnist.loadingFrom ? 'a drawn “2” while MNIST loads' : 'a drawn “2”';
  }

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
    const input = this.modeValue === 'sdedit' || this.drawnBase ? `ink${this.paintVersion}` : `mnist${this.digitValue}:${this.mnist.digits ? 'loaded' : 'fallback'}`;
    const relevant = s.mode === 'sdedit' ? { ...s, method: null, jumpLength: null, resampleCount: null } : { ...s, strength: null, ...(s.method === 'replacement' ? { jumpLength: null, resampleCount: null } : {}) };
    return JSON.stringify({ relevant, input, mask: s.mode === 'inpaint' ? this.paintVersion : null });
  }

  // ------------------------------------------------------------------------------------------
  // Running
  // ------------------------------------------------------------------------------------------

  /** Runs inpainting or SDEdit with the current settings and inputs. */
  async edit(): Promise<void> {
    const lab = this.lab;
    if (!lab || this.running) return;
    const settings = this.settingsNow();
    const input = Float32Array.from(this.inputImage());
    const mask = settings.mode === 'inpaint' ? Float32Array.from(this.maskLayer.values) : null;
    if (mask && mask.every((v) => v === 0)) {
      this.note = 'The mask is empty: paint over the part of the digit the model should fill in (or pick a mask).';
      return;
    }
    const expectedSteps = settings.mode === 'inpaint' ? networkSteps(settings.method, settings.steps, settings.jumpLength, settings.resampleCount) : this.sdeditPlan(settings).runSteps;
    const run: EditRun = {
      id: nextRunId++,
      settings,
      key: this.keyNow(),
      input,
      mask,
      expectedSteps,
      frames: new StepFrames(Math.min(STEP_IMAGES, settings.count)),
      state: 'running',
      result: null,
      error: null,
      startedAt: performance.now(),
      elapsedMs: 0,
      reading: null,
    };
    this.run = run;
    this.scrubFrame = null;
    this.running = true;
    this.clearError('run');
    this.note = settings.mode === 'inpaint' ? `Filling in with ${settings.method === 'repaint' ? 'RePaint' : 'the replacement method'}…` : 'Noising your drawing and denoising it…';
    const controller = new AbortController();
    this.controller = controller;
    const onStep = (step: SampleStep): void => {
      run.frames.add(step);
      run.elapsedMs = performance.now() - run.startedAt;
      this.frames.request();
    };
    const common = {
      image: input,
      sampler: settings.sampler,
      steps: settings.steps,
      guidance: settings.guidance,
      label: settings.label,
      count: settings.count,
      seed: settings.seed,
      source: settings.source,
      recordSteps: true,
    };
    try {
      const result =
        mask !== null
          ? await lab.inpaint(
              { ...common, mask, method: settings.method, jumpLength: settings.jumpLength, resampleCount: settings.steps > 1 ? settings.resampleCount : 1 },
              { onStep, signal: controller.signal },
            )
          : await lab.sdedit({ ...common, strength: settings.strength }, { onStep, signal: controller.signal });
      run.result = result;
      run.state = 'done';
      run.elapsedMs = result.wallMs;
      run.frames.finish(result.images);
      this.note = this.summary(run);
      this.emit<EditedDetail>('diffusion-edited', {
        mode: settings.mode,
        method: settings.mode === 'inpaint' ? settings.method : null,
        sampler: settings.sampler,
        steps: settings.steps,
        networkSteps: result.steps,
        nfe: result.nfe,
        wallMs: result.wallMs,
        count: result.count,
        seed: settings.seed,
        strength: settings.mode === 'sdedit' ? settings.strength : null,
        startTimestep: result.startTimestep,
        label: settings.label,
        guidance: settings.guidance,
        source: settings.source,
      });
    } catch (error) {
      if (isAbortError(error)) {
        run.state = 'stopped';
        this.note = `Stopped after ${run.frames.received} of ${run.expectedSteps} steps.`;
      } else {
        run.state = 'error';
        run.error = this.model.explain(settings.source, error);
        this.showError('run', `Could not ${settings.mode === 'inpaint' ? 'fill in' : 'edit'}: ${run.error}`);
        this.note = '';
      }
    } finally {
      this.running = false;
      this.controller = null;
      this.frames.request();
    }
    if (run.state === 'done') await this.readResults(lab, run);
  }

  stop(): void {
    this.controller?.abort();
  }

  /** The reference classifier's reading of each result. */
  private async readResults(lab: Lab, run: EditRun): Promise<void> {
    const result = run.result;
    if (!result) return;
    run.reading = { state: 'running', labels: [], confidences: [], message: 'Asking the reference classifier…' };
    this.requestUpdate();
    try {
      const out = await lab.classify(result.images, result.count);
      const labels = Array.from(out.labels);
      const confidences = Array.from(out.confidence);
      run.reading = { state: 'done', labels, confidences, message: '' };
      this.emit('diffusion-classified', { labels, confidences });
    } catch (error) {
      const message = errorSentence(error).replace(/check assetsBase/, 'check the assets-base attribute');
      run.reading = { state: 'error', labels: [], confidences: [], message };
      this.emit('diffusion-error', { attribute: 'classifier', message });
    }
    this.requestUpdate();
  }

  private summary(run: EditRun): string {
    const r = run.result;
    if (!r) return '';
    const what = run.settings.mode === 'inpaint' ? `Filled in ${r.count} time${r.count === 1 ? '' : 's'}` : `Edited into ${r.count} result${r.count === 1 ? '' : 's'}`;
    return `${what}: ${r.steps} network step${r.steps === 1 ? '' : 's'} in ${formatMs(r.wallMs)} (${formatMs(r.steps > 0 ? r.wallMs / r.steps : 0)} per step for ${r.count} image${r.count === 1 ? '' : 's'}).`;
  }

  /** SDEdit's t₀ and steps for the settings, from the model's scheduler (diffusers' defaults until it is known). */
  private sdeditPlan(s: RunSettings): { runSteps: number; startTimestep: number | null; T: number } {
    const sched = this.model.info?.scheduler ?? {};
    const T = typeof sched.numTrainTimesteps === 'number' ? sched.numTrainTimesteps : 1000;
    const spacing = sched.timestepSpacing === 'trailing' || sched.timestepSpacing === 'linspace' ? sched.timestepSpacing : 'leading';
    const offset = typeof sched.stepsOffset === 'number' ? sched.stepsOffset : 0;
    try {
      const start = sdeditStart(inferenceTimesteps(T, Math.min(s.steps, T), spacing, offset), s.strength);
      return { runSteps: start.runSteps, startTimestep: start.startTimestep, T };
    } catch {
      return { runSteps: 0, startTimestep: null, T };
    }
  }

  // ------------------------------------------------------------------------------------------
  // Controls
  // ------------------------------------------------------------------------------------------

  private change(name: string, value: string | number): void {
    this.emit('diffusion-change', { name, value });
  }

  /** Writes an attribute from a control (the attribute is the one source of truth) and reports it. */
  private set(name: string, prop: keyof this, value: string): void {
    (this as Record<keyof this, unknown>)[prop] = value;
    const asNumber = Number(value);
    this.change(name, value.trim() !== '' && Number.isFinite(asNumber) ? asNumber : value);
  }

  private setMode(mode: EditMode): void {
    this.drawingDigit = false;
    this.set('mode', 'mode', mode);
    this.note = mode === 'sdedit' ? 'Draw a rough digit (or start from the MNIST digit), pick a strength, and press Edit.' : 'Paint over the part of the digit the model should fill in, then press Fill in.';
  }

  private setDigit(index: number): void {
    const digits = this.mnist.digits;
    if (!digits) return;
    const next = ((index % digits.count) + digits.count) % digits.count;
    this.digitIndex = String(next);
    this.digitValue = next;
    this.change('digit-index', next);
    if (this.modeValue === 'sdedit') {
      // SDEdit starts from a copy of the real digit, which the learner can then scribble on.
      this.inkLayer.fromImage(digits.image(next));
      this.inkTouched = true;
      this.paintVersion++;
      this.note = `Starting from MNIST test #${next}; draw on it to change it.`;
    } else {
      this.drawnBase = false;
      this.drawingDigit = false;
      this.paintVersion++;
      this.note = '';
    }
  }

  private randomDigit(): void {
    const digits = this.mnist.digits;
    if (!digits) return;
    this.pickRng ??= new Rng(this.seedValue + 0x5eed);
    this.setDigit(this.pickRng.int(digits.count));
  }

  private toggleDrawDigit(): void {
    this.drawingDigit = !this.drawingDigit;
    if (this.drawingDigit) {
      if (!this.drawnBase) {
        // A fresh pad, unless it already holds the learner's own drawing (from SDEdit, say).
        if (!this.inkTouched) this.inkLayer.clear();
        this.drawnBase = true;
        this.paintVersion++;
      }
      this.note = 'Draw a digit in white; press “Paint the mask” when done.';
    } else {
      this.note = 'Now paint the mask over the part to fill in.';
    }
  }

  private clearLayer(): void {
    if (this.target() === 'mask') {
      this.maskLayer.clear();
      this.note = 'Mask cleared: paint the region to fill in.';
    } else {
      this.inkLayer.clear();
      this.note = 'Drawing cleared.';
    }
    this.painted();
  }

  private applyPreset(preset: MaskPreset): void {
    // The attribute names the starting mask; choosing it again resets the painted mask to it.
    this.appliedPreset = null;
    this.set('mask', 'mask', preset);
  }

  private newSeed(): void {
    const seed = Math.floor(Math.random() * 1_000_000);
    this.set('seed', 'seed', String(seed));
  }

  // ------------------------------------------------------------------------------------------
  // Painting: pointer and keyboard
  // ------------------------------------------------------------------------------------------

  private brushRadius(): number {
    return BRUSHES[this.brush][this.target()];
  }

  private layer(): PixelLayer {
    return this.target() === 'mask' ? this.maskLayer : this.inkLayer;
  }

  private pointOf(e: PointerEvent): Point {
    const canvas = e.currentTarget as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / Math.max(1, rect.width)) * SIDE, y: ((e.clientY - rect.top) / Math.max(1, rect.height)) * SIDE };
  }

  private onPointerDown(e: PointerEvent): void {
    if (this.running || e.button > 0) return;
    const canvas = e.currentTarget as HTMLCanvasElement;
    canvas.setPointerCapture?.(e.pointerId);
    const p = this.pointOf(e);
    this.stroke = { last: p, pointerId: e.pointerId };
    this.layer().dot(p, this.brushRadius(), this.erasing);
    this.inkVersion++;
    this.requestUpdate();
    e.preventDefault();
  }

  private onPointerMove(e: PointerEvent): void {
    if (!this.stroke || this.stroke.pointerId !== e.pointerId) return;
    const p = this.pointOf(e);
    this.layer().segment(this.stroke.last, p, this.brushRadius(), this.erasing);
    this.inkVersion++;
    this.stroke.last = p;
    this.requestUpdate();
  }

  private onPointerUp(e: PointerEvent): void {
    if (!this.stroke || this.stroke.pointerId !== e.pointerId) return;
    this.stroke = null;
    (e.currentTarget as HTMLCanvasElement).releasePointerCapture?.(e.pointerId);
    this.painted();
  }

  private onEditorKey(e: KeyboardEvent): void {
    if (this.running) return;
    const moved = moveCursor(this.cursor, e.key);
    if (moved) {
      if (e.shiftKey) this.layer().segment(cursorCentre(this.cursor), cursorCentre(moved), this.brushRadius(), this.erasing);
      this.cursor = moved;
      e.preventDefault();
      if (e.shiftKey) this.painted();
      else this.requestUpdate();
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      this.layer().dot(cursorCentre(this.cursor), this.brushRadius(), this.erasing);
      e.preventDefault();
      this.painted();
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      this.layer().dot(cursorCentre(this.cursor), this.brushRadius(), true);
      e.preventDefault();
      this.painted();
    }
  }

  /** After a stroke: the inputs changed. */
  private painted(): void {
    this.paintVersion++;
    const target = this.target();
    const layer = this.layer();
    if (target === 'ink') this.inkTouched = true;
    this.emit('diffusion-paint', { layer: target, coverage: layer.coverage });
    this.requestUpdate();
  }

  // ------------------------------------------------------------------------------------------
  // Drawing
  // ------------------------------------------------------------------------------------------

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.guard('drawing', () => this.draw(), undefined);
  }

  private shownFrame(run: EditRun): Frame | null {
    const frames = run.frames;
    if (run.state === 'running') return this.prefersReducedMotion() ? frames.frame(0) : frames.frame(frames.latest);
    return frames.frame(this.scrubFrame ?? frames.total);
  }

  private draw(): void {
    const root = this.renderRoot;
    const editorKey = JSON.stringify([
      this.paintVersion,
      this.inkVersion,
      this.modeValue,
      this.drawnBase,
      this.drawingDigit,
      this.digitValue,
      this.mnist.digits !== null,
      this.editorFocused && this.cursor,
      this.brush,
    ]);
    if (this.editorCanvas && this.drawn.get(this.editorCanvas) !== editorKey) {
      this.drawn.set(this.editorCanvas, editorKey);
      const target = this.target();
      drawEditor(this.editorCanvas, this.inputImage(), this.maskLayer.values, {
        scale: EDITOR_SCALE,
        showMask: this.modeValue === 'inpaint',
        cursor: this.editorFocused ? this.cursor : null,
        brushRadius: this.brushRadius(),
        label:
          target === 'mask'
            ? `Mask editor over ${this.digitName()}: ${Math.round(this.maskLayer.coverage * 100)} % of the image is to be filled in (orange).`
            : `Drawing pad: ${this.digitName()}.`,
      });
    }
    const run = this.run;
    if (!run) return;
    const original = root.querySelector<HTMLCanvasElement>('canvas.original');
    if (original) this.drawOnce(original, `${run.id}`, run.input, 1, run.settings.mode === 'inpaint' ? 'The original digit' : 'Your drawing', 3);
    const masked = root.querySelector<HTMLCanvasElement>('canvas.masked');
    if (masked && run.mask && this.drawn.get(masked) !== `${run.id}`) {
      this.drawn.set(masked, `${run.id}`);
      drawMasked(masked, run.input, run.mask, 3, 'What the model keeps: the digit with the region to fill in painted orange');
    }
    const start = root.querySelector<HTMLCanvasElement>('canvas.start');
    if (start && run.result) {
      this.drawOnce(start, `${run.id}`, run.result.xStart, 1, `Your drawing noised to t₀ = ${run.result.startTimestep ?? 0} (seed ${run.settings.seed})`, 3);
    }
    if (run.result) {
      for (let i = 0; i < run.result.count; i++) {
        const canvas = root.querySelector<HTMLCanvasElement>(`canvas.result[data-index="${i}"]`);
        if (canvas) this.drawOnce(canvas, `${run.id}`, run.result.images.subarray(i * PIXELS, (i + 1) * PIXELS), 1, `Result ${i + 1}, seed ${run.settings.seed + i}`, 3);
      }
    }
    const frame = this.shownFrame(run);
    const shown = Math.min(STEP_IMAGES, run.settings.count);
    const xt = root.querySelector<HTMLCanvasElement>('canvas.xt');
    const x0 = root.querySelector<HTMLCanvasElement>('canvas.x0hat');
    if (frame && xt && x0) {
      const where = frame.timestep === null ? 'the results' : `step ${frame.index + 1} of ${run.frames.total}, t = ${frame.timestep}`;
      this.drawOnce(xt, `${run.id}:${frame.index}`, frame.xt, shown, `x_t of the first ${shown} results at ${where}`, 2);
      this.drawOnce(x0, `${run.id}:${frame.index}`, frame.x0, shown, `Predicted clean images x̂₀ at ${where}`, 2);
    }
  }

  private drawOnce(canvas: HTMLCanvasElement, key: string, images: Float32Array, count: number, label: string, scale: number): void {
    if (this.drawn.get(canvas) === key) return;
    this.drawn.set(canvas, key);
    imageGrid(canvas, images, count, { scale, gap: 2, label });
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const inpainting = this.modeValue === 'inpaint';
    return html`
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
        <label class="inline"><input type="radio" name="mode" value="inpaint" .checked=${inpainting} ?disabled=${this.running}
          @change=${() => this.setMode('inpaint')} />Inpaint: fill in a masked region</label>
        <label class="inline"><input type="radio" name="mode" value="sdedit" .checked=${!inpainting} ?disabled=${this.running}
          @change=${() => this.setMode('sdedit')} />SDEdit: turn a rough drawing into a digit</label>
      </fieldset>
      ${this.renderInput()}
      ${this.renderControls()}
      ${this.renderModel()}
      ${this.renderResults()}
      ${this.renderStatus(this.statusText())}
    `;
  }

  private renderInput(): TemplateResult {
    const inpainting = this.modeValue === 'inpaint';
    const target = this.target();
    const loaded = this.mnist.digits !== null;
    const busy = this.running;
    return html`<div part="input">
      <figure part="editor">
        <canvas class="digit editor" width=${SIDE * EDITOR_SCALE} height=${SIDE * EDITOR_SCALE} tabindex="0" role="application"
          aria-roledescription="paint area" aria-describedby="editor-help"
          @pointerdown=${(e: PointerEvent) => this.onPointerDown(e)}
          @pointermove=${(e: PointerEvent) => this.onPointerMove(e)}
          @pointerup=${(e: PointerEvent) => this.onPointerUp(e)}
          @pointercancel=${(e: PointerEvent) => this.onPointerUp(e)}
          @keydown=${(e: KeyboardEvent) => this.onEditorKey(e)}
          @focus=${() => (this.editorFocused = true)}
          @blur=${() => (this.editorFocused = false)}></canvas>
        <figcaption class="digit-name">${this.digitName()}${inpainting ? html` · <span class="coverage">${Math.round(this.maskLayer.coverage * 100)} % masked</span>` : nothing}</figcaption>
      </figure>
      <div part="tools">
        <div class="field" role="group" aria-labelledby="digit-label">
          <span id="digit-label">${inpainting ? 'Digit' : 'Start from an MNIST digit'}</span>
          <div class="row">
            <button type="button" class="prev" ?disabled=${!loaded || busy} @click=${() => this.setDigit(this.digitValue - 1)} aria-label="Prev digit">◀ Prev</button>
            <button type="button" class="next" ?disabled=${!loaded || busy} @click=${() => this.setDigit(this.digitValue + 1)} aria-label="Next digit">Next ▶</button>
            <button type="button" class="random" ?disabled=${!loaded || busy} @click=${() => this.randomDigit()}>Random</button>
            ${inpainting
              ? html`<button type="button" class="draw-digit" aria-pressed=${this.drawingDigit ? 'true' : 'false'} ?disabled=${busy} @click=${() => this.toggleDrawDigit()}>
                  ${this.drawingDigit ? 'Paint the mask' : 'Draw the digit'}
                </button>`
              : nothing}
          </div>
        </div>
        <div class="field" role="group" aria-labelledby="brush-label">
          <span id="brush-label">${target === 'mask' ? 'Mask brush (orange = fill in)' : 'Pen (white ink)'}</span>
          <div class="row">
            <button type="button" class="tool-paint" aria-pressed=${this.erasing ? 'false' : 'true'} ?disabled=${busy} @click=${() => (this.erasing = false)}>Paint</button>
            <button type="button" class="tool-erase" aria-pressed=${this.erasing ? 'true' : 'false'} ?disabled=${busy} @click=${() => (this.erasing = true)}>Erase</button>
            <label class="inline">Size
              <select class="brush" ?disabled=${busy} @change=${(e: Event) => (this.brush = (e.target as HTMLSelectElement).value as BrushSize)}>
                ${(Object.keys(BRUSHES) as BrushSize[]).map((b) => html`<option value=${b} .selected=${b === this.brush}>${b}</option>`)}
              </select>
            </label>
            <button type="button" class="clear" ?disabled=${busy} @click=${() => this.clearLayer()}>Clear</button>
          </div>
        </div>
        ${inpainting
          ? html`<label>
              Mask to start from
              <select class="mask-preset" ?disabled=${busy} aria-invalid=${this.errors.has('mask') ? 'true' : 'false'}
                @change=${(e: Event) => this.applyPreset((e.target as HTMLSelectElement).value as MaskPreset)}>
                ${MASK_PRESETS.map((m) => html`<option value=${m} .selected=${m === this.maskPreset}>${MASK_PRESET_NAMES[m]}</option>`)}
              </select>
            </label>`
          : nothing}
        <p class="help" id="editor-help">
          Paint with the mouse, a pen or a finger. Keyboard: focus the image, move the brush with the arrow keys, Shift + arrow
          paints while moving, Space paints a dot, Delete erases one.
        </p>
      </div>
    </div>`;
  }

  private renderControls(): TemplateResult {
    const inpainting = this.modeValue === 'inpaint';
    const repaint = inpainting && this.methodValue === 'repaint';
    const busy = this.running;
    const s = this.settingsNow();
    const cost = inpainting ? networkSteps(s.method, s.steps, s.jumpLength, s.resampleCount) : this.sdeditPlan(s).runSteps;
    const plan = this.sdeditPlan(s);
    const invalid = (name: string): string => (this.errors.has(name) ? 'true' : 'false');
    return html`<div part="controls">
      ${inpainting
        ? html`<label>
            Method
            <select class="method" ?disabled=${busy} aria-invalid=${invalid('method')} @change=${(e: Event) => this.set('method', 'method', (e.target as HTMLSelectElement).value)}>
              <option value="replacement" .selected=${this.methodValue === 'replacement'}>replacement</option>
              <option value="repaint" .selected=${this.methodValue === 'repaint'}>RePaint (resampling)</option>
            </select>
          </label>`
        : nothing}
      <label>
        Sampler
        <select class="sampler" ?disabled=${busy} aria-invalid=${invalid('sampler')} @change=${(e: Event) => this.set('sampler', 'sampler', (e.target as HTMLSelectElement).value)}>
          <option value="ddpm" .selected=${this.samplerValue === 'ddpm'}>DDPM</option>
          <option value="ddim" .selected=${this.samplerValue === 'ddim'}>DDIM</option>
        </select>
      </label>
      <label>
        Steps
        <input type="number" class="steps" min="1" max=${MAX_EDIT_STEPS} step="1" .value=${String(this.stepsValue)} ?disabled=${busy} aria-invalid=${invalid('steps')}
          @change=${(e: Event) => this.set('steps', 'steps', (e.target as HTMLInputElement).value)} />
      </label>
      ${repaint
        ? html`<label>
              Jump j
              <input type="number" class="jump" min="1" max=${Math.max(1, this.stepsValue - 1)} step="1" .value=${String(this.jumpValue)} ?disabled=${busy}
                aria-invalid=${invalid('jump-length')} @change=${(e: Event) => this.set('jump-length', 'jumpLength', (e.target as HTMLInputElement).value)} />
            </label>
            <label>
              Resamples r
              <input type="number" class="resample" min="1" max=${MAX_RESAMPLE} step="1" .value=${String(this.resampleValue)} ?disabled=${busy}
                aria-invalid=${invalid('resample-count')} @change=${(e: Event) => this.set('resample-count', 'resampleCount', (e.target as HTMLInputElement).value)} />
            </label>`
        : nothing}
      ${inpainting
        ? nothing
        : html`<div class="field strength-field">
            <label for="strength">Strength <span class="t0-readout">${this.strengthValue.toFixed(2)} → ${plan.startTimestep === null ? 'no noise: the drawing is returned as it is' : `t₀ = ${plan.startTimestep} of ${plan.T}, ${plan.runSteps} of ${s.steps} steps`}</span></label>
            <input id="strength" type="range" class="strength" min="0" max="1" step="0.05" .value=${String(this.strengthValue)} ?disabled=${busy}
              aria-valuetext=${`strength ${this.strengthValue.toFixed(2)}: ${plan.startTimestep === null ? 'no noise' : `t₀ = ${plan.startTimestep}`}`}
              @change=${(e: Event) => this.set('strength', 'strength', (e.target as HTMLInputElement).value)}
              @input=${(e: Event) => (this.strength = (e.target as HTMLInputElement).value)} />
          </div>`}
      <label>
        Label
        <select class="label" ?disabled=${busy} aria-invalid=${invalid('label')}
          @change=${(e: Event) => {
            const value = (e.target as HTMLSelectElement).value;
            if (value === 'none' && this.guidanceValue > 0) this.set('guidance', 'guidance', '0');
            this.set('label', 'label', value);
          }}>
          <option value="none" .selected=${this.labelValue === null}>none</option>
          ${Array.from({ length: 10 }, (_, d) => html`<option value=${d} .selected=${this.labelValue === d}>${d}</option>`)}
        </select>
      </label>
      <label>
        Guidance w
        <input type="number" class="guidance" min="0" max=${MAX_EDIT_GUIDANCE} step="0.5" .value=${String(this.guidanceValue)}
          ?disabled=${busy || this.labelValue === null} aria-invalid=${invalid('guidance')}
          title=${this.labelValue === null ? 'Choose a label to guide towards' : 'Paper convention; diffusers guidance_scale = 1 + w'}
          @change=${(e: Event) => this.set('guidance', 'guidance', (e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Seed
        <input type="number" class="seed" min="0" max=${MAX_SEED} step="1" .value=${String(this.seedValue)} ?disabled=${busy} aria-invalid=${invalid('seed')}
          @change=${(e: Event) => this.set('seed', 'seed', (e.target as HTMLInputElement).value)} />
      </label>
      <button type="button" class="new-seed" ?disabled=${busy} @click=${() => this.newSeed()}>New seed</button>
      <label>
        Results
        <input type="number" class="count" min="1" max=${MAX_EDIT_RESULTS} step="1" .value=${String(this.countValue)} ?disabled=${busy} aria-invalid=${invalid('count')}
          @change=${(e: Event) => this.set('count', 'count', (e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Model
        <select class="source" ?disabled=${busy} aria-invalid=${invalid('source')} @change=${(e: Event) => this.set('source', 'source', (e.target as HTMLSelectElement).value)}>
          ${MODEL_SOURCES.map((m) => html`<option value=${m} .selected=${m === this.sourceValue}>${MODEL_SOURCE_NAMES[m]}</option>`)}
        </select>
      </label>
      ${busy
        ? html`<button type="button" class="stop primary" @click=${() => this.stop()}>Stop</button>`
        : html`<button type="button" class="run primary" ?disabled=${!this.lab || this.errors.has('lab')} @click=${() => void this.edit()}>
            ${inpainting ? 'Fill in' : 'Edit'}
          </button>`}
      <span class="cost">${cost} network step${cost === 1 ? '' : 's'}${s.guidance > 0 && s.label !== null ? ' (×2 evaluations: guided)' : ''} per run${repaint && this.jumpValue > this.stepsValue - 1 ? ` · j capped at ${s.jumpLength}` : ''}</span>
    </div>`;
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

  private renderResults(): TemplateResult {
    const run = this.run;
    if (!run) {
      return html`<div part="results"><p class="placeholder">${this.modeValue === 'inpaint' ? 'Press “Fill in” to let the model complete the masked region.' : 'Press “Edit” to turn your drawing into digits.'}</p></div>`;
    }
    const stale = run.state !== 'running' && run.key !== this.keyNow();
    const result = run.result;
    const inpainting = run.settings.mode === 'inpaint';
    return html`<div part="results" class=${stale ? 'stale' : ''}>
      ${stale ? html`<p class="stale-note">The settings or the image changed since this run: press ${this.modeValue === 'inpaint' ? 'Fill in' : 'Edit'} again.</p>` : nothing}
      <div part="images">
        <figure class="given">
          <canvas class="digit original"></canvas>
          <figcaption>${inpainting ? 'original' : 'your drawing'}</figcaption>
        </figure>
        ${inpainting
          ? html`<figure class="given"><canvas class="digit masked"></canvas><figcaption>what the model keeps</figcaption></figure>`
          : result
            ? html`<figure class="given"><canvas class="digit start"></canvas><figcaption>noised to t₀ = ${result.startTimestep ?? 0}</figcaption></figure>`
            : nothing}
        ${result
          ? Array.from({ length: result.count }, (_, i) => this.renderResult(run, i))
          : run.state === 'running'
            ? html`<p class="placeholder running-note">Working… step ${run.frames.received} of ${run.expectedSteps}, ${formatMs(run.elapsedMs)} so far.</p>`
            : run.state === 'stopped'
              ? html`<p class="placeholder">Stopped before the end.</p>`
              : html`<p class="placeholder run-error">${run.error}</p>`}
      </div>
      ${run.reading?.state === 'error' ? html`<p class="run-error reading-error">${run.reading.message}</p>` : nothing}
      ${this.renderNumbers(run)}
      ${this.renderSteps(run)}
    </div>`;
  }

  private renderResult(run: EditRun, i: number): TemplateResult {
    const reading = run.reading;
    const label = reading?.state === 'done' ? reading.labels[i] : undefined;
    const confidence = reading?.state === 'done' ? reading.confidences[i] : undefined;
    return html`<figure class="result-figure">
      <canvas class="digit result" data-index=${i}></canvas>
      <figcaption>
        seed ${run.settings.seed + i}
        <span class="reads">${label === undefined || confidence === undefined ? (reading?.state === 'running' ? 'reading…' : '') : `reads ${label} (${Math.round(confidence * 100)} %)`}</span>
      </figcaption>
    </figure>`;
  }

  private renderNumbers(run: EditRun): TemplateResult {
    const r = run.result;
    const steps = r ? r.steps : run.frames.received;
    const wall = r ? r.wallMs : run.elapsedMs;
    return html`<dl part="numbers">
      <div><dt>wall time</dt><dd class="wall">${formatMs(wall)}${run.state === 'running' ? ' so far' : ''}</dd></div>
      <div><dt>network steps</dt><dd class="network-steps">${steps}${run.state === 'running' ? ` of ${run.expectedSteps}` : ''}</dd></div>
      <div><dt>per step</dt><dd class="per-step">${steps > 0 ? formatMs(wall / steps) : '–'}</dd></div>
      ${r ? html`<div><dt>NFE per image</dt><dd class="nfe">${r.nfe}</dd></div>` : nothing}
      ${r && run.settings.mode === 'sdedit' ? html`<div><dt>t₀</dt><dd class="t0">${r.startTimestep ?? '–'}</dd></div>` : nothing}
    </dl>`;
  }

  private renderSteps(run: EditRun): TemplateResult {
    const total = run.frames.total;
    const frame = this.shownFrame(run);
    const position = frame ? frame.index : 0;
    const where = !frame
      ? 'waiting for the first step…'
      : frame.timestep === null
        ? 'the results'
        : `step ${frame.index + 1} of ${total}, t = ${frame.timestep}`;
    const disabled = run.state === 'running' || total === 0;
    return html`<section part="steps" aria-labelledby="steps-title">
      <h3 id="steps-title">Step by step</h3>
      <label>
        <span class="visually-hidden">Denoising step</span>
        <input type="range" class="scrub" min="0" max=${Math.max(1, total)} step="1" .value=${String(position)} ?disabled=${disabled}
          aria-valuetext=${where}
          @input=${(e: Event) => this.scrubTo(Number((e.target as HTMLInputElement).value))} />
      </label>
      <div class="frame-row"><span>x<sub>t</sub></span><canvas class="digit xt"></canvas></div>
      <div class="frame-row"><span>x̂<sub>0</sub></span><canvas class="digit x0hat"></canvas></div>
      <p class="frame-caption">${where}${run.settings.mode === 'inpaint' && run.settings.method === 'repaint' && run.settings.resampleCount > 1 ? ' · t goes back up at every jump' : ''}</p>
      ${run.state === 'running'
        ? html`<progress max=${Math.max(1, run.expectedSteps)} .value=${run.frames.received}></progress>`
        : nothing}
    </section>`;
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
    if (this.running && this.run) return `${this.note} Step ${this.run.frames.received} of ${this.run.expectedSteps}, ${formatMs(this.run.elapsedMs)}.`;
    return this.note;
  }
}

function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

if (!customElements.get('diffusion-inpaint')) customElements.define('diffusion-inpaint', DiffusionInpaint);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-inpaint': DiffusionInpaint;
  }
}
