import { describe, expect, it } from 'vitest';
import { ModelConfigError, PRESETS, PRESET_NAMES, presetConfig, validateUNetConfig, type UNetConfig } from '../../../src/model/config';

const good = (): UNetConfig => presetConfig('tiny');

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelConfigError);
    return (e as ModelConfigError).field;
  }
  throw new Error('expected a ModelConfigError');
}

describe('validateUNetConfig', () => {
  it('accepts every preset and returns an independent copy', () => {
    for (const name of PRESET_NAMES) {
      const copy = validateUNetConfig(PRESETS[name]);
      expect(copy).toEqual(PRESETS[name]);
      copy.channelMults.push(8);
      expect(PRESETS[name].channelMults).not.toContain(8);
    }
  });

  it('presets have the documented shape', () => {
    expect(PRESETS.tiny.channelMults).toHaveLength(2);
    expect(PRESETS.small.channelMults).toHaveLength(3);
    expect(PRESETS.small.attention).toBe(true);
    for (const name of PRESET_NAMES) expect(PRESETS[name].numClasses).toBe(10);
  });

  it('rejects non-objects', () => {
    expect(fieldOf(() => validateUNetConfig(null))).toBe('(root)');
    expect(fieldOf(() => validateUNetConfig([1, 2]))).toBe('(root)');
  });

  it('names the offending field', () => {
    expect(fieldOf(() => validateUNetConfig({ ...good(), imageSize: 27.5 }))).toBe('imageSize');
    expect(fieldOf(() => validateUNetConfig({ ...good(), channels: 0 }))).toBe('channels');
    expect(fieldOf(() => validateUNetConfig({ ...good(), baseChannels: '8' }))).toBe('baseChannels');
    expect(fieldOf(() => validateUNetConfig({ ...good(), channelMults: [] }))).toBe('channelMults');
    expect(fieldOf(() => validateUNetConfig({ ...good(), channelMults: [1, 0] }))).toBe('channelMults');
    expect(fieldOf(() => validateUNetConfig({ ...good(), resBlocksPerLevel: 0 }))).toBe('resBlocksPerLevel');
    expect(fieldOf(() => validateUNetConfig({ ...good(), attention: 1 }))).toBe('attention');
    expect(fieldOf(() => validateUNetConfig({ ...good(), timeEmbedDim: 30 + 1 }))).toBe('timeEmbedDim');
    expect(fieldOf(() => validateUNetConfig({ ...good(), numClasses: -1 }))).toBe('numClasses');
  });

  it('rejects missing and unknown fields', () => {
    const { groups: _drop, ...missing } = good();
    expect(fieldOf(() => validateUNetConfig(missing))).toBe('groups');
    expect(fieldOf(() => validateUNetConfig({ ...good(), dropout: 0.1 }))).toBe('dropout');
  });

  it('requires groups to divide every channel count and lists the counts', () => {
    // tiny has 8 and 16 channels: 16 does not divide 8.
    let message = '';
    try {
      validateUNetConfig({ ...good(), groups: 16 });
    } catch (e) {
      message = (e as Error).message;
      expect((e as ModelConfigError).field).toBe('groups');
    }
    expect(message).toContain('8, 16');
    expect(fieldOf(() => validateUNetConfig({ ...good(), groups: 3 }))).toBe('groups');
  });

  it('requires the image side to survive every halving', () => {
    expect(fieldOf(() => validateUNetConfig({ ...good(), imageSize: 27 }))).toBe('imageSize');
    // 28 → 14 → 7 works, a fourth level would need 28 / 8.
    expect(validateUNetConfig({ ...good(), channelMults: [1, 2, 2] }).channelMults).toEqual([1, 2, 2]);
    expect(fieldOf(() => validateUNetConfig({ ...good(), channelMults: [1, 2, 2, 2] }))).toBe('imageSize');
  });

  it('the error message says what is allowed', () => {
    expect(() => validateUNetConfig({ ...good(), resBlocksPerLevel: 9 })).toThrow(/resBlocksPerLevel.*integer in \[1, 4\]/);
  });
});
