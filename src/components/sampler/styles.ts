/** Styles of <diffusion-sampler>: the shared widget styles, then its scrubber, panels and quality readings. */
import { css } from 'lit';
import { backendDetailsStyles } from '../base/backend-styles';
import {
  containerHostStyles,
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

export const samplerStyles = [
  widgetStyles,
  backendDetailsStyles,
  containerHostStyles,
  introStyles,
  invalidFieldStyles,
  rowStyles,
  modelPartStyles,
  problemStyles,
  frameRowStyles,
  placeholderStyles,
  staleStyles,
  inlineNumbersStyles,
  progressStyles,
  css`
    input[type='number'] {
      width: 6.5rem;
    }

    [part~='model'] .problem {
      margin: 0.3rem 0 0;
    }

    .placeholder {
      min-height: 6rem;
    }

    [part~='scrubber'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.4rem 0.75rem;
      margin: 0 0 0.75rem;
      padding: 0.5rem 0.6rem;
      background: var(--_surface);
      border-radius: 6px;
    }

    [part~='scrubber'] label {
      flex: 1 1 16rem;
    }

    [part~='scrubber'] input[type='range'] {
      width: 100%;
    }

    .scrub-readout {
      color: var(--_fg);
      font-variant-numeric: tabular-nums;
    }

    [part~='panels'] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(15.5rem, 1fr));
      gap: 0.9rem;
    }

    [part~='panel'] {
      display: flex;
      flex-direction: column;
      gap: 0.45rem;
      min-width: 0;
      margin: 0;
      padding: 0.6rem 0.7rem 0.7rem;
      border: 1px solid var(--_border);
      border-radius: 8px;
    }

    [part~='panel'] h3 {
      margin: 0;
      font-size: 0.95rem;
    }

    .panel-head {
      display: flex;
      align-items: start;
      justify-content: space-between;
      gap: 0.4rem;
    }

    .panel-settings {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(6.2rem, 1fr));
      gap: 0.35rem 0.5rem;
    }

    .panel-settings input[type='number'],
    .panel-settings select {
      width: 100%;
    }

    .scale-note {
      font-size: 0.78rem;
      color: var(--_muted);
    }

    button.remove {
      padding: 0.1rem 0.45rem;
      font-size: 0.8rem;
    }

    [part~='steps'] figure,
    [part~='images'] {
      margin: 0;
    }

    [part~='steps'] {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }

    canvas.digit {
      max-width: 100%;
    }

    .frame-caption,
    figcaption {
      font-size: 0.8rem;
      color: var(--_muted);
    }

    [part~='quality'] {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      font-size: 0.85rem;
    }

    [part~='quality'] button {
      align-self: start;
    }

    .quality-error {
      padding: 0.35rem 0.55rem;
      color: var(--_error-fg);
      background: var(--_error-bg);
      border: 1px solid var(--_error-border);
      border-radius: 6px;
    }
  `,
];
