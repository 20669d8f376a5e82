/**
 * The modes a model hit at each measurement, kept as (step, value) pairs and handed to the line
 * chart as one value per training step: each measurement's value holds until the next one.
 */
export class CoverageHistory {
  private readonly steps: number[] = [];
  private readonly values: number[] = [];

  get length(): number {
    return this.steps.length;
  }

  get lastStep(): number | null {
    return this.steps.length === 0 ? null : this.steps[this.steps.length - 1];
  }

  /** Records a measurement; one at the same step as the last replaces it, an older one is ignored. */
  add(step: number, value: number): void {
    const last = this.lastStep;
    if (last !== null && step < last) return;
    if (last === step) {
      this.values[this.values.length - 1] = value;
      return;
    }
    this.steps.push(step);
    this.values.push(value);
  }

  clear(): void {
    this.steps.length = 0;
    this.values.length = 0;
  }

  /** Values at steps first…upTo (first: the first measured step), each the latest measurement at or before it. */
  staircase(upTo: number): { start: number; values: Float64Array } {
    if (this.steps.length === 0 || upTo < this.steps[0]) return { start: 0, values: new Float64Array(0) };
    const start = this.steps[0];
    const out = new Float64Array(upTo - start + 1);
    let j = 0;
    for (let s = start; s <= upTo; s++) {
      while (j + 1 < this.steps.length && this.steps[j + 1] <= s) j++;
      out[s - start] = this.values[j];
    }
    return { start, values: out };
  }
}
