/**
 * One 28×28 layer a learner paints on: the inpainting mask (hard-edged, 1 = fill in) or the ink of
 * a drawn digit (soft-edged, 1 = white). Pointer strokes and keyboard moves end up here as dots and
 * line segments in pixel coordinates; no DOM, so the painting rules are unit-testable.
 */

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export interface Point {
  x: number;
  y: number;
}

export class PixelLayer {
  readonly values: Float32Array;

  /**
   * @param soft anti-aliased edges (ink) instead of whole pixels (mask)
   */
  constructor(
    readonly soft: boolean,
    values?: Float32Array,
  ) {
    this.values = values ? Float32Array.from(values) : new Float32Array(PIXELS);
  }

  clear(): void {
    this.values.fill(0);
  }

  set(values: ArrayLike<number>): void {
    for (let i = 0; i < PIXELS; i++) this.values[i] = Math.max(0, Math.min(1, values[i] ?? 0));
  }

  /** Whether anything is painted. */
  get isEmpty(): boolean {
    return this.values.every((v) => v === 0);
  }

  /** Painted share of the layer, 0…1. */
  get coverage(): number {
    let sum = 0;
    for (const v of this.values) sum += v;
    return sum / PIXELS;
  }

  /** Paints (or erases) a round dot of `radius` pixels centred on `p` (pixel centres at i + 0.5). */
  dot(p: Point, radius: number, erase = false): void {
    this.segment(p, p, radius, erase);
  }

  /** Paints (or erases) a stroke from `a` to `b` with a round brush. */
  segment(a: Point, b: Point, radius: number, erase = false): void {
    const reach = radius + 1;
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach));
    const x1 = Math.min(SIDE - 1, Math.ceil(Math.max(a.x, b.x) + reach));
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - reach));
    const y1 = Math.min(SIDE - 1, Math.ceil(Math.max(a.y, b.y) + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = distanceToSegment({ x: x + 0.5, y: y + 0.5 }, a, b);
        // Soft: coverage falls off over one pixel at the edge, like an anti-aliased pen.
        const cover = this.soft ? Math.max(0, Math.min(1, radius + 0.5 - d)) : d <= radius ? 1 : 0;
        if (cover === 0) continue;
        const i = y * SIDE + x;
        this.values[i] = erase ? Math.min(this.values[i], 1 - cover) : Math.max(this.values[i], cover);
      }
    }
  }

  /** The layer as an image in [-1, 1] (0 → −1 black, 1 → +1 white), as the model sees MNIST. */
  toImage(): Float32Array {
    return this.values.map((v) => 2 * v - 1);
  }

  /** Sets the layer from an image in [-1, 1]. */
  fromImage(image: ArrayLike<number>): void {
    for (let i = 0; i < PIXELS; i++) this.values[i] = Math.max(0, Math.min(1, ((image[i] ?? -1) + 1) / 2));
  }
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** The keyboard brush position: a pixel, moved by the arrow keys and kept on the layer. */
export function moveCursor(cursor: Point, key: string, by = 1): Point | null {
  const clamp = (v: number): number => Math.max(0, Math.min(SIDE - 1, v));
  switch (key) {
    case 'ArrowLeft':
      return { x: clamp(cursor.x - by), y: cursor.y };
    case 'ArrowRight':
      return { x: clamp(cursor.x + by), y: cursor.y };
    case 'ArrowUp':
      return { x: cursor.x, y: clamp(cursor.y - by) };
    case 'ArrowDown':
      return { x: cursor.x, y: clamp(cursor.y + by) };
    default:
      return null;
  }
}

/** The centre of a cursor pixel, where the keyboard brush paints. */
export function cursorCentre(cursor: Point): Point {
  return { x: cursor.x + 0.5, y: cursor.y + 0.5 };
}
