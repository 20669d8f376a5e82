import { css } from 'lit';

/** The collapsible "why this backend" line shared by the trainer and the sampler. */
export const backendDetailsStyles = css`
      .backend-details {
        display: inline;
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
