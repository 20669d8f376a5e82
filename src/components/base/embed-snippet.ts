/**
 * The HTML a teacher pastes to show a widget as the learner sees it now, built from the widget's
 * settings table (./settings-table.ts) so it is right for every widget without a line of its own:
 *   - the kit snippet: a versioned <script type="module"> and the element with its current
 *     settings, leaving out those equal to their defaults;
 *   - the iframe snippet: a page address (a lesson carrying its widgets' settings in its URL,
 *     src/site/url-state.ts) framed for platforms that take only iframes.
 *
 * Pure: strings in, strings out; the Embed dialog (./embed-control.ts) renders what this returns.
 */
import type { Setting, SettingsTable } from './settings-table';

/** Escapes text for a double-quoted HTML attribute value (HTML § 13.1.2.3): & and " at least. */
export function escapeAttributeValue(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Attributes that name a place to load from (`assets-base`): they are relative to the page they
 * were written on, so on another page they would point nowhere; the kit loads from beside itself.
 */
const LOCATION_ATTRIBUTE = /(?:^|-)(?:url|src|href|base|path)$/;

/** A setting left out of a snippet, and why, for the dialog to say. */
export interface LeftOutSetting {
  attribute: string;
  value: string;
  reason: string;
}

export interface CurrentSettings {
  /** attribute → value as written now, in table order, defaults left out. */
  attributes: Array<[string, string]>;
  leftOut: LeftOutSetting[];
}

/** The value a row stands for when its attribute is absent, or undefined when the widget works it out. */
function defaultValue(setting: Setting<unknown>): unknown {
  if (setting.default !== undefined) return setting.default;
  if (setting.defaultText === '') return undefined;
  const parsed = setting.parse(setting.defaultText);
  return parsed.ok ? parsed.value : undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The settings a widget shows now: each row's attribute as `read` returns it (the widgets keep
 * every setting in its reflected attribute, controls included), without defaults, location
 * attributes, or values the widget rejected (it shows a message and keeps its last good value).
 */
export function currentSettings(table: SettingsTable, read: (attribute: string) => string | null): CurrentSettings {
  const attributes: Array<[string, string]> = [];
  const leftOut: LeftOutSetting[] = [];
  for (const setting of Object.values(table)) {
    const raw = read(setting.attribute);
    if (raw === null) continue;
    const value = raw.trim();
    if (LOCATION_ATTRIBUTE.test(setting.attribute)) {
      leftOut.push({ attribute: setting.attribute, value, reason: 'it is relative to this page; the kit loads its data from beside itself' });
      continue;
    }
    const parsed = setting.parse(raw);
    if (!parsed.ok) {
      leftOut.push({ attribute: setting.attribute, value, reason: 'the widget does not accept it' });
      continue;
    }
    if (sameValue(parsed.value, defaultValue(setting))) continue;
    attributes.push([setting.attribute, value]);
  }
  return { attributes, leftOut };
}

/** Lines longer than this put one attribute per line. */
const ONE_LINE_MAX = 100;

/** `<tag a="1" b></tag>`; an empty value is written as the attribute alone. */
export function elementHtml(tag: string, attributes: ReadonlyArray<readonly [string, string]>): string {
  const written = attributes.map(([name, value]) => (value === '' ? name : `${name}="${escapeAttributeValue(value)}"`));
  const oneLine = `<${tag}${written.map((a) => ` ${a}`).join('')}></${tag}>`;
  if (oneLine.length <= ONE_LINE_MAX) return oneLine;
  return `<${tag}\n${written.map((a) => `  ${a}`).join('\n')}\n></${tag}>`;
}

/** The kit's module script. */
export function scriptTagHtml(moduleUrl: string): string {
  return `<script type="module" src="${escapeAttributeValue(moduleUrl)}"></script>`;
}

export interface KitSnippet {
  text: string;
  leftOut: LeftOutSetting[];
}

/** The script tag and the element with its current settings, ready to paste into a page. */
export function kitSnippet(tag: string, table: SettingsTable, read: (attribute: string) => string | null, moduleUrl: string): KitSnippet {
  const { attributes, leftOut } = currentSettings(table, read);
  return { text: `${scriptTagHtml(moduleUrl)}\n${elementHtml(tag, attributes)}`, leftOut };
}

/** The page's address pointing at the widget: `#id` replaces any fragment, so the frame opens at it. */
export function viewUrl(pageHref: string, widgetId: string): string {
  const url = new URL(pageHref);
  url.hash = widgetId ? `#${widgetId}` : '';
  return url.href;
}

/** Frame heights: tall enough for a widget with its heading, short enough for a course page. */
export const IFRAME_MIN_HEIGHT = 480;
export const IFRAME_MAX_HEIGHT = 1200;

/** A frame height for a widget drawn `widgetHeight` pixels tall (room for the page's header). */
export function iframeHeight(widgetHeight: number): number {
  const wanted = Number.isFinite(widgetHeight) ? Math.ceil(widgetHeight) + 160 : IFRAME_MIN_HEIGHT;
  return Math.min(IFRAME_MAX_HEIGHT, Math.max(IFRAME_MIN_HEIGHT, wanted));
}

/** An iframe of `url`, as wide as its column, with a title for screen readers. */
export function iframeHtml(url: string, title: string, height: number): string {
  return `<iframe src="${escapeAttributeValue(url)}" title="${escapeAttributeValue(title)}" width="100%" height="${Math.round(height)}" style="border: 0; max-width: 100%;" loading="lazy"></iframe>`;
}
