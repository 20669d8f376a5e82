import { describe, expect, it } from 'vitest';
import { formatNumber, formatStat, subscript } from '../../../src/components/base/format';
import { attributeForSetting, parseBeta, parseBetaSchedule, parseNumTrainTimesteps } from '../../../src/components/base/schedule-attributes';

describe('number formats', () => {
  it('prints four decimals, true minus signs, and powers of ten for tiny values', () => {
    expect(formatNumber(0.72391)).toBe('0.7239');
    expect(formatNumber(1)).toBe('1.0000');
    expect(formatNumber(-3.5)).toBe('−3.5000');
    expect(formatNumber(4.0358e-5)).toBe('4.04×10⁻⁵');
    expect(formatNumber(-2e-7)).toBe('−2.00×10⁻⁷');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatNumber(-Infinity)).toBe('−∞');
    expect(formatNumber(Number.NaN)).toBe('–');
  });

  it('prints statistics with three decimals and no negative zero', () => {
    expect(formatStat(-0.0004)).toBe('0.000');
    expect(formatStat(-0.47)).toBe('−0.470');
    expect(formatStat(0.9899)).toBe('0.990');
    expect(subscript('x', 250)).toBe('x₂₅₀');
  });
});

describe('schedule attributes', () => {
  it('use diffusers defaults and names, kebab-cased', () => {
    expect(parseNumTrainTimesteps(null)).toEqual({ ok: true, value: 1000 });
    expect(parseNumTrainTimesteps('0').ok).toBe(false);
    expect(parseNumTrainTimesteps('4001').ok).toBe(false);
    expect(parseBetaSchedule(null)).toEqual({ ok: true, value: 'linear' });
    expect(parseBetaSchedule('squaredcos_cap_v2')).toEqual({ ok: true, value: 'squaredcos_cap_v2' });
    const cosine = parseBetaSchedule('cosine');
    expect(cosine.ok).toBe(false);
    if (!cosine.ok) expect(cosine.message).toContain('is called "squaredcos_cap_v2" in diffusers');
    expect(parseBeta('beta-start', null)).toEqual({ ok: true, value: 0.0001 });
    expect(parseBeta('beta-end', null)).toEqual({ ok: true, value: 0.02 });
    expect(parseBeta('beta-end', '1').ok).toBe(false);
    expect(attributeForSetting('numTrainTimesteps')).toBe('num-train-timesteps');
  });
});
