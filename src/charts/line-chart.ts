/**
 * A line chart of one or more series over an integer x (e.g. the timestep t), drawn into a given
 * <svg>. Optional cursor: a vertical line with a dot on each series that can be dragged with the
 * pointer or moved from the keyboard (it is an ARIA slider). Re-rendering the same SVG updates the
 * elements in place, so the cursor keeps focus while it moves.
 */
import { axisBottom, axisLeft, line, scaleLinear, scaleLog, select, type ScaleContinuousNumeric } from 'd3';
import { axisLabel, child, formatPowerOfTen, prepareSvg, uniqueId, type Group, type Margins } from './svg-frame';

export interface LineSeries {
  name: string;
  /** values[i] is drawn at x = x.start + i. Non-finite values (and ≤ 0 on a log axis) leave gaps. */
  values: ArrayLike<number>;
  /** Any CSS colour, including `var(--dl-series-1)`. */
  color?: string;
  /** SVG stroke-dasharray, so series differ by more than colour. */
  dash?: string;
}

export interface LineChartOptions {
  series: readonly LineSeries[];
  x: {
    label: string;
    /** Visible x range; defaults to [start, start + longest series − 1]. */
    domain?: [number, number];
    /** x of values[0] (default 0). */
    start?: number;
    /** Short name used in the cursor readout, e.g. "t" (default: the label's first word). */
    symbol?: string;
  };
  y: {
    label: string;
    scale: 'linear' | 'log';
    domain?: [number, number];
    /** Formats cursor readouts (default: 4 significant digits). */
    format?: (value: number) => string;
  };
  /** Where the cursor is (an x value); no cursor when undefined. */
  cursorX?: number;
  /** Makes the cursor draggable and keyboard-operable; called with the new (integer) x. */
  onCursor?: (x: number) => void;
  /** Accessible name of the cursor slider (default: `${title}: ${x.label} cursor`). */
  cursorLabel?: string;
  title: string;
  description: string;
  /** Draw the title above the plot (default true). */
  showTitle?: boolean;
  /** Draw a legend (default true when there is more than one series). */
  legend?: boolean;
  width?: number;
  height?: number;
}

export interface LineChartScales {
  x: ScaleContinuousNumeric<number, number>;
  y: ScaleContinuousNumeric<number, number>;
}

const DEFAULT_COLORS = ['var(--_series-1, #0072b2)', 'var(--_series-2, #d55e00)', 'var(--_series-3, #009e73)', 'var(--_series-4, #cc79a7)'];
const DEFAULT_DASHES = ['', '6 3', '2 3', '8 3 2 3'];

/** The latest options per SVG, read by event handlers so they never act on a stale render. */
const latest = new WeakMap<SVGSVGElement, { opts: LineChartOptions; cursorX: number; xDomain: [number, number] }>();

export function seriesColor(series: LineSeries, index: number): string {
  return series.color ?? DEFAULT_COLORS[index % DEFAULT_COLORS.length];
}

export function seriesDash(series: LineSeries, index: number): string {
  return series.dash ?? DEFAULT_DASHES[index % DEFAULT_DASHES.length];
}

function defaultFormat(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

function xSymbol(opts: LineChartOptions): string {
  return opts.x.symbol ?? opts.x.label.split(' ')[0];
}

function yExtent(series: readonly LineSeries[], log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return log ? [1e-3, 1] : [0, 1];
  if (lo === hi) return log ? [lo / 10, hi * 10] : [lo - 1, hi + 1];
  return [lo, hi];
}

/** Draws (or redraws) the chart into `element` and returns the scales it used. */
export function lineChart(element: SVGSVGElement, opts: LineChartOptions): LineChartScales {
  const width = opts.width ?? 360;
  const height = opts.height ?? 240;
  const showTitle = opts.showTitle ?? true;
  const showLegend = opts.legend ?? opts.series.length > 1;
  const margin: Margins = { top: showTitle ? 28 : 10, right: 14, bottom: 42, left: 58 };
  if (showLegend) margin.top += 18;
  // Room for the cursor's "t = …" readout above the plot, clear of the title.
  if (opts.cursorX !== undefined) margin.top += 12;
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const interactive = opts.onCursor !== undefined && opts.cursorX !== undefined;
  const svg = prepareSvg(element, { width, height, title: opts.title, description: opts.description, role: interactive ? 'group' : 'img' });

  const start = opts.x.start ?? 0;
  const longest = Math.max(1, ...opts.series.map((s) => s.values.length));
  const xDomain: [number, number] = opts.x.domain ?? [start, start + Math.max(longest - 1, 1)];
  const log = opts.y.scale === 'log';
  const yDomain = opts.y.domain ?? yExtent(opts.series, log);
  const x = scaleLinear().domain(xDomain).range([0, innerW]);
  const y = (log ? scaleLog() : scaleLinear()).domain(yDomain).range([innerH, 0]);
  if (!opts.y.domain) y.nice();
  const format = opts.y.format ?? defaultFormat;

  const root = child(svg, 'g', 'chart-root').attr('transform', `translate(${margin.left},${margin.top})`);

  // Title and legend above the plot.
  const titleText = child(svg, 'text', 'chart-title').attr('x', 4).attr('y', 16).attr('font-size', 13);
  titleText.text(showTitle ? opts.title : '').attr('display', showTitle ? null : 'none');
  drawLegend(child(svg, 'g', 'chart-legend'), opts.series, { x: margin.left, y: showTitle ? 34 : 10, width: innerW, show: showLegend });

  // Axes.
  const xAxis = child(root, 'g', 'chart-axis-x').attr('class', 'chart-axis-x chart-axis').attr('transform', `translate(0,${innerH})`);
  xAxis.call(axisBottom(x).ticks(Math.max(2, Math.floor(innerW / 70))).tickFormat((d) => String(d)));
  const yAxis = child(root, 'g', 'chart-axis-y').attr('class', 'chart-axis-y chart-axis');
  if (log) {
    const ticks = y.ticks().filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
    const step = Math.ceil(ticks.length / Math.max(2, Math.floor(innerH / 28)));
    yAxis.call(axisLeft(y).tickValues(ticks.filter((_, i) => i % step === 0)).tickFormat((d) => formatPowerOfTen(Number(d))));
  } else {
    const count = Math.max(2, Math.floor(innerH / 36));
    yAxis.call(axisLeft(y).ticks(count).tickFormat(y.tickFormat(count)));
  }
  axisLabel(root, 'chart-x-label', opts.x.label, { x: innerW / 2, y: innerH + 34 });
  axisLabel(root, 'chart-y-label', opts.y.label, { x: -44, y: innerH / 2, rotate: true });

  // Lines: one path per series, clipped to the plot.
  const clipId = ensureClip(root, innerW, innerH);
  const lines = child(root, 'g', 'chart-lines').attr('clip-path', `url(#${clipId})`);
  const path = line<number>()
    .defined((v) => Number.isFinite(v) && (!log || v > 0))
    .x((_, i) => x(start + i))
    .y((v) => y(v));
  lines
    .selectAll<SVGPathElement, LineSeries>('path')
    .data(opts.series, (s) => s.name)
    .join('path')
    .attr('class', 'chart-line')
    .attr('data-series', (s) => s.name)
    .attr('fill', 'none')
    .attr('stroke-width', 2)
    .attr('stroke-linejoin', 'round')
    .style('stroke', (s, i) => seriesColor(s, i))
    .attr('stroke-dasharray', (s, i) => seriesDash(s, i) || null)
    .attr('d', (s) => path(Array.from(s.values)));

  drawCursor(element, root, opts, { x, y, innerW, innerH, start, xDomain, format, interactive });
  return { x, y };
}

function ensureClip(root: Group, w: number, h: number): string {
  const defs = child(root, 'defs', 'chart-defs');
  const clip = child(defs, 'clipPath', 'chart-clip');
  if (!clip.attr('id')) clip.attr('id', uniqueId('chart-clip'));
  // A little headroom so lines on the plot's edge are not cut in half.
  child(clip, 'rect', 'chart-clip-rect').attr('x', -2).attr('y', -2).attr('width', w + 4).attr('height', h + 4);
  return clip.attr('id');
}

function drawLegend(
  group: Group,
  series: readonly LineSeries[],
  at: { x: number; y: number; width: number; show: boolean },
): void {
  group.attr('display', at.show ? null : 'none').attr('transform', `translate(${at.x},${at.y})`);
  if (!at.show) return;
  const items = group
    .selectAll<SVGGElement, LineSeries>('g.chart-legend-item')
    .data(series, (s) => s.name)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'chart-legend-item');
      g.append('line').attr('x1', 0).attr('x2', 18).attr('y1', -4).attr('y2', -4).attr('stroke-width', 2);
      g.append('text').attr('x', 22).attr('y', 0);
      return g;
    });
  let offset = 0;
  items.each(function (s, i) {
    const g = select(this);
    g.select('line').style('stroke', seriesColor(s, i)).attr('stroke-dasharray', seriesDash(s, i) || null);
    g.select('text').text(s.name);
    g.attr('transform', `translate(${offset},0)`);
    offset += 30 + s.name.length * 6.5;
  });
}

function drawCursor(
  element: SVGSVGElement,
  root: Group,
  opts: LineChartOptions,
  geo: {
    x: ScaleContinuousNumeric<number, number>;
    y: ScaleContinuousNumeric<number, number>;
    innerW: number;
    innerH: number;
    start: number;
    xDomain: [number, number];
    format: (v: number) => string;
    interactive: boolean;
  },
): void {
  const overlay = child(root, 'rect', 'chart-overlay').attr('width', geo.innerW).attr('height', geo.innerH).attr('fill', 'transparent');
  const cursor = child(root, 'g', 'chart-cursor');
  if (opts.cursorX === undefined) {
    cursor.attr('display', 'none').attr('tabindex', null);
    overlay.attr('display', 'none');
    latest.delete(element);
    return;
  }
  const [lo, hi] = geo.xDomain;
  const cx = Math.min(hi, Math.max(lo, opts.cursorX));
  latest.set(element, { opts, cursorX: cx, xDomain: geo.xDomain });
  const px = geo.x(cx);
  cursor.attr('display', null).attr('transform', `translate(${px},0)`);
  child(cursor, 'line', 'chart-cursor-line').attr('y1', 0).attr('y2', geo.innerH);
  child(cursor, 'path', 'chart-cursor-handle').attr('d', `M0,${geo.innerH - 1} l-6,10 h12 z`);
  const readout = child(cursor, 'text', 'chart-cursor-readout')
    .attr('class', 'chart-cursor-readout chart-label')
    .attr('y', -4)
    .attr('text-anchor', px > geo.innerW * 0.75 ? 'end' : px < geo.innerW * 0.25 ? 'start' : 'middle')
    .text(`${xSymbol(opts)} = ${cx}`);
  readout.attr('font-size', 11);

  const index = Math.round(cx - geo.start);
  const log = opts.y.scale === 'log';
  const points = opts.series.map((s, i) => ({ s, i, v: s.values[index] }));
  cursor
    .selectAll<SVGCircleElement, (typeof points)[number]>('circle.chart-cursor-dot')
    .data(points, (p) => p.s.name)
    .join('circle')
    .attr('class', 'chart-cursor-dot')
    .attr('r', 3.5)
    .attr('cx', 0)
    .style('fill', (p) => seriesColor(p.s, p.i))
    .attr('display', (p) => (Number.isFinite(p.v) && (!log || p.v > 0) ? null : 'none'))
    .attr('cy', (p) => (Number.isFinite(p.v) && (!log || p.v > 0) ? geo.y(p.v) : 0));

  const valueText = points.map((p) => `${p.s.name} ${geo.format(p.v)}`).join(', ');
  if (!geo.interactive) {
    cursor.attr('tabindex', null).attr('role', null).attr('aria-label', null);
    overlay.attr('display', 'none');
    return;
  }
  cursor
    .attr('tabindex', 0)
    .attr('role', 'slider')
    .attr('aria-label', opts.cursorLabel ?? `${opts.title}: ${opts.x.label} cursor`)
    .attr('aria-valuemin', lo)
    .attr('aria-valuemax', hi)
    .attr('aria-valuenow', cx)
    .attr('aria-valuetext', `${xSymbol(opts)} ${cx}: ${valueText}`)
    .attr('aria-orientation', 'horizontal');
  overlay.attr('display', null);

  // Handlers read the latest render's options, so they act on the current cursor and callback.
  const move = (to: number): void => {
    const now = latest.get(element);
    if (!now || !now.opts.onCursor) return;
    const [a, b] = now.xDomain;
    const next = Math.min(b, Math.max(a, Math.round(to)));
    if (next === now.cursorX) return;
    now.cursorX = next;
    now.opts.onCursor(next);
  };
  cursor.on('keydown', (event: KeyboardEvent) => {
    const now = latest.get(element);
    if (!now) return;
    const [a, b] = now.xDomain;
    const big = Math.max(1, Math.round((b - a) / 10));
    const steps: Record<string, number> = {
      ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -big, PageUp: big,
    };
    let target: number | undefined;
    if (event.key in steps) target = now.cursorX + steps[event.key] * (event.shiftKey ? 10 : 1);
    else if (event.key === 'Home') target = a;
    else if (event.key === 'End') target = b;
    if (target === undefined) return;
    event.preventDefault();
    move(target);
  });
  const fromPointer = (event: PointerEvent): number => {
    const rect = (overlay.node() as SVGRectElement).getBoundingClientRect();
    const fraction = rect.width > 0 ? (event.clientX - rect.left) / rect.width : 0;
    return geo.x.invert(fraction * geo.innerW);
  };
  overlay
    .on('pointerdown', (event: PointerEvent) => {
      const target = event.currentTarget as SVGRectElement;
      target.setPointerCapture?.(event.pointerId);
      (cursor.node() as SVGGElement).focus({ preventScroll: true });
      move(fromPointer(event));
      event.preventDefault();
    })
    .on('pointermove', (event: PointerEvent) => {
      const target = event.currentTarget as SVGRectElement;
      if (target.hasPointerCapture?.(event.pointerId)) move(fromPointer(event));
    })
    .on('pointerup pointercancel', (event: PointerEvent) => {
      (event.currentTarget as SVGRectElement).releasePointerCapture?.(event.pointerId);
    });
}
