import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../../src/components/base/attributes';
import { gridColumns } from '../../../src/components/sampler/grid-columns';
import { describeQuality, qualityOf } from '../../../src/components/sampler/quality';
import { checkPickedFiles } from '../../../src/components/trainer/checkpoint-files';
import { slowDeviceAdvice } from '../../../src/components/trainer/device-advice';
import { formatCount, formatDuration, formatRate } from '../../../src/components/trainer/format-time';
import { SHIPPED_CHECKPOINT_DIR, describeBackend, errorSentence, parseAssetsBase, parseBackend } from '../../../src/components/trainer/lab-connection';
import { LossHistory, SMOOTHING } from '../../../src/components/trainer/loss-history';
import { TRAINER_DEFAULTS, TRAINER_SETTINGS, autoBatchHint, expectedWorkers, trainSettings } from '../../../src/components/trainer/trainer-settings';
import { TrainingRun } from '../../../src/components/trainer/training-run';
import type { TrainProgress } from '../../../src/lab/lab-api';
import { checkTrainSettings, resolveRunSettings } from '../../../src/lab/browser/train-settings';

const { batchSize, labelDropout, learningRate, preset, sampleEvery, steps } = TRAINER_SETTINGS;

function message<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.value)}`);
  return result.message;
}

describe('trainer settings', () => {
  it('defaults form settings the lab accepts', () => {
    const settings = trainSettings({ ...TRAINER_DEFAULTS });
    expect(checkTrainSettings(settings)).toEqual(settings);
    expect(settings.sampleCount).toBe(10);
  });

  it('rejects values the lab would refuse, saying what is allowed', () => {
    expect(message(preset.parse('base'))).toContain('"live", "tiny" or "small"');
    expect(message(preset.parse('base'))).toContain('needs a GPU');
    expect(message(batchSize.parse('0'))).toBe('batch-size="0" is not valid: use "auto" (32 per worker) or a whole number from 1 to 512.');
    expect(message(batchSize.parse('513'))).toContain('a whole number from 1 to 512');
    expect(message(batchSize.parse('32.5'))).toContain('batch-size="32.5" is not valid');
    expect(message(batchSize.parse('Auto'))).toContain('use "auto"');
    expect(message(learningRate.parse('1'))).toContain('a number greater than 0 and less than 1');
    expect(message(learningRate.parse('0'))).toContain('greater than 0');
    expect(message(steps.parse('abc'))).toContain('a whole number from 1 to 20000');
    expect(message(labelDropout.parse('1.5'))).toContain('at least 0 and at most 1');
    expect(message(sampleEvery.parse('-1'))).toContain('a whole number from 0 to 20000');
    expect(learningRate.parse('1e-3')).toEqual({ ok: true, value: 0.001 });
    // workers: "auto" (the default) or a fixed count, for a reproducible run.
    expect(TRAINER_SETTINGS.workers.parse(null)).toEqual({ ok: true, value: 'auto' });
    expect(TRAINER_SETTINGS.workers.parse('2')).toEqual({ ok: true, value: 2 });
    expect(message(TRAINER_SETTINGS.workers.parse('0'))).toBe('workers="0" is not valid: use "auto" or a whole number from 1 to 16.');
    expect(message(TRAINER_SETTINGS.workers.parse('two'))).toContain('use "auto" or a whole number');
  });
});

describe('the batch size: "auto" or a number', () => {
  it('defaults to "auto" and keeps a number as the whole batch', () => {
    expect(TRAINER_DEFAULTS.batchSize).toBe('auto');
    expect(batchSize.defaultText).toBe('auto');
    expect(batchSize.parse(null)).toEqual({ ok: true, value: 'auto' });
    expect(batchSize.parse('')).toEqual({ ok: true, value: 'auto' });
    expect(batchSize.parse(' auto ')).toEqual({ ok: true, value: 'auto' });
    expect(batchSize.parse('48')).toEqual({ ok: true, value: 48 });
    expect(batchSize.parse(100)).toEqual({ ok: true, value: 100 });
  });

  it('is resolved by the lab to 32 per worker of the run; a number stays as it is', () => {
    const auto = checkTrainSettings(trainSettings({ ...TRAINER_DEFAULTS }));
    expect(resolveRunSettings(auto, 1).batchSize).toBe(32);
    expect(resolveRunSettings(auto, 2).batchSize).toBe(64);
    expect(resolveRunSettings({ ...auto, batchSize: 40 }, 2).batchSize).toBe(40);
    expect(() => checkTrainSettings({ ...auto, batchSize: 'Auto' as never })).toThrow(`TrainSettings.batchSize must be 'auto' or an integer from 1 to 512, got "Auto"`);
    expect(() => checkTrainSettings({ ...auto, batchSize: 0 })).toThrow('TrainSettings.batchSize must be');
  });

  it('tells what "auto" gives once the workers are known', () => {
    const wasm = { backend: 'wasm' as const, reason: '', tried: [] };
    expect(expectedWorkers(null, 'auto')).toBeNull();
    expect(expectedWorkers(wasm, 'auto')).toBeNull();
    expect(expectedWorkers(wasm, 3)).toBe(3);
    expect(expectedWorkers({ ...wasm, backend: 'webgpu' }, 3)).toBe(1);
    const choice = { backend: 'wasm' as const, workers: 2, timings: [], summary: '', device: 'd', measuredAt: 0, remembered: false };
    expect(expectedWorkers({ ...wasm, choice }, 'auto')).toBe(2);
    expect(expectedWorkers({ ...wasm, backend: 'cpu', choice }, 'auto')).toBeNull();
    expect(autoBatchHint(null, null)).toBe('auto: 32 per worker');
    expect(autoBatchHint(null, 2)).toBe('auto: 32 per worker → 64');
    // A run keeps the batch its workers started with, even after one stops; a reset run does not count.
    expect(autoBatchHint({ state: 'running', autoBatchSize: 64 }, 1)).toBe('auto: 32 per worker → 64');
    expect(autoBatchHint({ state: 'idle', autoBatchSize: 64 }, 1)).toBe('auto: 32 per worker → 32');
    expect(autoBatchHint({ state: 'running' }, null)).toBe('auto: 32 per worker');
  });
});

describe('lab attributes', () => {
  it('parses the backend with advice for common mistakes', () => {
    expect(parseBackend(null)).toEqual({ ok: true, value: 'auto' });
    expect(parseBackend('wasm')).toEqual({ ok: true, value: 'wasm' });
    expect(message(parseBackend('gpu'))).toContain('"webgpu" or "webgl"');
    expect(message(parseBackend('WASM'))).toContain('did you mean "wasm"?');
  });

  it('keeps the default assets folder when none is given and adds the final slash', () => {
    expect(parseAssetsBase(null)).toEqual({ ok: true, value: null });
    expect(parseAssetsBase('/my/assets')).toEqual({ ok: true, value: '/my/assets/' });
    expect(message(parseAssetsBase('http://[bad'))).toContain('assets-base="http://[bad" is not valid');
  });

  it('looks for the shipped checkpoint where the lab worker does', async () => {
    const host = await import('../../../src/lab/browser/lab-host');
    expect(SHIPPED_CHECKPOINT_DIR).toBe(host.SHIPPED_CHECKPOINT_DIR);
  });

  it('describes the backend in a short line, with the reasons behind it apart', () => {
    const auto = {
      backend: 'wasm' as const,
      reason: 'wasm chosen (webgpu: no adapter; webgl: WebGL is software-rendered (SwiftShader); wasm is faster on a CPU)',
      tried: [
        { name: 'webgpu' as const, ok: false, reason: 'no adapter' },
        { name: 'webgl' as const, ok: false, reason: 'WebGL is software-rendered (SwiftShader); wasm is faster on a CPU' },
        { name: 'wasm' as const, ok: true },
      ],
    };
    expect(describeBackend(auto, 'auto')).toEqual({
      summary: 'wasm chosen',
      details: 'Not used: webgpu, no adapter; webgl, WebGL is software-rendered (SwiftShader); wasm is faster on a CPU.',
      figures: '',
    });
    const asked = { backend: 'wasm' as const, reason: 'wasm as requested', tried: [{ name: 'wasm' as const, ok: true }] };
    expect(describeBackend(asked, 'wasm')).toEqual({ summary: 'wasm as requested', details: '', figures: '' });
    // With a measured choice, the figures behind it; remembered ones say so.
    const choice = { backend: 'wasm' as const, workers: 2, timings: [], summary: 'wasm 98 ms/step · wasm ×2 workers 85 ms/step → wasm ×2 workers', device: 'd', measuredAt: 0 };
    const measured = { backend: 'wasm' as const, reason: 'wasm chosen by a timed training step', tried: [{ name: 'wasm' as const, ok: true }] };
    expect(describeBackend({ ...measured, choice: { ...choice, remembered: false } }, 'auto')).toEqual({
      summary: 'wasm chosen by a timed training step',
      details: '',
      figures: 'Timed training step: wasm 98 ms/step · wasm ×2 workers 85 ms/step → wasm ×2 workers',
    });
    expect(describeBackend({ ...measured, choice: { ...choice, remembered: true } }, 'auto').figures).toMatch(/^Measured here before: wasm 98/);
    expect(describeBackend(asked, 'cpu').details).toBe("This widget asked for cpu, but the page's lab had already started on wasm: every widget on a page shares one lab.");
  });

  it('turns lab errors into sentences', () => {
    expect(errorSentence(new Error('no trained model on this page yet'))).toBe('No trained model on this page yet.');
    expect(errorSentence(new Error('Already one.'))).toBe('Already one.');
    expect(errorSentence('x (y)')).toBe('X (y).');
  });
});

describe('LossHistory', () => {
  it('keeps one value per step with gaps, and a bias-corrected moving average', () => {
    const h = new LossHistory();
    h.add([
      [1, 1],
      [2, 0.5],
    ]);
    h.add([[4, 0.25]]);
    const s = h.series();
    expect(s.start).toBe(1);
    expect(Array.from(s.raw)).toEqual([1, 0.5, Number.NaN, 0.25]);
    // Bias correction: the first smoothed value is the first loss itself.
    expect(s.smoothed[0]).toBeCloseTo(1);
    const b = SMOOTHING;
    const m2 = b * (1 - b) * 1 + (1 - b) * 0.5;
    expect(s.smoothed[1]).toBeCloseTo(m2 / (1 - b ** 2));
    expect(Number.isNaN(s.smoothed[2])).toBe(true);
    expect(h.smoothedLoss).toBeCloseTo((b * m2 + (1 - b) * 0.25) / (1 - b ** 3));
    expect(h.at(4)).toBe(0.25);
    expect(h.lastStep).toBe(4);
  });

  it('ignores repeated steps, skips non-finite losses in the average, grows and clears', () => {
    const h = new LossHistory();
    h.add([[10, 2]]);
    h.add([[10, 5], [9, 5]]);
    expect(h.length).toBe(1);
    h.add([[11, Number.NaN]]);
    expect(h.smoothedLoss).toBeCloseTo(2);
    const many = Array.from({ length: 1000 }, (_, i) => [12 + i, 1] as [number, number]);
    h.add(many);
    expect(h.length).toBe(1002);
    expect(h.at(1011)).toBe(1);
    h.clear();
    expect(h.length).toBe(0);
    expect(h.firstStep).toBeNull();
    h.add([[1, 3]]);
    expect(h.series().start).toBe(1);
  });
});

describe('formatting', () => {
  it('prints durations, rates and counts', () => {
    expect(formatDuration(Infinity)).toBe('–');
    expect(formatDuration(0.4)).toBe('under 1 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(4020)).toBe('1 h 07 min');
    expect(formatRate(0)).toBe('–');
    expect(formatRate(0.4234)).toBe('0.42 steps/s');
    expect(formatRate(6.931)).toBe('6.93 steps/s');
    expect(formatRate(12.34)).toBe('12.3 steps/s');
    expect(formatCount(39289)).toBe('39,289');
  });
});

describe('device advice', () => {
  it('suggests the shipped model on phones and 2-core machines without a GPU backend only', () => {
    expect(slowDeviceAdvice({ cores: 2, viewportWidth: 1280, backend: 'wasm' })).toContain('2 processor cores');
    expect(slowDeviceAdvice({ cores: 8, viewportWidth: 390, backend: 'cpu' })).toContain('phone-sized screen');
    expect(slowDeviceAdvice({ cores: 2, viewportWidth: 390, backend: 'webgpu' })).toBeNull();
    expect(slowDeviceAdvice({ cores: 8, viewportWidth: 1280, backend: 'wasm' })).toBeNull();
    expect(slowDeviceAdvice({ cores: 2, viewportWidth: 1280, backend: null })).toBeNull();
  });
});

describe('training run', () => {
  const report = (state: TrainProgress['state'], step: number, newLosses: Array<[number, number]> = []): TrainProgress => ({
    state,
    step,
    totalSteps: 100,
    loss: 0.5,
    stepsPerSecond: 10,
    etaSeconds: 1,
    newLosses,
    settings: { ...trainSettings({ ...TRAINER_DEFAULTS }), batchSize: 32 },
  });

  it('follows the lab from no model through running and done, offering the matching button', () => {
    const run = new TrainingRun();
    expect(run.state).toBe('none');
    expect(run.mainAction(100)).toEqual({ kind: 'start', label: 'Start training', finished: false });
    expect(run.describeState()).toBe('Ready to train.');
    expect(run.receive(report('running', 10, [[9, 0.6], [10, 0.5]]))).toEqual({ reset: false, finished: false });
    expect(run.mainAction(100).kind).toBe('pause');
    expect(run.history.length).toBe(2);
    expect(run.receive(report('paused', 20))).toEqual({ reset: false, finished: false });
    expect(run.mainAction(100)).toEqual({ kind: 'resume', label: 'Resume', finished: false });
    run.receive(report('running', 50));
    expect(run.receive(report('done', 100))).toEqual({ reset: false, finished: true });
    expect(run.mainAction(100)).toEqual({ kind: 'start', label: 'Finished: raise Steps to go on', finished: true });
    expect(run.mainAction(2000).label).toBe('Continue to 2,000 steps');
    expect(run.describeState()).toBe('Done: step 100 of 100.');
    expect(run.describeModel()).toBe('the live model trained for 100 steps');
  });

  it('forgets the model, its curve and its samples when the lab reports a reset', () => {
    const run = new TrainingRun();
    run.receive(report('running', 3, [[3, 0.5]]));
    run.receiveSamples({ step: 3, images: new Float32Array(0), count: 10 });
    expect(run.receive(report('idle', 0))).toEqual({ reset: true, finished: false });
    expect(run.hasModel).toBe(false);
    expect(run.samples).toBeNull();
    expect(run.history.length).toBe(0);
    expect(run.describeModel()).toBe('the trained model');
  });
});

describe('checkpoint files', () => {
  it('wants exactly model.json and one weights file', () => {
    expect(checkPickedFiles([{ name: 'model.json' }, { name: 'weights.bin' }])).toBeNull();
    expect(checkPickedFiles([{ name: 'model.json' }])).toContain('got model.json');
    expect(checkPickedFiles([{ name: 'a.bin' }, { name: 'b.bin' }])).toContain('model.json and weights.bin');
  });
});

describe('quality', () => {
  it('scores a labelled panel by the share read as its label, and an unlabelled one by the digits seen', () => {
    const out = { labels: Int32Array.from([3, 3, 5, 3]), confidence: Float32Array.from([0.9, 0.8, 0.4, 0.7]) };
    const labelled = qualityOf(out, 3);
    expect(labelled).toMatchObject({ count: 4, correct: 3, accuracy: 0.75 });
    expect(labelled.meanConfidence).toBeCloseTo(0.7);
    expect(describeQuality(labelled)).toBe('The reference classifier reads 3 of 4 as a 3 (75 %); mean confidence 0.70.');
    const free = qualityOf(out, null);
    expect(free.accuracy).toBeNull();
    expect(describeQuality(free)).toBe('The reference classifier reads 3 ×3, 5 ×1; mean confidence 0.70.');
  });

  it('lays grids out without empty cells where it can', () => {
    expect(gridColumns(16)).toBe(4);
    expect(gridColumns(8)).toBe(4);
    expect(gridColumns(10)).toBe(5);
    expect(gridColumns(7)).toBe(3);
    expect(gridColumns(1)).toBe(1);
  });
});
