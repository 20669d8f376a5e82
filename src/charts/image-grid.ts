/**
 * Draws square grey images with values in [-1, 1] (−1 black, +1 white, as MNIST is fed to the
 * model) into a canvas, in a grid, each pixel blown up to scale × scale device pixels so the
 * digits stay crisp without relying on CSS image smoothing.
 */

export interface ImageGridOptions {
  /** Images per row (default: all in one row). */
  cols?: number;
  /** Device pixels per image pixel (default 4). */
  scale?: number;
  /** Transparent pixels between images (default 2). */
  gap?: number;
  /** Side of each image in pixels (default 28, MNIST). */
  side?: number;
  /** Accessible description set as the canvas's aria-label (and role="img"). */
  label?: string;
}

/** Grey level 0..255 for a value in [-1, 1] (clamped; NaN draws black). */
export function toGrey(value: number): number {
  const v = value > 1 ? 1 : value < -1 ? -1 : value;
  return Number.isNaN(v) ? 0 : Math.round(((v + 1) / 2) * 255);
}

/** Draws `count` images stored one after another in `images` (count × side × side values). */
export function imageGrid(canvas: HTMLCanvasElement, images: Float32Array, count: number, opts: ImageGridOptions = {}): void {
  const side = opts.side ?? 28;
  const pixels = side * side;
  const n = Math.max(0, Math.min(count, Math.floor(images.length / pixels)));
  const cols = Math.max(1, Math.min(opts.cols ?? n, Math.max(n, 1)));
  const rows = Math.max(1, Math.ceil(n / cols));
  const scale = Math.max(1, Math.floor(opts.scale ?? 4));
  const gap = Math.max(0, Math.floor(opts.gap ?? 2));
  const cell = side * scale;
  const width = cols * cell + (cols - 1) * gap;
  const height = rows * cell + (rows - 1) * gap;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  if (opts.label !== undefined) {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', opts.label);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx || width === 0 || height === 0) return;
  const frame = ctx.createImageData(width, height); // starts fully transparent: the gaps
  const data = frame.data;
  for (let k = 0; k < n; k++) {
    const ox = (k % cols) * (cell + gap);
    const oy = Math.floor(k / cols) * (cell + gap);
    const base = k * pixels;
    for (let py = 0; py < side; py++) {
      for (let px = 0; px < side; px++) {
        const grey = toGrey(images[base + py * side + px]);
        for (let dy = 0; dy < scale; dy++) {
          let o = ((oy + py * scale + dy) * width + ox + px * scale) * 4;
          for (let dx = 0; dx < scale; dx++, o += 4) {
            data[o] = grey;
            data[o + 1] = grey;
            data[o + 2] = grey;
            data[o + 3] = 255;
          }
        }
      }
    }
  }
  ctx.putImageData(frame, 0, 0);
}
