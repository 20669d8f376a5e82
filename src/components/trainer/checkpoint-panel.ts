/**
 * The checkpoint side of <diffusion-trainer>: the box of save and load buttons, the question asked
 * before a reset or a load throws the trained model away, and the lines that report what was
 * saved or loaded. The lab reads and writes the checkpoints; the widget wires these to it.
 */
import { html, type TemplateResult } from 'lit';
import type { CheckpointSummary } from '../../lab/lab-api';
import { errorSentence } from './lab-connection';
import { formatCount } from './format-time';

/** Where a checkpoint is loaded from: picked files, this browser's IndexedDB or a folder URL. */
export type CheckpointSource = { files: File[] } | 'indexeddb' | { url: string };

/** Something that throws the trained model away, waiting for the reader's yes. */
export type Confirmation = { kind: 'reset' } | { kind: 'load'; from: CheckpointSource; what: string };

/** The note after a save: two downloads, or a copy in this browser. */
export function savedNote(saved: { json: string } | CheckpointSummary, step: number | undefined): string {
  return 'json' in saved
    ? `Saved model.json and weights.bin (step ${step ?? '?'}). Load both files together to continue.`
    : `Saved in this browser: the ${saved.preset} model at step ${saved.steps}.`;
}

export function loadedNote(what: string, summary: CheckpointSummary): string {
  return `Loaded ${what}: a ${summary.preset} model trained for ${formatCount(summary.steps)} steps. Sample from it, or raise Steps and continue training.`;
}

/** Why a load failed, saying that a model already on the page was kept. */
export function loadFailure(error: unknown, from: CheckpointSource, hadModel: boolean): Error {
  const message = errorSentence(error);
  const kept = hadModel ? ' The model on the page is unchanged.' : '';
  if (typeof from === 'object' && 'url' in from && /^No checkpoint at/.test(message)) {
    return new Error(`The shipped model is not available yet: ${message}${kept}`);
  }
  return new Error(`${message}${kept}`);
}

export interface CheckpointPanelState {
  busy: boolean;
  hasModel: boolean;
  /** The lab has started, so it can load. */
  labReady: boolean;
}

export interface CheckpointPanelActions {
  save(target: 'download' | 'indexeddb'): void;
  pickFiles(): void;
  filesPicked(input: HTMLInputElement): void;
  load(from: CheckpointSource, what: string): void;
  shippedUrl(): string;
}

export function checkpointPanel(s: CheckpointPanelState, a: CheckpointPanelActions): TemplateResult {
  return html`<fieldset part="checkpoint">
        <legend>Checkpoint (model.json + weights.bin)</legend>
        <button type="button" class="save-download" ?disabled=${s.busy || !s.hasModel} @click=${() => a.save('download')}>Download</button>
        <button type="button" class="save-browser" ?disabled=${s.busy || !s.hasModel} @click=${() => a.save('indexeddb')}>Save in this browser</button>
        <button type="button" class="load-files" ?disabled=${s.busy || !s.labReady} @click=${() => a.pickFiles()}>Load files…</button>
        <input class="checkpoint-files" type="file" multiple accept=".json,.bin,application/json,application/octet-stream" hidden
          aria-label="Checkpoint files: model.json and weights.bin" @change=${(e: Event) => a.filesPicked(e.target as HTMLInputElement)} />
        <button type="button" class="load-browser" ?disabled=${s.busy || !s.labReady} @click=${() => a.load('indexeddb', 'the checkpoint saved in this browser')}>
          Load from this browser
        </button>
        <button type="button" class="load-shipped" ?disabled=${s.busy || !s.labReady}
          @click=${() => a.load({ url: a.shippedUrl() }, 'the shipped model')}>Load the shipped model</button>
      </fieldset>`;
}

/** The question before `c` throws away `model` (described by TrainingRun.describeModel). */
export function confirmDialog(c: Confirmation, model: string, answer: { yes(): void; no(): void }): TemplateResult {
  const question = c.kind === 'reset' ? `Reset throws away ${model}.` : `Loading ${c.what} replaces ${model}.`;
  return html`<div part="confirm" class="confirm" role="alertdialog" aria-labelledby="confirm-text"
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && answer.no()}>
      <p id="confirm-text">${question} Download or save a checkpoint first to keep it.</p>
      <div class="row">
        <button type="button" class="confirm-yes" @click=${() => answer.yes()}>${c.kind === 'reset' ? 'Reset the model' : 'Replace the model'}</button>
        <button type="button" class="confirm-no" @click=${() => answer.no()}>Keep the model</button>
      </div>
    </div>`;
}
