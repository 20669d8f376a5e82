/**
 * The look of <diffusion-forward>: the shared widget styles plus its own layout of the controls,
 * the three images, the numbers, the comparison table, the drawing pad and the histogram.
 */
import { css } from 'lit';
import { containerHostStyles, fieldsetStyles, introStyles, rowStyles } from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const forwardStyles = [
  widgetStyles,
  containerHostStyles,
  introStyles,
  rowStyles,
  fieldsetStyles,
  css`
    .t-control {
      flex: 1 1 18rem;
    }

    .t-control input[type='range'] {
      width: 100%;
    }

    .t-readout {
      font-variant-numeric: tabular-nums;
      color: var(--_fg);
    }

    .digit-name {
      max-width: 12rem;
      font-size: 0.85rem;
      line-height: 1.25;
      color: var(--_muted);
    }

    .layout {
      display: grid;
      /* The left column is as wide as the three images, so long captions wrap instead of
         squeezing the chart. */
      grid-template-columns: minmax(0, calc(3 * 140px + 2 * 0.9rem)) minmax(16rem, 1fr);
      gap: 1rem 1.5rem;
      align-items: start;
    }

    @container (max-width: 46rem) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }

    [part~='images'] {
      display: flex;
      flex-wrap: wrap;
      align-items: start;
      gap: 0.5rem 0.9rem;
    }

    figure {
      width: 140px;
      margin: 0;
    }

    figcaption {
      margin-top: 0.3rem;
      font-size: 0.85rem;
      text-align: center;
      color: var(--_muted);
    }

    canvas.digit {
      width: 140px;
      height: 140px;
    }

    .operator {
      align-self: center;
      margin-top: -1.4rem;
      font-size: 1.1rem;
      color: var(--_muted);
    }

    .formula {
      margin: 0.6rem 0 0;
      font-size: 0.9rem;
    }

    var {
      font-style: italic;
    }

    [part~='numbers'] {
      display: grid;
      grid-template-columns: repeat(3, auto);
      justify-content: start;
      gap: 0.1rem 1.5rem;
      margin: 0.75rem 0 0;
    }

    [part~='numbers'] dt {
      font-size: 0.8rem;
      color: var(--_muted);
    }

    [part~='numbers'] dd {
      margin: 0;
      font-size: 1.05rem;
      font-variant-numeric: tabular-nums;
      font-family: var(--_mono);
    }

    [part~='chart'] {
      min-width: 0;
    }

    table {
      width: 100%;
      margin-top: 0.5rem;
      border-collapse: collapse;
      font-size: 0.85rem;
    }

    caption {
      margin-bottom: 0.25rem;
      font-size: 0.85rem;
      text-align: left;
      color: var(--_muted);
    }

    th,
    td {
      padding: 0.2rem 0.4rem;
      text-align: right;
      border-bottom: 1px solid var(--_border);
    }

    th[scope='row'] {
      font-weight: normal;
      text-align: left;
    }

    td {
      font-family: var(--_mono);
      font-variant-numeric: tabular-nums;
    }

    tr.shown th,
    tr.shown td {
      font-weight: 700;
    }

    [part~='pad'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: end;
      margin: 0 0 0.75rem;
      padding: 0.6rem;
      background: var(--_surface);
      border-radius: 6px;
    }

    [part~='pad'][hidden] {
      display: none;
    }

    canvas.pad {
      width: 168px;
      height: 168px;
      cursor: crosshair;
      touch-action: none;
    }
  `,
];
