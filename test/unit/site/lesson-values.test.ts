import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/model/config';
import { describeUNet } from '../../../src/model/describe';
import { scheduleCurves } from '../../../src/diffusion/curves';
import { formatCount, formatTexNumber, lessonValues, listInProse, substituteValues } from '../../../src/site/build/lesson-values';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('values quoted in lessons', () => {
  const values = lessonValues();

  it('takes parameter and FLOP counts from describeUNet', () => {
    for (const preset of ['tiny', 'small', 'base'] as const) {
      const description = describeUNet(PRESETS[preset]);
      expect(values.get(`unet.${preset}.params`)).toBe(formatCount(description.params));
      expect(values.get(`unet.${preset}.mflops`)).toBe((description.flopsPerImage / 1e6).toFixed(1));
      expect(values.get('unet.presets-table')).toContain(`| ${formatCount(description.params)} |`);
    }
    // The parts table adds up to the network's total.
    const table = values.get('unet.small.table')!;
    const rows = table.split('\n').slice(2, -1);
    const sum = rows.reduce((total, row) => total + Number(row.split('|')[4].trim().replace(/,/g, '')), 0);
    expect(sum).toBe(describeUNet(PRESETS.small).params);
    expect(table).toContain(`**${formatCount(sum)}**`);
  });

  it('takes ᾱ_t from the schedule code, in the papers’ 1-based t', () => {
    const linear = scheduleCurves({ betaSchedule: 'linear', numTrainTimesteps: 1000 }).alphasCumprod;
    expect(values.get('schedule.linear.alpha-bar-500')).toBe(formatTexNumber(linear[499]));
    expect(values.get('schedule.linear.half-t')).toBe(String(linear.findIndex((a) => a < 0.5) + 1));
    expect(Number(values.get('schedule.squaredcos_cap_v2.half-t'))).toBeGreaterThan(Number(values.get('schedule.linear.half-t')));
  });

  it('separates the signal kept in amplitude (√ᾱ) from the share of its variance lost (1 − ᾱ)', () => {
    const short = scheduleCurves({ betaSchedule: 'linear', numTrainTimesteps: 100 }).alphasCumprod;
    const final = short[short.length - 1];
    expect(values.get('schedule.linear.final-alpha-bar-100')).toBe(formatTexNumber(final));
    expect(values.get('schedule.linear.final-sqrt-alpha-bar-100')).toBe(formatTexNumber(Math.sqrt(final)));
    expect(values.get('schedule.linear.final-variance-lost-100')).toBe(`${Math.round(100 * (1 - final))} %`);
    // With ᾱ ≈ 0.36 the amplitude keeps more than half while most of the variance is gone.
    expect(Math.sqrt(final)).toBeGreaterThan(0.5);
    expect(1 - final).toBeGreaterThan(0.5);
  });

  it('formats numbers for prose and for TeX', () => {
    expect(formatCount(163881)).toBe('163,881');
    expect(formatTexNumber(0.078588)).toBe('0.0786');
    expect(formatTexNumber(4.0358e-5)).toBe('4.04 \\times 10^{-5}');
    expect(formatTexNumber(0)).toBe('0');
    expect(listInProse(['8', '16', '32'])).toBe('8, 16 and 32');
    expect(listInProse(['8'])).toBe('8');
  });

  it('substitutes {{ key }} and refuses unknown keys', () => {
    expect(substituteValues('It has {{ unet.small.params }} parameters.', values, fail)).toBe(
      `It has ${values.get('unet.small.params')} parameters.`,
    );
    expect(() => substituteValues('{{ unet.huge.params }}', values, fail)).toThrow(/unknown value \{\{ unet\.huge\.params \}\}/);
  });
});
