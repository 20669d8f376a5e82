/** Styles of <diffusion-inpaint>: the shared widget styles, then its editor, tools, results and step view. */
import { css } from 'lit';
import { backendDetailsStyles } from '../base/backend-styles';
import {
  containerHostStyles,
  fieldsetStyles,
  frameRowStyles,
  inlineNumbersStyles,
  introStyles,
  invalidFieldStyles,
  modelPartStyles,
  placeholderStyles,
  problemStyles,
  progressStyles,
  rowStyles,
  staleStyles,
} from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const inpaintStyles = [
  widgetStyles,
  backendDetailsStyles,
  containerHostStyles,
  introStyles,
  rowStyles,
  fieldsetStyles,
  invalidFieldStyles,
  modelPartStyles,
  problemStyles,
  staleStyles,
  inlineNumbersStyles,
  frameRowStyles,
  progressStyles,
  css`
    .row {
      gap: 0.4rem;
    }

    fieldset {
      margin: 0 0 0.75rem;
    }

    .problem {
      margin: 0.3rem 0 0;
    }

    .run-error {
      margin: 0.3rem 0 0;
      padding: 0.45rem 0.7rem;
      color: var(--_error-fg);
      background: var(--_error-bg);
      border: 1px solid var(--_error-border);
      border-radius: 6px;
    }

    .placeholder {
      min-height: 5rem;
    }

    .stale {
      opacity: 0.6;
    }

    .stale-note {
      margin: 0;
    }

    input[type='number'] {
      width: 5.5rem;
    }

    input.seed {
      width: 7.5rem;
    }

    [part~='input'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem 1.25rem;
      margin: 0 0 0.75rem;
    }

    [part~='editor'] {
      margin: 0;
      flex: 0 1 224px;
      max-width: 100%;
    }

    canvas.editor {
      display: block;
      width: 224px;
      max-width: 100%;
      height: auto;
      aspect-ratio: 1;
      cursor: crosshair;
      touch-action: none;
      border-radius: 4px;
      image-rendering: pixelated;
    }

    [part~='tools'] {
      display: flex;
      flex: 1 1 16rem;
      flex-direction: column;
      gap: 0.55rem;
      min-width: 0;
    }

    [part~='tools'] > label {
      align-self: flex-start;
    }

    .help {
      margin: 0;
      font-size: 0.8rem;
      color: var(--_muted);
    }

    .digit-name {
      font-size: 0.85rem;
    }

    .t0-readout,
    .cost {
      font-size: 0.8rem;
      color: var(--_muted);
      font-variant-numeric: tabular-nums;
    }

    .strength-field {
      flex: 1 1 14rem;
    }

    .strength-field input[type='range'] {
      width: 100%;
    }

    [part~='results'] {
      display: flex;
      flex-direction: column;
      gap: 0.6rem;
      margin: 0 0 0.75rem;
    }

    [part~='images'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem;
      margin: 0;
    }

    [part~='images'] figure {
      margin: 0;
      max-width: 6.5rem;
    }

    [part~='images'] figure.given {
      padding-right: 0.6rem;
      border-right: 1px dashed var(--_border);
    }

    figcaption {
      font-size: 0.78rem;
      color: var(--_muted);
    }

    .reads {
      display: block;
      color: var(--_fg);
    }

    canvas.digit {
      max-width: 100%;
    }

    [part~='steps'] {
      display: flex;
      flex-direction: column;
      gap: 0.3rem;
      padding: 0.5rem 0.6rem;
      background: var(--_surface);
      border-radius: 6px;
    }

    [part~='steps'] h3 {
      margin: 0;
      font-size: 0.95rem;
    }

    [part~='steps'] label {
      width: 100%;
    }

    [part~='steps'] input[type='range'] {
      width: 100%;
    }

    .frame-caption {
      font-size: 0.8rem;
      color: var(--_muted);
      font-variant-numeric: tabular-nums;
    }
  `,
  // After the local rules: a run error shown in place of the results looks like the other placeholders.
  placeholderStyles,
];
