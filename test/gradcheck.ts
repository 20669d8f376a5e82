/**
 * Gradient agreement between two tfjs backends for every op the U-Net uses (see
 * src/model/ops.ts), on small deterministic inputs with batch > 1. Test code: used by the unit
 * tests (wasm against cpu in Node) and by the browser check (test/e2e/pages/gradcheck-page.ts:
 * webgl and webgpu against cpu), which also serves as a diagnostic on a learner's machine.
 *
 * Each case is reduced to a scalar L = Σ f(x)·P with a fixed random projection P, so every
 * element of f's output gets a different upstream gradient, and dL/dx is compared.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/data/rng';
import { groupNorm, groupNormComposite } from '../src/backend/ops/group-norm';
import { silu } from '../src/backend/ops/silu';

export interface InputSpec {
  shape: number[];
  /** 'normal' (default): N(0, 1); 'positive': uniform in [0.5, 2]; 'labels': int32 in [0, max). */
  kind?: 'normal' | 'positive' | 'labels';
  max?: number;
}

export interface GradientCase {
  name: string;
  inputs: InputSpec[];
  /** The op(s) under test; float inputs get gradients, 'labels' inputs do not. */
  f: (...xs: tf.Tensor[]) => tf.Tensor;
}

const conv = (x: tf.Tensor, w: tf.Tensor, s: number, pad: 'same' | 'valid') => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad);
const pad1 = (x: tf.Tensor) =>
  tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);

/** Every op of the U-Net, in the shapes and broadcasting patterns the model uses them. */
export const OP_GRADIENT_CASES: readonly GradientCase[] = [
  { name: 'conv2d 3x3 same, stride 1', inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 4] }], f: (x, w) => conv(x, w, 1, 'same') },
  {
    name: 'conv2d 3x3 stride 2 after pad',
    inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 4] }],
    f: (x, w) => conv(pad1(x), w, 2, 'valid'),
  },
  { name: 'conv2d 3x3 same, stride 2, odd size', inputs: [{ shape: [3, 7, 7, 2] }, { shape: [3, 3, 2, 3] }], f: (x, w) => conv(x, w, 2, 'same') },
  { name: 'conv2d 1x1', inputs: [{ shape: [2, 5, 5, 3] }, { shape: [1, 1, 3, 2] }], f: (x, w) => conv(x, w, 1, 'same') },
  { name: 'conv2d 3x3 valid', inputs: [{ shape: [2, 6, 5, 2] }, { shape: [3, 3, 2, 3] }], f: (x, w) => conv(x, w, 1, 'valid') },
  // Channel counts that take each tile of the wasm SIMD filter gradient (src/backend/kernels/simd/filter-grad-simd.ts):
  // 4 input × 8 output channels, 1 × 8 (the input convolution), 8 × 1 (the output convolution),
  // 4 × 4; over enough rows for several row blocks, with stride 2 and 'same' padding too.
  { name: 'conv2d 3x3 same, 4→8 channels', inputs: [{ shape: [3, 12, 11, 4] }, { shape: [3, 3, 4, 8] }], f: (x, w) => conv(x, w, 1, 'same') },
  { name: 'conv2d 3x3 same, 1→8 channels', inputs: [{ shape: [2, 9, 9, 1] }, { shape: [3, 3, 1, 8] }], f: (x, w) => conv(x, w, 1, 'same') },
  { name: 'conv2d 3x3 same, 8→1 channel', inputs: [{ shape: [2, 9, 8, 8] }, { shape: [3, 3, 8, 1] }], f: (x, w) => conv(x, w, 1, 'same') },
  { name: 'conv2d 3x3 stride 2 after pad, 4→4', inputs: [{ shape: [2, 8, 8, 4] }, { shape: [3, 3, 4, 4] }], f: (x, w) => conv(pad1(x), w, 2, 'valid') },
  { name: 'conv2d 3x3 same, stride 2, odd size, 8→8', inputs: [{ shape: [2, 7, 7, 8] }, { shape: [3, 3, 8, 8] }], f: (x, w) => conv(x, w, 2, 'same') },
  { name: 'conv2d 1x1, 12→8', inputs: [{ shape: [2, 5, 5, 12] }, { shape: [1, 1, 12, 8] }], f: (x, w) => conv(x, w, 1, 'same') },
  // The U-Net's convolutions take their bias inside the kernel (model/ops.ts).
  {
    name: 'fused conv2d + bias, 3x3 same',
    inputs: [{ shape: [2, 6, 5, 4] }, { shape: [3, 3, 4, 8] }, { shape: [8] }],
    f: (x, w, b) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b }),
  },
  {
    name: 'fused conv2d + bias, stride 2 after pad',
    inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }],
    f: (x, w, b) => tf.fused.conv2d({ x: pad1(x) as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 'valid', bias: b }),
  },
  { name: 'matMul', inputs: [{ shape: [5, 4] }, { shape: [4, 3] }], f: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) },
  {
    name: 'batched matMul, transposeB (attention scores)',
    inputs: [{ shape: [2, 6, 4] }, { shape: [2, 6, 4] }],
    f: (q, k) => tf.matMul(q, k, false, true),
  },
  { name: 'batched matMul, transposeA', inputs: [{ shape: [2, 5, 3] }, { shape: [2, 5, 4] }], f: (a, b) => tf.matMul(a, b, true, false) },
  {
    name: 'batched attention, matrices large enough to run one by one',
    inputs: [{ shape: [3, 20, 16] }, { shape: [3, 20, 16] }, { shape: [3, 20, 16] }],
    f: (q, k, v) => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 0.25)), v),
  },
  { name: 'add bias [C]', inputs: [{ shape: [2, 4, 4, 3] }, { shape: [3] }], f: (x, b) => tf.add(x, b) },
  { name: 'add per-image [B,1,1,C]', inputs: [{ shape: [2, 4, 4, 3] }, { shape: [2, 1, 1, 3] }], f: (x, e) => tf.add(x, e) },
  { name: 'sub broadcast', inputs: [{ shape: [2, 9, 2, 3] }, { shape: [2, 1, 2, 1] }], f: (x, m) => tf.sub(x, m) },
  { name: 'mul broadcast (upsampling)', inputs: [{ shape: [2, 16, 1, 3] }, { shape: [1, 1, 2, 1] }], f: (x, o) => tf.mul(x, o) },
  { name: 'div broadcast', inputs: [{ shape: [2, 4, 4, 3] }, { shape: [2, 1, 1, 3], kind: 'positive' }], f: (x, d) => tf.div(x, d) },
  { name: 'mul by scalar', inputs: [{ shape: [2, 3, 5] }], f: (x) => tf.mul(x, 0.5) },
  { name: 'reshape + transpose', inputs: [{ shape: [2, 3, 4] }], f: (x) => tf.transpose(tf.reshape(x, [2, 4, 3]), [0, 2, 1]) },
  { name: 'mean over axes [1, 3]', inputs: [{ shape: [2, 9, 2, 3] }], f: (x) => tf.mean(x, [1, 3], true) },
  { name: 'sum over axes [0, 1, 2] (bias gradient)', inputs: [{ shape: [2, 3, 3, 4] }], f: (x) => tf.sum(x, [0, 1, 2]) },
  // More rows than one float32 run of the SIMD sum (src/backend/kernels/simd/sum-simd.ts), 12 columns (three vectors).
  { name: 'sum over axes [0, 1, 2], 150 rows of 12', inputs: [{ shape: [2, 15, 5, 12] }], f: (x) => tf.sum(x, [0, 1, 2]) },
  { name: 'rsqrt', inputs: [{ shape: [2, 5], kind: 'positive' }], f: (x) => tf.rsqrt(x) },
  { name: 'sqrt', inputs: [{ shape: [2, 5], kind: 'positive' }], f: (x) => tf.sqrt(x) },
  { name: 'sigmoid', inputs: [{ shape: [2, 3, 3, 2] }], f: (x) => tf.sigmoid(x) },
  { name: 'silu x·σ(x)', inputs: [{ shape: [2, 3, 3, 2] }], f: (x) => tf.mul(x, tf.sigmoid(x)) },
  // 2·3·3·3 = 54 elements: the SIMD pass takes 52, the loop the last 2.
  { name: 'silu (fused gradient where available)', inputs: [{ shape: [2, 3, 3, 3] }], f: (x) => silu(x) },
  { name: 'softmax', inputs: [{ shape: [2, 4, 5] }], f: (x) => tf.softmax(x) },
  { name: 'concat channels', inputs: [{ shape: [2, 3, 3, 2] }, { shape: [2, 3, 3, 3] }], f: (a, b) => tf.concat([a, b], 3) },
  { name: 'concat axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 4] }], f: (a, b) => tf.concat([a, b], 1) },
  // Runs of 8 and 4 channels per pixel: the SIMD run copy (src/backend/kernels/simd/copy-simd.ts), forward and split.
  { name: 'concat channels 8 + 4', inputs: [{ shape: [2, 3, 3, 8] }, { shape: [2, 3, 3, 4] }], f: (a, b) => tf.concat([a, b], 3) },
  {
    name: 'oneHot · embedding',
    inputs: [{ shape: [3], kind: 'labels', max: 5 }, { shape: [5, 4] }],
    f: (labels, table) => tf.matMul(tf.oneHot(labels as tf.Tensor1D, 5, 1, 0, 'float32') as tf.Tensor2D, table as tf.Tensor2D),
  },
  { name: 'pad', inputs: [{ shape: [2, 3, 3, 2] }], f: (x) => pad1(x) },
  { name: 'slice', inputs: [{ shape: [2, 5, 4, 3] }], f: (x) => tf.slice(x, [0, 1, 0, 1], [2, 3, 4, 2]) },
  { name: 'split channels', inputs: [{ shape: [2, 3, 3, 5] }], f: (x) => tf.mul(tf.split(x, [2, 3], 3)[1], 2) },
  { name: 'tile', inputs: [{ shape: [2, 1, 3] }], f: (x) => tf.tile(x, [1, 2, 2]) },
  { name: 'sin, cos, exp', inputs: [{ shape: [2, 4] }], f: (x) => tf.concat([tf.sin(x), tf.cos(x), tf.exp(x)], 1) },
  { name: 'squared difference, mean (loss)', inputs: [{ shape: [2, 3, 3, 1] }, { shape: [2, 3, 3, 1] }], f: (a, b) => tf.mean(tf.squaredDifference(a, b)) },
  {
    name: 'groupNorm (composite ops)',
    inputs: [{ shape: [2, 3, 3, 4] }, { shape: [4] }, { shape: [4] }],
    f: (x, g, b) => groupNormComposite(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 2),
  },
  {
    name: 'groupNorm (fused where available)',
    inputs: [{ shape: [2, 3, 3, 4] }, { shape: [4] }, { shape: [4] }],
    f: (x, g, b) => groupNorm(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 2),
  },
  {
    name: 'groupNorm (fused), 12 channels in 3 groups, large mean',
    inputs: [{ shape: [2, 4, 3, 12] }, { shape: [12] }, { shape: [12] }],
    f: (x, g, b) => groupNorm(tf.add(tf.mul(x, 0.1), 20) as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 3),
  },
  {
    name: 'silu(groupNorm) as in a residual block',
    inputs: [{ shape: [2, 3, 3, 8] }, { shape: [8] }, { shape: [8] }],
    f: (x, g, b) => silu(groupNorm(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 4)),
  },
];

/** The same input values on every backend, from the project's seeded generator. */
export function makeInputValues(specs: readonly InputSpec[], seed: number): Array<Float32Array | Int32Array> {
  const rng = new Rng(seed);
  return specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.kind === 'labels') {
      const out = new Int32Array(size);
      for (let i = 0; i < size; i++) out[i] = rng.int(s.max ?? 2);
      return out;
    }
    const out = new Float32Array(size);
    if (s.kind === 'positive') return rng.fillUniform(out, 0.5, 2);
    return rng.fillNormal(out);
  });
}

export interface CaseResult {
  value: Float32Array;
  /** Gradients of Σ f·P for each float input, in input order. */
  grads: Float32Array[];
}

/** Value and gradients of one case on the active backend; leaves no tensors behind. */
export async function evaluateCase(c: GradientCase, seed: number): Promise<CaseResult> {
  const values = makeInputValues(c.inputs, seed);
  const tensors = c.inputs.map((s, i) => (s.kind === 'labels' ? tf.tensor(values[i], s.shape, 'int32') : tf.tensor(values[i], s.shape, 'float32')));
  const wrt = c.inputs.map((s, i) => (s.kind === 'labels' ? -1 : i)).filter((i) => i >= 0);
  try {
    const y = tf.tidy(() => c.f(...tensors));
    const value = (await y.data()) as Float32Array;
    const projection = tf.tensor(new Rng(seed + 1).fillNormal(new Float32Array(y.size)), y.shape, 'float32');
    y.dispose();
    const loss = (...xs: tf.Tensor[]) => {
      const all = tensors.map((t, i) => (wrt.includes(i) ? xs[wrt.indexOf(i)] : t));
      return tf.sum(tf.mul(c.f(...all), projection));
    };
    const grads = tf.grads(loss)(wrt.map((i) => tensors[i]));
    projection.dispose();
    const out = await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>));
    tf.dispose(grads);
    return { value, grads: out };
  } finally {
    tf.dispose(tensors);
  }
}

/** max |a − b| / max |b| (with a floor, so an all-zero reference compares absolutely). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = d; // also catches NaN
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-6);
}

export interface CaseComparison {
  name: string;
  valueError: number;
  gradErrors: number[];
  /** The largest of the above. */
  maxError: number;
  /** tf.memory().numTensors after minus before, on the backend under test. */
  leakedTensors: number;
}

/**
 * Runs each case on `reference` and on `backend` (both already started, e.g. by setupBackend)
 * and returns the relative errors. Leaves `backend` active.
 */
export async function compareBackends(
  cases: readonly GradientCase[],
  backend: string,
  reference: string,
  seed = 1,
): Promise<CaseComparison[]> {
  const results: CaseComparison[] = [];
  for (const [i, c] of cases.entries()) {
    await tf.setBackend(reference);
    const ref = await evaluateCase(c, seed + 100 * i);
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const got = await evaluateCase(c, seed + 100 * i);
    const leakedTensors = tf.memory().numTensors - before;
    const valueError = relativeError(got.value, ref.value);
    const gradErrors = got.grads.map((g, k) => relativeError(g, ref.grads[k]));
    results.push({ name: c.name, valueError, gradErrors, maxError: Math.max(valueError, ...gradErrors), leakedTensors });
  }
  return results;
}

/** What a model-level check needs of a network (the U-Net satisfies it). */
export interface CheckableModel {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  apply(x: tf.Tensor4D, t: tf.Tensor1D, labels?: tf.Tensor1D | null): tf.Tensor4D;
  dispose(): void;
}

export interface ModelBatchSpec {
  batch: number;
  imageSize: number;
  channels: number;
  /** Labels are drawn in [0, numClasses]; 0 means no labels. */
  numClasses: number;
  numTrainTimesteps?: number;
}

interface ModelGrads {
  loss: number;
  grads: Map<string, Float32Array>;
}

async function modelGradients(model: CheckableModel, spec: ModelBatchSpec, seed: number): Promise<ModelGrads> {
  const rng = new Rng(seed);
  const shape: [number, number, number, number] = [spec.batch, spec.imageSize, spec.imageSize, spec.channels];
  const pixels = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor4d(rng.fillUniform(new Float32Array(pixels), -1, 1), shape);
  const eps = tf.tensor4d(rng.fillNormal(new Float32Array(pixels)), shape);
  const t = tf.tensor1d(Int32Array.from({ length: spec.batch }, () => rng.int(spec.numTrainTimesteps ?? 1000)), 'int32');
  const labels = spec.numClasses > 0 ? tf.tensor1d(Int32Array.from({ length: spec.batch }, () => rng.int(spec.numClasses + 1)), 'int32') : null;
  try {
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.squaredDifference(model.apply(x, t, labels), eps)) as tf.Scalar,
      [...model.variables.values()],
    );
    const loss = (await value.data())[0];
    const out = new Map<string, Float32Array>();
    for (const [name, v] of model.variables) {
      const g = grads[v.name];
      out.set(name, g ? ((await g.data()) as Float32Array) : new Float32Array(v.size));
    }
    value.dispose();
    tf.dispose(Object.values(grads));
    return { loss, grads: out };
  } finally {
    tf.dispose([x, eps, t]);
    labels?.dispose();
  }
}

export interface ModelComparison {
  lossError: number;
  /** Relative error of each variable's gradient, by variable name. */
  gradErrors: Map<string, number>;
  maxError: number;
  leakedTensors: number;
}

/**
 * Builds the same model (same seed) on `reference` and on `backend` and compares the loss and
 * the gradient of every variable for one ε-prediction MSE (Ho et al. 2020, eq. 14) on a fixed
 * batch. Leaves `backend` active.
 */
export async function compareModelGradients(
  makeModel: () => CheckableModel,
  spec: ModelBatchSpec,
  backend: string,
  reference: string,
  seed = 1,
): Promise<ModelComparison> {
  await tf.setBackend(reference);
  const refModel = makeModel();
  const ref = await modelGradients(refModel, spec, seed);
  refModel.dispose();
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const model = makeModel();
  const got = await modelGradients(model, spec, seed);
  model.dispose();
  const leakedTensors = tf.memory().numTensors - before;
  const gradErrors = new Map<string, number>();
  for (const [name, g] of ref.grads) gradErrors.set(name, relativeError(got.grads.get(name) ?? [], g));
  const lossError = Math.abs(got.loss - ref.loss) / Math.max(Math.abs(ref.loss), 1e-6);
  return { lossError, gradErrors, maxError: Math.max(lossError, ...gradErrors.values()), leakedTensors };
}
