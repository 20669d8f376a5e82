/**
 * The look of <diffusion-schedule>: the shared widget styles plus its schedule toggles with their
 * swatches, the three charts, the noised digits and the copied config.
 */
import { css } from 'lit';
import { containerHostStyles, fieldsetStyles, introStyles, invalidFieldStyles } from '../base/shared-styles';
import { widgetStyles } from '../base/widget-base';

export const scheduleStyles = [
  widgetStyles,
  containerHostStyles,
  introStyles,
  fieldsetStyles,
  invalidFieldStyles,
  css`
    fieldset {
      gap: 0.25rem 1rem;
      padding: 0.3rem 0.6rem 0.45rem;
    }

    .swatch {
      display: inline-block;
      width: 1.6rem;
      height: 0.7rem;
      vertical-align: middle;
    }

    /* Colours by class, not a style attribute, so the widget runs under style-src 'self'. */
    .swatch.linear line {
      stroke: var(--_series-1);
    }
    .swatch.scaled_linear line {
      stroke: var(--_series-2);
    }
    .swatch.squaredcos_cap_v2 line {
      stroke: var(--_series-3);
    }
    .swatch.sigmoid line {
      stroke: var(--_series-4);
    }

    input[type='number'] {
      width: 7.5rem;
    }

    .hint {
      flex-basis: 100%;
      margin: 0;
      font-size: 0.8rem;
      color: var(--_muted);
    }

    .charts {
      display: grid;
      grid-template-columns: repeat(3, minmax(0, 1fr));
      gap: 0.5rem 1rem;
    }

    @container (max-width: 52rem) {
      .charts {
        grid-template-columns: minmax(0, 1fr);
      }
    }

    [part~='images'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem 1.1rem;
      margin-top: 0.75rem;
    }

    figure {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.3rem;
      margin: 0;
      min-width: 7.5rem;
    }

    figcaption {
      font-size: 0.85rem;
      line-height: 1.3;
      text-align: center;
    }

    figcaption .name {
      display: block;
      font-weight: 600;
    }

    figcaption .value {
      color: var(--_muted);
      font-variant-numeric: tabular-nums;
    }

    canvas.digit {
      width: 112px;
      height: 112px;
    }

    button.copy {
      font-size: 0.8rem;
      padding: 0.25rem 0.5rem;
    }

    [part~='config'] {
      margin-top: 0.75rem;
    }

    [part~='config'][hidden] {
      display: none;
    }

    pre {
      max-height: 22rem;
      margin: 0.25rem 0 0;
      padding: 0.6rem 0.75rem;
      overflow: auto;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: 6px;
    }
  `,
];
