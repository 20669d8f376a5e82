/**
 * The base class every Diffusion Lab widget extends: shared look (themable through `--dl-*`
 * custom properties and `::part`), an in-widget error banner for bad attribute values, event
 * dispatch for host pages, and the reduced-motion query.
 *
 * Theming. Set any of these on the element or an ancestor; each has a light and a dark default
 * (following `prefers-color-scheme`) and falls back to the site theme's `--color-*` when present:
 *   --dl-font, --dl-mono, --dl-fg, --dl-bg, --dl-surface, --dl-muted, --dl-border, --dl-accent,
 *   --dl-on-accent, --dl-focus, --dl-radius, --dl-error-bg, --dl-error-fg, --dl-error-border,
 *   --dl-series-1 … --dl-series-4 (chart lines), --dl-image-bg (behind digit canvases).
 * Parts: controls, chart, images, error, status, embed (the Embed button, ./embed-control.ts; plus
 * widget-specific ones each widget lists).
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { ParseResult } from './attributes';
import { embedStyles } from './embed-styles';

/** Detail of the `diffusion-error` event a widget fires when it rejects a value. */
export interface DiffusionErrorDetail {
  /** The attribute (kebab-case) or area the message is about, e.g. `beta-schedule`. */
  attribute: string;
  /** What went wrong and what is allowed, as shown in the widget. */
  message: string;
}

export const widgetStyles = css`
  :host {
    --_font: var(--dl-font, var(--font-sans, system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif));
    --_mono: var(--dl-mono, var(--font-mono, ui-monospace, Menlo, Consolas, 'Liberation Mono', monospace));
    --_fg: var(--dl-fg, var(--color-text, #1a1c23));
    --_bg: var(--dl-bg, var(--color-surface, #ffffff));
    --_surface: var(--dl-surface, var(--color-surface-sunken, #f1f3f8));
    --_muted: var(--dl-muted, var(--color-muted, #50566a));
    --_border: var(--dl-border, var(--color-border, #d3d7e1));
    --_accent: var(--dl-accent, var(--color-accent, #4338ca));
    --_on-accent: var(--dl-on-accent, var(--color-on-accent, #ffffff));
    --_focus: var(--dl-focus, var(--color-focus, #2563eb));
    --_radius: var(--dl-radius, 10px);
    --_error-bg: var(--dl-error-bg, #fdecec);
    --_error-fg: var(--dl-error-fg, #8a1c1c);
    --_error-border: var(--dl-error-border, #e3a3a3);
    --_image-bg: var(--dl-image-bg, #000000);
    /* Okabe & Ito's colour-blind-safe palette; charts also vary the dash pattern. */
    --_series-1: var(--dl-series-1, #0072b2);
    --_series-2: var(--dl-series-2, #d55e00);
    --_series-3: var(--dl-series-3, #009e73);
    --_series-4: var(--dl-series-4, #cc79a7);

    display: block;
    box-sizing: border-box;
    max-width: 100%;
    padding: 1rem;
    font-family: var(--_font);
    font-size: 0.95rem;
    line-height: 1.45;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color-scheme: light dark;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--dl-fg, var(--color-text, #e7e9f0));
      --_bg: var(--dl-bg, var(--color-surface, #171a23));
      --_surface: var(--dl-surface, var(--color-surface-sunken, #11131a));
      --_muted: var(--dl-muted, var(--color-muted, #a6acbd));
      --_border: var(--dl-border, var(--color-border, #323848));
      --_accent: var(--dl-accent, var(--color-accent, #a5b4fc));
      --_on-accent: var(--dl-on-accent, var(--color-on-accent, #12142a));
      --_focus: var(--dl-focus, var(--color-focus, #93c5fd));
      --_error-bg: var(--dl-error-bg, #3a1517);
      --_error-fg: var(--dl-error-fg, #ffc9c9);
      --_error-border: var(--dl-error-border, #7a2e31);
      --_series-1: var(--dl-series-1, #56b4e9);
      --_series-2: var(--dl-series-2, #e69f00);
      --_series-3: var(--dl-series-3, #3ccf9d);
      --_series-4: var(--dl-series-4, #e59cc6);
    }
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  h2,
  h3 {
    margin: 0 0 0.5rem;
    font-size: 1.05rem;
    line-height: 1.25;
  }

  p {
    margin: 0.25rem 0;
  }

  code,
  pre,
  .mono {
    font-family: var(--_mono);
    font-size: 0.9em;
  }

  [part~='controls'] {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.6rem 1rem;
    margin: 0 0 0.75rem;
  }

  label,
  .field {
    display: inline-flex;
    flex-direction: column;
    gap: 0.2rem;
    font-size: 0.85rem;
    color: var(--_muted);
  }

  label.inline {
    flex-direction: row;
    align-items: center;
    gap: 0.4rem;
  }

  input,
  select,
  button {
    font: inherit;
    font-size: 0.9rem;
    color: var(--_fg);
  }

  input[type='number'],
  input[type='text'],
  select {
    min-width: 0;
    padding: 0.3rem 0.45rem;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 6px;
  }

  input[type='range'] {
    accent-color: var(--_accent);
  }

  button {
    padding: 0.35rem 0.75rem;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 6px;
    cursor: pointer;
  }

  button:hover {
    border-color: var(--_accent);
  }

  button.primary,
  button[aria-pressed='true'] {
    color: var(--_on-accent);
    background: var(--_accent);
    border-color: var(--_accent);
  }

  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }

  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  [part~='error'] {
    margin: 0 0 0.75rem;
  }

  [part~='error']:empty {
    display: none;
  }

  .error-message {
    margin: 0 0 0.4rem;
    padding: 0.5rem 0.75rem;
    color: var(--_error-fg);
    background: var(--_error-bg);
    border: 1px solid var(--_error-border);
    border-radius: 6px;
  }

  .error-message code {
    font-weight: 600;
  }

  [part~='status'] {
    min-height: 1.4em;
    margin: 0.5rem 0 0;
    font-size: 0.85rem;
    color: var(--_muted);
  }

  [part~='chart'] svg {
    display: block;
    width: 100%;
    height: auto;
    overflow: visible;
    color: var(--_fg);
  }

  canvas.digit {
    display: block;
    image-rendering: pixelated;
    background: var(--_image-bg);
    border-radius: 4px;
  }

  .muted {
    color: var(--_muted);
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  /* Chart pieces drawn by src/charts (they inherit the widget's theme). */
  .chart-axis text,
  .chart-label,
  .chart-legend text {
    fill: var(--_muted);
    font-family: var(--_font);
  }

  .chart-axis path,
  .chart-axis line {
    stroke: var(--_border);
  }

  .chart-title {
    fill: var(--_fg);
    font-weight: 600;
  }

  .chart-cursor line {
    stroke: var(--_fg);
    stroke-dasharray: 3 3;
  }

  .chart-cursor:focus {
    outline: none;
  }

  .chart-cursor:focus-visible .chart-cursor-handle,
  .chart-cursor.focused .chart-cursor-handle {
    stroke: var(--_focus);
    stroke-width: 3;
  }

  .chart-cursor-handle {
    fill: var(--_bg);
    stroke: var(--_fg);
    stroke-width: 1.5;
  }

  .chart-cursor line,
  .chart-cursor circle,
  .chart-cursor text {
    pointer-events: none;
  }

  .chart-overlay {
    cursor: ew-resize;
    touch-action: none;
  }

  .histogram-bar {
    fill: var(--_accent);
    opacity: 0.55;
  }

  .histogram-overlay {
    fill: none;
    stroke: var(--_series-2);
    stroke-width: 2;
  }

  ${embedStyles}
`;

/**
 * Base of the Diffusion Lab widgets. Subclasses render `this.renderErrors()` near the top and
 * read attributes in `willUpdate` through `applyAttr`, so a bad value shows a message inside the
 * widget while the last good setting stays in use.
 */
export class DiffusionWidget extends LitElement {
  static override styles = [widgetStyles];

  /** Current messages, keyed by attribute (or area) name, in insertion order. */
  @state() private errorMessages: ReadonlyMap<string, string> = new Map();

  /** The messages shown now, keyed by attribute; for tests and host pages. */
  get errors(): ReadonlyMap<string, string> {
    return this.errorMessages;
  }

  /**
   * Shows `message` about `attribute` in the widget's error banner (role="alert") and fires
   * `diffusion-error`. Showing the same message again does nothing.
   */
  showError(attribute: string, message: string): void {
    if (this.errorMessages.get(attribute) === message) return;
    const next = new Map(this.errorMessages);
    next.set(attribute, message);
    this.errorMessages = next;
    this.emit<DiffusionErrorDetail>('diffusion-error', { attribute, message });
  }

  /** Removes the message about `attribute`, if any. */
  clearError(attribute: string): void {
    if (!this.errorMessages.has(attribute)) return;
    const next = new Map(this.errorMessages);
    next.delete(attribute);
    this.errorMessages = next;
  }

  /** Dispatches a bubbling, composed CustomEvent, so pages can listen on any ancestor. */
  emit<T>(name: string, detail: T): boolean {
    return this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  /** True when the reader asked the system for less motion: widgets then never autoplay. */
  prefersReducedMotion(): boolean {
    return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  /**
   * Applies a parsed attribute: on success clears its message and calls `apply`; on failure shows
   * the message and leaves the last good value alone; `keeping` (e.g. `"1000"`) is added to the
   * message as what stays in use. Returns whether the value was applied.
   */
  protected applyAttr<T>(
    attribute: string,
    result: ParseResult<T>,
    apply: (value: T) => void,
    keeping?: string,
  ): boolean {
    if (!result.ok) {
      this.showError(attribute, keeping === undefined ? result.message : `${result.message} Keeping ${keeping}.`);
      return false;
    }
    this.clearError(attribute);
    apply(result.value);
    return true;
  }

  /**
   * Runs `work`, turning an exception into a message in the banner under `area` instead of an
   * uncaught error, so a widget never ends as a blank box. Returns `fallback` on failure.
   */
  protected guard<T>(area: string, work: () => T, fallback: T): T {
    try {
      const value = work();
      this.clearError(area);
      return value;
    } catch (error) {
      this.showError(area, error instanceof Error ? error.message : String(error));
      return fallback;
    }
  }

  /**
   * A render that throws leaves the last good DOM in place and reports the problem instead of
   * escaping as an uncaught exception.
   */
  protected override update(changed: PropertyValues): void {
    try {
      super.update(changed);
    } catch (error) {
      this.showError('render', `Could not draw the widget: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The error banner; empty (and hidden) when all is well. */
  protected renderErrors(): TemplateResult {
    const entries = [...this.errorMessages];
    return html`<div part="error" class="errors" role="alert">${entries.length === 0
      ? nothing
      : entries.map(([attribute, message]) => html`<p class="error-message" data-attribute=${attribute}>${message}</p>`)}</div>`;
  }

  /** A polite live region for short status lines (what just changed, what is loading). */
  protected renderStatus(text: string): TemplateResult {
    return html`<p part="status" class="status" role="status" aria-live="polite">${text}</p>`;
  }
}
