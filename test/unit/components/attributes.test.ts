import { describe, expect, it } from 'vitest';
import {
  describeFloatRange,
  parseBoolAttr,
  parseEnumAttr,
  parseFloatAttr,
  parseIntAttr,
  parseListAttr,
  type ParseResult,
} from '../../../src/components/base/attributes';

function message<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.value)}`);
  return result.message;
}

describe('parseIntAttr', () => {
  const range = { min: 1, max: 1000 };

  it('accepts whole numbers in range, as strings or numbers', () => {
    expect(parseIntAttr('num-train-timesteps', '1000', range)).toEqual({ ok: true, value: 1000 });
    expect(parseIntAttr('num-train-timesteps', ' 25 ', range)).toEqual({ ok: true, value: 25 });
    expect(parseIntAttr('num-train-timesteps', '1e3', range)).toEqual({ ok: true, value: 1000 });
    expect(parseIntAttr('num-train-timesteps', 7, range)).toEqual({ ok: true, value: 7 });
  });

  it('names the attribute, quotes the value and says what is allowed', () => {
    expect(message(parseIntAttr('num-train-timesteps', 'abc', range))).toBe(
      'num-train-timesteps="abc" is not valid: use a whole number from 1 to 1000.',
    );
    expect(message(parseIntAttr('t', '-5', { min: 0, max: 1000 }))).toContain('t="-5"');
    expect(message(parseIntAttr('t', '2.5', { min: 0 }))).toContain('a whole number ≥ 0');
    expect(message(parseIntAttr('t', '1001', { min: 0, max: 1000 }))).toContain('from 0 to 1000');
    // Hex, Infinity and stray text are not numbers a reader would type.
    for (const bad of ['0x10', 'Infinity', '12px', 'NaN', true]) {
      expect(parseIntAttr('t', bad, {}).ok).toBe(false);
    }
  });

  it('uses the default when absent or empty and reports a missing required value', () => {
    expect(parseIntAttr('t', null, { default: 250 })).toEqual({ ok: true, value: 250 });
    expect(parseIntAttr('t', '', { default: 250 })).toEqual({ ok: true, value: 250 });
    expect(message(parseIntAttr('t', undefined, { min: 0, max: 9 }))).toBe('t is missing: use a whole number from 0 to 9.');
  });
});

describe('parseFloatAttr', () => {
  const beta = { min: 0, max: 1, minExclusive: true, maxExclusive: true };

  it('accepts decimals and exponents within open or closed bounds', () => {
    expect(parseFloatAttr('beta-start', '0.0001', beta)).toEqual({ ok: true, value: 0.0001 });
    expect(parseFloatAttr('beta-start', '1e-4', beta)).toEqual({ ok: true, value: 0.0001 });
    expect(parseFloatAttr('beta-start', '.02', beta)).toEqual({ ok: true, value: 0.02 });
    expect(parseFloatAttr('x', '1', { min: 0, max: 1 })).toEqual({ ok: true, value: 1 });
  });

  it('rejects the bounds when exclusive and anything not a finite number', () => {
    expect(message(parseFloatAttr('beta-start', '0', beta))).toBe(
      'beta-start="0" is not valid: use a number greater than 0 and less than 1.',
    );
    expect(parseFloatAttr('beta-end', '1', beta).ok).toBe(false);
    expect(parseFloatAttr('beta-end', 'big', beta).ok).toBe(false);
    expect(parseFloatAttr('beta-end', Number.NaN, beta).ok).toBe(false);
    expect(describeFloatRange({ min: 0 })).toBe('a number at least 0');
  });
});

describe('parseEnumAttr', () => {
  const schedules = ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'] as const;
  const hints = { cosine: 'the cosine schedule is called "squaredcos_cap_v2"' };

  it('accepts exact names and gives the default when absent', () => {
    expect(parseEnumAttr('beta-schedule', 'squaredcos_cap_v2', schedules)).toEqual({ ok: true, value: 'squaredcos_cap_v2' });
    expect(parseEnumAttr('beta-schedule', null, schedules, { default: 'linear' })).toEqual({ ok: true, value: 'linear' });
  });

  it('lists every allowed name and adds a hint for known mistakes', () => {
    const text = message(parseEnumAttr('beta-schedule', 'cosine', schedules, { hints }));
    expect(text).toBe(
      'beta-schedule="cosine" is not valid: use one of "linear", "scaled_linear", "squaredcos_cap_v2" or "sigmoid". ' +
        'The cosine schedule is called "squaredcos_cap_v2".',
    );
    expect(message(parseEnumAttr('beta-schedule', 'Linear', schedules))).toContain('Names are case-sensitive: did you mean "linear"?');
    expect(message(parseEnumAttr('mode', 'x', ['closed-form', 'iterative']))).toBe('mode="x" is not valid: use "closed-form" or "iterative".');
  });
});

describe('parseBoolAttr', () => {
  it('follows HTML boolean attributes and accepts "true"/"false"', () => {
    expect(parseBoolAttr('compare', '')).toEqual({ ok: true, value: true });
    expect(parseBoolAttr('compare', 'compare')).toEqual({ ok: true, value: true });
    expect(parseBoolAttr('compare', 'TRUE')).toEqual({ ok: true, value: true });
    expect(parseBoolAttr('compare', 'false')).toEqual({ ok: true, value: false });
    expect(parseBoolAttr('compare', null)).toEqual({ ok: true, value: false });
    expect(parseBoolAttr('compare', null, { default: true })).toEqual({ ok: true, value: true });
    expect(message(parseBoolAttr('compare', 'maybe'))).toContain('"true" or "false"');
  });
});

describe('parseListAttr', () => {
  const allowed = ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'];

  it('splits on commas and spaces and checks each item', () => {
    expect(parseListAttr('schedules', 'linear,squaredcos_cap_v2', { allowed })).toEqual({
      ok: true,
      value: ['linear', 'squaredcos_cap_v2'],
    });
    expect(parseListAttr('schedules', ' linear ,  sigmoid linear', { allowed, unique: true })).toEqual({
      ok: true,
      value: ['linear', 'sigmoid'],
    });
    expect(parseListAttr('schedules', null, { allowed, default: allowed })).toEqual({ ok: true, value: allowed });
  });

  it('names the bad item, the allowed ones, and enforces the count', () => {
    const text = message(parseListAttr('schedules', 'linear,cosine', { allowed, hints: { cosine: 'use "squaredcos_cap_v2"' } }));
    expect(text).toContain('"cosine" is not one of "linear", "scaled_linear", "squaredcos_cap_v2" or "sigmoid"');
    expect(text).toContain('Use "squaredcos_cap_v2".');
    expect(parseListAttr('schedules', ',,', { allowed, default: ['linear'] })).toMatchObject({ ok: false });
    expect(parseListAttr('schedules', 'a b c', { maxItems: 2 }).ok).toBe(false);
  });

  it('parses items with a custom parser', () => {
    const parseItem = (item: string): ParseResult<number> => parseIntAttr('t', item, { min: 0, max: 10 });
    expect(parseListAttr('timesteps', '1, 5, 9', { parseItem })).toEqual({ ok: true, value: [1, 5, 9] });
    expect(message(parseListAttr('timesteps', '1, 50', { parseItem }))).toContain('t="50"');
  });
});
