/**
 * A density histogram drawn into a given <svg>: bar heights are count / (n · bin width), so the
 * bars have area 1 and can be compared with a probability density drawn over them (e.g. the
 * N(0, 1) pdf that the pixels of x_t approach as t grows).
 */
import { axisBottom, axisLeft, line, scaleLinear } from 'd3';
import { axisLabel, child, prepareSvg } from './svg-frame';

export interface HistogramOptions {
  /** Number of equal-width bins over `domain`. */
  bins: number;
  /** x range; values outside it are left out (and counted in `HistogramResult.outside`). */
  domain: [number, number];
  /** A density drawn over the bars, e.g. the standard normal pdf. */
  overlay?: (x: number) => number;
  /** Legend names for the bars and the overlay. */
  valuesLabel?: string;
  overlayLabel?: string;
  /** Fixed top of the y axis (bars above it are cut and marked); default: fits bars and overlay. */
  yMax?: number;
  xLabel?: string;
  yLabel?: string;
  title: string;
  description: string;
  showTitle?: boolean;
  width?: number;
  height?: number;
}

export interface HistogramResult {
  /** Density of each bin (area-normalised over all values). */
  densities: Float64Array;
  /** How many values fell outside the domain (or were not finite). */
  outside: number;
}

const OVERLAY_SAMPLES = 161;

/** Bin densities: count / (n · width), counting every value, drawing only those inside `domain`. */
export function binDensities(values: ArrayLike<number>, bins: number, domain: [number, number]): HistogramResult {
  const [lo, hi] = domain;
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  const scale = values.length > 0 ? 1 / (values.length * width) : 0;
  for (let b = 0; b < bins; b++) counts[b] *= scale;
  return { densities: counts, outside };
}

/** Draws (or redraws) the histogram into `element`. */
export function histogram(element: SVGSVGElement, values: ArrayLike<number>, opts: HistogramOptions): HistogramResult {
  const width = opts.width ?? 360;
  const height = opts.height ?? 220;
  const showTitle = opts.showTitle ?? true;
  const hasLegend = Boolean(opts.valuesLabel || (opts.overlay && opts.overlayLabel));
  const margin = { top: (showTitle ? 28 : 8) + (hasLegend ? 18 : 0), right: 14, bottom: 42, left: 50 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const bins = Math.max(1, Math.floor(opts.bins));
  const svg = prepareSvg(element, { width, height, title: opts.title, description: opts.description, role: 'img' });

  const result = binDensities(values, bins, opts.domain);
  const [lo, hi] = opts.domain;
  const binWidth = (hi - lo) / bins;
  const overlayPoints: Array<[number, number]> = [];
  if (opts.overlay) {
    for (let k = 0; k < OVERLAY_SAMPLES; k++) {
      const xv = lo + ((hi - lo) * k) / (OVERLAY_SAMPLES - 1);
      overlayPoints.push([xv, opts.overlay(xv)]);
    }
  }
  const fitted = Math.max(...result.densities, ...overlayPoints.map((p) => p[1]).filter(Number.isFinite), 1e-6) * 1.08;
  const yMax = opts.yMax ?? fitted;
  const x = scaleLinear().domain(opts.domain).range([0, innerW]);
  const y = scaleLinear().domain([0, yMax]).range([innerH, 0]);

  child(svg, 'text', 'chart-title')
    .attr('x', 4)
    .attr('y', 16)
    .attr('font-size', 13)
    .attr('display', showTitle ? null : 'none')
    .text(opts.title);
  const root = child(svg, 'g', 'chart-root').attr('transform', `translate(${margin.left},${margin.top})`);

  child(root, 'g', 'chart-axis-x')
    .attr('class', 'chart-axis-x chart-axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerW / 60))));
  const yTicks = Math.max(2, Math.floor(innerH / 36));
  child(root, 'g', 'chart-axis-y').attr('class', 'chart-axis-y chart-axis').call(axisLeft(y).ticks(yTicks).tickFormat(y.tickFormat(yTicks)));
  if (opts.xLabel) axisLabel(root, 'chart-x-label', opts.xLabel, { x: innerW / 2, y: innerH + 34 });
  if (opts.yLabel) axisLabel(root, 'chart-y-label', opts.yLabel, { x: -38, y: innerH / 2, rotate: true });

  const bars = Array.from(result.densities, (d, b) => ({ d, b }));
  child(root, 'g', 'histogram-bars')
    .selectAll<SVGRectElement, (typeof bars)[number]>('rect')
    .data(bars)
    .join('rect')
    .attr('class', (p) => (p.d > yMax ? 'histogram-bar clipped' : 'histogram-bar'))
    .attr('x', (p) => x(lo + p.b * binWidth) + 0.5)
    .attr('width', Math.max(0.5, x(lo + binWidth) - x(lo) - 1))
    .attr('y', (p) => y(Math.min(p.d, yMax)))
    .attr('height', (p) => innerH - y(Math.min(p.d, yMax)));
  // A cut bar gets a small caret on top, so a fixed axis never hides how tall it really is.
  const clipped = bars.filter((p) => p.d > yMax);
  child(root, 'g', 'histogram-clip-marks')
    .selectAll<SVGPathElement, (typeof bars)[number]>('path')
    .data(clipped)
    .join('path')
    .attr('class', 'histogram-clip-mark')
    .attr('d', (p) => `M${x(lo + (p.b + 0.5) * binWidth)},-6 l-4,6 h8 z`)
    .style('fill', 'var(--_fg, currentColor)');

  const overlayPath = child(root, 'path', 'histogram-overlay');
  if (opts.overlay) {
    const draw = line<[number, number]>()
      .defined((p) => Number.isFinite(p[1]))
      .x((p) => x(p[0]))
      .y((p) => y(Math.min(p[1], yMax)));
    overlayPath.attr('display', null).attr('d', draw(overlayPoints));
  } else {
    overlayPath.attr('display', 'none');
  }

  const legend = child(svg, 'g', 'chart-legend').attr('transform', `translate(${margin.left},${(showTitle ? 34 : 10)})`);
  legend.attr('display', hasLegend ? null : 'none');
  child(legend, 'rect', 'legend-bar').attr('class', 'legend-bar histogram-bar').attr('x', 0).attr('y', -10).attr('width', 14).attr('height', 10)
    .attr('display', opts.valuesLabel ? null : 'none');
  child(legend, 'text', 'legend-bar-text').attr('x', 19).attr('y', 0).text(opts.valuesLabel ?? '');
  const overlayOffset = opts.valuesLabel ? 30 + opts.valuesLabel.length * 6.5 : 0;
  const showOverlayLegend = Boolean(opts.overlay && opts.overlayLabel);
  child(legend, 'line', 'legend-overlay')
    .attr('class', 'legend-overlay histogram-overlay')
    .attr('x1', overlayOffset).attr('x2', overlayOffset + 18).attr('y1', -4).attr('y2', -4)
    .attr('display', showOverlayLegend ? null : 'none');
  child(legend, 'text', 'legend-overlay-text')
    .attr('x', overlayOffset + 22)
    .attr('y', 0)
    .attr('display', showOverlayLegend ? null : 'none')
    .text(opts.overlayLabel ?? '');
  return result;
}
