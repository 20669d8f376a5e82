/**
 * The controls of <diffusion-trainer> for the settings a reader changes between runs: preset
 * (with each U-Net's size), batch size, learning rate and steps. A change goes to the widget,
 * which writes it to the attribute (one source of truth) and tells the page. The batch field is
 * empty for "auto" (a number input cannot hold the word), with a hint saying what auto gives.
 */
import { html, type TemplateResult } from 'lit';
import { describeUNet } from '../../model/describe';
import { presetConfig } from '../../model/config';
import { formatCount } from './format-time';
import { MAX_BATCH, MAX_TRAIN_STEPS, TRAIN_PRESETS, type TrainPreset, type TrainerValues } from './trainer-settings';

/** The attributes these controls set. */
export type ControlAttribute = 'preset' | 'batch-size' | 'learning-rate' | 'steps';

const PRESET_FACTS: Record<TrainPreset, string> = Object.fromEntries(
  TRAIN_PRESETS.map((name) => {
    const d = describeUNet(presetConfig(name));
    return [name, `${formatCount(d.params)} parameters, ${(d.flopsPerImage / 1e6).toFixed(1)} MFLOPs`];
  }),
) as Record<TrainPreset, string>;

export interface ControlsState {
  busy: boolean;
  /** aria-invalid of the control for an attribute. */
  invalid(name: ControlAttribute): 'true' | 'false';
  /** What an "auto" batch gives here (autoBatchHint). */
  autoBatch: string;
}

export function settingsControls(values: TrainerValues, s: ControlsState, change: (name: ControlAttribute, raw: string) => void): TemplateResult {
  return html`<div part="controls">
        <label>
          Preset
          <select class="preset" aria-invalid=${s.invalid('preset')} ?disabled=${s.busy}
            @change=${(e: Event) => change('preset', (e.target as HTMLSelectElement).value)}>
            ${TRAIN_PRESETS.map((name) => html`<option value=${name} .selected=${name === values.preset}>${name} (${PRESET_FACTS[name]})</option>`)}
          </select>
        </label>
        <label>
          Batch size
          <input type="number" class="batch-size" min="1" max=${MAX_BATCH} step="1" placeholder="auto"
            .value=${values.batchSize === 'auto' ? '' : String(values.batchSize)}
            aria-invalid=${s.invalid('batch-size')} aria-describedby="batch-size-hint"
            @change=${(e: Event) => change('batch-size', (e.target as HTMLInputElement).value)} />
          <span class="hint" id="batch-size-hint" aria-hidden="true">${values.batchSize === 'auto' ? s.autoBatch : `empty for ${s.autoBatch}`}</span>
        </label>
        <label>
          Learning rate
          <input type="number" class="learning-rate" min="0" max="1" step="any" .value=${String(values.learningRate)}
            aria-invalid=${s.invalid('learning-rate')}
            @change=${(e: Event) => change('learning-rate', (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Steps
          <input type="number" class="steps" min="1" max=${MAX_TRAIN_STEPS} step="1" .value=${String(values.steps)}
            aria-invalid=${s.invalid('steps')}
            @change=${(e: Event) => change('steps', (e.target as HTMLInputElement).value)} />
        </label>
      </div>`;
}
