/**
 * The d3 quiver plot of <diffusion-score-field>: a square view of the plane with the data as
 * faint dots, score arrows on a grid (learned and, where known, true), particles with their
 * trajectories, the learner's drawn points and a keyboard cursor. Redrawing the same SVG updates
 * its elements in place. Pure drawing: the vectors come in ready to show.
 */
import { axisBottom, axisLeft, scaleLinear, type ScaleLinear } from 'd3';
import { child, prepareSvg, uniqueId } from '../../charts/svg-frame';

export interface QuiverPlotOptions {
  /** The square [lo, hi]² shown. */
  domain: [number, number];
  /** Arrow tails, x and y interleaved (data units). */
  grid: Float32Array;
  /** Side of one grid cell in data units: the longest arrow. */
  cell: number;
  /** Vectors to draw at the grid points, already scaled so that about 1 means "strong"; null hides the set. */
  learned: Float32Array | null;
  truth: Float32Array | null;
  /** Samples of the data set, drawn as faint dots. */
  data: Float32Array;
  /** The learner's points (drawn data set). */
  drawn: Float32Array | null;
  particles: Float32Array | null;
  /** Per-particle paths: trajectories[k] holds every particle's position at recorded frame k. */
  trajectories: readonly Float32Array[] | null;
  /** Keyboard cursor for adding points, in data units. */
  cursor: [number, number] | null;
  title: string;
  description: string;
  size?: number;
}

export interface QuiverPlotScales {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  /** Left and top margins in SVG units. */
  margin: { left: number; top: number };
  size: number;
}

const MARGIN = { top: 8, right: 8, bottom: 30, left: 34 };
const clipIds = new WeakMap<SVGSVGElement, string>();
/** The inputs each layer was last drawn from, so an animation frame redraws only what moved. */
const drawnFrom = new WeakMap<SVGSVGElement, Map<string, unknown>>();

/** True when `layer` must be redrawn for `input` (a new array, or a new size or domain). */
function changed(element: SVGSVGElement, layer: string, input: unknown, frameKey: string): boolean {
  let memory = drawnFrom.get(element);
  if (!memory) {
    memory = new Map();
    drawnFrom.set(element, memory);
  }
  if (memory.get('frame') !== frameKey) {
    memory.clear();
    memory.set('frame', frameKey);
  }
  if (memory.has(layer) && memory.get(layer) === input) return false;
  memory.set(layer, input);
  return true;
}

/**
 * Arrow length as a fraction of a cell: tanh keeps short vectors proportional and caps long ones,
 * so directions stay readable everywhere on the plot.
 */
export function arrowLength(magnitude: number): number {
  return 0.9 * Math.tanh(magnitude);
}

function arrowPath(x0: number, y0: number, dx: number, dy: number): string {
  const x1 = x0 + dx;
  const y1 = y0 + dy;
  const len = Math.hypot(dx, dy);
  if (len < 0.5) return `M${x0.toFixed(1)},${y0.toFixed(1)}h0.01`;
  const head = Math.min(4, 0.4 * len);
  const ux = dx / len;
  const uy = dy / len;
  const hx1 = x1 - head * (ux * 0.87 - uy * 0.5);
  const hy1 = y1 - head * (uy * 0.87 + ux * 0.5);
  const hx2 = x1 - head * (ux * 0.87 + uy * 0.5);
  const hy2 = y1 - head * (uy * 0.87 - ux * 0.5);
  const f = (v: number): string => v.toFixed(1);
  return `M${f(x0)},${f(y0)}L${f(x1)},${f(y1)}M${f(hx1)},${f(hy1)}L${f(x1)},${f(y1)}L${f(hx2)},${f(hy2)}`;
}

function arrows(vectors: Float32Array | null, opts: QuiverPlotOptions, x: ScaleLinear<number, number>, y: ScaleLinear<number, number>): string[] {
  if (!vectors) return [];
  const pxPerUnit = x(1) - x(0);
  const out: string[] = [];
  for (let i = 0; i + 1 < opts.grid.length; i += 2) {
    const vx = vectors[i];
    const vy = vectors[i + 1];
    const m = Math.hypot(vx, vy);
    const len = m > 0 && Number.isFinite(m) ? (arrowLength(m) * opts.cell * pxPerUnit) / m : 0;
    out.push(arrowPath(x(opts.grid[i]), y(opts.grid[i + 1]), vx * len, -vy * len));
  }
  return out;
}

function pointPairs(points: Float32Array | null): Array<[number, number]> {
  if (!points) return [];
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push([points[i], points[i + 1]]);
  return out;
}

/** Draws (or redraws) the plot and returns the scales, for turning pointer positions into data. */
export function quiverPlot(element: SVGSVGElement, opts: QuiverPlotOptions): QuiverPlotScales {
  const size = opts.size ?? 440;
  const inner = size - MARGIN.left - MARGIN.right;
  const height = inner + MARGIN.top + MARGIN.bottom;
  const svg = prepareSvg(element, { width: size, height, title: opts.title, description: opts.description, role: 'img' });
  const x = scaleLinear().domain(opts.domain).range([0, inner]);
  const y = scaleLinear().domain(opts.domain).range([inner, 0]);
  const root = child(svg, 'g', 'plot-root').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);

  let clipId = clipIds.get(element);
  if (!clipId) {
    clipId = uniqueId('quiver-clip');
    clipIds.set(element, clipId);
  }
  child(child(root, 'clipPath', 'plot-clip').attr('id', clipId), 'rect', 'plot-clip-rect').attr('width', inner).attr('height', inner);
  child(root, 'rect', 'plot-frame').attr('width', inner).attr('height', inner);

  const ticks = 7;
  child(root, 'g', 'chart-axis-x').attr('class', 'chart-axis-x chart-axis').attr('transform', `translate(0,${inner})`).call(axisBottom(x).ticks(ticks));
  child(root, 'g', 'chart-axis-y').attr('class', 'chart-axis-y chart-axis').call(axisLeft(y).ticks(ticks));

  const body = child(root, 'g', 'plot-body').attr('clip-path', `url(#${clipId})`);
  const frameKey = `${size}|${opts.domain.join(',')}|${opts.cell}`;
  const redraw = (layer: string, input: unknown): boolean => changed(element, layer, input, frameKey);

  // Layers are created in drawing order on first use, then updated only when their input changes.
  for (const layer of ['data-points', 'drawn-points', 'arrows-true', 'arrows-learned', 'trajectories', 'particles', 'draw-cursor']) child(body, 'g', layer);

  if (redraw('data', opts.data)) child(body, 'g', 'data-points')
    .selectAll<SVGCircleElement, [number, number]>('circle')
    .data(pointPairs(opts.data))
    .join('circle')
    .attr('cx', (d) => x(d[0]).toFixed(1))
    .attr('cy', (d) => y(d[1]).toFixed(1))
    .attr('r', 1.6);

  if (redraw('drawn', opts.drawn)) child(body, 'g', 'drawn-points')
    .selectAll<SVGCircleElement, [number, number]>('circle')
    .data(pointPairs(opts.drawn))
    .join('circle')
    .attr('cx', (d) => x(d[0]).toFixed(1))
    .attr('cy', (d) => y(d[1]).toFixed(1))
    .attr('r', 3);

  if (redraw('truth', opts.truth)) {
    child(body, 'g', 'arrows-true').selectAll<SVGPathElement, string>('path').data(arrows(opts.truth, opts, x, y)).join('path').attr('d', (d) => d);
  }
  if (redraw('learned', opts.learned)) {
    child(body, 'g', 'arrows-learned').selectAll<SVGPathElement, string>('path').data(arrows(opts.learned, opts, x, y)).join('path').attr('d', (d) => d);
  }
  // The trajectory list grows in place while particles move: its length is part of the key.
  if (redraw('trajectories', `${opts.trajectories === null ? 'none' : trajectoryIds(opts.trajectories)}:${opts.trajectories?.length ?? 0}`)) {
    drawTrajectories(child(body, 'g', 'trajectories'), opts.trajectories ?? [], x, y);
  }
  if (redraw('particles', opts.particles)) child(body, 'g', 'particles')
    .selectAll<SVGCircleElement, [number, number]>('circle')
    .data(pointPairs(opts.particles))
    .join('circle')
    .attr('cx', (d) => x(d[0]).toFixed(1))
    .attr('cy', (d) => y(d[1]).toFixed(1))
    .attr('r', 2.4);

  const cursor = child(body, 'g', 'draw-cursor').attr('display', opts.cursor ? null : 'none');
  if (opts.cursor) {
    const cx = x(opts.cursor[0]);
    const cy = y(opts.cursor[1]);
    child(cursor, 'path', 'draw-cursor-cross').attr('d', `M${cx - 8},${cy}H${cx + 8}M${cx},${cy - 8}V${cy + 8}`);
  }
  return { x, y, margin: { left: MARGIN.left, top: MARGIN.top }, size };
}

const listIds = new WeakMap<readonly Float32Array[], number>();
let nextListId = 1;
function trajectoryIds(list: readonly Float32Array[]): number {
  let id = listIds.get(list);
  if (id === undefined) {
    id = nextListId++;
    listIds.set(list, id);
  }
  return id;
}

function drawTrajectories(
  group: ReturnType<typeof child<'g'>>,
  frames: readonly Float32Array[],
  x: ScaleLinear<number, number>,
  y: ScaleLinear<number, number>,
): void {
  const count = frames.length > 0 ? frames[0].length >> 1 : 0;
  const paths: string[] = [];
  for (let p = 0; p < count && frames.length > 1; p++) {
    let d = '';
    for (let k = 0; k < frames.length; k++) {
      const px = x(frames[k][2 * p]);
      const py = y(frames[k][2 * p + 1]);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      d += `${d === '' ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`;
    }
    paths.push(d);
  }
  group.selectAll<SVGPathElement, string>('path').data(paths).join('path').attr('d', (d) => d);
}
