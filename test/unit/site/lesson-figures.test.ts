import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/model/config';
import { planUNet } from '../../../src/model/plan';
import { unetDiagram } from '../../../src/site/build/unet-diagram';
import { predictionFigureValues } from '../../../src/site/build/prediction-figure';

const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

describe('the U-Net figure', () => {
  it('draws every block of the plan, every skip and the embedding into every residual block', () => {
    for (const preset of ['tiny', 'small'] as const) {
      const plan = planUNet(PRESETS[preset]);
      const svg = unetDiagram(PRESETS[preset], 'caption');
      const res = plan.steps.filter((s) => s.kind === 'res');
      expect(count(svg, /<g class="unet-node /g)).toBe(plan.steps.length + 2);
      expect(count(svg, /class="unet-skip"/g)).toBe(res.filter((s) => s.skipChannels > 0).length);
      // One dashed line per residual block, plus the bus they hang from.
      expect(count(svg, /class="unet-emb"/g)).toBe(res.length + 1);
      expect(count(svg, /<g class="unet-node unet-attention"/g)).toBe(PRESETS[preset].attention ? 1 : 0);
      for (const level of PRESETS[preset].channelMults.keys()) {
        const side = 28 / 2 ** level;
        expect(svg).toContain(`>${side}×${side}</text>`);
      }
      expect(svg).not.toMatch(/\n\s*\n/);
      expect(svg).toMatch(/^<figure class="unet-diagram"><svg [^>]*role="img" aria-label="U-Net with \d+ residual blocks/);
    }
  });
});

describe('the figure of the shipped model’s predictions', () => {
  const root = mkdtempSync(join(tmpdir(), 'prediction-figure-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const shipped = join(root, 'mnist-small');
  mkdirSync(shipped);
  writeFileSync(join(shipped, 'model.json'), JSON.stringify({ userDefinedMetadata: { manifest: { contentHash: 'abc' } } }));
  const image = (v: number) => new Array(784).fill(v);
  const report = (hash: string, pixels = 784) => ({
    checkpoint: { contentHash: hash },
    label: 7,
    x0: image(1),
    eps: image(0),
    rows: [
      { t: 50, epsMse: 0.09, xt: image(0.5), epsHat: image(0.1), x0Hat: new Array(pixels).fill(0.9) },
      { t: 900, epsMse: 0.0001, xt: image(0), epsHat: image(0), x0Hat: image(0) },
    ],
  });

  it('gives the figure and its numbers for the checkpoint shipped now', () => {
    const file = join(root, 'ok.json');
    writeFileSync(file, JSON.stringify(report('abc')));
    const values = predictionFigureValues(file, shipped);
    const html = values.get('figure.reverse-predictions')!;
    expect(count(html, /<image /g)).toBe(2 + 3 * 2);
    expect(html).toContain('>t = 50</text>');
    expect(values.get('figure.reverse-predictions.eps-mse-900')).toBe('0.0001');
    expect(values.get('figure.reverse-predictions.first-t')).toBe('50');
    expect(values.get('figure.reverse-predictions.last-t')).toBe('900');
    expect(values.get('figure.reverse-predictions.digit')).toBe('7');
  });

  it('gives nothing for another checkpoint, and refuses a malformed file', () => {
    const stale = join(root, 'stale.json');
    writeFileSync(stale, JSON.stringify(report('old')));
    expect(predictionFigureValues(stale, shipped).size).toBe(0);
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify(report('abc', 100)));
    expect(() => predictionFigureValues(bad, shipped)).toThrow(/bad\.json: an image without 784 values/);
  });
});
