/**
 * The input side of <diffusion-inpaint>: the editor with the digit's name and how much is masked,
 * the digit picker (previous, next, random, or draw your own), the brush tools, the starting mask,
 * and the keyboard help the editor points to. Each control is forwarded to the widget.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { PaintEditor } from './paint-editor';
import { MASK_PRESETS, MASK_PRESET_NAMES, type EditMode, type MaskPreset } from './settings';

/** What the input side needs of the widget. */
export interface InputView {
  mode: EditMode;
  editor: PaintEditor;
  /** "MNIST test #3, a 0", "your drawing"… */
  digitName: string;
  digit: number;
  digitsLoaded: boolean;
  drawingDigit: boolean;
  maskPreset: MaskPreset;
  maskInvalid: boolean;
  busy: boolean;
  setDigit(index: number): void;
  randomDigit(): void;
  toggleDrawDigit(): void;
  clear(): void;
  applyPreset(preset: MaskPreset): void;
}

export function renderInput(v: InputView): TemplateResult {
  const inpainting = v.mode === 'inpaint';
  const loaded = v.digitsLoaded;
  const busy = v.busy;
  return html`<div part="input">
    <figure part="editor">
      ${v.editor.renderCanvas()}
      <figcaption class="digit-name">${v.digitName}${inpainting ? html` · <span class="coverage">${Math.round(v.editor.mask.coverage * 100)} % masked</span>` : nothing}</figcaption>
    </figure>
    <div part="tools">
      <div class="field" role="group" aria-labelledby="digit-label">
        <span id="digit-label">${inpainting ? 'Digit' : 'Start from an MNIST digit'}</span>
        <div class="row">
          <button type="button" class="prev" ?disabled=${!loaded || busy} @click=${() => v.setDigit(v.digit - 1)} aria-label="Prev digit">◀ Prev</button>
          <button type="button" class="next" ?disabled=${!loaded || busy} @click=${() => v.setDigit(v.digit + 1)} aria-label="Next digit">Next ▶</button>
          <button type="button" class="random" ?disabled=${!loaded || busy} @click=${() => v.randomDigit()}>Random</button>
          ${inpainting
            ? html`<button type="button" class="draw-digit" aria-pressed=${v.drawingDigit ? 'true' : 'false'} ?disabled=${busy} @click=${() => v.toggleDrawDigit()}>
                ${v.drawingDigit ? 'Paint the mask' : 'Draw the digit'}
              </button>`
            : nothing}
        </div>
      </div>
      ${v.editor.renderTools(busy, v.clear)}
      ${inpainting
        ? html`<label>
            Mask to start from
            <select class="mask-preset" ?disabled=${busy} aria-invalid=${v.maskInvalid ? 'true' : 'false'}
              @change=${(e: Event) => v.applyPreset((e.target as HTMLSelectElement).value as MaskPreset)}>
              ${MASK_PRESETS.map((m) => html`<option value=${m} .selected=${m === v.maskPreset}>${MASK_PRESET_NAMES[m]}</option>`)}
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
