/**
 * Named style pieces that several widgets share, on top of widgetStyles. A widget lists the ones
 * it uses in `static styles` after widgetStyles and before its own block, so a local rule of the
 * same selector (a different width, margin or opacity) still wins. Kept apart from widgetStyles
 * because not every widget wants them: a piece here only touches the classes and parts it names.
 */
import { css } from 'lit';

/** Widgets that change layout by their own width (`@container` rules) make the host the container. */
export const containerHostStyles = css`
  :host {
    container-type: inline-size;
  }
`;

/** The muted paragraph under a widget's title. */
export const introStyles = css`
  .intro {
    margin: 0 0 0.75rem;
    color: var(--_muted);
  }
`;

/** A legend of a group of controls, styled like a control's label. */
export const legendStyles = css`
  legend {
    padding: 0 0.25rem;
    font-size: 0.85rem;
    color: var(--_muted);
  }
`;

/** A bordered group of choices (radio buttons, check boxes) that wrap on a narrow screen. */
export const fieldsetStyles = css`
  ${legendStyles}

  fieldset {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.9rem;
    margin: 0;
    padding: 0.3rem 0.6rem 0.4rem;
    border: 1px solid var(--_border);
    border-radius: 6px;
  }

  fieldset label {
    color: var(--_fg);
  }
`;

/** A line of buttons and small controls that wraps. */
export const rowStyles = css`
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
`;

/** A control whose attribute was rejected (aria-invalid="true") gets the error colour. */
export const invalidFieldStyles = css`
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--_error-fg);
    outline: 1px solid var(--_error-fg);
  }
`;

/** The dashed box that stands where images will appear; each widget sets its own size. */
export const placeholderStyles = css`
  .placeholder {
    display: grid;
    place-items: center;
    padding: 0.5rem;
    font-size: 0.85rem;
    text-align: center;
    color: var(--_muted);
    background: var(--_surface);
    border: 1px dashed var(--_border);
    border-radius: 4px;
  }
`;

/** Results made with settings that have changed since: faded, with a note saying so. */
export const staleStyles = css`
  .stale {
    opacity: 0.55;
  }

  .stale-note {
    font-size: 0.8rem;
    color: var(--_error-fg);
  }
`;

/** A problem shown in place of what could not load (a missing model), in the error colours. */
export const problemStyles = css`
  .problem {
    overflow-wrap: anywhere;
    padding: 0.45rem 0.7rem;
    color: var(--_error-fg);
    background: var(--_error-bg);
    border: 1px solid var(--_error-border);
    border-radius: 6px;
  }
`;

/** The "Model: …" and "Backend: …" lines of the sampling widgets (see model-line.ts, lab-link.ts). */
export const modelPartStyles = css`
  [part~='model'] {
    margin: 0 0 0.75rem;
    font-size: 0.85rem;
    color: var(--_muted);
  }

  [part~='model'] p {
    margin: 0 0 0.2rem;
  }
`;

/** A run's measurements as an inline list of "name value" pairs (NFE, wall time, …). */
export const inlineNumbersStyles = css`
  [part~='numbers'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem 1rem;
    margin: 0;
    font-size: 0.85rem;
  }

  [part~='numbers'] div {
    display: flex;
  }

  [part~='numbers'] dt {
    color: var(--_muted);
  }

  [part~='numbers'] dd {
    margin: 0 0 0 0.25rem;
    font-family: var(--_mono);
    font-variant-numeric: tabular-nums;
  }
`;

/** Rows of the step-by-step view: a short name (x_t, x̂_0) and a strip of digits. */
export const frameRowStyles = css`
  .frame-row {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    font-size: 0.8rem;
    color: var(--_muted);
  }

  .frame-row span {
    min-width: 1.6rem;
  }
`;

/** A run's progress bar, full width in the accent colour. */
export const progressStyles = css`
  progress {
    width: 100%;
    accent-color: var(--_accent);
  }
`;
