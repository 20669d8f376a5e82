/**
 * Widget settings in the page URL, so a copied link reproduces what the learner sees.
 *
 *   ?forward.t=500&schedule.schedules=linear,squaredcos_cap_v2
 *
 * `<id>.<attribute>=<value>` sets that attribute on the widget with that id before it first
 * renders; when a widget reports a change (`diffusion-change`, detail `{name, value}`), the URL is
 * rewritten in place with history.replaceState (no new history entries while a slider moves).
 *
 * Classroom mode, for a teacher's projector or a shared link:
 *
 *   ?classroom=1&seed=42&hide=controls,pad
 *
 * gives every widget the same `seed`, marks it with a `classroom` attribute, and hides the named
 * parts of every widget (through `::part()`, the widgets' styling interface).
 *
 * A link must not be able to do more than a learner could with the controls: only custom-element
 * widgets (`diffusion-*`) are touched, and never their event handlers, styling, identity or any
 * attribute that names a URL to load from. On a widget with a settings table
 * (src/components/settings-registry.ts; a lesson page receives each widget's attribute names in
 * the page itself, so its first load carries no table) a link sets only that widget's settings, plus the page's
 * own `hide-parts`; anything else is ignored with a reason. The values are checked by the widget,
 * which shows its own message for a bad one, as for any attribute.
 */
import { MAX_SEED } from '../data/rng';

export const WIDGET_TAG_PREFIX = 'diffusion-';
/** Query keys with a meaning of their own (the rest are `<id>.<attribute>`). */
export const RESERVED_KEYS = ['classroom', 'seed', 'hide'] as const;
const MAX_VALUE_LENGTH = 200;

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const BLOCKED_ATTRIBUTES = new Set(['id', 'class', 'style', 'slot', 'part', 'exportparts', 'is', 'hidden', 'tabindex', 'contenteditable', 'classroom', 'classroom-hide', 'draggable', 'popover', 'inert']);
/** Attributes that point somewhere to fetch from: a link must not redirect a widget's data. */
const LOCATION_ATTRIBUTE = /(?:^|-)(?:url|src|href|base|path|action)$/;

/** Attributes the page itself reads on any widget, which a link may set besides its settings. */
export const PAGE_ATTRIBUTES: readonly string[] = ['hide-parts'];

export interface ClassroomSettings {
  /** The seed every widget gets, or null to keep each widget's own. */
  seed: string | null;
  /** Part names hidden on every widget, e.g. ['controls']. */
  hide: string[];
}

export interface UrlState {
  /** Widget id → attribute → value, in URL order. */
  widgets: Map<string, Map<string, string>>;
  classroom: ClassroomSettings | null;
  /** Keys that were ignored, with the reason, for the console. */
  ignored: string[];
}

/** Whether a URL may set this attribute on a widget. */
export function isSettableAttribute(name: string): boolean {
  return NAME.test(name) && !name.startsWith('on') && !BLOCKED_ATTRIBUTES.has(name) && !LOCATION_ATTRIBUTE.test(name);
}

/**
 * Why a link may not set `attribute` on a `tag` widget whose settings are `settings`, or null when
 * it may: a widget with a settings table takes its settings and the page's own attributes only.
 */
export function notASettingReason(tag: string, settings: readonly string[], attribute: string): string | null {
  if (settings.includes(attribute) || PAGE_ATTRIBUTES.includes(attribute)) return null;
  return `${attribute} is not a setting of <${tag}>; its settings are ${settings.filter(isSettableAttribute).join(', ')}`;
}

export function isWidgetId(id: string): boolean {
  return NAME.test(id);
}

function isTruthy(value: string): boolean {
  return value === '' || value === '1' || value === 'true' || value === 'yes' || value === 'on';
}

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const widgets = new Map<string, Map<string, string>>();
  const ignored: string[] = [];
  for (const [key, value] of params) {
    if ((RESERVED_KEYS as readonly string[]).includes(key)) continue;
    const dot = key.indexOf('.');
    if (dot < 0) {
      ignored.push(`${key}: not a widget setting (write <widget id>.<attribute>)`);
      continue;
    }
    const id = key.slice(0, dot);
    const attribute = key.slice(dot + 1);
    if (!isWidgetId(id)) {
      ignored.push(`${key}: "${id}" is not a widget id`);
      continue;
    }
    if (!isSettableAttribute(attribute)) {
      ignored.push(`${key}: "${attribute}" cannot be set from a link`);
      continue;
    }
    if (value.length > MAX_VALUE_LENGTH) {
      ignored.push(`${key}: value longer than ${MAX_VALUE_LENGTH} characters`);
      continue;
    }
    const settings = widgets.get(id) ?? new Map<string, string>();
    settings.set(attribute, value);
    widgets.set(id, settings);
  }

  let classroom: ClassroomSettings | null = null;
  const classroomFlag = params.get('classroom');
  if (classroomFlag !== null && isTruthy(classroomFlag)) {
    const seedText = params.get('seed');
    let seed: string | null = null;
    if (seedText !== null) {
      if (/^\d{1,10}$/.test(seedText) && Number(seedText) <= MAX_SEED) seed = String(Number(seedText));
      else ignored.push(`seed: "${seedText}" is not a whole number from 0 to ${MAX_SEED}`);
    }
    const hide: string[] = [];
    for (const name of (params.get('hide') ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
      if (NAME.test(name)) {
        if (!hide.includes(name)) hide.push(name);
      } else ignored.push(`hide: "${name}" is not a part name`);
    }
    classroom = { seed, hide };
  }
  return { widgets, classroom, ignored };
}

/**
 * The stylesheet that hides the given parts of every widget whose `attribute` lists them:
 * `classroom-hide` (set by classroom mode) or `hide-parts` (set by a lesson, or by a link, on one
 * widget). Parts are the widgets' styling interface, so this needs nothing from the widgets.
 */
export function classroomHideCss(hide: readonly string[], attribute = 'classroom-hide'): string {
  return hide
    .filter((name) => NAME.test(name))
    .map((name) => `[${attribute}~="${name}"]::part(${name}) { display: none; }`)
    .join('\n');
}

/** Hides, on each widget, the parts its `hide-parts` attribute names (e.g. hide-parts="model numbers"). */
export function applyHiddenParts(doc: Document = document): string[] {
  const names = new Set<string>();
  for (const widget of widgetElements(doc)) {
    for (const name of (widget.getAttribute('hide-parts') ?? '').split(/[\s,]+/)) if (NAME.test(name)) names.add(name);
  }
  const css = classroomHideCss([...names], 'hide-parts');
  if (css) {
    const style = doc.createElement('style');
    style.dataset.hideParts = '';
    style.textContent = css;
    doc.head.append(style);
  }
  return [...names];
}

/** A copy of `url` with one widget setting written in (or replaced). */
export function withWidgetSetting(url: URL, id: string, attribute: string, value: string): URL {
  const next = new URL(url.href);
  next.searchParams.set(`${id}.${attribute}`, value);
  return next;
}

/** The widgets on a page: custom elements whose tag starts with `diffusion-`. */
export function widgetElements(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('*')].filter((element) => element.localName.startsWith(WIDGET_TAG_PREFIX));
}

export interface AppliedState {
  /** `<id>.<attribute>` keys that were applied. */
  applied: string[];
  /** Keys that were not, with the reason. */
  ignored: string[];
}

/**
 * Writes the URL's settings onto the page's widgets. Call it before the widget modules load, so
 * each widget renders once, already in the linked state.
 */
export function applyUrlState(
  state: UrlState,
  doc: Document = document,
  settingAttributes: (tag: string) => readonly string[] | undefined = () => undefined,
): AppliedState {
  const applied: string[] = [];
  const ignored = [...state.ignored];
  const widgets = widgetElements(doc);

  if (state.classroom) {
    const { seed, hide } = state.classroom;
    doc.documentElement.classList.add('classroom');
    for (const widget of widgets) {
      widget.setAttribute('classroom', '');
      if (seed !== null) widget.setAttribute('seed', seed);
      if (hide.length > 0) widget.setAttribute('classroom-hide', hide.join(' '));
    }
    const css = classroomHideCss(hide);
    if (css) {
      const style = doc.createElement('style');
      style.dataset.classroom = '';
      style.textContent = css;
      doc.head.append(style);
    }
  }

  for (const [id, settings] of state.widgets) {
    const element = doc.getElementById(id);
    if (!element || !element.localName.startsWith(WIDGET_TAG_PREFIX)) {
      for (const attribute of settings.keys()) ignored.push(`${id}.${attribute}: no widget with id "${id}" on this page`);
      continue;
    }
    const known = settingAttributes(element.localName);
    for (const [attribute, value] of settings) {
      const reason = known ? notASettingReason(element.localName, known, attribute) : null;
      if (reason) {
        ignored.push(`${id}.${attribute}: ${reason}`);
        continue;
      }
      element.setAttribute(attribute, value);
      applied.push(`${id}.${attribute}`);
    }
  }
  return { applied, ignored };
}

interface ChangeDetail {
  name?: unknown;
  value?: unknown;
}

/** The settings a `diffusion-change` event reports: `{name, value}`, or a plain `{attribute: value}` map. */
export function changedSettings(detail: unknown): Array<[string, string]> {
  if (!detail || typeof detail !== 'object') return [];
  const { name, value } = detail as ChangeDetail;
  const pairs: Array<[string, unknown]> =
    typeof name === 'string' && 'value' in (detail as object) ? [[name, value]] : Object.entries(detail as Record<string, unknown>);
  return pairs
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => [k, String(v)] as [string, string])
    .filter(([k, v]) => isSettableAttribute(k) && v.length <= MAX_VALUE_LENGTH);
}

export interface WidgetChangeTracker {
  /** Writes changes still waiting into the URL now (before copying the link, say). */
  flush(): void;
  /** Stops listening. */
  stop(): void;
}

/**
 * How long changes gather before the URL is rewritten: a dragged slider fires dozens of changes a
 * second, and browsers throttle (and warn about) pages that call replaceState that often.
 */
const URL_WRITE_DELAY_MS = 150;

/**
 * Keeps the URL in step with the widgets: each `diffusion-change` from a widget with an id
 * rewrites `<id>.<name>` in place (history.replaceState, so no new history entries).
 */
export function trackWidgetChanges(doc: Document = document, win: Window = window): WidgetChangeTracker {
  const pending = new Map<string, [string, string, string]>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    let url = new URL(win.location.href);
    for (const [id, name, value] of pending.values()) url = withWidgetSetting(url, id, name, value);
    pending.clear();
    if (url.href !== win.location.href) win.history.replaceState(win.history.state, '', url);
  };

  const onChange = (event: Event): void => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.localName.startsWith(WIDGET_TAG_PREFIX) || !isWidgetId(target.id)) return;
    // A change that is not an attribute (e.g. "the learner drew a digit") cannot go into a link.
    const observed = (target.constructor as { observedAttributes?: unknown }).observedAttributes;
    const settings = changedSettings((event as CustomEvent).detail).filter(
      ([name]) => !Array.isArray(observed) || observed.includes(name),
    );
    for (const [name, value] of settings) pending.set(`${target.id}.${name}`, [target.id, name, value]);
    if (pending.size > 0 && timer === null) timer = setTimeout(flush, URL_WRITE_DELAY_MS);
  };

  doc.addEventListener('diffusion-change', onChange);
  win.addEventListener('pagehide', flush);
  return {
    flush,
    stop() {
      flush();
      doc.removeEventListener('diffusion-change', onChange);
      win.removeEventListener('pagehide', flush);
    },
  };
}
