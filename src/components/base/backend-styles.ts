import { css } from 'lit';

/** The collapsible "why this backend" line shared by the trainer and the sampler. */
export const backendDetailsStyles = css`
      .backend-details {
        display: inline;
      }

      .backend-figures {
        display: block;
        margin-top: 0.2rem;
        font-variant-numeric: tabular-nums;
        overflow-wrap: anywhere;
      }

      .backend-details[open] {
        display: block;
        margin-top: 0.2rem;
      }

      .backend-details summary {
        display: inline;
        cursor: pointer;
        text-decoration: underline dotted;
      }
`;
