/**
 * The reverse process of one sampling run, kept for the scrubber: x_t and the predicted x̂₀ at
 * every step for the first few images, stored as 8-bit grey levels (what the screen shows
 * anyway), so a 1000-step DDPM run of 4 images needs about 6 MB instead of 25.
 *
 * Frames: 0 … total−1 are the steps (x_t is the step's input, x̂₀ its prediction of the clean
 * image), and frame `total` is the final sample, shown as both.
 */

export interface RecordedStep {
  index: number;
  total: number;
  timestep: number;
  xt: Float32Array;
  x0: Float32Array;
}

export interface Frame {
  /** Frame number, 0 … total. */
  index: number;
  /** Timestep of the step, or null for the final sample. */
  timestep: number | null;
  xt: Float32Array;
  x0: Float32Array;
}

/** Grey level 0…255 of a value in [-1, 1] (clamped), as src/charts/image-grid.ts draws it. */
export function quantize(value: number): number {
  const v = value > 1 ? 1 : value < -1 ? -1 : value;
  return Number.isNaN(v) ? 0 : Math.round(((v + 1) / 2) * 255);
}

function encode(values: Float32Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = quantize(values[i]);
  return out;
}

function decode(levels: Uint8Array): Float32Array {
  const out = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = (levels[i] / 255) * 2 - 1;
  return out;
}

export class StepFrames {
  private readonly xt: Array<Uint8Array | undefined> = [];
  private readonly x0: Array<Uint8Array | undefined> = [];
  private readonly timesteps: Array<number | null> = [];
  private finalFrame: Uint8Array | null = null;
  private stepsTotal = 0;

  /**
   * @param images how many images (from the first) to keep per frame
   * @param pixels values per image (28 × 28 for MNIST)
   */
  constructor(readonly images: number, readonly pixels = 28 * 28) {}

  /** Steps in the run (0 until the first step arrives). */
  get total(): number {
    return this.stepsTotal;
  }

  /** Steps received so far. */
  get received(): number {
    return this.xt.filter(Boolean).length;
  }

  get finished(): boolean {
    return this.finalFrame !== null;
  }

  /** The latest frame number available (−1 when nothing is). */
  get latest(): number {
    if (this.finalFrame) return this.stepsTotal;
    for (let i = this.xt.length - 1; i >= 0; i--) if (this.xt[i]) return i;
    return -1;
  }

  /** Keeps the first `images` images of a recorded step. */
  add(step: RecordedStep): void {
    const length = Math.min(this.images * this.pixels, step.xt.length, step.x0.length);
    this.stepsTotal = step.total;
    this.xt[step.index] = encode(step.xt, length);
    this.x0[step.index] = encode(step.x0, length);
    this.timesteps[step.index] = step.timestep;
  }

  /** The final samples: the last frame. */
  finish(images: Float32Array): void {
    this.finalFrame = encode(images, Math.min(this.images * this.pixels, images.length));
    if (this.stepsTotal === 0) this.stepsTotal = this.xt.length;
  }

  /**
   * Frame `index` (0 … total), or the nearest earlier one that has arrived; null when none has.
   */
  frame(index: number): Frame | null {
    const i = Math.max(0, Math.min(this.stepsTotal, Math.round(index)));
    if (i === this.stepsTotal && this.finalFrame) {
      const values = decode(this.finalFrame);
      return { index: i, timestep: null, xt: values, x0: values };
    }
    for (let k = Math.min(i, this.xt.length - 1); k >= 0; k--) {
      const xt = this.xt[k];
      const x0 = this.x0[k];
      if (xt && x0) return { index: k, timestep: this.timesteps[k] ?? null, xt: decode(xt), x0: decode(x0) };
    }
    return null;
  }

  /** Bytes held, for the curious (and a test of the memory claim above). */
  get bytes(): number {
    let n = this.finalFrame?.length ?? 0;
    for (const f of this.xt) n += f?.length ?? 0;
    for (const f of this.x0) n += f?.length ?? 0;
    return n;
  }
}

/**
 * Which frame of a panel with `total` steps shows at the shared scrubber position `position` of
 * `max`: the same fraction of the way from x_T to the final sample.
 */
export function frameAt(position: number, max: number, total: number): number {
  if (max <= 0 || total <= 0) return 0;
  const fraction = Math.max(0, Math.min(1, position / max));
  return Math.round(fraction * total);
}
