import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guidanceComparisonValues } from '../../../src/site/build/guidance-values';

describe('values quoted from the guidance comparison', () => {
  const root = mkdtempSync(join(tmpdir(), 'guidance-values-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are absent without a measurements folder', () => {
    expect(guidanceComparisonValues(join(root, 'missing')).size).toBe(0);
  });

  it('name each run by its kind and scale, from the report compare:guidance writes', () => {
    const dir = join(root, 'guidance');
    mkdirSync(dir);
    const report = {
      sampler: 'ddim:25:0',
      n: 200,
      runs: [
        { kind: 'cfg', scale: 2, accuracy: 0.995, diversity: 0.59634 },
        { kind: 'classifier', scale: 10, accuracy: 0.9, diversity: 0.68 },
      ],
    };
    writeFileSync(join(dir, 'compare.json'), JSON.stringify(report));
    const values = guidanceComparisonValues(dir);
    expect(values.get('guidance.compare.n')).toBe('200');
    expect(values.get('guidance.compare.sampler')).toBe('DDIM');
    expect(values.get('guidance.compare.sampler-steps')).toBe('25');
    expect(values.get('guidance.compare.cfg-w2.accuracy')).toBe('100 %');
    expect(values.get('guidance.compare.cfg-w2.diversity')).toBe('0.596');
    expect(values.get('guidance.compare.classifier-s10.accuracy')).toBe('90 %');
    expect(values.has('guidance.compare.classifier-s1.accuracy')).toBe(false);
  });

  it('refuses a file that is not such a report, naming it', () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ runs: [] }));
    expect(() => guidanceComparisonValues(dir)).toThrow(/other\.json: not a report of "npm run compare:guidance"/);
  });
});
