/**
 * The look of <diffusion-trainer>: the shared widget styles plus its own layout (controls, the
 * chart beside the preview grid, the progress numbers, the confirmation and checkpoint boxes).
 */
import { css } from 'lit';
import { backendDetailsStyles } from '../base/backend-styles';
import {
  containerHostStyles,
  introStyles,
  invalidFieldStyles,
  legendStyles,
  placeholderStyles,
  progressStyles,
  rowStyles,
} from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const trainerStyles = [
  widgetStyles,
  backendDetailsStyles,
  containerHostStyles,
  introStyles,
  invalidFieldStyles,
  rowStyles,
  placeholderStyles,
  progressStyles,
  legendStyles,
  css`
    input[type='number'] {
      width: 7.5rem;
    }

    [part~='controls'] label {
      max-width: 100%;
    }

    /* Fields aligned by their tops, so the batch hint below its field leaves the row level. */
    [part~='controls'] {
      align-items: start;
    }

    /* What an empty ("auto") batch field gives; the input reads it as its description. */
    [part~='controls'] .hint {
      font-size: 0.85em;
      color: var(--_muted);
    }

    select.preset {
      max-width: 100%;
    }

    [part~='actions'] {
      margin: 0 0 0.75rem;
    }

    button.main {
      min-width: 9rem;
    }

    [part~='backend'],
    [part~='advice'] {
      margin: 0 0 0.6rem;
      font-size: 0.85rem;
      color: var(--_muted);
    }

    [part~='backend'] strong {
      color: var(--_fg);
    }

    [part~='advice'] {
      padding: 0.5rem 0.75rem;
      background: var(--_surface);
      border-left: 3px solid var(--_accent);
      border-radius: 6px;
    }

    [part~='confirm'] {
      margin: 0 0 0.75rem;
      padding: 0.6rem 0.75rem;
      color: var(--_error-fg);
      background: var(--_error-bg);
      border: 1px solid var(--_error-border);
      border-radius: 6px;
    }

    [part~='confirm'] p {
      margin: 0 0 0.5rem;
    }

    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1.5fr) minmax(0, 1fr);
      gap: 1rem 1.5rem;
      align-items: start;
    }

    @container (max-width: 44rem) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }

    [part~='chart'] {
      position: relative;
      min-width: 0;
    }

    .chart-empty {
      position: absolute;
      inset: 40% 1rem auto 4rem;
      margin: 0;
      text-align: center;
      font-size: 0.85rem;
      color: var(--_muted);
      pointer-events: none;
    }

    [part~='images'] {
      margin: 0;
    }

    [part~='images'] canvas.digit {
      width: 100%;
      max-width: 300px;
      height: auto;
    }

    .placeholder {
      width: 100%;
      max-width: 300px;
      aspect-ratio: 288 / 114;
    }

    figcaption {
      margin-top: 0.3rem;
      font-size: 0.85rem;
      color: var(--_muted);
    }

    [part~='progress'] {
      margin: 0.75rem 0 0;
    }

    [part~='progress'] label {
      display: flex;
      flex-direction: row;
      justify-content: space-between;
      color: var(--_fg);
    }

    progress {
      height: 0.9rem;
    }

    [part~='numbers'] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr));
      gap: 0.1rem 1rem;
      margin: 0.5rem 0 0;
    }

    [part~='numbers'] div {
      display: flex;
      flex-direction: column;
    }

    [part~='numbers'] dt {
      font-size: 0.8rem;
      color: var(--_muted);
    }

    [part~='numbers'] dd {
      margin: 0;
      font-family: var(--_mono);
      font-variant-numeric: tabular-nums;
    }

    [part~='checkpoint'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 0.6rem;
      align-items: center;
      margin: 0.9rem 0 0;
      padding: 0.4rem 0.6rem 0.6rem;
      border: 1px solid var(--_border);
      border-radius: 6px;
    }

    .run-summary {
      margin: 0.4rem 0 0;
      font-size: 0.85rem;
      color: var(--_muted);
    }
  `,
];
