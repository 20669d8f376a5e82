/**
 * The learner's own points of <diffusion-score-field>, drawn on the quiver plot when the data set
 * is "drawn": a pointer adds points where it presses and drags (spaced out, so a stroke gives an
 * even density); from the keyboard, the arrow keys move a cross and Enter or Space adds a point
 * under it. Points are in data units, clamped to the square shown.
 */
import type { QuiverPlotScales } from './quiver-plot';
import { DOMAIN, clampToDomain } from './view';

/** How far the cross moves per arrow key, in data units. */
const CURSOR_STEP = 0.1;
/** Closest spacing of the points of one drag, in data units. */
const STROKE_SPACING = 0.08;

export interface PointPadHost {
  /** Whether drawing is on (the data set is "drawn"). */
  drawing(): boolean;
  /** The plot and its scales as last drawn. */
  plot(): { svg: SVGSVGElement | undefined; scales: QuiverPlotScales | null };
  /** The points changed (added, replaced or cleared). */
  changed(): void;
  redraw(): void;
}

export class PointPad {
  /** The keyboard cross, in data units. */
  cursor: [number, number] = [0, 0];
  cursorVisible = false;
  private pressed = false;
  private list: number[] = [];
  private array: Float32Array | null = null;

  constructor(private readonly host: PointPadHost) {}

  get count(): number {
    return this.list.length / 2;
  }

  /** The points, x and y interleaved (the same array until they change). */
  get points(): Float32Array {
    this.array ??= Float32Array.from(this.list);
    return this.array;
  }

  /** Replaces the points (x, y interleaved): pairs that are not finite are dropped, the rest clamped. */
  set(points: ArrayLike<number>): void {
    const next: number[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) {
      if (Number.isFinite(points[i]) && Number.isFinite(points[i + 1])) next.push(clampToDomain(points[i]), clampToDomain(points[i + 1]));
    }
    this.replace(next);
  }

  clear(): void {
    this.replace([]);
  }

  /** Adds a point; `exact` (a press or a key) skips the spacing a drag keeps. */
  private add(x: number, y: number, exact: boolean): void {
    if (!this.host.drawing()) return;
    const n = this.list.length;
    if (!exact && n >= 2 && Math.hypot(this.list[n - 2] - x, this.list[n - 1] - y) < STROKE_SPACING) return;
    this.replace([...this.list, clampToDomain(x), clampToDomain(y)]);
  }

  private replace(list: number[]): void {
    this.list = list;
    this.array = null;
    this.host.changed();
  }

  pointerDown(event: PointerEvent): void {
    if (!this.host.drawing()) return;
    const p = this.eventToData(event);
    if (!p) return;
    this.pressed = true;
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
    this.add(p[0], p[1], true);
  }

  pointerMove(event: PointerEvent): void {
    if (!this.pressed) return;
    const p = this.eventToData(event);
    if (p) this.add(p[0], p[1], false);
  }

  pointerUp(): void {
    this.pressed = false;
  }

  /** Arrow keys move a cursor on the plot, Enter or Space adds a point there. */
  key(event: KeyboardEvent): void {
    if (!this.host.drawing()) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      this.cursorVisible = true;
      this.cursor = [clampToDomain(this.cursor[0] + move[0] * CURSOR_STEP), clampToDomain(this.cursor[1] + move[1] * CURSOR_STEP)];
      this.host.redraw();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.cursorVisible = true;
      this.add(this.cursor[0], this.cursor[1], true);
    }
  }

  blur(): void {
    this.cursorVisible = false;
    this.host.redraw();
  }

  private eventToData(event: PointerEvent): [number, number] | null {
    const { svg, scales } = this.host.plot();
    if (!svg || !scales) return null;
    const ctm = svg.getScreenCTM();
    if (!ctm) return null;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    const x = scales.x.invert(point.x - scales.margin.left);
    const y = scales.y.invert(point.y - scales.margin.top);
    if (x < DOMAIN[0] || x > DOMAIN[1] || y < DOMAIN[0] || y > DOMAIN[1]) return null;
    return [x, y];
  }
}
