import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { UNet, presetConfig } from '../../../src/model';
import { DDPMScheduler } from '../../../src/diffusion';
import { loadMnistFromNode } from '../../../src/data/node-mnist';
import { CLASSIFIER_KIND, MnistClassifier } from '../../../src/classifier';
import { evaluateModel, plannedEvaluations, type EvalInputs, type EvalPlan, type EvalReport } from '../../../src/eval/runner';
import { parseEvalArgs, parseSamplerSetting } from '../../../src/cli/eval';

let inputs: EvalInputs;
const N = 12;

const PLAN: EvalPlan = {
  n: N,
  seed: 3,
  unconditional: [
    { sampler: 'ddim', steps: 2 },
    { sampler: 'ddpm', steps: 'all' },
  ],
  guidanceWeights: [0, 2],
  guided: { sampler: 'ddim', steps: 2 },
  kid: { subsets: 3, subsetSize: 10 },
  batchSize: 5,
};

beforeAll(async () => {
  // wasm with the project's kernels: several times faster than tfjs's cpu backend for convolutions.
  await setupBackend('wasm', { strict: true });
  const test = await loadMnistFromNode('test', { source: 'full' });
  const train = await loadMnistFromNode('train', { source: 'full' });
  const range = (start: number, count: number) => Int32Array.from({ length: count }, (_, i) => start + i);
  const reference = test.gather(range(0, 60));
  const floor = train.gather(range(100, N));
  inputs = {
    model: new UNet(presetConfig('tiny'), 2),
    trainedScheduler: { ...new DDPMScheduler({ numTrainTimesteps: 10 }).config },
    classifier: new MnistClassifier({ kind: CLASSIFIER_KIND, imageSize: 28, stemChannels: 4, stageChannels: [4, 8], featureDim: 16, numClasses: 10 }, 1),
    reference: { images: reference.images, count: reference.size },
    floor: { images: floor.images, count: floor.size },
  };
});

function withoutTimes(report: EvalReport): unknown {
  return JSON.parse(JSON.stringify(report, (key, value) => (key === 'wallTimeSeconds' ? undefined : value)));
}

describe('evaluateModel', () => {
  it('scores every run with FID, KID, NFE and coverage or accuracy, reproducibly', async () => {
    const events: Array<{ phase: string; done: number; total: number }> = [];
    const before = tf.memory().numTensors;
    const report = await evaluateModel(inputs, PLAN, (e) => void events.push(e));
    expect(tf.memory().numTensors).toBe(before);

    expect(report.n).toBe(N);
    expect(report.featureDim).toBe(16);
    expect(report.reference.count).toBe(60);
    expect(report.kid).toEqual({ subsets: 3, subsetSize: 10 });
    expect(report.unconditional.map((r) => [r.sampler, r.steps, r.nfe])).toEqual([
      ['ddim', 2, 2],
      ['ddpm', 10, 10],
    ]);
    expect(report.conditional.map((r) => [r.guidance, r.nfe])).toEqual([
      [0, 2],
      [2, 4],
    ]);
    for (const r of [...report.unconditional, ...report.conditional, report.floor, report.noise]) {
      expect(Number.isFinite(r.fid)).toBe(true);
      expect(r.fid).toBeGreaterThanOrEqual(-1e-9);
      expect(r.fid).toBeCloseTo(r.fidMeanTerm + r.fidCovTerm, 9);
      expect(Number.isFinite(r.kid.mean) && Number.isFinite(r.kid.std)).toBe(true);
    }
    for (const r of [...report.unconditional, report.floor]) {
      expect(r.coverage.shares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(r.coverage.counts.reduce((s, v) => s + v, 0)).toBe(N);
    }
    for (const r of report.conditional) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(r.perClassAccuracy).toHaveLength(10);
    }
    // Even an untrained feature extractor puts real digits far closer to the test split than noise.
    expect(report.floor.fid).toBeLessThan(report.noise.fid);

    const sampling = events.filter((e) => !e.phase.includes('features'));
    const total = plannedEvaluations(PLAN, 10);
    expect(total).toBe(N * (2 + 10) + N * (2 + 2 * 2));
    expect(sampling.every((e) => e.total === total)).toBe(true);
    expect(sampling[sampling.length - 1].done).toBe(total);

    const again = await evaluateModel(inputs, PLAN);
    expect(withoutTimes(again)).toEqual(withoutTimes(report));
  });

  it('checks the plan', async () => {
    await expect(evaluateModel(inputs, { ...PLAN, n: 1 })).rejects.toThrow(/n must be/);
    await expect(evaluateModel(inputs, { ...PLAN, n: 13 })).rejects.toThrow(/floor set has 12 images/);
    await expect(evaluateModel(inputs, { ...PLAN, unconditional: [{ sampler: 'ddim', steps: 11 }] })).rejects.toThrow(/steps must be in \[1, 10\]/);
  });
});

describe('eval flags', () => {
  it('parses sampler settings', () => {
    expect(parseSamplerSetting('ddim:50', 'x')).toEqual({ sampler: 'ddim', steps: 50 });
    expect(parseSamplerSetting('ddim:20:0.5', 'x')).toEqual({ sampler: 'ddim', steps: 20, eta: 0.5 });
    expect(parseSamplerSetting('ddpm:all', 'x')).toEqual({ sampler: 'ddpm', steps: 'all' });
    expect(() => parseSamplerSetting('ddpm:10:0.5', 'x')).toThrow(/eta applies to ddim only/);
    expect(() => parseSamplerSetting('euler:10', 'x')).toThrow(/sampler:steps/);
    expect(() => parseSamplerSetting('ddim:0', 'x')).toThrow(/positive integer/);
  });

  it('applies the documented defaults and rejects bad values', () => {
    const a = parseEvalArgs(['--checkpoint', 'c']);
    expect(a.classifier).toBe('assets/classifier');
    expect(a.plan.n).toBe(2000);
    expect(a.plan.unconditional).toEqual([
      { sampler: 'ddim', steps: 10 },
      { sampler: 'ddim', steps: 20 },
      { sampler: 'ddim', steps: 50 },
      { sampler: 'ddpm', steps: 'all' },
    ]);
    expect(a.plan.guidanceWeights).toEqual([0, 1, 2, 4]);
    expect(a.plan.guided).toEqual({ sampler: 'ddim', steps: 50 });
    expect(a.plan.kid).toEqual({ subsets: 100, subsetSize: 1000 });
    expect(parseEvalArgs(['--checkpoint', 'c', '--n', '300']).plan.kid.subsetSize).toBe(300);
    expect(parseEvalArgs(['--checkpoint', 'c', '--guidance', 'none', '--samplers', 'none']).plan).toMatchObject({ guidanceWeights: [], unconditional: [] });
    expect(() => parseEvalArgs([])).toThrow(/--checkpoint is required/);
    expect(() => parseEvalArgs(['--checkpoint', 'c', '--n', '1'])).toThrow(/--n must be an integer/);
    expect(() => parseEvalArgs(['--checkpoint', 'c', '--guidance', '1,-2'])).toThrow(/"-2"/);
    expect(() => parseEvalArgs(['--checkpoint', 'c', '--n', '100', '--kid-subset-size', '200'])).toThrow(/kid-subset-size/);
  });
});
