/**
 * The look of the Embed button and its dialog (./embed-control.ts), part of every widget's styles
 * (./widget-base.ts). The button floats at the right of the widget's title, small and quiet; the
 * dialog uses the widget's theme variables, so it follows light, dark and a page's --dl-* colours.
 */
import { css } from 'lit';

export const embedStyles = css`
  .embed {
    float: right;
    margin: -0.3rem -0.3rem 0.4rem 0.75rem;
  }

  .embed-button {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    padding: 0.2rem 0.55rem;
    font-size: 0.8rem;
    line-height: 1.3;
    color: var(--_muted);
    background: transparent;
  }

  .embed-button:hover {
    color: var(--_fg);
  }

  .embed-icon {
    font-family: var(--_mono);
    font-size: 0.75rem;
  }

  .embed-dialog {
    width: min(40rem, calc(100vw - 1.5rem));
    max-width: none;
    max-height: calc(100dvh - 1.5rem);
    padding: 0;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
  }

  .embed-dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }

  .embed-body {
    padding: 0.9rem 1rem 1rem;
    text-align: left;
  }

  .embed-head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 1rem;
  }

  .embed-head h3 {
    margin: 0;
  }

  .embed-part {
    margin-top: 0.9rem;
  }

  .embed-part h4 {
    margin: 0 0 0.2rem;
    font-size: 0.95rem;
  }

  .embed-hint,
  .embed-notes {
    margin: 0 0 0.4rem;
    font-size: 0.85rem;
    color: var(--_muted);
  }

  .embed-notes {
    padding-left: 1.2rem;
  }

  .embed-snippet {
    display: block;
    width: 100%;
    padding: 0.45rem 0.55rem;
    font-family: var(--_mono);
    font-size: 0.8rem;
    line-height: 1.4;
    color: var(--_fg);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 6px;
    /* Wrapped, so the whole snippet can be read and checked before it is copied. */
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    resize: vertical;
  }

  .embed-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.3rem 0.75rem;
    margin-top: 0.4rem;
  }

  .embed-status {
    font-size: 0.85rem;
    color: var(--_muted);
  }

  @media print {
    .embed {
      display: none;
    }
  }
`;
