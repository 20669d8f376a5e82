/**
 * Thrown for any scheduler or schedule setting that cannot work. The message always names the
 * setting, the value that was given and what is allowed, so a control in a lesson can show it as is.
 */
export class DiffusionConfigError extends Error {
  /** The camelCase name of the setting, e.g. `betaSchedule`. */
  readonly setting: string;
  /** The value that was rejected. */
  readonly value: unknown;
  /** Human-readable description of the allowed values or range. */
  readonly allowed: string;

  constructor(setting: string, value: unknown, allowed: string, detail?: string) {
    const extra = detail ? ` (${detail})` : '';
    super(`Invalid ${setting}: ${formatValue(value)}${extra}. Allowed: ${allowed}.`);
    this.name = 'DiffusionConfigError';
    this.setting = setting;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Renders a rejected value readably: strings quoted, NaN and typed arrays spelled out. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const arr = Array.from(value as ArrayLike<unknown>);
    const head = arr.slice(0, 6).map((v) => (typeof v === 'number' ? String(v) : formatValue(v)));
    return `[${head.join(', ')}${arr.length > 6 ? `, … (${arr.length} values)` : ''}]`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Lists allowed names the way error messages show them: `"a", "b" or "c"`. */
export function listNames(names: readonly string[]): string {
  const quoted = names.map((n) => JSON.stringify(n));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
