/**
 * The tfjs backends the course can run on, fastest first, and parsing of a user's choice.
 * Plain data: importing this module loads no tensor library.
 */

/** Backends in the default order of preference (GPU first, then WebAssembly, then plain JS). */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a user may ask for: one backend by name, or 'auto' for the best one available. */
export type BackendPreference = BackendName | 'auto';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', ...BACKEND_NAMES];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** A backend name that is unknown, or known but not usable in this host. */
export class BackendChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendChoiceError';
  }
}

/**
 * Normalises a preference from a URL, an attribute or a command line: case and surrounding
 * spaces are ignored, undefined / '' mean 'auto'. Anything else throws a BackendChoiceError that
 * lists the allowed values.
 */
export function parseBackendPreference(value: unknown): BackendPreference {
  if (value === undefined || value === null || value === '') return 'auto';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === 'auto' || isBackendName(text)) return text;
  throw new BackendChoiceError(
    `Unknown backend ${JSON.stringify(value)}; allowed values: ${BACKEND_PREFERENCES.join(', ')}.`,
  );
}
