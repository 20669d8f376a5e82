/**
 * Drawing a digit by hand: pointer (mouse, pen, touch) strokes onto a 28×28 canvas, read back as
 * values in [-1, 1] like an MNIST image (ink +1, background −1). The canvas is shown enlarged
 * with CSS; strokes are drawn at the canvas's own 28×28 resolution with anti-aliasing, which
 * gives soft edges similar to MNIST's.
 */

const SIDE = 28;

/** A canvas's red channel as values in [-1, 1] (0 → −1, 255 → +1). */
export function canvasToUnit(canvas: HTMLCanvasElement): Float32Array {
  const out = new Float32Array(SIDE * SIDE).fill(-1);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return out;
  const { data } = ctx.getImageData(0, 0, SIDE, SIDE);
  for (let i = 0; i < out.length; i++) out[i] = (data[i * 4] / 255) * 2 - 1;
  return out;
}

/** A stroked "2" for use before the MNIST digits have loaded (or if they cannot load). */
export function fallbackDigit(doc: Document): Float32Array {
  const canvas = doc.createElement('canvas');
  canvas.width = SIDE;
  canvas.height = SIDE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return new Float32Array(SIDE * SIDE).fill(-1);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIDE, SIDE);
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2.6;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(8.5, 10);
  ctx.bezierCurveTo(9, 4.5, 19.5, 4, 19.5, 10);
  ctx.bezierCurveTo(19.5, 14, 13, 17, 8.5, 22);
  ctx.lineTo(20.5, 22);
  ctx.stroke();
  return canvasToUnit(canvas);
}

/**
 * Attaches pointer drawing to a 28×28 canvas. `onStroke` gets the image after each finished
 * stroke. Call `dispose()` to remove the listeners.
 */
export class DigitPad {
  private last: { x: number; y: number } | null = null;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly listeners: Array<[string, (e: PointerEvent) => void]>;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStroke: (image: Float32Array) => void,
    private readonly lineWidth = 2.8,
  ) {
    canvas.width = SIDE;
    canvas.height = SIDE;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.clear();
    this.listeners = [
      ['pointerdown', (e) => this.down(e)],
      ['pointermove', (e) => this.move(e)],
      ['pointerup', (e) => this.up(e)],
      ['pointercancel', (e) => this.up(e)],
    ];
    for (const [name, fn] of this.listeners) canvas.addEventListener(name, fn as EventListener);
  }

  /** Paints the background black. */
  clear(): void {
    if (!this.ctx) return;
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, SIDE, SIDE);
  }

  /** Shows an existing image on the pad (so drawing can add to it). */
  show(image: Float32Array): void {
    if (!this.ctx) return;
    const frame = this.ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const grey = Math.round(((Math.max(-1, Math.min(1, image[i])) + 1) / 2) * 255);
      frame.data.set([grey, grey, grey, 255], i * 4);
    }
    this.ctx.putImageData(frame, 0, 0);
  }

  image(): Float32Array {
    return canvasToUnit(this.canvas);
  }

  dispose(): void {
    for (const [name, fn] of this.listeners) this.canvas.removeEventListener(name, fn as EventListener);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    const sx = rect.width > 0 ? SIDE / rect.width : 1;
    const sy = rect.height > 0 ? SIDE / rect.height : 1;
    return { x: (e.clientX - rect.left) * sx, y: (e.clientY - rect.top) * sy };
  }

  private down(e: PointerEvent): void {
    this.canvas.setPointerCapture?.(e.pointerId);
    this.last = this.point(e);
    this.segment(this.last, this.last);
    e.preventDefault();
  }

  private move(e: PointerEvent): void {
    if (!this.last) return;
    const p = this.point(e);
    this.segment(this.last, p);
    this.last = p;
  }

  private up(e: PointerEvent): void {
    if (!this.last) return;
    this.last = null;
    this.canvas.releasePointerCapture?.(e.pointerId);
    this.onStroke(this.image());
  }

  private segment(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const ctx = this.ctx;
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.lineWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    // A zero-length segment still draws a round dot for a tap.
    ctx.lineTo(to.x + (from.x === to.x && from.y === to.y ? 0.01 : 0), to.y);
    ctx.stroke();
  }
}
