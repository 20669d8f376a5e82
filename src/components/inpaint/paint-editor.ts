/**
 * The painting editor of <diffusion-inpaint>: two 28×28 layers, the inpainting mask and the ink of
 * a drawn digit, a brush (size; paint or erase), and the input that paints them: pointer strokes
 * (mouse, pen, finger), or the keyboard on the focused editor (arrow keys move the brush, Shift +
 * arrow paints while moving, Space or Enter paints a dot, Delete or Backspace erases one). The
 * widget says which layer the brush paints and when painting is locked, and hears when a stroke
 * ended; the painting rules themselves are in ./pixel-layer.ts.
 */
import { html, type TemplateResult } from 'lit';
import { drawEditor } from './draw';
import { PixelLayer, SIDE, cursorCentre, moveCursor, type Point } from './pixel-layer';
import { INPAINT_DEFAULTS, presetMask } from './settings';

/** Device pixels per image pixel of the editor canvas. */
export const EDITOR_SCALE = 8;
/** Brush radii in image pixels: the mask's hard-edged, the ink's soft-edged. */
const BRUSHES = { small: { mask: 1, ink: 0.9 }, medium: { mask: 2, ink: 1.3 }, large: { mask: 3.5, ink: 2 } } as const;
type BrushSize = keyof typeof BRUSHES;
export type PaintTarget = 'mask' | 'ink';

/** What the editor needs of the widget. */
export interface PaintHost {
  requestUpdate(): void;
  /** The layer the brush paints now. */
  paintTarget(): PaintTarget;
  /** No painting while a run is using the inputs. */
  readonly paintLocked: boolean;
  /** A stroke, dot or keyboard stroke ended: the inputs changed. */
  painted(): void;
}

export class PaintEditor {
  readonly mask = new PixelLayer(false, presetMask(INPAINT_DEFAULTS.mask));
  readonly ink = new PixelLayer(true);
  private brush: BrushSize = 'medium';
  private erasing = false;
  private focused = false;
  /** Bumped on every dot and segment (also mid-stroke), so the editor redraws only when it changed. */
  private inkVersion = 0;
  private cursor: Point = { x: 14, y: 20 };
  private stroke: { last: Point; pointerId: number } | null = null;
  private drawnKey = '';
  private drawnOn: HTMLCanvasElement | null = null;

  constructor(private readonly host: PaintHost) {}

  /** The layer the brush paints now. */
  layer(): PixelLayer {
    return this.host.paintTarget() === 'mask' ? this.mask : this.ink;
  }

  brushRadius(): number {
    return BRUSHES[this.brush][this.host.paintTarget()];
  }

  // ------------------------------------------------------------------------------------------
  // Pointer and keyboard
  // ------------------------------------------------------------------------------------------

  private pointOf(e: PointerEvent): Point {
    const canvas = e.currentTarget as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / Math.max(1, rect.width)) * SIDE, y: ((e.clientY - rect.top) / Math.max(1, rect.height)) * SIDE };
  }

  private onPointerDown(e: PointerEvent): void {
    if (this.host.paintLocked || e.button > 0) return;
    const canvas = e.currentTarget as HTMLCanvasElement;
    canvas.setPointerCapture?.(e.pointerId);
    const p = this.pointOf(e);
    this.stroke = { last: p, pointerId: e.pointerId };
    this.layer().dot(p, this.brushRadius(), this.erasing);
    this.inkVersion++;
    this.host.requestUpdate();
    e.preventDefault();
  }

  private onPointerMove(e: PointerEvent): void {
    if (!this.stroke || this.stroke.pointerId !== e.pointerId) return;
    const p = this.pointOf(e);
    this.layer().segment(this.stroke.last, p, this.brushRadius(), this.erasing);
    this.inkVersion++;
    this.stroke.last = p;
    this.host.requestUpdate();
  }

  private onPointerUp(e: PointerEvent): void {
    if (!this.stroke || this.stroke.pointerId !== e.pointerId) return;
    this.stroke = null;
    (e.currentTarget as HTMLCanvasElement).releasePointerCapture?.(e.pointerId);
    this.host.painted();
  }

  private onKey(e: KeyboardEvent): void {
    if (this.host.paintLocked) return;
    const moved = moveCursor(this.cursor, e.key);
    if (moved) {
      if (e.shiftKey) this.layer().segment(cursorCentre(this.cursor), cursorCentre(moved), this.brushRadius(), this.erasing);
      this.cursor = moved;
      e.preventDefault();
      if (e.shiftKey) this.host.painted();
      else this.host.requestUpdate();
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      this.layer().dot(cursorCentre(this.cursor), this.brushRadius(), this.erasing);
      e.preventDefault();
      this.host.painted();
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      this.layer().dot(cursorCentre(this.cursor), this.brushRadius(), true);
      e.preventDefault();
      this.host.painted();
    }
  }

  private setFocused(focused: boolean): void {
    this.focused = focused;
    this.host.requestUpdate();
  }

  // ------------------------------------------------------------------------------------------
  // Drawing and templates
  // ------------------------------------------------------------------------------------------

  /**
   * Draws the editor when what it shows changed: `image` under the mask (when shown), and the
   * keyboard brush while the editor has focus. `key` names the widget's side of it (inputs, mode).
   */
  draw(canvas: HTMLCanvasElement, key: readonly unknown[], image: Float32Array, showMask: boolean, label: string): void {
    const drawnKey = JSON.stringify([...key, this.inkVersion, this.focused && this.cursor, this.brush]);
    if (canvas === this.drawnOn && drawnKey === this.drawnKey) return;
    this.drawnOn = canvas;
    this.drawnKey = drawnKey;
    drawEditor(canvas, image, this.mask.values, {
      scale: EDITOR_SCALE,
      showMask,
      cursor: this.focused ? this.cursor : null,
      brushRadius: this.brushRadius(),
      label,
    });
  }

  /** The canvas painted on (described by the help text with id "editor-help"). */
  renderCanvas(): TemplateResult {
    return html`<canvas class="digit editor" width=${SIDE * EDITOR_SCALE} height=${SIDE * EDITOR_SCALE} tabindex="0" role="application"
      aria-roledescription="paint area" aria-describedby="editor-help"
      @pointerdown=${(e: PointerEvent) => this.onPointerDown(e)}
      @pointermove=${(e: PointerEvent) => this.onPointerMove(e)}
      @pointerup=${(e: PointerEvent) => this.onPointerUp(e)}
      @pointercancel=${(e: PointerEvent) => this.onPointerUp(e)}
      @keydown=${(e: KeyboardEvent) => this.onKey(e)}
      @focus=${() => this.setFocused(true)}
      @blur=${() => this.setFocused(false)}></canvas>`;
  }

  /** The brush's tools: paint or erase, its size, and clearing the layer (`clear`, which the widget words). */
  renderTools(busy: boolean, clear: () => void): TemplateResult {
    return html`<div class="field" role="group" aria-labelledby="brush-label">
      <span id="brush-label">${this.host.paintTarget() === 'mask' ? 'Mask brush (orange = fill in)' : 'Pen (white ink)'}</span>
      <div class="row">
        <button type="button" class="tool-paint" aria-pressed=${this.erasing ? 'false' : 'true'} ?disabled=${busy} @click=${() => this.setErasing(false)}>Paint</button>
        <button type="button" class="tool-erase" aria-pressed=${this.erasing ? 'true' : 'false'} ?disabled=${busy} @click=${() => this.setErasing(true)}>Erase</button>
        <label class="inline">Size
          <select class="brush" ?disabled=${busy} @change=${(e: Event) => this.setBrush((e.target as HTMLSelectElement).value as BrushSize)}>
            ${(Object.keys(BRUSHES) as BrushSize[]).map((b) => html`<option value=${b} .selected=${b === this.brush}>${b}</option>`)}
          </select>
        </label>
        <button type="button" class="clear" ?disabled=${busy} @click=${clear}>Clear</button>
      </div>
    </div>`;
  }

  private setErasing(erasing: boolean): void {
    this.erasing = erasing;
    this.host.requestUpdate();
  }

  private setBrush(brush: BrushSize): void {
    this.brush = brush;
    this.host.requestUpdate();
  }
}
