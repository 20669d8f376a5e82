import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/components/base/format';
import { DrawnCanvases, shownFrame, type StreamedRun } from '../../../src/components/base/lab-job';
import { backendSetting, checkSettingValue, labAssetsBaseSetting, settingProperties } from '../../../src/components/base/settings-table';
import { INPAINT_SETTINGS, MAX_EDIT_RESULTS, sdeditPlan } from '../../../src/components/inpaint/settings';
import { parsePanels } from '../../../src/components/sampler/panel-spec';
import { scrubMax, scrubText, stepDetail } from '../../../src/components/sampler/scrubber';
import { MAX_SAMPLES_PER_PANEL, SAMPLER_SETTINGS } from '../../../src/components/sampler/settings';
import { StepFrames } from '../../../src/components/base/step-frames';
import { parseAssetsBase, parseBackend } from '../../../src/components/trainer/lab-connection';

const message = (r: { ok: boolean; message?: string }): string => (r.ok ? '' : (r.message ?? ''));

describe('<diffusion-sampler> settings', () => {
  it('declares one reflected attribute per row', () => {
    expect(Object.values(settingProperties(SAMPLER_SETTINGS)).map((p) => p.attribute)).toEqual(['panels', 'seed', 'count', 'source', 'backend', 'assets-base']);
  });

  it('parses panels with the panel grammar, and counts up to the widget limit', () => {
    expect(SAMPLER_SETTINGS.panels.parse('ddim:20:w=2:label=3')).toEqual(parsePanels('ddim:20:w=2:label=3'));
    expect(message(SAMPLER_SETTINGS.panels.parse('euler:20'))).toContain('"euler" is not a sampler');
    expect(SAMPLER_SETTINGS.count.parse(null)).toEqual({ ok: true, value: 16 });
    expect(SAMPLER_SETTINGS.count.parse(String(MAX_SAMPLES_PER_PANEL))).toEqual({ ok: true, value: 64 });
    expect(message(SAMPLER_SETTINGS.count.parse('65'))).toBe('count="65" is not valid: use a whole number from 1 to 64.');
    expect(message(SAMPLER_SETTINGS.source.parse('pretrained'))).toBe('source="pretrained" is not valid: use "shipped" or "trained". The model trained ahead of time is "shipped".');
    expect(checkSettingValue(SAMPLER_SETTINGS, 'seed', '-1')).toContain('seed="-1" is not valid');
  });
});

describe('<diffusion-inpaint> settings', () => {
  const S = INPAINT_SETTINGS;

  it('keeps the messages and limits of the attributes', () => {
    expect(S.jumpLength.parse('7', { max: 4 }).ok).toBe(false);
    expect(S.jumpLength.parse(null, { max: 4, default: 4 })).toEqual({ ok: true, value: 4 });
    expect(S.label.parse('none')).toEqual({ ok: true, value: null });
    expect(message(S.label.parse('12'))).toBe('label="12" is not valid: use a digit 0 to 9, or "none" for no label.');
    expect(message(S.count.parse(String(MAX_EDIT_RESULTS + 1)))).toBe('count="17" is not valid: use a whole number from 1 to 16.');
    expect(message(S.strength.parse('2'))).toBe('strength="2" is not valid: use a number at least 0 and at most 1.');
    expect(message(S.mask.parse('centre'))).toContain('Write "center".');
    expect(S.digitIndex.parse('5000')).toEqual({ ok: true, value: 5000 });
    expect(S.digitIndex.parse('5000', { max: 1999 }).ok).toBe(false);
  });

  it("plans SDEdit from the model's scheduler, with diffusers' defaults for what it lacks", () => {
    // Leading spacing over T = 1000: 10 steps are 900 … 0; strength 0.5 runs the last 5, from 400.
    expect(sdeditPlan(undefined, 10, 0.5)).toEqual({ runSteps: 5, startTimestep: 400, T: 1000 });
    expect(sdeditPlan({ timestepSpacing: 'nonsense' }, 10, 0.5)).toEqual({ runSteps: 5, startTimestep: 400, T: 1000 });
    expect(sdeditPlan({ timestepSpacing: 'trailing' }, 10, 0.5)).toEqual({ runSteps: 5, startTimestep: 499, T: 1000 });
    expect(sdeditPlan({ numTrainTimesteps: 100, stepsOffset: 1 }, 10, 0.5)).toEqual({ runSteps: 5, startTimestep: 41, T: 100 });
    expect(sdeditPlan({}, 10, 0)).toEqual({ runSteps: 0, startTimestep: null, T: 1000 });
    expect(sdeditPlan({}, 10, 2)).toEqual({ runSteps: 0, startTimestep: null, T: 1000 });
  });
});

describe('rows every lab widget shares', () => {
  it('backend and assets-base parse as lab-connection always did', () => {
    expect(backendSetting().type).toBe('"auto" | "webgpu" | "webgl" | "wasm" | "cpu"');
    expect(parseBackend('gpu')).toEqual(backendSetting().parse('gpu'));
    expect(labAssetsBaseSetting('mnist/').parse(null)).toEqual({ ok: true, value: null });
    expect(labAssetsBaseSetting('mnist/').defaultText).toBe('/assets/');
    expect(parseAssetsBase('/x')).toEqual({ ok: true, value: '/x/' });
  });
});

describe('the sampler scrubber', () => {
  const run = (steps: number): StepFrames => {
    const frames = new StepFrames(1, 4);
    for (let i = 0; i < steps; i++) frames.add({ index: i, total: steps, timestep: 100 - i * 10, xt: new Float32Array(4), x0: new Float32Array(4) });
    return frames;
  };

  it('spans the longest panel, and shows each panel the same share of the way', () => {
    const panels = [run(4), null, run(8)];
    expect(scrubMax(panels)).toBe(8);
    expect(scrubText(panels, 4, 8)).toBe('panel 1 step 3 of 4, panel 2 not sampled, panel 3 step 5 of 8');
    expect(stepDetail(panels, 0.5)).toEqual({
      position: 4,
      max: 8,
      panels: [
        { index: 0, frame: 2, total: 4, timestep: 80 },
        { index: 2, frame: 4, total: 8, timestep: 60 },
      ],
    });
    expect(stepDetail([null], 1)).toBeNull();
  });
});

describe('lab job helpers', () => {
  it('shows the live frame while running (x_T with reduced motion), else the chosen one', () => {
    const frames = new StepFrames(1, 4);
    for (let i = 0; i < 3; i++) frames.add({ index: i, total: 5, timestep: 50 - i, xt: new Float32Array(4), x0: new Float32Array(4) });
    const run: StreamedRun = { id: 1, frames, state: 'running', error: null };
    expect(shownFrame(run, false, () => 0)?.index).toBe(2);
    expect(shownFrame(run, true, () => 2)?.index).toBe(0);
    expect(shownFrame({ ...run, state: 'stopped' }, false, () => 1)?.index).toBe(1);
  });

  it('redraws a canvas only when what it shows changed', () => {
    const drawn = new DrawnCanvases();
    const canvas = {} as HTMLCanvasElement;
    expect(drawn.changed(canvas, 'a')).toBe(true);
    expect(drawn.changed(canvas, 'a')).toBe(false);
    expect(drawn.changed(canvas, 'b')).toBe(true);
  });

  it('prints wall times', () => {
    expect(formatDuration(840.4)).toBe('840 ms');
    expect(formatDuration(2345)).toBe('2.35 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});
