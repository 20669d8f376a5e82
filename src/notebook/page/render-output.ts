/**
 * Draws what the kernel sends under a cell: text, errors with their line, warnings, image grids
 * (src/charts/image-grid.ts), line charts (d3) and tables. Only drawing: the kernel checked the data.
 */
import { axisBottom, axisLeft, extent, line, scaleLinear, scaleLog, select } from 'd3';
import { imageGrid } from '../../charts/image-grid';
import type { CellOutput } from '../kernel/protocol';

const SERIES_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];
const SERIES_DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '4 2'];

function element<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function images(doc: Document, output: Extract<CellOutput, { kind: 'images' }>): HTMLElement {
  const figure = element(doc, 'figure', 'nb-out nb-out--images');
  const canvas = doc.createElement('canvas');
  const label = `${output.title ? `${output.title}: ` : ''}${output.count} image${output.count === 1 ? '' : 's'} of ${output.side}×${output.side} pixels`;
  imageGrid(canvas, output.data, output.count, { cols: output.cols, side: output.side, scale: output.side <= 28 ? 3 : 1, label });
  if (output.title) figure.append(element(doc, 'figcaption', 'nb-out__title', output.title));
  figure.append(canvas);
  return figure;
}

let chartCount = 0;

function plot(doc: Document, output: Extract<CellOutput, { kind: 'plot' }>): HTMLElement {
  const figure = element(doc, 'figure', 'nb-out nb-out--plot');
  const width = 560;
  const height = 300;
  const margin = { top: 12, right: 16, bottom: 44, left: 60 };
  const xs = output.series.flatMap((s) => s.x);
  const ys = output.series.flatMap((s) => s.y).filter((y) => Number.isFinite(y) && (!output.logY || y > 0));
  const [x0, x1] = extent(xs) as [number, number];
  const [y0, y1] = (extent(ys) as [number | undefined, number | undefined]).map((v) => v ?? (output.logY ? 1 : 0)) as [number, number];
  const x = scaleLinear().domain(x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1]).range([margin.left, width - margin.right]);
  const y = (output.logY ? scaleLog() : scaleLinear())
    .domain(y0 === y1 ? (output.logY ? [y0 / 10, y1 * 10] : [y0 - 1, y1 + 1]) : [y0, y1])
    .range([height - margin.bottom, margin.top])
    .nice();
  const titleId = `nb-plot-${++chartCount}`;
  const names = output.series.map((s) => s.name).join(', ');
  const svg = select(figure)
    .append('svg')
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .attr('aria-labelledby', titleId);
  svg.append('title').attr('id', titleId).text(`${output.title ?? 'Line chart'}: ${names}${output.logY ? ' (log scale)' : ''}`);
  svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(axisBottom(x).ticks(6));
  svg.append('g').attr('transform', `translate(${margin.left},0)`).call(output.logY ? axisLeft(y).ticks(5, '.0e') : axisLeft(y).ticks(6));
  if (output.xLabel) svg.append('text').attr('class', 'nb-plot__label').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text(output.xLabel);
  if (output.yLabel) svg.append('text').attr('class', 'nb-plot__label').attr('transform', `translate(14,${(margin.top + height - margin.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(output.yLabel);
  output.series.forEach((series, i) => {
    const points = series.x.map((xv, j) => [xv, series.y[j]] as [number, number]);
    const path = line<[number, number]>()
      .defined(([, yv]) => Number.isFinite(yv) && (!output.logY || yv > 0))
      .x(([xv]) => x(xv))
      .y(([, yv]) => y(yv));
    svg
      .append('path')
      .attr('fill', 'none')
      .attr('stroke', SERIES_COLORS[i % SERIES_COLORS.length])
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', SERIES_DASHES[i % SERIES_DASHES.length])
      .attr('d', path(points));
  });
  if (output.title) figure.prepend(element(doc, 'figcaption', 'nb-out__title', output.title));
  if (output.series.length > 1) {
    const legend = element(doc, 'ul', 'nb-plot__legend');
    output.series.forEach((series, i) => {
      const item = element(doc, 'li', '', series.name);
      item.style.setProperty('--nb-swatch', SERIES_COLORS[i % SERIES_COLORS.length]);
      legend.append(item);
    });
    figure.append(legend);
  }
  return figure;
}

function table(doc: Document, output: Extract<CellOutput, { kind: 'table' }>): HTMLElement {
  const wrap = element(doc, 'div', 'nb-out nb-out--table table-scroll');
  const t = doc.createElement('table');
  const head = t.createTHead().insertRow();
  for (const column of output.columns) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = column;
    head.append(th);
  }
  const body = t.createTBody();
  for (const row of output.rows) {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().textContent = value;
  }
  wrap.append(t);
  return wrap;
}

/** The element for one output. */
export function renderOutput(doc: Document, output: CellOutput): HTMLElement {
  switch (output.kind) {
    case 'text':
      return element(doc, 'pre', 'nb-out nb-out--text', output.text);
    case 'error': {
      const where = output.line !== null ? ` (line ${output.line})` : '';
      const box = element(doc, 'pre', 'nb-out nb-out--error', `${output.name}${where}: ${output.message}`);
      box.dataset.line = output.line === null ? '' : String(output.line);
      return box;
    }
    case 'warning':
      return element(doc, 'p', 'nb-out nb-out--warning', output.text);
    case 'images':
      return images(doc, output);
    case 'plot':
      return plot(doc, output);
    case 'table':
      return table(doc, output);
    case 'check': {
      const box = element(doc, 'div', `nb-out nb-out--check nb-out--${output.passed ? 'passed' : 'failed'}`);
      box.append(element(doc, 'p', 'nb-out__title', output.passed ? 'All checks passed.' : 'Not yet:'));
      const list = element(doc, 'ul', '');
      for (const message of output.messages) list.append(element(doc, 'li', '', message));
      box.append(list);
      return box;
    }
  }
}
