/**
 * What every exercise check shares: calling the learner's function without letting it throw,
 * reading its answer as numbers (arrays, tensors or a number), and saying how it differs from the
 * library's answer in the learner's terms: a known mistake when the answer matches one, else the
 * first differing value and the largest difference.
 */
import { Rng } from '../../data/rng';
import type { CheckReport } from './types';

/** A tf.Tensor as far as a check cares: it can be read back synchronously. */
interface TensorLike {
  shape: number[];
  dataSync(): ArrayLike<number>;
}

function isTensorLike(v: unknown): v is TensorLike {
  return typeof v === 'object' && v !== null && typeof (v as TensorLike).dataSync === 'function' && Array.isArray((v as TensorLike).shape);
}

/** A value for messages: 3 significant digits, no trailing noise. */
export function fmt(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** Outcome of calling the learner's function: its value, or a message saying what went wrong. */
export type Called<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Calls `fn(...args)`, turning a thrown error into a message that names the call. Arrays are
 * passed as copies, so a function that writes into its inputs cannot change the check's own.
 */
export function callLearner(fn: unknown, name: string, args: unknown[], call: string): Called<unknown> {
  if (typeof fn !== 'function') return { ok: false, message: `${name} is not a function: define \`function ${name}(…)\` in the cell.` };
  const copies = args.map((a) => (a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array ? a.slice() : a));
  try {
    return { ok: true, value: (fn as (...a: unknown[]) => unknown)(...copies) };
  } catch (e) {
    return { ok: false, message: `${call} threw an error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Reads the learner's answer as `length` finite numbers (Float32Array, number[] or a tf tensor are
 * all accepted), or says why it cannot: nothing returned, a promise, the wrong size, NaN.
 */
export function readNumbers(value: unknown, length: number, call: string, what = 'one per pixel of the input'): Called<Float64Array> {
  if (value === undefined) return { ok: false, message: `${call} returned undefined: did you forget \`return\`?` };
  if (value === null) return { ok: false, message: `${call} returned null; return an array of ${length} numbers.` };
  if (value instanceof Promise) return { ok: false, message: `${call} returned a Promise: write a plain (not async) function.` };
  let values: ArrayLike<number>;
  if (isTensorLike(value)) values = value.dataSync();
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) values = value as unknown as ArrayLike<number>;
  else if (Array.isArray(value)) values = value as number[];
  else if (typeof value === 'number') values = [value];
  else return { ok: false, message: `${call} returned ${describe(value)}; return a Float32Array (or array) of ${length} numbers.` };
  if (values.length !== length) {
    return { ok: false, message: `${call} returned ${values.length} value${values.length === 1 ? '' : 's'}, expected ${length} (${what}).` };
  }
  const out = Float64Array.from(values, Number);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return { ok: false, message: `${call} gives ${fmt(out[bad])} at index ${bad}: look for a division by zero, √ of a negative number or an undefined variable.` };
  return { ok: true, value: out };
}

/** Reads one finite number. */
export function readNumber(value: unknown, call: string): Called<number> {
  if (value === undefined) return { ok: false, message: `${call} returned undefined: did you forget \`return\`?` };
  if (typeof value !== 'number') return { ok: false, message: `${call} returned ${describe(value)}; return a number.` };
  if (!Number.isFinite(value)) return { ok: false, message: `${call} is ${fmt(value)}: look for a division by zero or √ of a negative number.` };
  return { ok: true, value };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}

/** Largest |a − b| and where it is. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { index: number; diff: number } {
  let index = 0;
  let diff = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > diff) {
      diff = d;
      index = i;
    }
  }
  return { index, diff };
}

/** Equal up to float32 rounding of the library's tensors: |a − b| ≤ tol·(1 + |b|) everywhere. */
export function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])))) return false;
  return true;
}

/** A mistake learners make, as the answer it would give on the same inputs. */
export interface Mistake {
  value: ArrayLike<number>;
  message: string;
}

/**
 * Compares the learner's answer with the library's. Null when they agree; otherwise the message
 * of the first known mistake the answer matches, else where it differs most, prefixed by `where`.
 */
export function compare(where: string, actual: ArrayLike<number>, expected: ArrayLike<number>, mistakes: Mistake[] = [], tol = 1e-4): string | null {
  if (close(actual, expected, tol)) return null;
  const prefix = expected.length === 1 ? `${where} is ${fmt(actual[0])}, expected ${fmt(expected[0])}` : where;
  for (const m of mistakes) if (!close(m.value, expected, tol) && close(actual, m.value, tol)) return `${prefix}: ${m.message}`;
  if (expected.length === 1) return `${prefix}.`;
  const { index, diff } = maxDiff(actual, expected);
  const ratio = constantRatio(actual, expected);
  const factor = ratio !== null ? ` Every value is ${fmt(ratio)} × the expected one: look for a missing or extra factor.` : '';
  return `${where}: value ${index} is ${fmt(actual[index])}, expected ${fmt(expected[index])} (largest difference ${fmt(diff)}).${factor}`;
}

/** r when actual ≈ r·expected everywhere (r ≠ 1), else null. */
function constantRatio(actual: ArrayLike<number>, expected: ArrayLike<number>): number | null {
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    num += actual[i] * expected[i];
    den += expected[i] * expected[i];
  }
  if (den === 0) return null;
  const r = num / den;
  if (Math.abs(r - 1) < 1e-3) return null;
  for (let i = 0; i < actual.length; i++) if (Math.abs(actual[i] - r * expected[i]) > 1e-4 * (1 + Math.abs(actual[i]))) return null;
  return r;
}

/** `n` standard normal values from a seeded generator (checks are reproducible). */
export function normals(rng: Rng, n: number, scale = 1): Float32Array {
  const out = rng.fillNormal(new Float32Array(n));
  if (scale !== 1) for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

/** Runs the cases in order and stops at the first failure; all passing gives one summary line. */
export function runCases(cases: Array<() => string | null>, passed: string): CheckReport {
  for (const c of cases) {
    const problem = c();
    if (problem !== null) return { passed: false, messages: [problem] };
  }
  return { passed: true, messages: [passed] };
}

export { Rng };
