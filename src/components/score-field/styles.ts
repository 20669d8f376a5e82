/** The look of <diffusion-score-field>: plot and numbers side by side (stacked when narrow), the quiver plot's layers, legend and drawing pad. */
import { css } from 'lit';
import { containerHostStyles, fieldsetStyles, introStyles, rowStyles } from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const scoreFieldStyles = [
  widgetStyles,
  containerHostStyles,
  introStyles,
  rowStyles,
  fieldsetStyles,
  css`
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 30rem) minmax(16rem, 1fr);
      gap: 1rem 1.5rem;
      align-items: start;
    }

    @container (max-width: 48rem) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }

    .t-control input[type='range'] {
      width: 100%;
    }

    .t-control {
      display: flex;
      margin: 0.5rem 0 0;
    }

    .readout {
      font-variant-numeric: tabular-nums;
      color: var(--_fg);
    }

    [part~='plot'] svg {
      display: block;
      width: 100%;
      height: auto;
      border-radius: 6px;
      touch-action: none;
    }

    [part~='plot'] svg.drawing {
      cursor: crosshair;
    }

    .plot-frame {
      fill: var(--_surface);
      stroke: var(--_border);
    }

    .data-points circle {
      fill: var(--_muted);
      opacity: 0.35;
    }

    .drawn-points circle {
      fill: var(--_fg);
    }

    .arrows-learned path {
      fill: none;
      stroke: var(--_series-1);
      stroke-width: 1.5;
    }

    .arrows-true path {
      fill: none;
      stroke: var(--_series-2);
      stroke-width: 1.5;
      opacity: 0.8;
    }

    .trajectories path {
      fill: none;
      stroke: var(--_series-3);
      stroke-width: 0.8;
      opacity: 0.35;
    }

    /* Langevin paths zigzag with the injected noise: fainter, so the arrows stay readable. */
    svg[data-sampler='langevin'] .trajectories path {
      stroke-width: 0.6;
      opacity: 0.15;
    }

    .particles circle {
      fill: var(--_series-3);
      stroke: var(--_bg);
      stroke-width: 0.6;
    }

    .draw-cursor path {
      stroke: var(--_focus);
      stroke-width: 2;
    }

    [part~='legend'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.2rem 1rem;
      margin: 0.35rem 0 0;
      padding: 0;
      list-style: none;
      font-size: 0.85rem;
      color: var(--_muted);
    }

    .swatch {
      display: inline-block;
      width: 1.1em;
      height: 0.3em;
      margin-right: 0.35em;
      vertical-align: middle;
      border-radius: 2px;
    }

    .swatch.learned {
      background: var(--_series-1);
    }

    .swatch.true {
      background: var(--_series-2);
    }

    .swatch.particles {
      background: var(--_series-3);
    }

    .swatch.data {
      background: var(--_muted);
    }

    [part~='numbers'] {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.15rem 0.8rem;
      margin: 0 0 0.75rem;
    }

    [part~='numbers'] dt {
      font-size: 0.85rem;
      color: var(--_muted);
    }

    [part~='numbers'] dd {
      margin: 0;
      font-family: var(--_mono);
      font-variant-numeric: tabular-nums;
    }

    [part~='noising'] p {
      font-size: 0.88rem;
    }

    [part~='pad'] {
      margin: 0.5rem 0 0;
      padding: 0.5rem 0.6rem;
      font-size: 0.88rem;
      background: var(--_surface);
      border-radius: 6px;
    }

    [part~='pad'][hidden] {
      display: none;
    }
  `,
];
