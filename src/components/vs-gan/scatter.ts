/**
 * Draws one model's samples on a canvas: the ring's modes as circles of radius 3σ (solid when the
 * model hits the mode, dashed when it misses it), points on a mode in the model's colour and
 * points off every mode in a muted colour.
 */

export interface ScatterColors {
  background: string;
  grid: string;
  mode: string;
  point: string;
  offMode: string;
}

export interface ScatterOptions {
  /** Mode centres, x and y interleaved. */
  means: Float32Array;
  /** Radius of each mode's circle in data units (e.g. 3σ). */
  modeRadius: number;
  /** Half the width of the square of data shown, centred on 0. */
  extent: number;
  points: Float32Array | null;
  /** Mode of each point, −1 for none. */
  assignment: Int32Array | null;
  /** Which modes the model hits. */
  hit: readonly boolean[] | null;
  colors: ScatterColors;
}

/** Sizes the canvas's backing store for its CSS size and the screen's pixel ratio; returns the CSS size. */
function fitCanvas(canvas: HTMLCanvasElement): number {
  const css = Math.max(1, Math.round(canvas.clientWidth || canvas.width));
  const ratio = Math.min(3, Math.max(1, globalThis.devicePixelRatio || 1));
  const px = Math.round(css * ratio);
  if (canvas.width !== px || canvas.height !== px) {
    canvas.width = px;
    canvas.height = px;
  }
  return css;
}

export function drawScatter(canvas: HTMLCanvasElement, opts: ScatterOptions): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const size = fitCanvas(canvas);
  const scale = canvas.width / size;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  const toPx = (v: number): number => ((v + opts.extent) / (2 * opts.extent)) * size;
  // y grows upwards in the data, downwards on the canvas.
  const toPy = (v: number): number => size - toPx(v);
  const { colors } = opts;

  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = colors.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(toPx(0), 0);
  ctx.lineTo(toPx(0), size);
  ctx.moveTo(0, toPy(0));
  ctx.lineTo(size, toPy(0));
  ctx.stroke();

  const points = opts.points;
  if (points) {
    const n = points.length >> 1;
    const dot = Math.max(1.5, size / 160);
    for (const onMode of [false, true]) {
      ctx.fillStyle = onMode ? colors.point : colors.offMode;
      ctx.globalAlpha = onMode ? 0.75 : 0.6;
      for (let i = 0; i < n; i++) {
        const inside = (opts.assignment?.[i] ?? -1) >= 0;
        if (inside !== onMode) continue;
        const x = points[2 * i];
        const y = points[2 * i + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        ctx.fillRect(toPx(x) - dot / 2, toPy(y) - dot / 2, dot, dot);
      }
    }
    ctx.globalAlpha = 1;
  }

  const k = opts.means.length >> 1;
  const r = (opts.modeRadius / (2 * opts.extent)) * size;
  ctx.strokeStyle = colors.mode;
  for (let m = 0; m < k; m++) {
    const hit = opts.hit?.[m] ?? false;
    ctx.lineWidth = hit ? 2 : 1.25;
    ctx.setLineDash(hit ? [] : [3, 3]);
    ctx.beginPath();
    ctx.arc(toPx(opts.means[2 * m]), toPy(opts.means[2 * m + 1]), r, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
