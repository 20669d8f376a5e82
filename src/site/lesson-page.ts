/**
 * Entry point of every lesson page. The lesson itself (text, formulas, question markup) is static
 * HTML built from Markdown; this script adds what needs the browser, in this order:
 *   1. the URL's widget settings and classroom mode, before any widget renders;
 *   2. progress (opened / done), the "predict, then check" questions, the copy-link button, the
 *      address of this view for the widgets' Embed dialogs;
 *   3. the widget modules this page uses, lazily (widget-loader.ts);
 *   4. the notebook (src/notebook/page/), only on a page with code cells, as its own chunk.
 * Nothing here imports tfjs, Markdown or KaTeX.
 */
import type { EmbedViewRequest } from '../components/base/embed-control';
import { viewUrl } from '../components/base/embed-snippet';
import { defineLessonPredict } from './lesson-predict';
import { createProgressStore, type ProgressStore } from './progress';
import {
  applyHiddenParts,
  applyUrlState,
  isSettableAttribute,
  isWidgetId,
  parseUrlState,
  trackWidgetChanges,
  withWidgetSetting,
  type UrlState,
  type WidgetChangeTracker,
} from './url-state';
import { loadWidgets, type WidgetLoadReport } from './widget-loader';

const lessonId = document.body.dataset.lessonId ?? '';

/** The attributes of each widget on this page, written into the page when it was built. */
function pageWidgetSettings(): (tag: string) => readonly string[] | undefined {
  const text = document.getElementById('widget-settings')?.textContent;
  let settings: Record<string, string[]> = {};
  try {
    settings = text ? (JSON.parse(text) as Record<string, string[]>) : {};
  } catch {
    console.warn('The page\'s widget settings list could not be read; link settings are not checked against it.');
  }
  return (tag) => (Array.isArray(settings[tag]) ? settings[tag] : undefined);
}

function setUpUrlState(settingsOf: (tag: string) => readonly string[] | undefined): { state: UrlState; tracker: WidgetChangeTracker } {
  const state = parseUrlState(location.search);
  const { ignored } = applyUrlState(state, document, settingsOf);
  for (const reason of ignored) console.warn(`Link setting ignored: ${reason}`);
  applyHiddenParts(document);
  const tracker = trackWidgetChanges(document, window);
  const banner = document.querySelector<HTMLElement>('.classroom-banner');
  if (state.classroom && banner) {
    const parts = [
      'Classroom mode',
      state.classroom.seed !== null ? `every figure uses seed ${state.classroom.seed}` : '',
      state.classroom.hide.length > 0 ? `hidden: ${state.classroom.hide.join(', ')}` : '',
    ].filter(Boolean);
    banner.textContent = `${parts.join(' · ')}.`;
    banner.hidden = false;
  }
  return { state, tracker };
}

function setUpProgress(store: ProgressStore): void {
  if (!lessonId) return;
  store.markVisited(lessonId);
  const button = document.querySelector<HTMLButtonElement>('[data-complete]');
  if (!button) return;
  const show = (done: boolean): void => {
    button.setAttribute('aria-pressed', String(done));
    button.textContent = done ? 'Done ✓ (click to undo)' : 'Mark this lesson as done';
  };
  show(store.get(lessonId).completed !== undefined);
  button.addEventListener('click', () => {
    const done = store.get(lessonId).completed === undefined;
    store.setCompleted(lessonId, done);
    show(done);
  });
}

/** Copies the page's current address, which carries the widgets' settings. */
function setUpCopyLink(tracker: WidgetChangeTracker): void {
  const button = document.querySelector<HTMLButtonElement>('[data-copy-link]');
  const status = document.querySelector<HTMLElement>('.lesson-tools__status');
  if (!button || !status) return;
  button.addEventListener('click', async () => {
    tracker.flush();
    const href = location.href;
    try {
      await navigator.clipboard.writeText(href);
      status.textContent = 'Link copied: it opens this lesson with the figures as they are now.';
    } catch {
      // No clipboard permission (an embedded frame, an old browser): show the link to copy by hand.
      status.replaceChildren('Copy this link: ');
      const field = document.createElement('input');
      field.type = 'text';
      field.readOnly = true;
      field.value = href;
      field.className = 'copy-link__field';
      field.setAttribute('aria-label', 'Link to this view');
      status.append(field);
      field.select();
    }
    button.dataset.copied = href;
  });
}

/**
 * A widget's Embed dialog asks for the address of this view: the lesson's URL, which carries every
 * widget's settings (url-state.ts), pointed at that widget, for an iframe. The asking widget's
 * settings are written in from its attributes too, so a change no event reported (t while the
 * forward process plays) is in the frame as well.
 */
function setUpEmbedViews(tracker: WidgetChangeTracker, settingsOf: (tag: string) => readonly string[] | undefined): void {
  document.addEventListener('diffusion-embed-view', (event) => {
    const widget = event.target;
    if (!(widget instanceof HTMLElement)) return;
    tracker.flush();
    let url = new URL(location.href);
    if (isWidgetId(widget.id)) {
      for (const attribute of settingsOf(widget.localName) ?? []) {
        const value = widget.getAttribute(attribute);
        if (value !== null && isSettableAttribute(attribute)) url = withWidgetSetting(url, widget.id, attribute, value);
      }
    }
    const request = (event as CustomEvent<EmbedViewRequest>).detail;
    request.pageUrl = viewUrl(url.href, isWidgetId(widget.id) ? widget.id : '');
    request.pageTitle = document.title;
  });
}

/** Marks the contents entry of the section being read. */
function setUpContentsHighlight(): void {
  const links = [...document.querySelectorAll<HTMLAnchorElement>('.lesson-contents__list a')];
  if (links.length === 0 || !('IntersectionObserver' in window)) return;
  const byId = new Map(links.map((link) => [link.hash.slice(1), link]));
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        for (const link of links) link.removeAttribute('aria-current');
        byId.get(entry.target.id)?.setAttribute('aria-current', 'true');
      }
    },
    { rootMargin: '0px 0px -70% 0px' },
  );
  for (const id of byId.keys()) {
    const heading = document.getElementById(id);
    if (heading) observer.observe(heading);
  }
}

/** Code cells: the notebook's chunk loads only on a page that has some. */
function setUpNotebook(state: UrlState): Promise<unknown> {
  if (!document.querySelector('.nb-cell')) return Promise.resolve(null);
  const hideSolutions = state.classroom?.hide.includes('solutions') === true;
  return import('../notebook/page/notebook-page').then(({ startNotebook }) =>
    startNotebook({ doc: document, lessonId, assetsBase: new URL(`${import.meta.env.BASE_URL}assets/`, document.baseURI).href, hideSolutions }),
  );
}

declare global {
  interface Window {
    /** For tests and the curious: what the page did at start-up. */
    lessonPage?: { urlState: UrlState; widgets: Promise<WidgetLoadReport[]>; notebook: Promise<unknown> };
  }
}

const widgetSettings = pageWidgetSettings();
const { state: urlState, tracker } = setUpUrlState(widgetSettings);
const progress = createProgressStore();
defineLessonPredict({
  recall: (questionId) => progress.get(lessonId).predictions?.[questionId],
  remember: (questionId, choice) => progress.recordPrediction(lessonId, questionId, choice),
});
setUpProgress(progress);
setUpCopyLink(tracker);
setUpEmbedViews(tracker, widgetSettings);
setUpContentsHighlight();
window.lessonPage = { urlState, widgets: loadWidgets(document), notebook: setUpNotebook(urlState) };

// The offline copy (service worker and "Keep this course offline") is not part of the first load.
import('./offline-panel').then(
  ({ startOfflineCopy }) => startOfflineCopy(),
  (error: unknown) => console.warn(`The offline copy of the course is unavailable: ${error instanceof Error ? error.message : String(error)}`),
);
