import { describe, expect, it } from 'vitest';
import {
  attributeDocs,
  checkSettingValue,
  enumSetting,
  intSetting,
  listSetting,
  propertyForAttribute,
  seedSetting,
  settingProperties,
} from '../../../src/components/base/settings-table';
import { SCHEDULE_SETTINGS } from '../../../src/components/schedule/settings';
import { MAX_SEED } from '../../../src/data/rng';

describe('settings table', () => {
  it('names the property after the attribute', () => {
    expect(propertyForAttribute('num-train-timesteps')).toBe('numTrainTimesteps');
    expect(intSetting('digit-index', { doc: 'd' }).property).toBe('digitIndex');
  });

  it('parses with the row limits, and tighter bounds given at parse time', () => {
    const t = intSetting('t', { min: 0, max: 999, default: 500, doc: 'the cursor' });
    expect(t.parse(null)).toEqual({ ok: true, value: 500 });
    expect(t.parse('12')).toEqual({ ok: true, value: 12 });
    const tooBig = t.parse('1000');
    expect(tooBig.ok).toBe(false);
    if (!tooBig.ok) expect(tooBig.message).toContain('t="1000"');
    expect(t.parse('600', { max: 499 }).ok).toBe(false);
    expect(t.parse(null, { default: 42 })).toEqual({ ok: true, value: 42 });
  });

  it('gives the docs the real defaults and types', () => {
    const rows = attributeDocs({
      mode: enumSetting('mode', ['a', 'b'] as const, { default: 'b', doc: 'which' }),
      list: listSetting('list', { allowed: ['x', 'y'], default: ['x', 'y'], doc: 'items' }),
      seed: seedSetting('the seed'),
    });
    expect(rows).toEqual([
      { name: 'mode', type: '"a" | "b"', default: 'b', description: 'which' },
      { name: 'list', type: 'comma-separated, from "x" | "y"', default: 'x,y', description: 'items' },
      { name: 'seed', type: 'whole number 0 … 4294967295', default: '0', description: 'the seed' },
    ]);
    expect(seedSetting('s').parse(String(MAX_SEED + 1)).ok).toBe(false);
  });

  it('declares one reflected property per row, under its attribute', () => {
    const props = settingProperties(SCHEDULE_SETTINGS);
    expect(Object.keys(props)).toEqual(Object.keys(SCHEDULE_SETTINGS));
    expect(props.numTrainTimesteps).toEqual({ attribute: 'num-train-timesteps', reflect: true });
    expect(() => settingProperties({ wrong: intSetting('seed', { doc: '' }) })).toThrow(/row "wrong"/);
  });

  it('checks a value from a link as the widget would', () => {
    expect(checkSettingValue(SCHEDULE_SETTINGS, 't', '20')).toBeNull();
    expect(checkSettingValue(SCHEDULE_SETTINGS, 'beta-start', '2')).toMatch(/beta-start="2" is not valid/);
    expect(checkSettingValue(SCHEDULE_SETTINGS, 'colour', 'red')).toMatch(/not a setting/);
  });
});
