/**
 * Training batches of diffusion latents (already encoded and normalised) with their labels, in the
 * trainer's BatchSource shape: a seeded Fisher–Yates order per epoch, so a seed gives the same
 * batches anywhere, and a position that can be saved and restored.
 *
 * Also the class-skewed subset of the "bias in, bias out" model: `skewedIndices` keeps a share of
 * each digit proportional to its weight, so the training set itself has the skewed class
 * distribution (recorded in the checkpoint), rather than a reweighted sampler over the full set.
 */
import { Rng } from '../data/rng';
import type { BatchSource } from '../training/trainer';

export interface LatentBatchesState {
  count: number;
  batchSize: number;
  cursor: number;
  epochRngState: number[];
}

export class LatentBatches implements BatchSource {
  readonly count: number;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private epochRngState: number[];
  private cursor = 0;

  /**
   * @param latents count × size values.
   * @param labels count class labels.
   * @param size values per latent.
   */
  constructor(
    readonly latents: Float32Array,
    readonly labels: Int32Array,
    readonly size: number,
    readonly batchSize: number,
    seed: number,
  ) {
    this.count = labels.length;
    if (latents.length !== this.count * size) throw new RangeError(`${this.count} latents of ${size} values need ${this.count * size} values, got ${latents.length}`);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > this.count) {
      throw new RangeError(`batch size must be an integer from 1 to ${this.count}, got ${batchSize}`);
    }
    this.rng = new Rng(seed);
    this.order = new Int32Array(this.count);
    this.epochRngState = this.rng.getState();
    this.drawOrder();
  }

  next(): { images: Float32Array; labels: Int32Array } {
    if (this.count - this.cursor < this.batchSize) {
      this.epochRngState = this.rng.getState();
      this.drawOrder();
      this.cursor = 0;
    }
    const images = new Float32Array(this.batchSize * this.size);
    const labels = new Int32Array(this.batchSize);
    for (let k = 0; k < this.batchSize; k++) {
      const i = this.order[this.cursor + k];
      images.set(this.latents.subarray(i * this.size, (i + 1) * this.size), k * this.size);
      labels[k] = this.labels[i];
    }
    this.cursor += this.batchSize;
    return { images, labels };
  }

  getState(): LatentBatchesState {
    return { count: this.count, batchSize: this.batchSize, cursor: this.cursor, epochRngState: [...this.epochRngState] };
  }

  setState(raw: unknown): void {
    const s = raw as LatentBatchesState;
    if (!s || s.count !== this.count || s.batchSize !== this.batchSize || !Number.isInteger(s.cursor)) {
      throw new Error('latent batch state does not belong to this data set and batch size');
    }
    this.rng.setState(s.epochRngState);
    this.epochRngState = this.rng.getState();
    this.drawOrder();
    this.cursor = s.cursor;
  }

  private drawOrder(): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    this.rng.shuffle(this.order);
  }
}

/** How many of each class 0..numClasses−1 a label list holds. */
export function classCounts(labels: ArrayLike<number>, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * Indices (ascending) of a class-skewed subset: of class k, a random share w_k / max(w) is kept,
 * so the heaviest classes keep every example. Weights must be ≥ 0, one per class, not all 0.
 */
export function skewedIndices(labels: ArrayLike<number>, weights: readonly number[], seed: number): Int32Array {
  if (!weights.every((w) => Number.isFinite(w) && w >= 0)) throw new RangeError(`class weights must be numbers ≥ 0, got ${weights.join(',')}`);
  const top = Math.max(...weights);
  if (!(top > 0)) throw new RangeError('at least one class weight must be above 0');
  const byClass: number[][] = weights.map(() => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(c >= 0 && c < weights.length)) throw new RangeError(`label ${c} at ${i} has no class weight (${weights.length} given)`);
    byClass[c].push(i);
  }
  const rng = new Rng(seed);
  const kept: number[] = [];
  byClass.forEach((members, c) => {
    const keep = Math.round((members.length * weights[c]) / top);
    kept.push(...rng.shuffle(members).slice(0, keep));
  });
  return Int32Array.from(kept).sort();
}

/** "5,5,5,5,5,1,1,1,1,1" → numbers; a clear error for anything else. */
export function parseClassWeights(text: string, numClasses = 10): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const weights = parts.map(Number);
  if (parts.length !== numClasses || parts.some((p) => p === '') || !weights.every((w) => Number.isFinite(w) && w >= 0) || !weights.some((w) => w > 0)) {
    throw new RangeError(`class weights must be ${numClasses} numbers ≥ 0 separated by commas, not all 0 (e.g. 5,5,5,5,5,1,1,1,1,1), got "${text}"`);
  }
  return weights;
}
