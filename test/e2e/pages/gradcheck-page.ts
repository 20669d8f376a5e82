/**
 * Browser side of test/e2e/gradcheck.test.ts: gradients of every U-Net op (and optionally the
 * tiny U-Net at batch 2) on the backend named by ?backend=, against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { setupBackend, type BackendSetup } from '../../../src/backend';
import { checkSimdKernels } from '../../../src/backend/kernels/simd/all-kernels';
import { OP_GRADIENT_CASES, compareBackends, compareModelGradients, type CaseComparison } from '../../gradcheck';
import { PRESETS, UNet } from '../../../src/model';
import { Adam } from '../../../src/training/adam';
import { adamUpdate } from '../../../src/backend/ops/adam';
import { ADAM_KERNEL } from '../../../src/backend/kernels/adam-kernels';
import { EMA_KERNEL } from '../../../src/backend/kernels/ema-kernels';
import { emaUpdate } from '../../../src/backend/ops/ema';
import { SPLIT_FLAT_KERNEL } from '../../../src/backend/kernels/split-flat-kernels';
import { splitFlat } from '../../../src/backend/ops/split-flat';

export interface GradcheckResult {
  backend: string;
  /** What setupBackend reported for the requested backend. */
  setup: BackendSetup | null;
  ops: CaseComparison[];
  model: { lossError: number; maxError: number; worst: string; leakedTensors: number; variables: number } | null;
  /** On wasm: the generated SIMD kernels that this browser could not compile (empty: all run). */
  simd?: { failed: string[]; problem: string | null };
  /**
   * With model=1: the global gradient norm that the Trainer's Adam step computes over the tiny
   * U-Net's ~100 parameters, against the same sum done in JavaScript. One tf.addN of every
   * parameter's square is an invalid shader on WebGPU (8 storage buffers per stage).
   */
  adamNorm?: { got: number; expected: number; relativeError: number; parameters: number };
  /**
   * With model=1: three Adam updates (adamUpdate) of a few tensors on this backend against cpu:
   * whether the backend has its own fused kernel, and the largest relative error of p, m and v.
   */
  adamUpdate?: { fused: boolean; maxError: number };
  /** With model=1: tf.addN of 30 tensors (more than a WebGPU shader may bind), and its expected value. */
  addNMany?: { got: number; expected: number };
  /** With model=1: the EMA update (emaUpdate, decay 0.999) of the same tensors, likewise. */
  emaUpdate?: { fused: boolean; maxError: number };
  /** With model=1: splitFlat of a flat tensor into pieces used by later kernels, likewise. */
  splitFlat?: { fused: boolean; maxError: number };
  /** With model=1: the tiny U-Net's weights after three Adam.apply steps over flat state, against cpu. */
  flatAdam?: { maxError: number };
  error?: string;
}

declare global {
  interface Window {
    gradcheck?: GradcheckResult;
  }
}

const params = new URLSearchParams(location.search);
const requested = params.get('backend') ?? 'webgl';

async function run(): Promise<GradcheckResult> {
  await setupBackend('cpu', { strict: true });
  const setup = await setupBackend(requested, { strict: true });
  const { backend } = setup;
  const simd = backend === 'wasm' ? checkSimdKernels(tf.backend() as unknown as BackendWasm) : undefined;
  if (params.get('ops') === '0') return { backend, setup, ops: [], model: null, simd };
  const ops = await compareBackends(OP_GRADIENT_CASES, backend, 'cpu');
  let model: GradcheckResult['model'] = null;
  if (params.get('model') === '1') {
    const r = await compareModelGradients(
      () => new UNet(PRESETS.tiny, 5),
      { batch: 2, imageSize: 28, channels: 1, numClasses: PRESETS.tiny.numClasses },
      backend,
      'cpu',
    );
    const worst = [...r.gradErrors].sort((a, b) => b[1] - a[1])[0];
    model = { lossError: r.lossError, maxError: r.maxError, worst: `${worst[0]}: ${worst[1]}`, leakedTensors: r.leakedTensors, variables: r.gradErrors.size };
  }
  return {
    backend,
    setup,
    ops,
    model,
    simd,
    adamNorm: model ? await adamGlobalNorm() : undefined,
    adamUpdate: model ? await compareAdamUpdates(backend) : undefined,
    emaUpdate: model ? await compareEmaUpdates(backend) : undefined,
    addNMany: model ? await addNOfMany() : undefined,
    splitFlat: model ? { fused: tf.getKernel(SPLIT_FLAT_KERNEL, backend) !== undefined, maxError: await compareOnBackends(backend, splitAndUse) } : undefined,
    flatAdam: model ? { maxError: await compareOnBackends(backend, threeFlatAdamSteps) } : undefined,
  };
}

/** p, m and v of each shape after three adamUpdate calls from seeded values. */
async function threeAdamUpdates(shapes: number[][]): Promise<Float32Array[]> {
  const results: Float32Array[] = [];
  for (const [k, shape] of shapes.entries()) {
    let p = tf.randomNormal(shape, 0, 1, 'float32', 10 + k);
    let m = tf.zeros(shape);
    let v = tf.zeros(shape);
    for (let step = 1; step <= 3; step++) {
      const g = tf.randomNormal(shape, 0, 0.1, 'float32', 100 * step + k);
      const next = adamUpdate(p, g, m, v, { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step });
      tf.dispose([p, m, v, g]);
      [p, m, v] = next;
    }
    for (const t of [p, m, v]) results.push((await t.data()) as Float32Array);
    tf.dispose([p, m, v]);
  }
  return results;
}

const CHECK_SHAPES = [[37], [3, 3, 8, 16], [1000]];

async function addNOfMany(): Promise<NonNullable<GradcheckResult['addNMany']>> {
  const parts = Array.from({ length: 30 }, (_, i) => tf.fill([5], i + 1));
  const sum = tf.addN(parts);
  const got = (await sum.data())[0];
  tf.dispose([...parts, sum]);
  return { got, expected: (30 * 31) / 2 };
}

async function compareAdamUpdates(backend: string): Promise<NonNullable<GradcheckResult['adamUpdate']>> {
  return { fused: tf.getKernel(ADAM_KERNEL, backend) !== undefined, maxError: await compareOnBackends(backend, threeAdamUpdates) };
}

/** Three EMA updates (decay 0.999) of seeded shadows towards seeded live weights. */
async function threeEmaUpdates(shapes: number[][]): Promise<Float32Array[]> {
  const results: Float32Array[] = [];
  for (const [k, shape] of shapes.entries()) {
    let shadow = tf.randomNormal(shape, 0, 1, 'float32', 20 + k);
    for (let step = 1; step <= 3; step++) {
      const live = tf.randomNormal(shape, 0, 1, 'float32', 200 * step + k);
      const next = emaUpdate(shadow, live, 0.999);
      tf.dispose([shadow, live]);
      shadow = next;
    }
    results.push((await shadow.data()) as Float32Array);
    shadow.dispose();
  }
  return results;
}

async function compareEmaUpdates(backend: string): Promise<NonNullable<GradcheckResult['emaUpdate']>> {
  return { fused: tf.getKernel(EMA_KERNEL, backend) !== undefined, maxError: await compareOnBackends(backend, threeEmaUpdates) };
}

/**
 * The pieces of a seeded flat tensor, each doubled by a later kernel after the flat tensor is
 * disposed (on WebGPU the copies must be recorded before that kernel and survive the disposal).
 */
async function splitAndUse(shapes: number[][]): Promise<Float32Array[]> {
  const flat = tf.randomNormal([shapes.reduce((sum, s) => sum + tf.util.sizeFromShape(s), 0)], 0, 1, 'float32', 30);
  const pieces = splitFlat(flat, shapes);
  flat.dispose();
  const doubled = pieces.map((p) => tf.mul(p, 2));
  const results = await Promise.all(doubled.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([...pieces, ...doubled]);
  return results;
}

/** The tiny U-Net's weights after three Adam steps on made-up gradients, one weight reassigned midway. */
async function threeFlatAdamSteps(): Promise<Float32Array[]> {
  const unet = new UNet(PRESETS.tiny, 5);
  const adam = new Adam(unet.variables, { warmupSteps: 0, learningRate: 0.01, gradClipNorm: 1 });
  const grads: tf.NamedTensorMap = {};
  [...unet.variables].forEach(([name, p], i) => (grads[name] = tf.randomNormal(p.shape, 0, 0.1, 'float32', 40 + i)));
  for (let step = 0; step < 3; step++) {
    // A weight assigned from outside (as a restore does): the flat copy must pick it up.
    const bias = unet.variables.get('out.conv.bias')!;
    if (step === 1) tf.tidy(() => bias.assign(tf.fill(bias.shape, 0.5)));
    adam.apply(grads).dispose();
  }
  const results = await Promise.all([...unet.variables.values()].map(async (v) => (await v.data()) as Float32Array));
  tf.dispose(Object.values(grads));
  adam.dispose();
  unet.dispose();
  return results;
}

/** The largest difference between `run` on cpu and on `backend`, each tensor relative to its largest value. */
async function compareOnBackends(backend: string, run: (shapes: number[][]) => Promise<Float32Array[]>): Promise<number> {
  await tf.setBackend('cpu');
  const expected = await run(CHECK_SHAPES);
  await tf.setBackend(backend);
  const got = await run(CHECK_SHAPES);
  // Relative to each tensor's largest value: Adam's m and v are far smaller than p.
  let maxError = 0;
  expected.forEach((e, k) => {
    const scale = Math.max(...e.map(Math.abs));
    e.forEach((value, i) => {
      maxError = Math.max(maxError, Math.abs(got[k][i] - value) / scale);
    });
  });
  return maxError;
}

/** Adam.apply's returned norm for made-up gradients g_i = 0.01·(i + 1) everywhere in parameter i. */
async function adamGlobalNorm(): Promise<NonNullable<GradcheckResult['adamNorm']>> {
  const unet = new UNet(PRESETS.tiny, 5);
  const params = unet.variables;
  const adam = new Adam(params, { warmupSteps: 0 });
  const grads: tf.NamedTensorMap = {};
  let sumOfSquares = 0;
  [...params].forEach(([name, p], i) => {
    const g = 0.01 * (i + 1);
    grads[name] = tf.fill(p.shape, g);
    sumOfSquares += p.size * g * g;
  });
  const norm = adam.apply(grads);
  const got = (await norm.data())[0];
  norm.dispose();
  tf.dispose(Object.values(grads));
  adam.dispose();
  unet.dispose();
  const expected = Math.sqrt(sumOfSquares);
  return { got, expected, relativeError: Math.abs(got - expected) / expected, parameters: params.size };
}

run()
  .catch((error): GradcheckResult => ({ backend: requested, setup: null, ops: [], model: null, error: error instanceof Error ? error.stack ?? error.message : String(error) }))
  .then((result) => {
    const out = document.getElementById('out');
    if (out) out.textContent = JSON.stringify(result, null, 2);
    window.gradcheck = result;
  });
