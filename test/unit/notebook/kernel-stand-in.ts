/**
 * The globals of the notebook kernel (the contract in lessons/README.md), implemented simply for
 * Node tests: tf, the diffusion exports, `mnist` from the repository's MNIST assets, `models`
 * from the shipped checkpoints, and `show`/`plot`/`table`/`print` that check and record what a
 * cell outputs. Outputs read tensor data at call time, so a cell may dispose what it showed.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/data/rng';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import type { MnistDataset } from '../../../src/data/mnist';
import { schedulerFor } from '../../../src/diffusion/pipelines/sampling';
import { readCheckpointDir } from '../../../src/training/checkpoint-node';
import { unetFromCheckpoint } from '../../../src/model/unet-checkpoint';
import { autoencoderFromCheckpoint } from '../../../src/latent/autoencoder-checkpoint';
import { libraryGlobals } from './cell-source';

const ASSETS = join(__dirname, '../../../assets');

export interface Output {
  kind: 'show' | 'plot' | 'table' | 'print';
  detail: string;
  /** show only: the images' values (n × 784) and the columns asked for. */
  images?: { values: Float32Array; count: number; cols: number };
}

export class OutputError extends Error {}

type Label = number | null;

const datasets = new Map<string, Promise<MnistDataset>>();
function dataset(split: 'train' | 'test'): Promise<MnistDataset> {
  if (!datasets.has(split)) datasets.set(split, loadMnistFromNode(split, { source: 'assets' }));
  return datasets.get(split)!;
}

const mnist = {
  /** n digits (of one label if given), picked by a seeded generator: [n, 28, 28, 1] in [−1, 1]. */
  async digits(n: number, options: { label?: number; seed?: number; split?: 'train' | 'test' } = {}) {
    const data = await dataset(options.split ?? 'train');
    const pool: number[] = [];
    for (let i = 0; i < data.count; i++) if (options.label === undefined || data.label(i) === options.label) pool.push(i);
    const rng = new Rng(options.seed ?? 0);
    const chosen: number[] = [];
    for (let k = 0; k < n; k++) chosen.push(pool.splice(rng.int(pool.length), 1)[0]);
    const pixels = new Float32Array(n * 784);
    chosen.forEach((i, k) => data.image(i, pixels.subarray(k * 784, (k + 1) * 784)));
    return { images: tf.tensor4d(pixels, [n, 28, 28, 1]), labels: chosen.map((i) => data.label(i)) };
  },
};

async function loadShipped() {
  const ckpt = await readCheckpointDir(join(ASSETS, 'checkpoints/mnist-small'));
  const unet = unetFromCheckpoint(ckpt);
  const sched = ckpt.manifest.scheduler as Record<string, unknown>;
  const { numClasses } = unet.config;
  return {
    config: { numTrainTimesteps: sched.numTrainTimesteps, betaSchedule: sched.betaSchedule, predictionType: sched.predictionType },
    scheduler: (kind: 'ddpm' | 'ddim') => schedulerFor(kind, sched),
    eps(x: tf.Tensor4D, t: number | number[], label: Label | Label[] = null): tf.Tensor4D {
      const n = x.shape[0];
      const ts = typeof t === 'number' ? new Array<number>(n).fill(t) : t;
      const labels = Array.isArray(label) ? label : new Array<Label>(n).fill(label);
      if (ts.length !== n || labels.length !== n) throw new Error(`eps: ${n} images need ${n} timesteps and labels`);
      return tf.tidy(() => unet.apply(x, tf.tensor1d(ts, 'float32'), tf.tensor1d(labels.map((l) => l ?? numClasses), 'int32')));
    },
  };
}

async function loadAutoencoder() {
  const { model } = autoencoderFromCheckpoint(await readCheckpointDir(join(ASSETS, 'checkpoints/latent-autoencoder')));
  return {
    latentShape: model.latentShape,
    encode: (x: tf.Tensor4D): tf.Tensor4D => tf.tidy(() => model.encode(x).mean),
    decode: (z: tf.Tensor4D): tf.Tensor4D => model.decode(z),
  };
}

let shipped: ReturnType<typeof loadShipped> | null = null;
let autoencoder: ReturnType<typeof loadAutoencoder> | null = null;
const models = {
  shipped: () => (shipped ??= loadShipped()),
  autoencoder: () => (autoencoder ??= loadAutoencoder()),
  trained: async () => {
    throw new Error('This page has no trainer widget, or it has not trained yet.');
  },
};

function isTensor(v: unknown): v is tf.Tensor {
  return v instanceof tf.Tensor;
}

function readImages(images: unknown, options?: { cols?: number }): Output {
  const list = Array.isArray(images) ? images : [images];
  let count = 0;
  const parts: Float32Array[] = [];
  for (const img of list) {
    if (!isTensor(img)) throw new OutputError(`show: expected tensors, got ${typeof img}`);
    if (img.isDisposed) throw new OutputError('show: the tensor was disposed before show');
    const s = img.shape;
    const ok = (s.length === 2 && s[0] === 28 && s[1] === 28) || (s.length === 3 && s[1] === 28 && s[2] === 28) || (s.length === 4 && s[1] === 28 && s[2] === 28 && s[3] === 1);
    if (!ok) throw new OutputError(`show: shape [${s.join(', ')}] is not [n,28,28,1], [n,28,28] or [28,28]`);
    const values = Float32Array.from(img.dataSync() as Float32Array);
    if (!values.every(Number.isFinite)) throw new OutputError('show: values that are not finite');
    parts.push(values);
    count += s.length === 2 ? 1 : s[0];
  }
  const values = new Float32Array(count * 784);
  let offset = 0;
  for (const p of parts) {
    values.set(p, offset);
    offset += p.length;
  }
  return { kind: 'show', detail: `${count} images`, images: { values, count, cols: options?.cols ?? Math.ceil(Math.sqrt(count)) } };
}

function checkSeries(args: unknown[]): string {
  const last = args[args.length - 1];
  const hasOptions = typeof last === 'object' && last !== null && !Array.isArray(last) && !('y' in last);
  const series = hasOptions ? args.slice(0, -1) : args;
  if (series.length === 0) throw new OutputError('plot: no series');
  for (const s of series) {
    const y = Array.isArray(s) ? s : (s as { y?: unknown }).y;
    const x = Array.isArray(s) ? undefined : (s as { x?: unknown }).x;
    if (!Array.isArray(y) || y.length === 0 || !y.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new OutputError('plot: y must be a non-empty array of finite numbers');
    if (x !== undefined && (!Array.isArray(x) || x.length !== y.length)) throw new OutputError('plot: x and y differ in length');
  }
  return `${series.length} series`;
}

/** A fresh set of kernel globals and the list their outputs are recorded in. */
export function kernelGlobals(): { globals: Record<string, unknown>; outputs: Output[] } {
  const outputs: Output[] = [];
  const globals: Record<string, unknown> = {
    ...libraryGlobals(),
    mnist,
    models,
    show: (images: unknown, options?: { cols?: number }) => void outputs.push(readImages(images, options)),
    plot: (...args: unknown[]) => void outputs.push({ kind: 'plot', detail: checkSeries(args) }),
    table: (rows: unknown) => {
      if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => typeof r === 'object' && r !== null)) throw new OutputError('table: rows must be a non-empty array of objects');
      outputs.push({ kind: 'table', detail: `${rows.length} rows: ${JSON.stringify(rows)}` });
    },
    print: (...values: unknown[]) => void outputs.push({ kind: 'print', detail: values.map(String).join(' ') }),
  };
  return { globals, outputs };
}
