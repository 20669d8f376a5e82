/**
 * One table per widget of the settings a page author writes as attributes. Each row holds the
 * attribute's name, its type, default, limits and a one-line doc, and knows how to parse a raw
 * value (with the messages of ./attributes.ts). The same row then drives:
 *   - the element's reactive properties (`settingProperties`, so `observedAttributes` follows),
 *   - the parsing in `willUpdate` and its error messages (`row.parse(raw)`),
 *   - the teacher's attribute table on the demo page (`attributeDocs`, real defaults),
 *   - the typed URL state: a link may set only a widget's settings (../settings-registry.ts and
 *     src/site/url-state.ts); the widget checks the value as it checks any attribute.
 * Adding an attribute is one row here plus the code that uses the value.
 *
 * Pure data and parsing: importing it defines no element and loads no tensor library.
 */
import type { PropertyDeclaration } from 'lit';
import {
  describeFloatRange,
  parseBoolAttr,
  parseEnumAttr,
  parseFloatAttr,
  parseIntAttr,
  parseListAttr,
  type FloatAttrOptions,
  type ParseResult,
  type RawAttr,
} from './attributes';
import { BACKEND_PREFERENCES, type BackendPreference } from '../../backend/names';
import { MAX_SEED } from '../../data/rng';
import type { ModelSource } from '../../lab/lab-api';

/** Limits a widget may tighten at parse time when they depend on another setting (t ≤ T − 1). */
export interface SettingBounds<T> {
  min?: number;
  max?: number;
  default?: T;
}

export interface Setting<T> {
  /** The attribute, kebab-case (`beta-start`). */
  readonly attribute: string;
  /** The reflected property, camelCase (`betaStart`). */
  readonly property: string;
  /** Type and allowed values as a reader would write them (`whole number 0 … 1999`). */
  readonly type: string;
  /** The value used when the attribute is absent (undefined: the widget works one out). */
  readonly default: T | undefined;
  /** The default as the attribute would be written ('' when there is none to write). */
  readonly defaultText: string;
  readonly doc: string;
  /** Parses a raw attribute or property value; `bounds` tightens limits that depend on others. */
  parse(raw: RawAttr, bounds?: SettingBounds<T>): ParseResult<T>;
}

/** A widget's table: property name → row. */
export type SettingsTable = Readonly<Record<string, Setting<unknown>>>;

/** The parsed value type of a row. */
export type SettingValue<S> = S extends Setting<infer T> ? T : never;

interface Common<T> {
  doc: string;
  default?: T;
  /** The type text for the docs when the generated one would not say enough (`whole number 0 … T`). */
  type?: string;
  /** The default as written in the docs, when it is not simply the value (`all four`). */
  defaultText?: string;
  /**
   * The property, when the camelCase of the attribute is taken: `dataset` would shadow
   * HTMLElement.dataset, so <diffusion-score-field> reflects it as `datasetName`.
   */
  property?: string;
}

/** camelCase property for a kebab-case attribute: `num-train-timesteps` → `numTrainTimesteps`. */
export function propertyForAttribute(attribute: string): string {
  return attribute.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function row<T>(attribute: string, common: Common<T>, type: string, parse: Setting<T>['parse'], write = (v: T) => String(v)): Setting<T> {
  return Object.freeze({
    attribute,
    property: common.property ?? propertyForAttribute(attribute),
    type: common.type ?? type,
    default: common.default,
    defaultText: common.defaultText ?? (common.default === undefined ? '' : write(common.default)),
    doc: common.doc,
    parse,
  });
}

export function intSetting(attribute: string, opts: Common<number> & { min?: number; max?: number }): Setting<number> {
  const range = opts.min !== undefined && opts.max !== undefined ? ` ${opts.min} … ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : '';
  return row(attribute, opts, `whole number${range}`, (raw, b = {}) =>
    parseIntAttr(attribute, raw, { min: b.min ?? opts.min, max: b.max ?? opts.max, default: b.default ?? opts.default }),
  );
}

export function floatSetting(attribute: string, opts: Common<number> & Omit<FloatAttrOptions, 'default'>): Setting<number> {
  return row(attribute, opts, describeFloatRange(opts).replace(/^a /, ''), (raw, b = {}) =>
    parseFloatAttr(attribute, raw, { ...opts, min: b.min ?? opts.min, max: b.max ?? opts.max, default: b.default ?? opts.default }),
  );
}

export function enumSetting<T extends string>(
  attribute: string,
  allowed: readonly T[],
  opts: Common<T> & { hints?: Readonly<Record<string, string>> },
): Setting<T> {
  return row(attribute, opts, allowed.map((a) => `"${a}"`).join(' | '), (raw, b = {}) =>
    parseEnumAttr(attribute, raw, allowed, { default: b.default ?? opts.default, hints: opts.hints }),
  );
}

export function boolSetting(attribute: string, opts: Common<boolean>): Setting<boolean> {
  return row(attribute, { defaultText: '', ...opts }, 'boolean', (raw, b = {}) => parseBoolAttr(attribute, raw, { default: b.default ?? opts.default }));
}

export function listSetting<T = string>(
  attribute: string,
  opts: Common<readonly T[]> & {
    allowed?: readonly string[];
    parseItem?: (item: string) => ParseResult<T>;
    minItems?: number;
    maxItems?: number;
    unique?: boolean;
    hints?: Readonly<Record<string, string>>;
  },
): Setting<T[]> {
  const type = opts.allowed ? `comma-separated, from ${opts.allowed.map((a) => `"${a}"`).join(' | ')}` : 'comma-separated list';
  return row<T[]>(
    attribute,
    { ...opts, default: opts.default ? [...opts.default] : undefined },
    type,
    (raw, b = {}) => parseListAttr<T>(attribute, raw, { ...opts, default: b.default ?? opts.default }),
    (v) => v.join(','),
  );
}

/** A free text value (a folder URL, a name); empty means the default. */
export function textSetting(attribute: string, opts: Common<string>): Setting<string> {
  return row(attribute, opts, 'text', (raw, b = {}) => {
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    const fallback = b.default ?? opts.default;
    if (text !== '') return { ok: true, value: text };
    return fallback === undefined ? { ok: false, message: `${attribute} is missing.` } : { ok: true, value: fallback };
  });
}

/** The `seed` every widget takes: an unsigned 32-bit integer, the domain of src/data/rng.ts. */
export function seedSetting(doc: string, defaultSeed = 0): Setting<number> {
  return intSetting('seed', { min: 0, max: MAX_SEED, default: defaultSeed, doc, type: 'whole number 0 … 4294967295' });
}

/** `assets-base`: the folder the widget loads its data from; a link can never set it (url-state). */
export function assetsBaseSetting(holds: string): Setting<string> {
  return textSetting('assets-base', {
    default: '/assets/',
    type: 'URL of a folder',
    doc: `Folder that holds ${holds}, relative to the page. Cannot be set from a link.`,
  });
}

/** A row with a parser of its own (e.g. the sampler's panel list). */
export function customSetting<T>(attribute: string, opts: Common<T> & { type: string; parse: Setting<T>['parse']; write?: (v: T) => string }): Setting<T> {
  return row(attribute, opts, opts.type, opts.parse, opts.write);
}

const BACKEND_HINTS: Readonly<Record<string, string>> = Object.freeze({
  gpu: 'for the graphics card choose "webgpu" or "webgl"',
  webgl2: 'write "webgl" (it uses WebGL 2)',
  'tensorflow-node': 'in a browser choose "wasm" or "cpu"',
  node: 'in a browser choose "wasm" or "cpu"',
  webassembly: 'write "wasm"',
});

/** `backend` of the widgets that use the page's lab: "auto" (the default) lets the lab choose webgpu → webgl → wasm → cpu. */
export function backendSetting(): Setting<BackendPreference> {
  return enumSetting<BackendPreference>('backend', BACKEND_PREFERENCES, {
    default: 'auto',
    hints: BACKEND_HINTS,
    doc: 'tfjs backend of the page’s lab. "auto" times a real training step on each backend the browser offers (wasm with 1 and several workers, webgpu, webgl; 2 s of timed steps, once per device, then remembered) and uses the quickest; one lab serves every widget on a page, so the first widget to start it decides.',
  });
}

/** `assets-base` of a lab widget: a folder URL (relative to the page), or null for the lab's default (the site's assets/). */
export function parseLabAssetsBase(raw: RawAttr): ParseResult<string | null> {
  if (raw === null || raw === undefined || String(raw).trim() === '') return { ok: true, value: null };
  const text = String(raw).trim();
  try {
    new URL(text, typeof document !== 'undefined' ? document.baseURI : 'http://localhost/');
  } catch {
    return { ok: false, message: `assets-base="${text}" is not valid: use the URL of the folder that holds mnist/ and checkpoints/, such as "/assets/".` };
  }
  return { ok: true, value: text.endsWith('/') ? text : `${text}/` };
}

/**
 * `assets-base` of the widgets that use the page's lab: as assetsBaseSetting for the docs, but
 * absent means null, so the widget joins the page's lab with the lab's own default.
 */
export function labAssetsBaseSetting(holds: string): Setting<string | null> {
  return customSetting<string | null>('assets-base', {
    type: 'URL of a folder',
    defaultText: '/assets/',
    doc: `Folder that holds ${holds}, relative to the page. Cannot be set from a link.`,
    parse: parseLabAssetsBase,
  });
}

/** The models a lab widget can sample from: the shipped checkpoint or the one trained on the page. */
export const MODEL_SOURCES = ['shipped', 'trained'] as const satisfies readonly ModelSource[];

/** `source` of the widgets that sample the page's model; `hints` answer the names people try instead. */
export function modelSourceSetting(hints: Readonly<Record<string, string>>): Setting<ModelSource> {
  return enumSetting<ModelSource>('source', MODEL_SOURCES, {
    default: 'shipped',
    hints,
    doc: 'The shipped checkpoint, or the model trained on this page with <diffusion-trainer>.',
  });
}

/**
 * Lit property declarations for a table: every setting is a reflected attribute holding the raw
 * value, parsed in willUpdate. Use as `static override properties = settingProperties(TABLE)`.
 */
export function settingProperties(table: SettingsTable): Record<string, PropertyDeclaration> {
  const out: Record<string, PropertyDeclaration> = {};
  for (const [property, setting] of Object.entries(table)) {
    if (property !== setting.property) throw new Error(`settings table: row "${property}" names attribute "${setting.attribute}" (property "${setting.property}")`);
    out[property] = { attribute: setting.attribute, reflect: true };
  }
  return out;
}

/** The attribute rows of the teacher's docs, in table order. */
export function attributeDocs(table: SettingsTable): Array<{ name: string; type: string; default: string; description: string }> {
  return Object.values(table).map((s) => ({ name: s.attribute, type: s.type, default: s.defaultText, description: s.doc }));
}

/** The row for an attribute, if the table has one. */
export function settingFor(table: SettingsTable, attribute: string): Setting<unknown> | undefined {
  return Object.values(table).find((s) => s.attribute === attribute);
}

/** A row's default, for a widget's starting values; throws for a row without one (a bug in the table). */
export function defaultOf<T>(setting: Setting<T>): T {
  if (setting.default === undefined) throw new Error(`settings table: "${setting.attribute}" has no default`);
  return setting.default;
}

/**
 * Whether a value (from a link, say) is one the widget accepts: null when it is, else the message
 * the widget would show. Limits that depend on other settings are checked by the widget itself.
 */
export function checkSettingValue(table: SettingsTable, attribute: string, value: string): string | null {
  const setting = settingFor(table, attribute);
  if (!setting) return `"${attribute}" is not a setting of this widget`;
  const result = setting.parse(value);
  return result.ok ? null : result.message;
}
