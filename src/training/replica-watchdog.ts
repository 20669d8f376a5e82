/**
 * How long the data-parallel coordinator (data-parallel.ts) waits for a replica's gradient before
 * it counts the replica as gone. A replica that crashes says so (its port reports a failure, or it
 * sends an 'error' message), but a Web Worker that stops without an error (it called close(), the
 * browser ended it, it hangs inside a kernel) sends nothing at all: without a limit the step would
 * wait for it forever and training would stall without a word.
 *
 * The limit must not drop a replica that is slow but alive. On a 2-core machine shared with other
 * programs a share can take several times its usual time while another process holds the core, so
 * the limit follows the replica's own measured answers:
 *   limit = max(minimumMs, factor × the slowest of its last `window` answers),
 * timed from the moment this process has finished its own share and starts waiting. With the
 * defaults (10 s, 10×, 20 answers) the live preset's default run, which takes 75 ms a step with 2
 * wasm workers here (README, "Live training"), waits about 130 times a share before giving up,
 * and a bigger preset whose share takes 2 s gets 20 s. A replica's first answer also includes
 * starting its backend and building its network, seconds or more on a cold cache and a busy
 * machine, so until it has answered once it gets firstAnswerMs, and that answer is not counted
 * among its step times (it would stretch the limit of the next `window` steps).
 */

export interface WatchdogLimits {
  /** The shortest wait, whatever the measured answers (ms). */
  minimumMs: number;
  /** How many times the slowest recent answer a replica may take. */
  factor: number;
  /** How many recent answers count. */
  window: number;
  /** The wait for a replica's first answer, which includes its start-up (ms). */
  firstAnswerMs: number;
}

export const DEFAULT_WATCHDOG_LIMITS: Readonly<WatchdogLimits> = { minimumMs: 10_000, factor: 10, window: 20, firstAnswerMs: 60_000 };

/** One replica's recent answer times, and the wait they allow for its next answer. */
export class AnswerTimes {
  private readonly recent: number[] = [];
  private started = false;

  constructor(private readonly limits: WatchdogLimits) {}

  /** A gradient came back `ms` after its share was posted. */
  record(ms: number): void {
    if (!this.started) {
      this.started = true;
      return;
    }
    this.recent.push(ms);
    if (this.recent.length > this.limits.window) this.recent.shift();
  }

  /** How long to wait for the next answer once this process's own share is done (ms). */
  limitMs(): number {
    if (!this.started) return this.limits.firstAnswerMs;
    return Math.max(this.limits.minimumMs, this.limits.factor * Math.max(0, ...this.recent));
  }
}

/** A wait as a reader reads it: "10 s", "1.5 s", "250 ms". */
export function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}
