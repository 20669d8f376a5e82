/**
 * The loss curve of a training run as the trainer widget plots it: one value per step (gaps where
 * a step's loss was never read), plus a smoothed copy. The smoothing is an exponential moving
 * average with bias correction (Kingma & Ba 2015, Algorithm 1, applied to the loss instead of the
 * gradient), so the first points are not pulled towards zero.
 */

/** Weight of the past in the moving average: about the last 1 / (1 − β) = 20 steps count. */
export const SMOOTHING = 0.95;

export interface LossSeries {
  /** Step of values[0]. */
  start: number;
  raw: Float64Array;
  smoothed: Float64Array;
}

export class LossHistory {
  private raw = new Float64Array(256);
  private smooth = new Float64Array(256);
  private first = -1;
  private last = -1;
  private average = 0;
  private averaged = 0;
  private latestSmoothed = Number.NaN;

  /** Points received in this run, in step order; gaps between steps stay NaN. */
  get length(): number {
    return this.first < 0 ? 0 : this.last - this.first + 1;
  }

  get firstStep(): number | null {
    return this.first < 0 ? null : this.first;
  }

  get lastStep(): number | null {
    return this.last < 0 ? null : this.last;
  }

  /** The latest smoothed loss (NaN before any finite loss). */
  get smoothedLoss(): number {
    return this.latestSmoothed;
  }

  /**
   * Adds [step, loss] points. Steps must grow: a point at or before the last step is ignored (a
   * new run starts with `clear()`). Non-finite losses are kept as gaps and do not enter the average.
   */
  add(points: ReadonlyArray<readonly [number, number]>): void {
    for (const [step, loss] of points) {
      if (!Number.isInteger(step) || step < 0) continue;
      if (this.first < 0) {
        this.first = step;
        this.last = step - 1;
      }
      if (step <= this.last) continue;
      this.ensure(step - this.first + 1);
      for (let s = this.last + 1; s < step; s++) {
        this.raw[s - this.first] = Number.NaN;
        this.smooth[s - this.first] = Number.NaN;
      }
      const i = step - this.first;
      this.raw[i] = loss;
      if (Number.isFinite(loss)) {
        this.average = SMOOTHING * this.average + (1 - SMOOTHING) * loss;
        this.averaged += 1;
        this.latestSmoothed = this.average / (1 - SMOOTHING ** this.averaged);
      }
      this.smooth[i] = this.averaged > 0 ? this.latestSmoothed : Number.NaN;
      this.last = step;
    }
  }

  clear(): void {
    this.first = -1;
    this.last = -1;
    this.average = 0;
    this.averaged = 0;
    this.latestSmoothed = Number.NaN;
  }

  /** The curve as views into the history (valid until the next add or clear). */
  series(): LossSeries {
    const n = this.length;
    return { start: Math.max(this.first, 0), raw: this.raw.subarray(0, n), smoothed: this.smooth.subarray(0, n) };
  }

  /** The loss (raw) at a step, or NaN. */
  at(step: number): number {
    if (this.first < 0 || step < this.first || step > this.last) return Number.NaN;
    return this.raw[step - this.first];
  }

  private ensure(size: number): void {
    if (size <= this.raw.length) return;
    let capacity = this.raw.length;
    while (capacity < size) capacity *= 2;
    const raw = new Float64Array(capacity);
    const smooth = new Float64Array(capacity);
    raw.set(this.raw.subarray(0, this.length));
    smooth.set(this.smooth.subarray(0, this.length));
    this.raw = raw;
    this.smooth = smooth;
  }
}
