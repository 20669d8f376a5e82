/**
 * The Embed button every widget shows in its header, and the dialog it opens: the HTML that puts
 * this widget, as the learner has set it now, on another page (the published kit and the element),
 * and, where the page can give one, an iframe of the page at this view. The snippets come from
 * ./embed-snippet.ts; this renders them and copies them.
 *
 * The page decides what an iframe shows. On opening, the widget fires `diffusion-embed-view`
 * (bubbling, composed) with an EmbedViewRequest; a page that can be framed at this view (a
 * lesson, whose URL carries its widgets' settings) fills in `pageUrl` and `pageTitle` while the
 * event is dispatched. Without an answer the dialog offers the kit snippet alone.
 *
 * Keyboard: the button is a native button (Enter or Space); the dialog is a modal <dialog>, so
 * focus stays inside it, Escape closes it, and focus goes back to the button.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { iframeHeight, iframeHtml, kitSnippet, type LeftOutSetting } from './embed-snippet';
import { kitModuleUrl, KIT_PACKAGE, KIT_VERSION } from './kit-version';
import type { SettingsTable } from './settings-table';
import type { DiffusionWidget } from './widget-base';

/** Detail of `diffusion-embed-view`: the page fills in the address of this view, if it has one. */
export interface EmbedViewRequest {
  /** The widget's id ('' when it has none). */
  readonly id: string;
  /** The address that opens this page at the widget as it is now. */
  pageUrl?: string;
  /** The page's title, for the frame's title attribute. */
  pageTitle?: string;
}

type SnippetKind = 'kit' | 'iframe';

interface OpenState {
  kit: string;
  leftOut: LeftOutSetting[];
  iframe: string | null;
  status: Record<SnippetKind, string>;
}

const COPIED = 'Copied.';
const COPY_REFUSED = 'This browser did not allow copying: the snippet is selected, press Ctrl+C (⌘C on a Mac) to copy it.';

/** Rows for a read-only snippet box: about every wrapped line shown, within reason (it resizes). */
function rowsFor(text: string): number {
  const wrapped = text.split('\n').reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / 64)), 0);
  return Math.min(8, Math.max(3, wrapped));
}

export class EmbedControl implements ReactiveController {
  private state: OpenState | null = null;

  constructor(
    private readonly host: DiffusionWidget,
    private readonly table: SettingsTable,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  private get dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('dialog.embed-dialog');
  }

  private get button(): HTMLButtonElement | null {
    return this.host.renderRoot.querySelector<HTMLButtonElement>('button.embed-button');
  }

  /** Builds the snippets for the view of this moment and opens the dialog. */
  async open(): Promise<void> {
    const host = this.host;
    const request: EmbedViewRequest = { id: host.id };
    host.emit<EmbedViewRequest>('diffusion-embed-view', request);
    const kit = kitSnippet(host.localName, this.table, (name) => host.getAttribute(name), kitModuleUrl());
    const title = request.pageTitle?.trim() || document.title || host.localName;
    this.state = {
      kit: kit.text,
      leftOut: kit.leftOut,
      iframe: request.pageUrl ? iframeHtml(request.pageUrl, title, iframeHeight(host.getBoundingClientRect().height)) : null,
      status: { kit: '', iframe: '' },
    };
    host.requestUpdate();
    await host.updateComplete;
    const dialog = this.dialog;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('button.embed-copy')?.focus();
  }

  close(): void {
    this.dialog?.close();
  }

  private onClosed(): void {
    this.state = null;
    this.host.requestUpdate();
    this.button?.focus();
  }

  /** Copies a snippet; where the clipboard is refused, selects it in its box for Ctrl+C instead. */
  private async copy(kind: SnippetKind, text: string): Promise<void> {
    let message = COPIED;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const box = this.host.renderRoot.querySelector<HTMLTextAreaElement>(`textarea.embed-${kind}`);
      box?.focus();
      box?.select();
      message = COPY_REFUSED;
    }
    if (!this.state) return;
    // A fresh object, and the message cleared first, so a second "Copied." is announced again.
    this.state = { ...this.state, status: { ...this.state.status, [kind]: '' } };
    this.host.requestUpdate();
    await this.host.updateComplete;
    if (!this.state) return;
    this.state = { ...this.state, status: { ...this.state.status, [kind]: message } };
    this.host.requestUpdate();
  }

  private renderSnippet(kind: SnippetKind, label: string, text: string, status: string): TemplateResult {
    return html`<textarea class=${`embed-snippet embed-${kind}`} readonly rows=${rowsFor(text)} spellcheck="false" aria-label=${label} .value=${text}></textarea>
      <div class="embed-actions">
        <button type="button" class="embed-copy" data-snippet=${kind} @click=${() => this.copy(kind, text)}>Copy</button>
        <span class="embed-status" role="status">${status}</span>
      </div>`;
  }

  private renderLeftOut(leftOut: LeftOutSetting[]): TemplateResult | typeof nothing {
    if (leftOut.length === 0) return nothing;
    return html`<ul class="embed-notes">
      ${leftOut.map((l) => html`<li>Left out <code>${l.attribute}="${l.value}"</code>: ${l.reason}.</li>`)}
    </ul>`;
  }

  render(): TemplateResult {
    const s = this.state;
    return html`<div class="embed" part="embed">
      <button type="button" class="embed-button" aria-haspopup="dialog" @click=${() => this.open()}>
        <span aria-hidden="true" class="embed-icon">&lt;/&gt;</span> Embed
      </button>
      <dialog
        class="embed-dialog"
        aria-labelledby="embed-dialog-title"
        @close=${() => this.onClosed()}
        @click=${(event: Event) => {
          // The body fills the dialog, so only a click on the backdrop lands on the dialog itself.
          if (event.target === event.currentTarget) this.close();
        }}
      >
        <div class="embed-body">
          <div class="embed-head">
            <h3 id="embed-dialog-title">Embed this figure</h3>
            <button type="button" class="embed-close" @click=${() => this.close()}>Close</button>
          </div>
          ${s
            ? html`<div class="embed-part">
                  <h4>On a page that allows scripts</h4>
                  <p class="embed-hint">
                    The figure as it is now, from ${KIT_PACKAGE} ${KIT_VERSION} on a public CDN (settings at their
                    defaults are left out).
                  </p>
                  ${this.renderSnippet('kit', 'HTML for a page that allows scripts', s.kit, s.status.kit)} ${this.renderLeftOut(s.leftOut)}
                </div>
                <div class="embed-part">
                  <h4>On a platform that allows only iframes</h4>
                  ${s.iframe
                    ? html`<p class="embed-hint">This page in a frame, opened at this figure with every figure’s settings as they are now.</p>
                        ${this.renderSnippet('iframe', 'HTML of an iframe of this page', s.iframe, s.status.iframe)}`
                    : html`<p class="embed-hint">
                        Open this figure in a lesson and choose Embed there: the lesson’s address carries the figure’s settings, so a
                        frame can show it as it is.
                      </p>`}
                </div>`
            : nothing}
        </div>
      </dialog>
    </div>`;
  }
}
