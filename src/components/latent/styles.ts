/**
 * The look of <diffusion-latent> (the autoencoder strip, the two sample figures side by side, the
 * comparison table that folds its ratio column on a phone) and of <diffusion-bias> (the histogram
 * bars and the share table).
 */
import { css } from 'lit';
import { backendDetailsStyles } from '../base/backend-styles';
import { containerHostStyles, introStyles, placeholderStyles, problemStyles } from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const latentStyles = [
  widgetStyles,
  backendDetailsStyles,
  containerHostStyles,
  introStyles,
  placeholderStyles,
  problemStyles,
  css`
    section {
      margin: 0 0 1rem;
    }

    .strip {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem 1.2rem;
      align-items: start;
    }

    figure {
      margin: 0;
      min-width: 0;
    }

    figcaption {
      margin: 0 0 0.25rem;
      font-size: 0.82rem;
      color: var(--_muted);
    }

    canvas.digit {
      max-width: 100%;
      height: auto;
    }

    input[type='number'] {
      width: 5.5rem;
    }

    [part~='samples'] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
      gap: 0.8rem;
    }

    [part~='samples'] figure {
      padding: 0.5rem 0.6rem;
      border: 1px solid var(--_border);
      border-radius: 8px;
    }

    .placeholder {
      min-height: 4.5rem;
    }

    .table-wrap {
      overflow-x: auto;
    }

    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.85rem;
    }

    th,
    td {
      padding: 0.3rem 0.45rem;
      text-align: left;
      vertical-align: top;
      border-bottom: 1px solid var(--_border);
    }

    thead th {
      color: var(--_muted);
      font-weight: 600;
    }

    td.num {
      font-family: var(--_mono);
      font-variant-numeric: tabular-nums;
    }

    .ratio,
    .ratio-inline {
      color: var(--_muted);
      white-space: nowrap;
    }

    .ratio-inline {
      display: none;
      font-family: var(--_font);
    }

    /* On a phone the comparison moves under the latent figure instead of a fourth column. */
    @container (max-width: 34rem) {
      .ratio {
        display: none;
      }

      .ratio-inline {
        display: block;
      }

      th,
      td {
        padding: 0.3rem 0.25rem;
      }
    }

    [part~='model'] {
      margin: 0 0 0.75rem;
      font-size: 0.85rem;
      color: var(--_muted);
    }

    .note {
      font-size: 0.8rem;
      color: var(--_muted);
    }
  `,
];

export const biasStyles = [
  widgetStyles,
  backendDetailsStyles,
  introStyles,
  problemStyles,
  css`
    input[type='number'] {
      width: 5.5rem;
    }

    [part~='chart'] {
      max-width: 36rem;
    }

    .bar-training {
      fill: none;
      stroke: var(--_fg);
      stroke-width: 1.5;
    }

    .bar-samples {
      fill: var(--_accent);
    }

    .summary {
      margin: 0.5rem 0;
      font-weight: 600;
    }

    table {
      border-collapse: collapse;
      font-size: 0.82rem;
      font-variant-numeric: tabular-nums;
    }

    th,
    td {
      padding: 0.15rem 0.45rem;
      text-align: right;
      border-bottom: 1px solid var(--_border);
    }

    th[scope='row'] {
      text-align: left;
      color: var(--_muted);
      font-weight: 500;
    }

    .table-wrap {
      overflow-x: auto;
    }

    canvas.digit {
      max-width: 100%;
      height: auto;
    }

    [part~='images'] {
      margin: 0.75rem 0 0;
    }

    figcaption,
    .note {
      font-size: 0.82rem;
      color: var(--_muted);
    }
  `,
];
