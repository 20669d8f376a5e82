/**
 * The teacher's page: one section per widget, built from src/components/docs.ts (so the tables are
 * written once), with the widget live exactly as its snippet says, its attribute and event
 * tables, its parts, and the snippet with a copy button.
 */
import '../src/components/index';
import { registerServiceWorker } from '../src/site/offline';
import { CUSTOM_PROPERTIES, WIDGET_DOCS, type WidgetDoc } from '../src/components/docs';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function code(text: string): HTMLElement {
  return element('code', {}, text);
}

function table(caption: string, headings: string[], rows: Array<Array<Node | string>>, className: string): HTMLElement {
  const head = element('tr', {}, ...headings.map((h) => element('th', { scope: 'col' }, h)));
  const body = rows.map((cells) => element('tr', {}, ...cells.map((cell, i) => (i === 0 ? element('th', { scope: 'row' }, cell) : element('td', {}, cell)))));
  const t = element('table', { className }, element('caption', {}, caption), element('thead', {}, head), element('tbody', {}, ...body));
  return element('div', { className: 'table-scroll' }, t);
}

/** The live widget: the snippet itself, parsed as HTML (it comes from the docs module, not from the reader). */
function liveWidget(doc: WidgetDoc): HTMLElement {
  const template = document.createElement('template');
  template.innerHTML = doc.example;
  const live = template.content.firstElementChild as HTMLElement;
  live.id = `live-${doc.tag}`;
  return element('div', { className: 'demo-live' }, live);
}

function snippet(doc: WidgetDoc): HTMLElement {
  const pre = element('pre', { className: 'snippet', tabIndex: 0 }, code(doc.example));
  pre.setAttribute('aria-label', `Snippet for ${doc.tag}`);
  const status = element('span', { className: 'copy-status' });
  status.setAttribute('role', 'status');
  const button = element('button', { type: 'button', className: 'copy' }, 'Copy snippet');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(doc.example);
      status.textContent = 'Copied.';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  return element('div', { className: 'snippet-box' }, pre, element('div', { className: 'snippet-actions' }, button, status));
}

function section(doc: WidgetDoc): HTMLElement {
  const id = doc.tag;
  const heading = element('h2', { id: `${id}-heading` }, code(`<${doc.tag}>`), ` ${doc.title}`);
  const s = element(
    'section',
    { id, className: 'demo-widget' },
    heading,
    element('p', {}, doc.summary, doc.usesLab ? ' Uses the page’s lab (tfjs in a Web Worker).' : ''),
    liveWidget(doc),
    element('h3', {}, 'Snippet'),
    snippet(doc),
    element('h3', {}, 'Attributes'),
    table(
      `Attributes of <${doc.tag}> (all optional, all reflected)`,
      ['Attribute', 'Type and allowed values', 'Default', 'Description'],
      doc.attributes.map((a) => [code(a.name), a.type, a.default === '' ? '–' : code(a.default), a.description]),
      'attributes',
    ),
    element('h3', {}, 'Events'),
    table(
      `Events of <${doc.tag}> (bubbling, composed CustomEvents)`,
      ['Event', 'detail', 'Fired when'],
      doc.events.map((e) => [code(e.name), code(e.detail), e.when]),
      'events',
    ),
    element('h3', {}, 'Parts'),
    element('p', { className: 'parts' }, ...doc.parts.flatMap((p, i) => (i === 0 ? [code(p)] : [', ', code(p)]))),
  );
  s.setAttribute('aria-labelledby', heading.id);
  return s;
}

function build(): void {
  const docs = document.getElementById('widget-docs');
  const toc = document.getElementById('demo-toc');
  for (const doc of WIDGET_DOCS) {
    docs?.append(section(doc));
    toc?.append(element('li', {}, element('a', { href: `#${doc.tag}` }, code(`<${doc.tag}>`), ` ${doc.title}`)));
  }
  toc?.append(element('li', {}, element('a', { href: '#theming' }, 'Styling')));
  const properties = document.querySelector('#custom-properties tbody');
  for (const p of CUSTOM_PROPERTIES) properties?.append(element('tr', {}, element('th', { scope: 'row' }, code(p.name)), element('td', {}, p.description)));
  document.body.dataset.ready = 'true';
}

build();

registerServiceWorker();
