import { describe, expect, it } from 'vitest';
import { attributeDocs, settingProperties } from '../../../src/components/base/settings-table';
import { SCORE_FIELD_SETTINGS as S } from '../../../src/components/score-field/settings';

describe('score-field settings table', () => {
  it('accept the allowed values and explain the rest', () => {
    expect(S.datasetName.parse('swiss-roll')).toEqual({ ok: true, value: 'swiss-roll' });
    expect(S.datasetName.parse(null)).toEqual({ ok: true, value: 'ring' });
    const moons = S.datasetName.parse('moons');
    expect(moons.ok).toBe(false);
    expect(!moons.ok && moons.message).toContain('Did you mean "two-moons"?');
    const ncsn = S.noising.parse('ncsn');
    expect(!ncsn.ok && ncsn.message).toContain('"ve"');
    expect(S.sampler.parse('langevin')).toEqual({ ok: true, value: 'langevin' });
    expect(S.t.parse('0.5')).toEqual({ ok: true, value: 0.5 });
    const t0 = S.t.parse('0');
    expect(!t0.ok && t0.message).toBe('t="0" is not valid: use a number at least 0.01 and at most 1.');
    const hidden = S.hiddenUnits.parse('3');
    expect(!hidden.ok && hidden.message).toContain('hidden-units="3"');
  });

  it('reflects `dataset` as datasetName, so HTMLElement.dataset stays untouched', () => {
    expect(settingProperties(S).datasetName).toEqual({ attribute: 'dataset', reflect: true });
    expect(attributeDocs(S).map((row) => row.name)).toEqual([
      'dataset', 'noising', 'seed', 'steps', 't', 'particles', 'sampler', 'sample-steps', 'field', 'batch-size', 'learning-rate', 'hidden-units', 'autotrain',
    ]);
  });
});
