/** The look of <diffusion-vs-gan>: two panels side by side (stacked when narrow), scatter canvases, share bars and charts. */
import { css } from 'lit';
import { containerHostStyles, introStyles } from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const vsGanStyles = [
  widgetStyles,
  containerHostStyles,
  introStyles,
  css`
    [part~='progress'] {
      align-self: center;
      font-variant-numeric: tabular-nums;
    }

    [part~='panels'] {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 1rem 1.5rem;
    }

    @container (max-width: 40rem) {
      [part~='panels'] {
        grid-template-columns: minmax(0, 1fr);
      }
    }

    [part~='panel'] {
      min-width: 0;
      padding: 0.6rem 0.75rem 0.75rem;
      background: var(--_surface);
      border-radius: 8px;
    }

    h3 .cite {
      font-weight: normal;
      font-size: 0.85rem;
      color: var(--_muted);
    }

    canvas.scatter {
      display: block;
      width: min(100%, 20rem);
      aspect-ratio: 1;
      margin: 0 auto;
      border-radius: 6px;
    }

    .caption {
      margin: 0.25rem 0 0;
      font-size: 0.8rem;
      text-align: center;
      color: var(--_muted);
    }

    [part~='numbers'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.1rem 1rem;
      margin: 0.5rem 0 0.25rem;
      font-variant-numeric: tabular-nums;
    }

    [part~='numbers'] strong {
      font-size: 1.15rem;
    }

    svg.shares {
      display: block;
      width: 100%;
      height: auto;
      color: var(--_muted);
    }

    .chart-heading {
      margin: 0.5rem 0 0;
      font-size: 0.85rem;
      color: var(--_muted);
    }

    .how {
      margin: 0.75rem 0 0;
      font-size: 0.85rem;
      color: var(--_muted);
    }
  `,
];
