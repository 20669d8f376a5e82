/**
 * Attribute parsers for the widgets. They never throw: each returns the parsed value or a
 * message that names the attribute, quotes what was given and says what is allowed, ready to be
 * shown inside the widget (`DiffusionWidget.applyAttr`).
 *
 * An absent attribute (null / undefined) or an empty one gives `options.default` when there is
 * one; without a default it is reported as missing. Properties set from script may hold numbers
 * or booleans; those are accepted as well as strings.
 */

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** What an attribute or its reflected property can hold. */
export type RawAttr = string | number | boolean | null | undefined;

export interface IntAttrOptions {
  min?: number;
  max?: number;
  default?: number;
}

export interface FloatAttrOptions {
  min?: number;
  max?: number;
  /** The bound itself is not allowed (e.g. β strictly between 0 and 1). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  default?: number;
}

export interface EnumAttrOptions<T extends string> {
  default?: T;
  /** Extra advice for common mistakes, e.g. `{ cosine: 'the cosine schedule is "squaredcos_cap_v2"' }`. */
  hints?: Readonly<Record<string, string>>;
}

export interface BoolAttrOptions {
  default?: boolean;
}

export interface ListAttrOptions<T> {
  /** Allowed items (compared exactly); use `parseItem` for anything else. */
  allowed?: readonly string[];
  /** Parses one item; its message is reported for the whole attribute. */
  parseItem?: (item: string) => ParseResult<T>;
  minItems?: number;
  maxItems?: number;
  /** Drop repeated items, keeping the first. */
  unique?: boolean;
  default?: readonly T[];
  hints?: Readonly<Record<string, string>>;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(message: string): ParseResult<T> => ({ ok: false, message });

// A plain decimal number, as a person would type it: 12, -3, 0.5, .5, 1e-4. No hex, no Infinity.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function isAbsent(raw: RawAttr): raw is null | undefined | '' {
  return raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
}

/** How a given value is quoted in messages: `t="-5"`. */
export function quoteAttr(name: string, raw: RawAttr): string {
  return `${name}="${String(raw)}"`;
}

function missing<T>(name: string, allowed: string): ParseResult<T> {
  return fail(`${name} is missing: use ${allowed}.`);
}

/** A hint as its own sentence: capitalised, ending in a full stop unless it asks a question. */
function sentence(hint: string | undefined): string {
  if (!hint) return '';
  const text = hint.charAt(0).toUpperCase() + hint.slice(1);
  return ` ${/[.?!]$/.test(text) ? text : `${text}.`}`;
}

function invalid<T>(name: string, raw: RawAttr, allowed: string, hint?: string): ParseResult<T> {
  return fail(`${quoteAttr(name, raw)} is not valid: use ${allowed}.${sentence(hint)}`);
}

function toNumber(raw: string | number | boolean): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return Number.NaN;
  const text = raw.trim();
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** Describes an integer range: "a whole number from 1 to 1000", "a whole number ≥ 0". */
export function describeIntRange(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`;
  if (min !== undefined) return `a whole number ≥ ${min}`;
  if (max !== undefined) return `a whole number ≤ ${max}`;
  return 'a whole number';
}

/** Describes a number range, e.g. "a number greater than 0 and less than 1". */
export function describeFloatRange(opts: FloatAttrOptions): string {
  const parts: string[] = [];
  if (opts.min !== undefined) parts.push(`${opts.minExclusive ? 'greater than' : 'at least'} ${opts.min}`);
  if (opts.max !== undefined) parts.push(`${opts.maxExclusive ? 'less than' : 'at most'} ${opts.max}`);
  return parts.length === 0 ? 'a number' : `a number ${parts.join(' and ')}`;
}

/** A whole number within [min, max]. `"1e3"` and `"1000.0"` are accepted; `"abc"`, `"2.5"` are not. */
export function parseIntAttr(name: string, raw: RawAttr, opts: IntAttrOptions = {}): ParseResult<number> {
  const allowed = describeIntRange(opts.min, opts.max);
  if (isAbsent(raw)) return opts.default === undefined ? missing(name, allowed) : ok(opts.default);
  const value = toNumber(raw);
  if (!Number.isInteger(value)) return invalid(name, raw, allowed);
  if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
    return invalid(name, raw, allowed);
  }
  return ok(value);
}

/** A finite decimal number within the given bounds (each inclusive unless marked exclusive). */
export function parseFloatAttr(name: string, raw: RawAttr, opts: FloatAttrOptions = {}): ParseResult<number> {
  const allowed = describeFloatRange(opts);
  if (isAbsent(raw)) return opts.default === undefined ? missing(name, allowed) : ok(opts.default);
  const value = toNumber(raw);
  if (!Number.isFinite(value)) return invalid(name, raw, allowed);
  const { min, max } = opts;
  const belowMin = min !== undefined && (opts.minExclusive ? value <= min : value < min);
  const aboveMax = max !== undefined && (opts.maxExclusive ? value >= max : value > max);
  if (belowMin || aboveMax) return invalid(name, raw, allowed);
  return ok(value);
}

/** Lists names as messages show them: `"a", "b" or "c"`. */
export function listAllowed(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function enumHint(item: string, allowed: readonly string[], hints?: Readonly<Record<string, string>>): string | undefined {
  const lower = item.toLowerCase();
  const hint = hints?.[item] ?? hints?.[lower];
  if (hint) return hint;
  const caseMatch = allowed.find((a) => a.toLowerCase() === lower);
  return caseMatch === undefined ? undefined : `names are case-sensitive: did you mean "${caseMatch}"?`;
}

/** One of `allowed`, compared exactly (surrounding spaces ignored). */
export function parseEnumAttr<T extends string>(
  name: string,
  raw: RawAttr,
  allowed: readonly T[],
  opts: EnumAttrOptions<T> = {},
): ParseResult<T> {
  const described = allowed.length <= 2 ? listAllowed(allowed) : `one of ${listAllowed(allowed)}`;
  if (isAbsent(raw)) return opts.default === undefined ? missing(name, described) : ok(opts.default);
  const text = String(raw).trim();
  if ((allowed as readonly string[]).includes(text)) return ok(text as T);
  return invalid(name, raw, described, enumHint(text, allowed, opts.hints));
}

/**
 * A boolean attribute: present and empty, `"true"` or the attribute's own name mean true,
 * `"false"` means false, absent gives the default (false unless given).
 */
export function parseBoolAttr(name: string, raw: RawAttr, opts: BoolAttrOptions = {}): ParseResult<boolean> {
  if (typeof raw === 'boolean') return ok(raw);
  if (raw === null || raw === undefined) return ok(opts.default ?? false);
  const text = String(raw).trim().toLowerCase();
  if (text === '' || text === 'true' || text === name.toLowerCase()) return ok(true);
  if (text === 'false') return ok(false);
  return invalid(name, raw, '"true" or "false" (or the attribute alone for true)');
}

/** A comma- or space-separated list, e.g. `schedules="linear, squaredcos_cap_v2"`. */
export function parseListAttr<T = string>(name: string, raw: RawAttr, opts: ListAttrOptions<T> = {}): ParseResult<T[]> {
  const minItems = opts.minItems ?? 1;
  const itemDesc = opts.allowed ? `items from ${listAllowed(opts.allowed)}` : 'items';
  const countDesc =
    opts.maxItems !== undefined
      ? `${minItems === opts.maxItems ? minItems : `${minItems} to ${opts.maxItems}`}`
      : `at least ${minItems}`;
  const described = `a comma-separated list of ${countDesc} ${itemDesc}`;
  if (isAbsent(raw)) return opts.default === undefined ? missing(name, described) : ok([...opts.default]);

  const items = String(raw)
    .split(/[\s,]+/)
    .filter((item) => item !== '');
  const values: T[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (opts.unique && seen.has(item)) continue;
    seen.add(item);
    if (opts.allowed && !opts.allowed.includes(item)) {
      return fail(
        `${quoteAttr(name, raw)} is not valid: "${item}" is not one of ${listAllowed(opts.allowed)}.` +
          sentence(enumHint(item, opts.allowed, opts.hints)),
      );
    }
    if (opts.parseItem) {
      const parsed = opts.parseItem(item);
      if (!parsed.ok) return fail(`${quoteAttr(name, raw)} is not valid: ${parsed.message}`);
      values.push(parsed.value);
    } else {
      values.push(item as unknown as T);
    }
  }
  if (values.length < minItems || (opts.maxItems !== undefined && values.length > opts.maxItems)) {
    return invalid(name, raw, described);
  }
  return ok(values);
}
