/**
 * The "Backend: wasm · wasm chosen  Why this one?" line every lab widget shows under its controls
 * (styled by backendDetailsStyles). Widgets wrap it in their own element.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { BackendPreference } from '../../backend/names';
import type { LabStatus } from '../../lab/lab-api';
import { describeBackend } from '../trainer/lab-connection';

export function backendLine(status: LabStatus, requested: BackendPreference): TemplateResult {
  const { summary, details } = describeBackend(status, requested);
  return html`Backend: <strong class="backend-name">${status.backend}</strong> · <span class="backend-reason">${summary}</span>
    ${details ? html`<details class="backend-details"><summary>Why this one?</summary>${details}</details>` : nothing}`;
}
