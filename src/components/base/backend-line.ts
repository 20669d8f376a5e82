/**
 * The "Backend: wasm · wasm chosen  Why this one?" line every lab widget shows under its controls
 * (styled by backendDetailsStyles). Widgets wrap it in their own element.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { BackendPreference } from '../../backend/names';
import type { LabStatus } from '../../lab/lab-api';
import { describeBackend } from '../trainer/lab-connection';

/** `figures`: 'visible' shows the timed steps behind an 'auto' choice on a line of their own (the trainer's); 'details' folds them into "Why this one?". */
export function backendLine(status: LabStatus, requested: BackendPreference, figures: 'visible' | 'details' = 'details'): TemplateResult {
  const d = describeBackend(status, requested);
  const why = [d.details, figures === 'details' ? d.figures : ''].filter(Boolean).join(' ');
  return html`Backend: <strong class="backend-name">${status.backend}</strong> · <span class="backend-reason">${d.summary}</span>
    ${figures === 'visible' && d.figures ? html`<span class="backend-figures">${d.figures}</span>` : nothing}
    ${why ? html`<details class="backend-details"><summary>Why this one?</summary>${why}</details>` : nothing}`;
}
