/**
 * Drawing on the screen's cadence: lab messages (training progress, sampling steps) can arrive
 * many times per frame, and each would otherwise re-render the widget. `request()` only marks
 * that something changed; `draw` runs at most once per animation frame.
 */
export class FrameBatcher {
  private handle: number | null = null;

  constructor(private readonly draw: () => void) {}

  /** Asks for one draw in the next animation frame (repeated calls before it are free). */
  request(): void {
    if (this.handle !== null) return;
    this.handle = requestAnimationFrame(() => {
      this.handle = null;
      this.draw();
    });
  }

  get pending(): boolean {
    return this.handle !== null;
  }

  cancel(): void {
    if (this.handle !== null) cancelAnimationFrame(this.handle);
    this.handle = null;
  }
}
