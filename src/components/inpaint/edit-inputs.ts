/**
 * What a run of <diffusion-inpaint> edits: the MNIST digit or the learner's own drawing, and the
 * mask over it, both painted in the editor (./paint-editor.ts). Keeps which image is in use (for
 * inpainting, a digit the learner draws instead of the MNIST one; for SDEdit, the drawing), counts
 * the edits so a run can tell it is out of date, and words what just happened for the status line.
 */
import { Rng } from '../../data/rng';
import { fallbackDigit } from '../base/digit-pad';
import type { MnistDigits } from '../base/mnist-digits';
import { PaintEditor, type PaintHost, type PaintTarget } from './paint-editor';
import { INPAINT_DEFAULTS, presetMask, type EditMode, type MaskPreset } from './settings';

/** What the inputs need of the widget. */
export interface InputsHost {
  requestUpdate(): void;
  document(): Document;
  /** The mode and the MNIST digit chosen now. */
  mode(): EditMode;
  digit(): number;
  /** No painting while a run is using the inputs. */
  locked(): boolean;
  /** A stroke ended on `layer`: the widget reports it. */
  strokeEnded(layer: PaintTarget, coverage: number): void;
}

export class EditInputs implements PaintHost {
  readonly editor: PaintEditor;
  /** Inpainting: the brush draws the digit instead of the mask. */
  drawingDigit = false;
  /** Bumped on every stroke, so the run's key notices edits. */
  version = 0;
  /** Inpainting starts from the drawing instead of the MNIST digit. */
  private drawnBase = false;
  /** The learner has drawn (or loaded a digit) on the ink layer: keep it when switching to drawing. */
  private inkTouched = false;
  private appliedPreset: MaskPreset | null = INPAINT_DEFAULTS.mask;
  private inkReady = false;
  private pickRng: Rng | null = null;
  private fallback: Float32Array | null = null;

  constructor(
    private readonly host: InputsHost,
    private readonly mnist: MnistDigits,
  ) {
    this.editor = new PaintEditor(this);
  }

  requestUpdate(): void {
    this.host.requestUpdate();
  }

  get paintLocked(): boolean {
    return this.host.locked();
  }

  /** Which layer the editor paints now. */
  paintTarget(): PaintTarget {
    return this.host.mode() === 'inpaint' && !this.drawingDigit ? 'mask' : 'ink';
  }

  /** After a stroke: the inputs changed. */
  painted(): void {
    this.version++;
    const target = this.paintTarget();
    if (target === 'ink') this.inkTouched = true;
    this.host.strokeEnded(target, this.editor.layer().coverage);
    this.host.requestUpdate();
  }

  /** With each settings read: lays the starting mask when `preset` changed (or was chosen again). */
  syncPreset(preset: MaskPreset): void {
    if (this.appliedPreset === preset) return;
    this.editor.mask.set(presetMask(preset));
    this.appliedPreset = preset;
    this.version++;
  }

  /** The starting mask was chosen again: lay it even if it is the same one. */
  resetPreset(): void {
    this.appliedPreset = null;
  }

  /** Once: a rough "2" to start SDEdit from, so the widget does something sensible before any drawing. */
  startInk(): void {
    if (this.inkReady) return;
    this.editor.ink.fromImage(fallbackDigit(this.host.document()));
    this.inkReady = true;
  }

  private mnistImage(): Float32Array {
    const digits = this.mnist.digits;
    const digit = this.host.digit();
    if (digits && digit < digits.count) return digits.image(digit);
    return (this.fallback ??= fallbackDigit(this.host.document()));
  }

  /** What the run edits: inpainting's digit (MNIST or drawn), or SDEdit's drawing. */
  image(): Float32Array {
    if (this.host.mode() === 'sdedit' || this.drawnBase) return this.editor.ink.toImage();
    return this.mnistImage();
  }

  /** "MNIST test #3, a 0", "your drawing"… */
  name(): string {
    if (this.host.mode() === 'sdedit') return 'your drawing';
    if (this.drawnBase) return 'your drawing';
    const digits = this.mnist.digits;
    const digit = this.host.digit();
    if (digits) return `MNIST test #${digit}, a ${digits.label(digit)}`;
    return this.mnist.loadingFrom ? 'a drawn “2” while MNIST loads' : 'a drawn “2”';
  }

  /** Identity of the image and the mask now, for a run's key. */
  key(mode: EditMode): { input: string; mask: number | null } {
    const input = mode === 'sdedit' || this.drawnBase ? `ink${this.version}` : `mnist${this.host.digit()}:${this.mnist.digits ? 'loaded' : 'fallback'}`;
    return { input, mask: mode === 'inpaint' ? this.version : null };
  }

  /** MNIST digit `index` was chosen; returns the note for the status line. */
  digitChosen(index: number): string {
    const digits = this.mnist.digits;
    if (this.host.mode() === 'sdedit' && digits) {
      // SDEdit starts from a copy of the real digit, which the learner can then scribble on.
      this.editor.ink.fromImage(digits.image(index));
      this.inkTouched = true;
      this.version++;
      return `Starting from MNIST test #${index}; draw on it to change it.`;
    }
    this.drawnBase = false;
    this.drawingDigit = false;
    this.version++;
    return '';
  }

  /** A digit picked at random (the same sequence for a seed). */
  randomDigit(seed: number, count: number): number {
    this.pickRng ??= new Rng(seed + 0x5eed);
    return this.pickRng.int(count);
  }

  /** Inpainting: switches the brush between drawing the digit and painting the mask; returns the note. */
  toggleDrawDigit(): string {
    this.drawingDigit = !this.drawingDigit;
    this.host.requestUpdate();
    if (!this.drawingDigit) return 'Now paint the mask over the part to fill in.';
    if (!this.drawnBase) {
      // A fresh pad, unless it already holds the learner's own drawing (from SDEdit, say).
      if (!this.inkTouched) this.editor.ink.clear();
      this.drawnBase = true;
      this.version++;
    }
    return 'Draw a digit in white; press “Paint the mask” when done.';
  }

  /** Clears the layer the brush paints; returns the note. */
  clear(): string {
    const mask = this.paintTarget() === 'mask';
    if (mask) this.editor.mask.clear();
    else this.editor.ink.clear();
    this.painted();
    return mask ? 'Mask cleared: paint the region to fill in.' : 'Drawing cleared.';
  }

  /** Draws the editor when what it shows changed. */
  draw(canvas: HTMLCanvasElement): void {
    const mode = this.host.mode();
    const key = [this.version, mode, this.drawnBase, this.drawingDigit, this.host.digit(), this.mnist.digits !== null];
    const label =
      this.paintTarget() === 'mask'
        ? `Mask editor over ${this.name()}: ${Math.round(this.editor.mask.coverage * 100)} % of the image is to be filled in (orange).`
        : `Drawing pad: ${this.name()}.`;
    this.editor.draw(canvas, key, this.image(), mode === 'inpaint', label);
  }
}
