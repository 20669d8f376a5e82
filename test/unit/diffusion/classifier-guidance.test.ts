import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOISY_CLASSIFIER_KIND, type NoisyClassifierConfig } from '../../../src/classifier/noisy-config';
import { NoisyClassifier } from '../../../src/classifier/noisy-model';
import { classifierGuidedEpsilon, classifierLogProbGradient } from '../../../src/diffusion/classifier-guidance';
import { UNet, type UNetConfig } from '../../../src/model';
import { initialNoise, sample, schedulerFor, stepNoiseRng } from '../../../src/diffusion/pipelines/sampling';
import { classifierFreeGuidance } from '../../../src/diffusion';
import { resolveGuidance } from '../../../src/lab/browser/classifier-guidance';
import type { SampleRequest } from '../../../src/lab/lab-api';
import { parseCompareArgs, withinClassDiversity } from '../../../src/cli/compare-guidance';
import { parseSampleArgs } from '../../../src/cli/sample';

/** A tiny conditional U-Net and a tiny noise-aware classifier on 8×8 images (cpu backend, fast). */
const UNET: UNetConfig = {
  imageSize: 8,
  channels: 1,
  baseChannels: 4,
  channelMults: [1, 2],
  resBlocksPerLevel: 1,
  attention: false,
  groups: 2,
  timeEmbedDim: 8,
  numClasses: 10,
};
const TINY: NoisyClassifierConfig = {
  kind: NOISY_CLASSIFIER_KIND,
  imageSize: 8,
  stemChannels: 4,
  stageChannels: [8],
  timeEmbedDim: 8,
  groups: 2,
  numClasses: 10,
  numTrainTimesteps: 1000,
};
const PIXELS = 64;

let model: UNet;
let classifier: NoisyClassifier;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = new UNet(UNET, 3);
  classifier = new NoisyClassifier(TINY, 5);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** log p_φ(y | x, t) of one image, read back as a number. */
function logProb(x: Float32Array, t: number, y: number): number {
  return tf.tidy(() => {
    const logits = classifier.logits(tf.tensor4d(x, [1, 8, 8, 1]), tf.tensor1d([t], 'float32'));
    return tf.logSoftmax(logits).dataSync()[y];
  });
}

describe('classifierLogProbGradient', () => {
  it('matches central finite differences of log p_φ(y | x_t, t)', () => {
    const x = initialNoise(7, 1, PIXELS);
    const t = 300;
    const y = 4;
    const grad = tf.tidy(() => classifierLogProbGradient(classifier, tf.tensor4d(x, [1, 8, 8, 1]), t, [y]).dataSync());
    const h = 1e-2;
    let checked = 0;
    for (const p of [0, 9, 18, 27, 36, 45, 54, 63]) {
      const plus = Float32Array.from(x);
      const minus = Float32Array.from(x);
      plus[p] += h;
      minus[p] -= h;
      const fd = (logProb(plus, t, y) - logProb(minus, t, y)) / (2 * h);
      expect(Math.abs(grad[p] - fd)).toBeLessThan(2e-3 + 0.02 * Math.abs(fd));
      checked++;
    }
    expect(checked).toBe(8);
    // The gradient is not trivially zero.
    expect(Math.max(...Array.from(grad, Math.abs))).toBeGreaterThan(1e-4);
  });

  it('gives each image its own gradient and zero rows for unguided (null) targets', () => {
    const xs = initialNoise(8, 3, PIXELS);
    const batch = tf.tidy(() => classifierLogProbGradient(classifier, tf.tensor4d(xs, [3, 8, 8, 1]), 500, [1, null, 7]).dataSync());
    const single = (i: number, y: number): Float32Array =>
      tf.tidy(() =>
        classifierLogProbGradient(classifier, tf.tensor4d(xs.subarray(i * PIXELS, (i + 1) * PIXELS), [1, 8, 8, 1]), 500, [y]).dataSync(),
      ) as Float32Array;
    expect(maxAbsDiff(batch.subarray(0, PIXELS), single(0, 1))).toBeLessThan(1e-5);
    expect(maxAbsDiff(batch.subarray(2 * PIXELS), single(2, 7))).toBeLessThan(1e-5);
    expect(Array.from(batch.subarray(PIXELS, 2 * PIXELS)).every((v) => v === 0)).toBe(true);
  });

  it('refuses targets that are not classes and a target list of the wrong length', () => {
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    expect(() => classifierLogProbGradient(classifier, x, 10, [1, 10])).toThrow(/target 10 of image 1 is not a class 0\.\.9/);
    expect(() => classifierLogProbGradient(classifier, x, 10, [1])).toThrow(/2 images need 2 targets/);
    x.dispose();
  });
});

describe('classifierGuidedEpsilon', () => {
  it('is ε − s·√(1−ᾱ_t)·∇ (Dhariwal & Nichol 2021, eq. 14)', () => {
    const out = tf.tidy(() => classifierGuidedEpsilon(tf.tensor1d([1, -2]), tf.tensor1d([0.5, 4]), 3, 0.64).dataSync());
    // √(1 − 0.64) = 0.6
    expect(out[0]).toBeCloseTo(1 - 3 * 0.6 * 0.5, 5);
    expect(out[1]).toBeCloseTo(-2 - 3 * 0.6 * 4, 5);
  });
});

describe('sample with classifier guidance', () => {
  const base = () => ({ model, steps: 4, labels: [2, 5, null], xT: initialNoise(21, 3, PIXELS) });

  it('scale 0 gives exactly the unguided samples, for DDPM and DDIM, with and without CFG', async () => {
    for (const sampler of ['ddpm', 'ddim'] as const) {
      for (const guidance of [0, 1.5]) {
        const plain = await sample({ ...base(), guidance, scheduler: schedulerFor(sampler), rng: stepNoiseRng(21) });
        const zero = await sample({
          ...base(),
          guidance,
          scheduler: schedulerFor(sampler),
          rng: stepNoiseRng(21),
          classifierGuidance: { classifier, scale: 0 },
        });
        expect(Array.from(zero.images)).toEqual(Array.from(plain.images));
        expect(zero.classifierEvals).toBe(0);
      }
    }
  });

  it('changes the samples with scale > 0 and raises the classifier log-probability of the target', async () => {
    for (const sampler of ['ddpm', 'ddim'] as const) {
      const targets = [3, 3, 3, 3];
      const common = { model, steps: 5, labels: null, xT: initialNoise(4, 4, PIXELS), scheduler: schedulerFor(sampler) };
      const plain = await sample({ ...common, rng: stepNoiseRng(4) });
      const guided = await sample({ ...common, rng: stepNoiseRng(4), classifierGuidance: { classifier, scale: 50, targets } });
      expect(guided.classifierEvals).toBe(5);
      expect(guided.nfe).toBe(5);
      expect(maxAbsDiff(guided.images, plain.images)).toBeGreaterThan(1e-3);
      const meanLogProb = (images: Float32Array): number => {
        let sum = 0;
        for (let i = 0; i < 4; i++) sum += logProb(images.slice(i * PIXELS, (i + 1) * PIXELS), 0, 3);
        return sum / 4;
      };
      expect(meanLogProb(guided.images)).toBeGreaterThan(meanLogProb(plain.images));
    }
  });

  it('composes with CFG: one DDIM step equals ε̃_cfg − s·√(1−ᾱ_t)·∇ pushed through the scheduler', async () => {
    const xT = initialNoise(13, 2, PIXELS);
    const labels = [1, 8];
    const w = 2;
    const s = 3;
    const out = await sample({
      model,
      scheduler: schedulerFor('ddim'),
      steps: 1,
      guidance: w,
      labels,
      xT,
      rng: stepNoiseRng(13),
      classifierGuidance: { classifier, scale: s },
    });
    const scheduler = schedulerFor('ddim');
    scheduler.setTimesteps(1);
    const t = scheduler.timesteps[0];
    const expected = tf.tidy(() => {
      const x = tf.tensor4d(xT, [2, 8, 8, 1]);
      const cond = model.apply(x, tf.fill([2], t, 'float32') as tf.Tensor1D, tf.tensor1d(labels, 'int32'));
      const uncond = model.apply(x, tf.fill([2], t, 'float32') as tf.Tensor1D, tf.tensor1d([10, 10], 'int32'));
      const cfg = classifierFreeGuidance(cond, uncond, w);
      const grad = classifierLogProbGradient(classifier, x, t, labels);
      const eps = classifierGuidedEpsilon(cfg, grad, s, scheduler.alphasCumprod[t]);
      return scheduler.step(eps, t, x, { eta: 0, useClippedModelOutput: true }).prevSample.dataSync();
    });
    expect(maxAbsDiff(out.images, expected)).toBeLessThan(1e-5);
  });

  it('steers an unconditional model through targets, independent of the chunk size', async () => {
    const common = {
      model,
      scheduler: schedulerFor('ddpm'),
      steps: 3,
      xT: initialNoise(30, 5, PIXELS),
      classifierGuidance: { classifier, scale: 10, targets: [0, 1, null, 3, 4] },
    };
    const big = await sample({ ...common, rng: stepNoiseRng(30) });
    const small = await sample({ ...common, rng: stepNoiseRng(30), batchSize: 2 });
    expect(maxAbsDiff(big.images, small.images)).toBeLessThan(1e-5);
    const plain = await sample({ ...common, classifierGuidance: null, rng: stepNoiseRng(30) });
    // The unguided image (target null) is untouched; the others move.
    expect(maxAbsDiff(big.images.subarray(2 * PIXELS, 3 * PIXELS), plain.images.subarray(2 * PIXELS, 3 * PIXELS))).toBe(0);
    expect(maxAbsDiff(big.images.subarray(0, PIXELS), plain.images.subarray(0, PIXELS))).toBeGreaterThan(1e-3);
  });

  it('leaves no tensors behind', async () => {
    await sample({ ...base(), scheduler: schedulerFor('ddim'), rng: stepNoiseRng(1), classifierGuidance: { classifier, scale: 2 } });
    const before = tf.memory().numTensors;
    await sample({
      ...base(),
      guidance: 1,
      scheduler: schedulerFor('ddpm'),
      rng: stepNoiseRng(1),
      classifierGuidance: { classifier, scale: 2 },
      onStep: () => undefined,
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a negative scale, targets out of range, and a classifier of another T or size', async () => {
    const opts = { ...base(), scheduler: schedulerFor('ddim'), rng: stepNoiseRng(1) };
    await expect(sample({ ...opts, classifierGuidance: { classifier, scale: -1 } })).rejects.toThrow(/scale must be a number ≥ 0/);
    await expect(sample({ ...opts, classifierGuidance: { classifier, scale: 1, targets: 12 } })).rejects.toThrow(/target 12 of image 0/);
    const otherT = new NoisyClassifier({ ...TINY, numTrainTimesteps: 500 }, 1);
    const otherSize = new NoisyClassifier({ ...TINY, imageSize: 28 }, 1);
    try {
      await expect(sample({ ...opts, classifierGuidance: { classifier: otherT, scale: 1 } })).rejects.toThrow(/T = 500 timesteps, the scheduler has T = 1000/);
      await expect(sample({ ...opts, classifierGuidance: { classifier: otherSize, scale: 1 } })).rejects.toThrow(/takes 28×28×1 images, the model makes 8×8×1/);
    } finally {
      otherT.dispose();
      otherSize.dispose();
    }
  });
});

describe('resolveGuidance (the lab request)', () => {
  const request = (extra: Partial<SampleRequest>): SampleRequest => ({ sampler: 'ddim', steps: 10, count: 2, seed: 0, ...extra });

  it('keeps CFG requests as they were', () => {
    const r = resolveGuidance(request({ guidance: 2, label: 3 }), [3, 3]);
    expect(r).toEqual({ kind: 'cfg', labels: [3, 3], guidance: 2, classifier: null });
  });

  it('samples the unconditional model and hands the labels to the classifier for guidanceKind "classifier"', () => {
    const r = resolveGuidance(request({ guidanceKind: 'classifier', classifierScale: 4, label: 3 }), [3, 5]);
    expect(r).toEqual({ kind: 'classifier', labels: [null, null], guidance: 0, classifier: { scale: 4, targets: [3, 5] } });
  });

  it('refuses mixed or out-of-range settings with clear messages', () => {
    expect(() => resolveGuidance(request({ guidanceKind: 'classifier', guidance: 1, classifierScale: 2 }), [3, 3])).toThrow(
      /samples the unconditional model: set guidance \(the CFG weight\) to 0, got 1/,
    );
    expect(() => resolveGuidance(request({ classifierScale: 2 }), [3, 3])).toThrow(/applies to guidanceKind "classifier" only/);
    expect(() => resolveGuidance(request({ guidanceKind: 'classifier', classifierScale: 101 }), [3, 3])).toThrow(/from 0 to 100, got 101/);
    expect(() => resolveGuidance(request({ guidanceKind: 'classifier', classifierScale: 1 }), [null, null])).toThrow(/needs a class label/);
    expect(() => resolveGuidance(request({ guidanceKind: 'clip' as never }), [3, 3])).toThrow(/guidanceKind must be one of "cfg", "classifier", got "clip"/);
  });
});

describe('compare-guidance CLI', () => {
  it('parses its flags with defaults and refuses bad ones', () => {
    const args = parseCompareArgs([]);
    expect(args).toMatchObject({ sampler: 'ddim', steps: 25, eta: 0, n: 100, cfg: [0, 1, 2, 4], scales: [0, 1, 2, 5, 10], seed: 0 });
    expect(parseCompareArgs(['--sampler', 'ddpm:100', '--cfg', 'none', '--scales', '3'])).toMatchObject({ sampler: 'ddpm', steps: 100, cfg: [], scales: [3] });
    expect(() => parseCompareArgs(['--sampler', 'ddpm:10:0.5'])).toThrow(/eta applies to ddim only/);
    expect(() => parseCompareArgs(['--scales', '1,-2'])).toThrow(/"-2" is not a number in \[0, 100\]/);
    expect(() => parseCompareArgs(['--cfg', 'none', '--scales', 'none'])).toThrow(/nothing to compare/);
    expect(() => parseCompareArgs(['--n', '1'])).toThrow(/--n must be an integer in \[2, 10000\]/);
  });

  it('measures diversity within each class, not across classes', () => {
    // Two classes, each with two identical images: no diversity inside a class however far apart the classes are.
    const images = Float32Array.from([1, 1, -1, -1, 1, 1, -1, -1]);
    expect(withinClassDiversity(images, Int32Array.from([0, 1, 0, 1]), 2)).toBe(0);
    expect(withinClassDiversity(images, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(2, 6);
  });
});

describe('sample CLI --classifier-scale', () => {
  const base = ['--checkpoint', 'x', '--sampler', 'ddim', '--out', 'a.png'];
  it('reads the scale and refuses it without a label or together with --guidance', () => {
    expect(parseSampleArgs([...base, '--label', '3', '--classifier-scale', '2'])).toMatchObject({ classifierScale: 2, label: 3, guidance: 0 });
    expect(parseSampleArgs([...base]).classifierScale).toBeNull();
    expect(() => parseSampleArgs([...base, '--classifier-scale', '2'])).toThrow(/needs --label/);
    expect(() => parseSampleArgs([...base, '--label', '3', '--guidance', '1', '--classifier-scale', '2'])).toThrow(/leave out --guidance/);
    expect(() => parseSampleArgs([...base, '--label', '3', '--classifier-scale', '101'])).toThrow(/a number in \[0, 100\]/);
    expect(() => parseSampleArgs([...base, '--label', '3', '--noisy-classifier', 'dir'])).toThrow(/applies with --classifier-scale only/);
  });
});
