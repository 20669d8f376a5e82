/**
 * The training state kept flat (src/training/flat-variables.ts, adam.ts, ema.ts): the same numbers
 * as an update tensor by tensor (the form the optimiser had before), in a fixed number of kernels
 * whatever the number of parameter tensors, and a flat copy that follows weights assigned from
 * outside.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { adamUpdate } from '../../../src/backend/ops/adam';
import { emaUpdate } from '../../../src/backend/ops/ema';
import { Rng } from '../../../src/data/rng';
import { DDPMScheduler } from '../../../src/diffusion';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import { Adam, type AdamConfig } from '../../../src/training/adam';
import { readSliceGradient, unflattenGradient } from '../../../src/training/batch-gradient';
import { emaDecayAt } from '../../../src/training/ema';
import { Trainer, type BatchSource } from '../../../src/training/trainer';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

/** Adam as it was, tensor by tensor: the clip factor, then one fused update per parameter. */
class PerTensorAdam {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(private readonly params: ReadonlyMap<string, tf.Variable>, private readonly config: AdamConfig) {
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  apply(grads: tf.NamedTensorMap): void {
    const { beta1, beta2, epsilon, gradClipNorm, learningRate, warmupSteps } = this.config;
    const t = this.step + 1;
    const attrs = { learningRate: learningRate * Math.min(1, t / warmupSteps), beta1, beta2, epsilon, step: t };
    tf.tidy(() => {
      const names = [...this.params.keys()];
      const norm = tf.sqrt(tf.sum(tf.square(tf.concat(names.map((n) => tf.reshape(grads[n], [-1]))))));
      const scale = tf.minimum(1, tf.div(gradClipNorm, tf.add(norm, 1e-6)));
      for (const [name, p] of this.params) {
        const [p2, m2, v2] = adamUpdate(p, tf.mul(grads[name], scale), this.m.get(name)!, this.v.get(name)!, attrs);
        this.m.get(name)!.assign(m2);
        this.v.get(name)!.assign(v2);
        p.assign(p2);
      }
    });
    this.step = t;
  }

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
  }
}

/** Largest |a − b| / (|b| + 1e-3) over two lists of named tensors. */
async function worstDifference(a: ReadonlyMap<string, tf.Tensor>, b: ReadonlyMap<string, tf.Tensor>): Promise<number> {
  let worst = 0;
  for (const [name, ta] of a) {
    const tb = b.get(name);
    if (!tb) throw new Error(`no "${name}" to compare with`);
    const [va, vb] = [await ta.data(), await tb.data()];
    for (let i = 0; i < va.length; i++) worst = Math.max(worst, Math.abs(va[i] - vb[i]) / (Math.abs(vb[i]) + 1e-3));
  }
  return worst;
}

function prefixedMap(state: tf.NamedTensorMap, prefix: string): Map<string, tf.Tensor> {
  return new Map(Object.entries(state).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
}

/** Parameters of assorted shapes, filled from a seeded generator. */
function randomParams(count: number, seed: number): Map<string, tf.Variable> {
  const rng = new Rng(seed);
  const params = new Map<string, tf.Variable>();
  for (let i = 0; i < count; i++) {
    const shape = i % 4 === 0 ? [3 + (i % 5)] : [1 + (i % 3), 2 + (i % 5)];
    const values = rng.fillNormal(new Float32Array(tf.util.sizeFromShape(shape)));
    params.set(`p${i}`, tf.variable(tf.tensor(values, shape), true, `flat-state-${seed}-${i}-${Math.random()}`));
  }
  return params;
}

function randomGrads(params: ReadonlyMap<string, tf.Variable>, rng: Rng, size: number): tf.NamedTensorMap {
  const grads: tf.NamedTensorMap = {};
  for (const [name, p] of params) grads[name] = tf.tensor(rng.fillNormal(new Float32Array(p.size)).map((x) => x * size), p.shape);
  return grads;
}

// A large ε makes the update depend on the gradient's scale, so a clip factor that went missing
// would show in the weights (with ε = 1e-8 Adam barely sees a constant factor).
const CONFIG: AdamConfig = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 0.05, warmupSteps: 3, gradClipNorm: 1 };

describe('Adam over flat state', () => {
  it('gives the weights and moments of the tensor-by-tensor update, clip factor included', async () => {
    const flat = randomParams(40, 1);
    const reference = randomParams(40, 1);
    const adam = new Adam(flat, CONFIG);
    const old = new PerTensorAdam(reference, CONFIG);
    const rng = new Rng(5);
    const norms: number[] = [];
    for (let step = 0; step < 6; step++) {
      // Norms from about 0.5 to 20: some steps clipped (by different factors), some not.
      const grads = randomGrads(flat, rng, [0.05, 2, 0.3, 1, 0.02, 0.5][step]);
      const norm = adam.apply(grads);
      norms.push((await norm.data())[0]);
      old.apply(grads);
      tf.dispose([norm, ...Object.values(grads)]);
    }
    expect(norms.filter((n) => n > 1).length).toBeGreaterThanOrEqual(2);
    expect(norms.filter((n) => n < 1).length).toBeGreaterThanOrEqual(2);
    expect(await worstDifference(flat, reference)).toBeLessThan(1e-6);
    const state = adam.getState();
    expect(await worstDifference(prefixedMap(state, 'adam.m/'), old.m)).toBeLessThan(1e-6);
    expect(await worstDifference(prefixedMap(state, 'adam.v/'), old.v)).toBeLessThan(1e-6);
    tf.dispose(Object.values(state));
    adam.dispose();
    old.dispose();
    tf.dispose([...flat.values(), ...reference.values()]);
  });

  it('costs the same kernels for 10 parameter tensors as for 120, and leaves none behind', async () => {
    const kernelsFor = async (count: number): Promise<string[]> => {
      const params = randomParams(count, 2);
      const atStart = tf.memory().numTensors;
      const adam = new Adam(params, CONFIG);
      const grads = randomGrads(params, new Rng(3), 1);
      adam.apply(grads).dispose();
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => adam.apply(grads).dispose());
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(Object.values(grads));
      adam.dispose();
      expect(tf.memory().numTensors).toBe(atStart);
      tf.dispose([...params.values()]);
      // The gradients' reshapes are one per tensor but copy nothing (on WebGPU they dispatch nothing).
      return profile.kernels.map((k) => k.name).filter((name) => name !== 'Reshape');
    };
    const few = await kernelsFor(10);
    expect(await kernelsFor(120)).toEqual(few);
    expect(few.filter((n) => n === 'DiffusionLabAdamUpdate')).toHaveLength(1);
    expect(few.filter((n) => n === 'DiffusionLabSplitFlat')).toHaveLength(1);
    expect(few.length).toBeLessThan(15);
  });

  it('follows weights assigned from outside, and restores moments saved per parameter', async () => {
    const params = randomParams(5, 4);
    const adam = new Adam(params, { ...CONFIG, warmupSteps: 0 });
    const grads = randomGrads(params, new Rng(6), 1);
    adam.apply(grads).dispose();
    const saved = adam.getState();
    // A checkpoint restore assigns the weights: the next update must start from them.
    params.get('p2')!.assign(tf.fill(params.get('p2')!.shape, 7));
    adam.setState(saved, 1);
    adam.apply(grads).dispose();
    const after = await params.get('p2')!.data();
    // Every element moved from 7 by at most the learning rate (Adam's step is bounded by α).
    for (const x of after) expect(Math.abs(x - 7)).toBeLessThanOrEqual(CONFIG.learningRate * 1.0001);
    const wrong = tf.zeros([2]);
    expect(() => adam.setState({ ...saved, 'adam.v/p3': wrong }, 1)).toThrow('Optimizer state "adam.v/p3" has shape [2], expected [1,5]');
    wrong.dispose();
    const { ['adam.m/p0']: dropped, ...missing } = saved;
    expect(dropped).toBeDefined();
    expect(() => adam.setState(missing, 1)).toThrow('Optimizer state is missing "adam.m/p0"');
    tf.dispose(Object.values(saved));
    adam.dispose();
    tf.dispose([...params.values(), ...Object.values(grads)]);
  });

  it('takes moments given flat (a replica sync) as the same state as named ones, and refuses a wrong length', async () => {
    const params = randomParams(5, 4);
    const adam = new Adam(params, CONFIG);
    adam.apply(randomGrads(params, new Rng(8), 1)).dispose();
    const named = adam.getState();
    const names = [...params.keys()];
    const flat = (prefix: string) => tf.concat(names.map((n) => tf.reshape(named[prefix + n], [-1])));
    const [m, v] = [flat('adam.m/'), flat('adam.v/')];
    const other = new Adam(params, CONFIG);
    const before = tf.memory().numTensors;
    other.setFlatState(m, v, 1);
    expect(tf.memory().numTensors).toBe(before);
    const restored = other.getState();
    for (const key of Object.keys(named)) expect(await restored[key].data()).toEqual(await named[key].data());
    const short = tf.zeros([m.size - 1]);
    expect(() => other.setFlatState(m, short, 1)).toThrow(`Optimizer state v has ${m.size - 1} values, the parameters ${m.size}`);
    tf.dispose([m, v, short, ...Object.values(named), ...Object.values(restored), ...params.values()]);
    adam.dispose();
    other.dispose();
  });
});

/** Seeded random images and labels: enough for the loss, no data set to load. */
function randomBatches(batchSize: number, seed: number): BatchSource {
  const rng = new Rng(seed);
  return {
    next: () => ({
      images: rng.fillNormal(new Float32Array(batchSize * 28 * 28)).map((x) => Math.tanh(x)),
      labels: Int32Array.from({ length: batchSize }, () => rng.int(10)),
    }),
    getState: () => rng.getState(),
    setState: (state) => rng.setState(state as number[]),
  };
}

describe('Trainer over flat state', () => {
  it('gives the weights, moments and EMA of the tensor-by-tensor path over several steps', async () => {
    const config = presetConfig('tiny');
    const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000 });
    const [model, ema, refModel, refEma] = [new UNet(config, 7), new UNet(config, 8), new UNet(config, 7), new UNet(config, 9)];
    const adam = { ...CONFIG, epsilon: 1e-3, gradClipNorm: 0.05 };
    const emaDecay = 0.9;
    for (const [name, v] of refEma.variables) v.assign(refModel.variables.get(name)!);
    const old = new PerTensorAdam(refModel.variables, adam);
    const shape = { imageShape: [28, 28, 1] as [number, number, number], numClasses: config.numClasses };
    const atStart = tf.memory().numTensors;
    const trainer = new Trainer(model, ema, scheduler, randomBatches(4, 11), { batchSize: 4, numClasses: config.numClasses, seed: 12, adam, emaDecay });
    const before = tf.memory().numTensors;
    for (let step = 0; step < 4; step++) {
      const batch = trainer.drawBatch();
      const { loss, gradient } = await trainer.sliceGradient(batch, 0, batch.count);
      trainer.applyFlatGradient(gradient, loss);
      const ref = await readSliceGradient(refModel, scheduler, batch, shape);
      tf.tidy(() => {
        old.apply(unflattenGradient(ref.gradient, refModel.variables));
        for (const [name, s] of refEma.variables) s.assign(emaUpdate(s, refModel.variables.get(name)!, emaDecayAt(emaDecay, step)));
      });
    }
    await trainer.flushLosses();
    expect(tf.memory().numTensors).toBe(before);
    expect(await worstDifference(model.variables, refModel.variables)).toBeLessThan(1e-5);
    expect(await worstDifference(ema.variables, refEma.variables)).toBeLessThan(1e-5);
    const state = trainer.getStateTensors();
    expect(await worstDifference(prefixedMap(state, 'adam.m/'), old.m)).toBeLessThan(1e-5);
    expect(await worstDifference(prefixedMap(state, 'adam.v/'), old.v)).toBeLessThan(1e-5);
    tf.dispose(Object.values(state));
    trainer.dispose();
    // The flat copies go with the trainer.
    expect(tf.memory().numTensors).toBe(atStart);
    old.dispose();
    for (const m of [model, ema, refModel, refEma]) m.dispose();
  });
});
