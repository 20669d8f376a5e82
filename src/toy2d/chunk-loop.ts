/**
 * Runs small units of work on the main thread in slices of a few milliseconds, handing control back
 * to the browser between slices so input, rendering and other widgets stay responsive. A unit
 * answers what comes next: 'more' (run another if the slice has time), 'wait' (nothing to do
 * until later, e.g. a speed cap) or 'done'.
 */
import { postTask } from '../io/event-loop';

export type UnitResult = 'more' | 'wait' | 'done';

export interface ChunkLoopOptions {
  /** Longest slice; the unit that crosses it finishes, then the loop yields (default 8 ms). */
  budgetMs?: number;
  /** Pause after a 'wait' (default 16 ms). */
  waitMs?: number;
  /** Called once when a unit returns 'done' or throws (with the error). */
  onStop?: (error?: unknown) => void;
}

export interface SliceStats {
  /** Slices run so far. */
  slices: number;
  /** Longest slice in milliseconds. */
  longestMs: number;
  /** Durations of the last slices (up to 200), for checks of responsiveness. */
  recentMs: number[];
}

export class ChunkLoop {
  private readonly budgetMs: number;
  private readonly waitMs: number;
  private cancel: (() => void) | null = null;
  private active = false;
  readonly stats: SliceStats = { slices: 0, longestMs: 0, recentMs: [] };

  constructor(
    private readonly unit: () => UnitResult,
    private readonly opts: ChunkLoopOptions = {},
  ) {
    this.budgetMs = opts.budgetMs ?? 8;
    this.waitMs = opts.waitMs ?? 16;
  }

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  stop(): void {
    this.active = false;
    this.cancel?.();
    this.cancel = null;
  }

  private schedule(delayMs: number): void {
    if (!this.active) return;
    if (delayMs > 0) {
      const id = setTimeout(() => this.slice(), delayMs);
      this.cancel = () => clearTimeout(id);
    } else {
      this.cancel = postTask(() => this.slice());
    }
  }

  private slice(): void {
    this.cancel = null;
    if (!this.active) return;
    const start = performance.now();
    let next: UnitResult = 'more';
    try {
      do {
        next = this.unit();
      } while (next === 'more' && this.active && performance.now() - start < this.budgetMs);
    } catch (error) {
      this.record(performance.now() - start);
      this.active = false;
      this.opts.onStop?.(error);
      return;
    }
    this.record(performance.now() - start);
    if (next === 'done') {
      this.active = false;
      this.opts.onStop?.();
      return;
    }
    this.schedule(next === 'wait' ? this.waitMs : 0);
  }

  private record(ms: number): void {
    this.stats.slices += 1;
    this.stats.longestMs = Math.max(this.stats.longestMs, ms);
    this.stats.recentMs.push(ms);
    if (this.stats.recentMs.length > 200) this.stats.recentMs.shift();
  }
}
