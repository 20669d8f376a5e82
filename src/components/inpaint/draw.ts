/**
 * Canvas drawing for <diffusion-inpaint>: the editor (the digit with the mask laid over it and the
 * keyboard brush), and "what the model keeps" (the masked pixels shown as a flat colour). Images
 * are 28×28 values in [-1, 1]; masks 28×28 values in [0, 1] (1 = fill in).
 */
import { toGrey } from '../../charts/image-grid';
import { SIDE, type Point } from './pixel-layer';

/** Okabe & Ito's orange: visible on black and on white strokes, and for colour-blind readers. */
const MASK_RGB: [number, number, number] = [230, 159, 0];

export interface EditorDrawing {
  /** Device pixels per image pixel. */
  scale: number;
  /** Lay the mask over the image (inpainting) or show the image alone (drawing). */
  showMask: boolean;
  /** The keyboard brush, drawn when the editor has focus. */
  cursor: Point | null;
  /** Radius of the brush in image pixels, for the cursor's circle. */
  brushRadius: number;
  label: string;
}

/** Draws the editor: the image, the mask at 55 % opacity over it, and the keyboard brush. */
export function drawEditor(canvas: HTMLCanvasElement, image: Float32Array, mask: Float32Array, o: EditorDrawing): void {
  const size = SIDE * o.scale;
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  canvas.setAttribute('aria-label', o.label);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const frame = ctx.createImageData(size, size);
  const data = frame.data;
  for (let py = 0; py < SIDE; py++) {
    for (let px = 0; px < SIDE; px++) {
      const i = py * SIDE + px;
      const grey = toGrey(image[i]);
      const m = o.showMask ? Math.max(0, Math.min(1, mask[i])) * 0.55 : 0;
      const r = Math.round(grey * (1 - m) + MASK_RGB[0] * m);
      const g = Math.round(grey * (1 - m) + MASK_RGB[1] * m);
      const b = Math.round(grey * (1 - m) + MASK_RGB[2] * m);
      for (let dy = 0; dy < o.scale; dy++) {
        let k = ((py * o.scale + dy) * size + px * o.scale) * 4;
        for (let dx = 0; dx < o.scale; dx++, k += 4) {
          data[k] = r;
          data[k + 1] = g;
          data[k + 2] = b;
          data[k + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(frame, 0, 0);
  if (o.cursor) {
    const cx = (o.cursor.x + 0.5) * o.scale;
    const cy = (o.cursor.y + 0.5) * o.scale;
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#2563eb';
    ctx.beginPath();
    ctx.arc(cx, cy, Math.max(o.brushRadius, 0.5) * o.scale, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1;
    ctx.strokeRect(o.cursor.x * o.scale + 0.5, o.cursor.y * o.scale + 0.5, o.scale - 1, o.scale - 1);
  }
}

/** The image with every pixel to be filled in painted flat orange: what the model is given. */
export function drawMasked(canvas: HTMLCanvasElement, image: Float32Array, mask: Float32Array, scale: number, label: string): void {
  const size = SIDE * scale;
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const frame = ctx.createImageData(size, size);
  const data = frame.data;
  for (let py = 0; py < SIDE; py++) {
    for (let px = 0; px < SIDE; px++) {
      const i = py * SIDE + px;
      const grey = toGrey(image[i]);
      const m = Math.max(0, Math.min(1, mask[i]));
      const rgb = [0, 1, 2].map((c) => Math.round(grey * (1 - m) + MASK_RGB[c] * m));
      for (let dy = 0; dy < scale; dy++) {
        let k = ((py * scale + dy) * size + px * scale) * 4;
        for (let dx = 0; dx < scale; dx++, k += 4) {
          data[k] = rgb[0];
          data[k + 1] = rgb[1];
          data[k + 2] = rgb[2];
          data[k + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(frame, 0, 0);
}
