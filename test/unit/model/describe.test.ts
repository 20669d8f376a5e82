import { describe, expect, it } from 'vitest';
import { PRESETS, type UNetConfig } from '../../../src/model/config';
import { describeUNet } from '../../../src/model/describe';

// A network small enough to count by hand: 4×4 images, levels at 4×4 (4 channels) and 2×2 (8).
const MINI: UNetConfig = {
  imageSize: 4,
  channels: 1,
  baseChannels: 4,
  channelMults: [1, 2],
  resBlocksPerLevel: 1,
  attention: true,
  groups: 2,
  timeEmbedDim: 4,
  numClasses: 2,
};

/** 2 × multiply-adds of a k×k convolution producing an s×s map. */
const conv = (s: number, k: number, cin: number, cout: number) => 2 * s * s * k * k * cin * cout;

describe('describeUNet', () => {
  it('counts FLOPs like a hand count', () => {
    const e = 4;
    const expected = [
      2 * e * e, // time.dense1
      2 * e * e, // time.dense2
      2 * 3 * e, // label one-hot (2 classes + null) × embedding
      conv(4, 3, 1, 4), // in.conv
      conv(4, 3, 4, 4) + 2 * e * 4 + conv(4, 3, 4, 4), // down.0.res.0
      conv(2, 3, 4, 4), // down.0.downsample (4×4 → 2×2)
      conv(2, 3, 4, 8) + 2 * e * 8 + conv(2, 3, 8, 8) + conv(2, 1, 4, 8), // down.1.res.0 (+1×1 skip)
      conv(2, 3, 8, 8) + 2 * e * 8 + conv(2, 3, 8, 8), // mid.res.0
      4 * (2 * 4 * 8 * 8) + 2 * (2 * 4 * 4 * 8), // mid.attn: q, k, v, proj; scores and values (N = 4)
      conv(2, 3, 8, 8) + 2 * e * 8 + conv(2, 3, 8, 8), // mid.res.1
      // up path pops the skips [in 4, down.0.res.0 4, downsample 4, down.1.res.0 8] from the end
      conv(2, 3, 16, 8) + 2 * e * 8 + conv(2, 3, 8, 8) + conv(2, 1, 16, 8), // up.1.res.0
      conv(2, 3, 12, 8) + 2 * e * 8 + conv(2, 3, 8, 8) + conv(2, 1, 12, 8), // up.1.res.1
      conv(4, 3, 12, 4) + 2 * e * 4 + conv(4, 3, 4, 4) + conv(4, 1, 12, 4), // up.0.res.0
      conv(4, 3, 8, 4) + 2 * e * 4 + conv(4, 3, 4, 4) + conv(4, 1, 8, 4), // up.0.res.1
      conv(4, 3, 4, 1), // out.conv
    ].reduce((a, b) => a + b, 0);
    expect(describeUNet(MINI).flopsPerImage).toBe(expected);
  });

  it('counts parameters like a hand count', () => {
    const e = 4;
    const convP = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
    const dense = (din: number, dout: number) => din * dout + dout;
    const norm = (c: number) => 2 * c;
    const res = (cin: number, cout: number) =>
      norm(cin) + convP(3, cin, cout) + dense(e, cout) + norm(cout) + convP(3, cout, cout) + (cin !== cout ? convP(1, cin, cout) : 0);
    const expected =
      2 * dense(e, e) +
      3 * e +
      convP(3, 1, 4) +
      res(4, 4) +
      convP(3, 4, 4) +
      res(4, 8) +
      res(8, 8) +
      norm(8) +
      4 * dense(8, 8) +
      res(8, 8) +
      res(16, 8) +
      res(12, 8) +
      res(12, 4) +
      res(8, 4) +
      norm(4) +
      convP(3, 4, 1);
    expect(describeUNet(MINI).params).toBe(expected);
  });

  it('lists layers whose sums are the totals, with readable names and shapes', () => {
    const d = describeUNet(PRESETS.small);
    expect(d.layers.reduce((s, l) => s + l.params, 0)).toBe(d.params);
    expect(d.layers.reduce((s, l) => s + l.flops, 0)).toBe(d.flopsPerImage);
    const names = d.layers.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('down.0.res.0.conv1');
    expect(names).toContain('mid.attn.attend');
    expect(d.layers.find((l) => l.name === 'down.1.downsample')?.shape).toEqual([7, 7, 16]);
    expect(d.layers.find((l) => l.name === 'out.conv')?.shape).toEqual([28, 28, 1]);
  });

  it('presets stay within their budgets', () => {
    const tiny = describeUNet(PRESETS.tiny);
    const small = describeUNet(PRESETS.small);
    expect(tiny.params).toBeGreaterThanOrEqual(20_000);
    expect(tiny.params).toBeLessThanOrEqual(60_000);
    expect(small.params).toBeGreaterThanOrEqual(100_000);
    expect(small.params).toBeLessThanOrEqual(1_000_000);
    expect(small.flopsPerImage).toBeLessThanOrEqual(35e6);
  });

  it('validates the configuration', () => {
    expect(() => describeUNet({ ...MINI, groups: 3 })).toThrow(/groups/);
  });
});
