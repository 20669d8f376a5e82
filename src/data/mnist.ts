/**
 * MNIST held as raw bytes (one byte per pixel, one per label). Pixels become floats in [-1, 1]
 * only when an image or a batch is asked for, so 60k images cost 47 MB rather than 188 MB, and no
 * tensors live here: they are made per batch (see `toTensors` in ./tensors).
 */
import { decodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MnistFormatError } from './idx';
import { Rng } from './rng';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;

/** Byte value → model input: x / 127.5 − 1 maps 0..255 onto [-1, 1]. */
const BYTE_TO_UNIT = (() => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / 127.5 - 1;
  return table;
})();

/** A batch of images in NHWC order (flattened) with values in [-1, 1], and their labels. */
export interface MnistBatch {
  /** Number of examples in this batch. */
  size: number;
  /** size × 28 × 28 floats in [-1, 1]. */
  images: Float32Array;
  /** size class labels 0..9. */
  labels: Int32Array;
  /** Dataset indices of the examples, in batch order. */
  indices: Int32Array;
}

export class MnistDataset {
  readonly count: number;

  /**
   * @param pixels count × 784 bytes, row-major 28×28 images.
   * @param labelBytes count labels, each 0..9.
   * @param name Used in error messages and displays (e.g. "train (assets)").
   */
  constructor(
    readonly pixels: Uint8Array,
    readonly labelBytes: Uint8Array,
    readonly name = 'mnist',
  ) {
    if (pixels.length !== labelBytes.length * MNIST_PIXELS) {
      throw new Error(
        `${name}: ${labelBytes.length} labels need ${labelBytes.length * MNIST_PIXELS} pixel bytes, got ${pixels.length}`,
      );
    }
    for (let i = 0; i < labelBytes.length; i++) {
      if (labelBytes[i] >= MNIST_CLASSES) throw new Error(`${name}: label ${labelBytes[i]} at index ${i} is not 0..9`);
    }
    this.count = labelBytes.length;
  }

  /**
   * Builds a dataset from IDX image and label files (gzip or raw), checking that they are MNIST:
   * magic numbers, 28×28 images, equal counts and labels 0..9.
   */
  static async fromIdx(
    images: { bytes: Uint8Array; file: string },
    labels: { bytes: Uint8Array; file: string },
    name?: string,
  ): Promise<MnistDataset> {
    const img = await decodeIdx(images.bytes, images.file, IDX_IMAGES_MAGIC);
    const lab = await decodeIdx(labels.bytes, labels.file, IDX_LABELS_MAGIC);
    const [n, rows, cols] = img.dims;
    if (rows !== MNIST_SIDE || cols !== MNIST_SIDE) {
      throw new MnistFormatError(images.file, `wrong dims: expected ${MNIST_SIDE}×${MNIST_SIDE} images, got ${rows}×${cols}`);
    }
    if (lab.dims[0] !== n) {
      throw new MnistFormatError(labels.file, `wrong dims: ${lab.dims[0]} labels but ${images.file} has ${n} images`);
    }
    for (let i = 0; i < lab.data.length; i++) {
      if (lab.data[i] >= MNIST_CLASSES) {
        throw new MnistFormatError(labels.file, `label ${lab.data[i]} at index ${i} is not a digit 0..9`);
      }
    }
    return new MnistDataset(img.data, lab.data, name ?? images.file);
  }

  /** Image i as 784 floats in [-1, 1]; writes into `out` when given. */
  image(i: number, out = new Float32Array(MNIST_PIXELS)): Float32Array {
    const bytes = this.imageBytes(i);
    for (let p = 0; p < MNIST_PIXELS; p++) out[p] = BYTE_TO_UNIT[bytes[p]];
    return out;
  }

  /** Image i as its 784 raw bytes (a view, not a copy), e.g. for drawing. */
  imageBytes(i: number): Uint8Array {
    this.checkIndex(i);
    return this.pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
  }

  label(i: number): number {
    this.checkIndex(i);
    return this.labelBytes[i];
  }

  /** How many examples each digit 0..9 has. */
  perClassCounts(): number[] {
    const counts = new Array<number>(MNIST_CLASSES).fill(0);
    for (let i = 0; i < this.count; i++) counts[this.labelBytes[i]]++;
    return counts;
  }

  /** A new dataset with copies of the given examples, in the given order. */
  subset(indices: ArrayLike<number>, name = `${this.name} subset`): MnistDataset {
    const pixels = new Uint8Array(indices.length * MNIST_PIXELS);
    const labels = new Uint8Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      pixels.set(this.imageBytes(i), k * MNIST_PIXELS);
      labels[k] = this.labelBytes[i];
    }
    return new MnistDataset(pixels, labels, name);
  }

  /**
   * Indices of a class-balanced sample: `perClass` examples of each digit, drawn without
   * replacement with a seeded Rng and returned in ascending (file) order.
   */
  balancedIndices(perClass: number, seed: number): Int32Array {
    const byClass: number[][] = Array.from({ length: MNIST_CLASSES }, () => []);
    for (let i = 0; i < this.count; i++) byClass[this.labelBytes[i]].push(i);
    const rng = new Rng(seed);
    const chosen: number[] = [];
    byClass.forEach((members, digit) => {
      if (members.length < perClass) {
        throw new Error(`${this.name}: digit ${digit} has ${members.length} examples, fewer than ${perClass}`);
      }
      chosen.push(...rng.shuffle(members).slice(0, perClass));
    });
    return Int32Array.from(chosen).sort();
  }

  /** Gathers the given examples into one batch. */
  gather(indices: ArrayLike<number>): MnistBatch {
    const size = indices.length;
    const images = new Float32Array(size * MNIST_PIXELS);
    const labels = new Int32Array(size);
    const idx = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const i = indices[k];
      this.image(i, images.subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS));
      labels[k] = this.labelBytes[i];
      idx[k] = i;
    }
    return { size, images, labels, indices: idx };
  }

  /** A seeded, endlessly repeating stream of shuffled batches (see Batcher). */
  batches(batchSize: number, seed: number, options?: BatcherOptions): Batcher {
    return new Batcher(this, batchSize, seed, options);
  }

  /** One pass in file order, the last batch possibly smaller: for evaluation. */
  *inOrder(batchSize: number): Generator<MnistBatch> {
    checkBatchSize(batchSize);
    for (let start = 0; start < this.count; start += batchSize) {
      const end = Math.min(start + batchSize, this.count);
      const indices = new Int32Array(end - start);
      for (let k = 0; k < indices.length; k++) indices[k] = start + k;
      yield this.gather(indices);
    }
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`${this.name}: index ${i} outside 0..${this.count - 1}`);
    }
  }
}

export interface BatcherOptions {
  /**
   * true (default): every batch has exactly batchSize examples; the few left at the end of an
   * epoch are skipped, and the next epoch reshuffles everything. Fixed shapes let backends reuse
   * compiled kernels. false: the last batch of an epoch holds the remainder.
   */
  dropRemainder?: boolean;
}

/** Where a Batcher stands, enough to continue with exactly the same batches later. */
export interface BatcherState {
  /** Dataset size and batch size, checked on restore so a state is not applied to other data. */
  count: number;
  batchSize: number;
  /** Epoch (0-based) that the latest batch came from. */
  epoch: number;
  /** Position inside the current epoch's order. */
  cursor: number;
  /** Rng state just before the current epoch's order was drawn. */
  epochRngState: number[];
}

/**
 * Shuffled minibatches for training. Each epoch's order is a fresh Fisher–Yates permutation of
 * 0..count-1 drawn with the project Rng, so a seed gives the same batches in Node and in the
 * browser, and (epoch, cursor, Rng state at the epoch start) is all it takes to resume.
 */
export class Batcher implements Iterable<MnistBatch> {
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private readonly dropRemainder: boolean;
  private epochRngState: number[];
  private epochCount = 0;
  private cursor = 0;

  constructor(
    readonly dataset: MnistDataset,
    readonly batchSize: number,
    seed: number,
    options: BatcherOptions = {},
  ) {
    checkBatchSize(batchSize);
    this.dropRemainder = options.dropRemainder ?? true;
    if (dataset.count === 0) throw new Error(`${dataset.name}: cannot batch an empty dataset`);
    if (this.dropRemainder && batchSize > dataset.count) {
      throw new Error(`${dataset.name}: batch size ${batchSize} exceeds the ${dataset.count} examples`);
    }
    this.rng = new Rng(seed);
    this.order = new Int32Array(dataset.count);
    this.epochRngState = this.rng.getState();
    this.drawOrder();
  }

  /** Epoch (0-based) that the latest batch came from; a new epoch starts on the batch after the last full one. */
  get epoch(): number {
    return this.epochCount;
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    const n = this.dataset.count / this.batchSize;
    return this.dropRemainder ? Math.floor(n) : Math.ceil(n);
  }

  /** The next batch; the stream never ends (epochs follow one another). */
  next(): MnistBatch {
    const remaining = this.order.length - this.cursor;
    if (remaining === 0 || (this.dropRemainder && remaining < this.batchSize)) this.startEpoch();
    const end = Math.min(this.cursor + this.batchSize, this.order.length);
    const batch = this.dataset.gather(this.order.subarray(this.cursor, end));
    this.cursor = end;
    return batch;
  }

  /** Endless iteration over next(): use with break or take what you need. */
  *[Symbol.iterator](): Generator<MnistBatch, never> {
    for (;;) yield this.next();
  }

  getState(): BatcherState {
    return {
      count: this.dataset.count,
      batchSize: this.batchSize,
      epoch: this.epochCount,
      cursor: this.cursor,
      epochRngState: [...this.epochRngState],
    };
  }

  /** Restores a position saved by getState (possibly after a JSON round trip). */
  setState(state: BatcherState): void {
    if (typeof state !== 'object' || state === null) throw new Error('Batcher state must be an object');
    if (state.count !== this.dataset.count || state.batchSize !== this.batchSize) {
      throw new Error(
        `Batcher state is for ${state.count} examples in batches of ${state.batchSize}, ` +
          `not ${this.dataset.count} in batches of ${this.batchSize}`,
      );
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0) throw new Error(`Batcher state: bad epoch ${state.epoch}`);
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor > state.count) {
      throw new Error(`Batcher state: bad cursor ${state.cursor}`);
    }
    this.rng.setState(state.epochRngState);
    this.epochRngState = this.rng.getState();
    this.drawOrder();
    this.epochCount = state.epoch;
    this.cursor = state.cursor;
  }

  private startEpoch(): void {
    this.epochCount++;
    this.epochRngState = this.rng.getState();
    this.drawOrder();
    this.cursor = 0;
  }

  /** Shuffles from the identity so the order depends only on the Rng state at the epoch start. */
  private drawOrder(): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    this.rng.shuffle(this.order);
  }
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  }
}
