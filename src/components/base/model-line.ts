/**
 * The "Model: …" line of the widgets that sample from the page's model ("shipped" or "trained"),
 * or why there is no such model yet. Why: the sampler and the inpaint widget describe the model
 * and its absence in the same words; one place keeps them so.
 */
import { html, type TemplateResult } from 'lit';
import type { Lab, ModelInfo, ModelSource } from '../../lab/lab-api';
import { formatCount } from '../trainer/format-time';
import { errorSentence } from '../trainer/lab-connection';
import type { DiffusionWidget } from './widget-base';

export { MODEL_SOURCES } from './settings-table';

/** How the model choices read in a widget's select and its "looking for …" line. */
export const MODEL_SOURCE_NAMES: Readonly<Record<ModelSource, string>> = Object.freeze({
  shipped: 'the shipped model',
  trained: 'the model trained on this page',
});

/** "the shipped small U-Net, 163,881 parameters, trained for 20,000 steps." */
export function describeModel(info: ModelInfo): string {
  const what = info.source === 'shipped' ? 'the shipped' : 'the page’s';
  const trained = info.source === 'shipped' ? `trained for ${formatCount(info.trainingSteps)} steps` : `${formatCount(info.trainingSteps)} training steps so far`;
  return `${what} ${info.preset} U-Net, ${formatCount(info.params)} parameters, ${trained}.`;
}

/** The lab's error as a sentence, pointing to <diffusion-trainer> when the page has no trained model. */
export function explainMissingModel(source: ModelSource, error: unknown): string {
  const message = errorSentence(error);
  if (source === 'trained' && /no trained model/i.test(message)) {
    return `${message.replace(/\.$/, '')}: <diffusion-trainer> on this page trains one. Or choose “the shipped model”.`;
  }
  return message;
}

export class ModelLine {
  /** The model in use, or null while looking for it or when it is missing. */
  info: ModelInfo | null = null;
  /** Why there is no model, or null. */
  problem: string | null = null;
  /** The description, built once per model: number formatting with a locale is slow in Chromium (ms per call). */
  private line = '';
  private infoFor: ModelSource | null = null;

  /**
   * `source` reads the widget's current choice; `explain` turns a lab error about a missing model
   * into the advice shown (explainMissingModel unless the widget has more to say).
   */
  constructor(
    private readonly host: DiffusionWidget,
    private readonly source: () => ModelSource,
    readonly explain: (source: ModelSource, error: unknown) => string = explainMissingModel,
  ) {}

  /** Asks the lab about the chosen model when the choice changed since the last ask (or always, with `force`). */
  refresh(lab: Lab | null, force = false): void {
    if (!lab || (!force && this.infoFor === this.source())) return;
    const source = this.source();
    this.infoFor = source;
    lab.modelInfo(source).then(
      (info) => {
        if (this.source() !== source) return;
        this.line = describeModel(info);
        this.info = info;
        this.problem = null;
        this.host.requestUpdate();
      },
      (error: unknown) => {
        if (this.source() !== source) return;
        this.info = null;
        this.problem = this.explain(source, error);
        this.host.requestUpdate();
      },
    );
  }

  /** The model's line, the problem, or "looking for …" while the lab answers. */
  render(): TemplateResult {
    if (this.info) return html`<p class="model-line">Model: ${this.line}</p>`;
    if (this.problem) return html`<p class="problem" role="status">${this.problem}</p>`;
    return html`<p class="model-line">Model: looking for ${MODEL_SOURCE_NAMES[this.source()]}…</p>`;
  }
}
