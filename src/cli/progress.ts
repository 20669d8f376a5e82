/**
 * A one-line progress bar for the command-line tools. On a terminal it redraws in place; in a log
 * (no TTY) it prints a plain line at most every `logIntervalMs` so CI logs stay short.
 */
export class ProgressBar {
  private lastLog = 0;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly logIntervalMs = 15_000,
  ) {}

  update(done: number, total: number, extra = ''): void {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `${this.label} ${bar} ${done}/${total} ${(frac * 100).toFixed(1)}% ${extra}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(this.stream.columns ? this.stream.columns - 1 : 100).slice(0, (this.stream.columns ?? 101) - 1)}`);
    } else {
      const now = Date.now();
      if (now - this.lastLog >= this.logIntervalMs || done >= total) {
        this.lastLog = now;
        this.stream.write(`${line}\n`);
      }
    }
  }

  done(message = ''): void {
    if (this.stream.isTTY) this.stream.write('\n');
    if (message) this.stream.write(`${message}\n`);
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
