/**
 * The kernel's output functions turned into messages for the page: `show` (an image grid), `plot`
 * (a line chart) and `table`. Each checks its input and throws an Error that says what is wrong in
 * the learner's terms; the page only draws.
 */
import * as tf from '@tensorflow/tfjs';
import { isTensor, formatValue } from './format-value';
import type { CellOutput, PlotSeries } from './protocol';

const MAX_IMAGES = 256;
const MAX_POINTS = 100_000;
const MAX_ROWS = 500;

export interface ShowOptions {
  cols?: number;
  title?: string;
}

/** One tensor of images as [n, side, side] values: [n,s,s,1], [s,s] or [n,s,s]. */
function imagesOf(t: tf.Tensor): { data: Float32Array; count: number; side: number } {
  const s = t.shape;
  const square = (h: number, w: number): boolean => h === w && h > 0;
  let count: number;
  let side: number;
  if (s.length === 4 && s[3] === 1 && square(s[1], s[2])) [count, side] = [s[0], s[1]];
  else if (s.length === 3 && square(s[1], s[2])) [count, side] = [s[0], s[1]];
  else if (s.length === 2 && square(s[0], s[1])) [count, side] = [1, s[0]];
  else throw new Error(`show: expected images shaped [n, 28, 28, 1], [28, 28] or [n, 28, 28], got [${s.join(', ')}]`);
  return { data: t.dataSync() as Float32Array, count, side };
}

export function imagesOutput(images: unknown, options: ShowOptions = {}): CellOutput {
  const list = Array.isArray(images) ? images : [images];
  if (list.length === 0) throw new Error('show: there are no images to show (an empty list)');
  const parts = list.map((item, i) => {
    if (!isTensor(item)) throw new Error(`show: expected a tf.Tensor of images${Array.isArray(images) ? ` as item ${i}` : ''}, got ${formatValue(item, true).slice(0, 60)}`);
    if (item.isDisposed) throw new Error('show: the tensor was disposed before it could be shown');
    return imagesOf(item);
  });
  const side = parts[0].side;
  if (parts.some((p) => p.side !== side)) throw new Error('show: all images must have the same size');
  const total = parts.reduce((n, p) => n + p.count, 0);
  const count = Math.min(total, MAX_IMAGES);
  const data = new Float32Array(count * side * side);
  let offset = 0;
  for (const part of parts) {
    const take = Math.min(part.count * side * side, data.length - offset);
    data.set(part.data.subarray(0, take), offset);
    offset += take;
  }
  const cols = Math.max(1, Math.min(count, Math.floor(options.cols ?? Math.min(count, 8))));
  const title = total > MAX_IMAGES ? `${options.title ?? 'Images'} (first ${MAX_IMAGES} of ${total})` : options.title;
  return { kind: 'images', data, count, side, cols, ...(title ? { title } : {}) };
}

export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
}

function numbers(values: unknown, what: string): number[] {
  const array = isTensor(values) ? Array.from(values.dataSync()) : values;
  if (!Array.isArray(array) && !ArrayBuffer.isView(array)) throw new Error(`plot: ${what} must be an array of numbers`);
  const out = Array.from(array as ArrayLike<unknown>, (v, i) => {
    if (typeof v !== 'number') throw new Error(`plot: ${what}[${i}] is ${formatValue(v, true)}, not a number`);
    return v;
  });
  if (out.length > MAX_POINTS) throw new Error(`plot: ${what} has ${out.length} points; at most ${MAX_POINTS}`);
  return out;
}

function isSeriesObject(value: unknown): value is { name?: unknown; x?: unknown; y: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !isTensor(value) && 'y' in value;
}

/** plot(...series, options?): each series a number[] (or tensor) or { name?, x?, y }. */
export function plotOutput(args: unknown[]): CellOutput {
  const items = [...args];
  let options: PlotOptions = {};
  const last = items[items.length - 1];
  if (items.length > 0 && typeof last === 'object' && last !== null && !Array.isArray(last) && !ArrayBuffer.isView(last) && !isTensor(last) && !('y' in last)) {
    options = items.pop() as PlotOptions;
  }
  if (items.length === 0) throw new Error('plot: give at least one series, e.g. plot([1, 4, 9]) or plot({ name: "ᾱ", y: values })');
  const series: PlotSeries[] = items.map((item, i) => {
    const label = `series ${i + 1}`;
    if (isSeriesObject(item)) {
      const y = numbers(item.y, `${label}'s y`);
      const x = item.x === undefined ? y.map((_, j) => j) : numbers(item.x, `${label}'s x`);
      if (x.length !== y.length) throw new Error(`plot: ${label} has ${x.length} x values but ${y.length} y values`);
      return { name: item.name === undefined ? label : String(item.name), x, y };
    }
    const y = numbers(item, label);
    return { name: label, x: y.map((_, j) => j), y };
  });
  return {
    kind: 'plot',
    series,
    ...(options.title ? { title: String(options.title) } : {}),
    ...(options.xLabel ? { xLabel: String(options.xLabel) } : {}),
    ...(options.yLabel ? { yLabel: String(options.yLabel) } : {}),
    ...(options.logY ? { logY: true } : {}),
  };
}

/** table(rows): rows are plain objects; the columns are their keys, in first-seen order. */
export function tableOutput(rows: unknown): CellOutput {
  if (!Array.isArray(rows)) throw new Error('table: expected an array of rows (plain objects), e.g. table([{ t: 0, alphaBar: 1 }])');
  const columns: string[] = [];
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new Error(`table: row ${i} is ${formatValue(row, true).slice(0, 60)}, not an object`);
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  });
  const shown = rows.slice(0, MAX_ROWS) as Array<Record<string, unknown>>;
  const cell = (v: unknown): string => (typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : formatValue(v));
  const body = shown.map((row) => columns.map((c) => (c in row ? cell(row[c]) : '')));
  if (rows.length > MAX_ROWS) body.push(columns.map((_, i) => (i === 0 ? `… ${rows.length - MAX_ROWS} more rows` : '')));
  return { kind: 'table', columns, rows: body };
}
