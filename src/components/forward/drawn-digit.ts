/**
 * A digit drawn by hand as <diffusion-forward>'s x_0: the drawing pad (../base/digit-pad.ts) on
 * the widget's pad canvas, whether the pad is open, and the last finished drawing. A Lit reactive
 * controller: the host re-renders when the drawing or the pad changes, and the pad's listeners go
 * when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DigitPad } from '../base/digit-pad';

/** Identity of a drawn image for cache keys (a new array per stroke). */
const drawnIds = new WeakMap<Float32Array, number>();
let nextDrawnId = 1;
function drawnId(image: Float32Array): number {
  let id = drawnIds.get(image);
  if (id === undefined) {
    id = nextDrawnId++;
    drawnIds.set(image, id);
  }
  return id;
}

export class DrawnDigit implements ReactiveController {
  private drawnImage: Float32Array | null = null;
  private open = false;
  private pad: DigitPad | null = null;

  /** `onStroke` runs after each finished stroke, once the drawing is x_0. */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onStroke: () => void,
  ) {
    host.addController(this);
  }

  /** The last drawing, or null when x_0 is not drawn. */
  get image(): Float32Array | null {
    return this.drawnImage;
  }

  /** A cache key for the drawing (changes with every stroke). */
  get key(): string | null {
    return this.drawnImage ? `drawn:${drawnId(this.drawnImage)}` : null;
  }

  /** Whether the pad is shown. */
  get drawing(): boolean {
    return this.open;
  }

  /** Attaches the pad to its canvas (once, after the first render). */
  attach(canvas: HTMLCanvasElement | undefined): void {
    if (!canvas) return;
    this.pad = new DigitPad(canvas, (image) => {
      this.drawnImage = image;
      this.onStroke();
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.pad?.dispose();
    this.pad = null;
  }

  /** Opens the pad (on a blank canvas) or closes it; returns whether it is open now. */
  toggle(): boolean {
    this.open = !this.open;
    if (this.open) this.pad?.clear();
    this.host.requestUpdate();
    return this.open;
  }

  /** Clears the pad and forgets the drawing. */
  clear(): void {
    this.pad?.clear();
    this.forget();
  }

  /** Forgets the drawing (x_0 is an MNIST digit again); the pad keeps what is on it. */
  forget(): void {
    if (this.drawnImage === null) return;
    this.drawnImage = null;
    this.host.requestUpdate();
  }
}
