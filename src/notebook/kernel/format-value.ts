/**
 * Text for what a cell prints: `print(...)`, `console.log(...)` and the cell's last value. Tensors
 * show their dtype, shape and values (tfjs abbreviates large ones); other objects read as JSON.
 */
import type * as tf from '@tensorflow/tfjs';

/** Longest text one value prints, so a huge array cannot freeze the page. */
const MAX_TEXT = 20_000;

export function isTensor(value: unknown): value is tf.Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as tf.Tensor).dataSync === 'function' &&
    Array.isArray((value as tf.Tensor).shape) &&
    typeof (value as tf.Tensor).dtype === 'string'
  );
}

function tensorText(t: tf.Tensor): string {
  if (t.isDisposed) return `Tensor ${t.dtype} [${t.shape.join(', ')}] (disposed)`;
  const body = t.toString().replace(/^Tensor\s*/, '');
  return `Tensor ${t.dtype} [${t.shape.join(', ')}]\n${body}`;
}

function jsonText(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'function') return `[function ${(v as { name?: string }).name || 'anonymous'}]`;
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (isTensor(v)) return `Tensor ${v.dtype} [${v.shape.join(', ')}]`;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    },
    Array.isArray(value) && value.every((x) => typeof x !== 'object' || x === null) ? undefined : 2,
  );
}

/** One value as text; `quoteStrings` for a cell's value (so "1" and 1 differ), not for print. */
export function formatValue(value: unknown, quoteStrings = false): string {
  let text: string;
  if (typeof value === 'string') text = quoteStrings ? JSON.stringify(value) : value;
  else if (value === undefined) text = 'undefined';
  else if (value === null || typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'symbol') text = value.toString();
  else if (typeof value === 'function') text = `[function ${value.name || 'anonymous'}]`;
  else if (isTensor(value)) text = tensorText(value);
  else if (value instanceof Error) text = `${value.name}: ${value.message}`;
  else {
    try {
      text = jsonText(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}
