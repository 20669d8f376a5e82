import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, PRESET_NAMES, type UNetConfig } from '../../../src/model/config';
import { describeUNet, UNet, UNetWeightsError } from '../../../src/model/unet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TINY = PRESETS.tiny;

/** Deterministic inputs for a batch of `b` images. */
function inputs(b: number, seed = 7) {
  const x = tf.randomNormal([b, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
  const t = tf.tensor1d(Array.from({ length: b }, (_, i) => (i * 397 + 11) % 1000), 'int32');
  return { x, t };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function output(model: UNet, x: tf.Tensor4D, t: tf.Tensor1D, labels?: number[] | null): Float32Array {
  return tf.tidy(() => {
    const l = labels ? tf.tensor1d(labels, 'int32') : labels;
    return model.apply(x, t, l).dataSync() as Float32Array;
  });
}

describe('UNet presets', () => {
  for (const name of PRESET_NAMES) {
    it(`${name}: output shaped like the input and finite at batch 2`, () => {
      const model = new UNet(PRESETS[name], 1);
      const { x, t } = inputs(2);
      const y = tf.tidy(() => model.apply(x, t, tf.tensor1d([3, 10], 'int32')));
      expect(y.shape).toEqual([2, 28, 28, 1]);
      const values = Array.from(y.dataSync());
      expect(values.every(Number.isFinite)).toBe(true);
      // A fresh network already produces output of roughly unit scale (not zero, not exploded).
      const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
      expect(std).toBeGreaterThan(0.05);
      expect(std).toBeLessThan(20);

      let sum = 0;
      for (const v of model.variables.values()) sum += v.size;
      expect(model.paramCount()).toBe(sum);
      expect(model.paramCount()).toBe(describeUNet(PRESETS[name]).params);
      expect(model.flopsPerImage()).toBe(describeUNet(PRESETS[name]).flopsPerImage);
      tf.dispose([x, t, y]);
      model.dispose();
    });
  }
});

describe('UNet (tiny)', () => {
  let model: UNet;
  let x: tf.Tensor4D;
  let t: tf.Tensor1D;

  beforeAll(() => {
    model = new UNet(TINY, 1);
    ({ x, t } = inputs(2));
  });
  afterAll(() => {
    tf.dispose([x, t]);
    model.dispose();
  });

  it('names variables readably, in forward order', () => {
    const names = [...model.variables.keys()];
    expect(names[0]).toBe('time.dense1.kernel');
    expect(names).toContain('down.0.res.0.conv1.kernel');
    expect(names).toContain('label.embedding');
    expect(names[names.length - 1]).toBe('out.conv.bias');
    expect(model.variables.get('label.embedding')!.shape).toEqual([11, TINY.timeEmbedDim]);
    expect(model.variables.get('down.0.res.0.conv1.kernel')!.shape).toEqual([3, 3, 8, 8]);
  });

  it('same seed gives identical weights, another seed different ones', () => {
    const same = new UNet(TINY, 1);
    const other = new UNet(TINY, 2);
    for (const [name, v] of model.variables) {
      expect(maxAbsDiff(v, same.variables.get(name)!)).toBe(0);
    }
    const k = 'down.0.res.0.conv1.kernel';
    expect(maxAbsDiff(model.variables.get(k)!, other.variables.get(k)!)).toBeGreaterThan(0);
    same.dispose();
    other.dispose();
  });

  it('labels condition the output; omitted labels mean the null label', () => {
    const three = output(model, x, t, [3, 3]);
    const five = output(model, x, t, [5, 5]);
    const nul = output(model, x, t, [10, 10]);
    const omitted = output(model, x, t);
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(diff(three, five)).toBeGreaterThan(1e-3);
    expect(diff(three, nul)).toBeGreaterThan(1e-3);
    expect(diff(nul, omitted)).toBe(0);
  });

  it('the timestep conditions the output', () => {
    const later = tf.tensor1d([900, 900]);
    const early = tf.tensor1d([1, 1]);
    const a = output(model, x, early, [3, 3]);
    const b = output(model, x, later, [3, 3]);
    expect(a.some((v, i) => Math.abs(v - b[i]) > 1e-3)).toBe(true);
    tf.dispose([later, early]);
  });

  it('each image is processed independently of the rest of the batch', () => {
    const both = output(model, x, t, [3, 7]);
    const first = tf.tidy(() => model.apply(tf.slice(x, [0, 0, 0, 0], [1, 28, 28, 1]), tf.slice(t, [0], [1]), tf.tensor1d([3], 'int32')).dataSync());
    for (let i = 0; i < first.length; i++) expect(both[i]).toBeCloseTo(first[i], 4);
  });

  it('accepts float32 timesteps like int32 ones', () => {
    const tf32 = tf.cast(t, 'float32') as tf.Tensor1D;
    expect(output(model, x, tf32, [1, 2])).toEqual(output(model, x, t, [1, 2]));
    tf32.dispose();
  });

  it('rejects inputs of the wrong shape', () => {
    const bad = tf.zeros([2, 14, 14, 1]) as tf.Tensor4D;
    expect(() => model.apply(bad, t)).toThrow(/\[B, 28, 28, 1\]/);
    const t3 = tf.tensor1d([1, 2, 3]);
    expect(() => model.apply(x, t3)).toThrow(/t must be \[2\]/);
    tf.dispose([bad, t3]);
  });

  it('does not leak tensors across repeated apply()', () => {
    const labels = tf.tensor1d([1, 10], 'int32');
    // The callbacks return nothing, so tidy frees the outputs too.
    tf.tidy(() => {
      model.apply(x, t, labels); // warm-up
    });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        model.apply(x, t, labels);
      });
    }
    const kept = model.apply(x, t, labels);
    expect(tf.memory().numTensors).toBe(before + 1);
    kept.dispose();
    expect(tf.memory().numTensors).toBe(before);
    labels.dispose();
  });

  it('setWeights round trip reproduces the outputs exactly', () => {
    const weights = model.getWeights();
    const copy = new UNet(TINY, 99);
    expect(output(copy, x, t, [4, 10])).not.toEqual(output(model, x, t, [4, 10]));
    copy.setWeights(weights);
    tf.dispose(Object.values(weights)); // the copy must not depend on the caller's tensors
    expect(output(copy, x, t, [4, 10])).toEqual(output(model, x, t, [4, 10]));
    copy.dispose();
  });

  it('setWeights rejects bad maps and changes nothing', () => {
    const target = new UNet(TINY, 5);
    const before = output(target, x, t, [2, 2]);
    const source = new UNet(TINY, 6);

    const missing = source.getWeights();
    missing['down.0.res.0.conv2.kernel'].dispose();
    delete missing['down.0.res.0.conv2.kernel'];
    expect(() => target.setWeights(missing)).toThrow(/missing: down\.0\.res\.0\.conv2\.kernel/);

    const wrongShape = source.getWeights();
    wrongShape['in.conv.kernel'].dispose();
    wrongShape['in.conv.kernel'] = tf.zeros([3, 3, 1, 9]);
    wrongShape['extra.weight'] = tf.zeros([1]);
    let error: unknown;
    try {
      target.setWeights(wrongShape);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UNetWeightsError);
    expect((error as UNetWeightsError).mismatched[0]).toMatch(/^in\.conv\.kernel .*\[3, 3, 1, 9\].*\[3, 3, 1, 8\]/);
    expect((error as UNetWeightsError).unexpected).toEqual(['extra.weight']);
    expect((error as UNetWeightsError).missing).toEqual([]);

    expect(output(target, x, t, [2, 2])).toEqual(before);
    tf.dispose([...Object.values(missing), ...Object.values(wrongShape)]);
    source.dispose();
    target.dispose();
  });

  it('has finite gradients for every variable (cpu, batch 2)', () => {
    const vars = [...model.variables.values()];
    const labels = tf.tensor1d([3, 10], 'int32');
    const target = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 3);
    const { value, grads } = tf.variableGrads(
      () => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x, t, labels), target)))) as tf.Scalar,
      vars,
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads).length).toBe(vars.length);
    for (const [name, v] of model.variables) {
      const g = grads[v.name];
      expect(g, name).toBeDefined();
      expect(g.shape, name).toEqual(v.shape);
      const data = g.dataSync();
      expect(data.every(Number.isFinite), name).toBe(true);
      // Every weight takes part in the output: no gradient is identically zero.
      expect(data.some((d) => d !== 0), name).toBe(true);
    }
    tf.dispose([value, labels, target, ...Object.values(grads)]);
  });

  it('frees its variables on dispose', () => {
    const m = new UNet(TINY, 3);
    const before = tf.memory().numTensors;
    m.dispose();
    expect(tf.memory().numTensors).toBe(before - m.variables.size);
    expect(() => m.getWeights()).toThrow(/dispose/);
  });
});

describe('UNet variants', () => {
  it('an unconditional model has no label embedding and ignores labels', () => {
    const config: UNetConfig = { ...TINY, numClasses: 0 };
    const m = new UNet(config, 1);
    expect(m.variables.has('label.embedding')).toBe(false);
    const { x, t } = inputs(2);
    expect(output(m, x, t, [1, 2])).toEqual(output(m, x, t));
    tf.dispose([x, t]);
    m.dispose();
  });
});
