import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { comparisonRows, pickQuality } from '../../../src/components/latent/comparison';
import { countClasses, describeClasses, heavyClasses, shareOf, shares } from '../../../src/components/latent/class-shares';
import { formatFlops, latentMosaic } from '../../../src/components/latent/display';
import { LATENT_SETTINGS, labelsFor } from '../../../src/components/latent/latent-settings';
import type { LatentInfo, QualityFigure } from '../../../src/latent/latent-api';
import { latentCheckpointValues } from '../../../src/latent/latent-values';
import { DEFAULT_AUTOENCODER_CONFIG, describeAutoencoder } from '../../../src/latent/autoencoder-config';
import { latentUNetConfig } from '../../../src/latent/latent-model';
import { presetConfig } from '../../../src/model/config';
import { describeUNet } from '../../../src/model/describe';

describe('latent widget settings', () => {
  it('parses the label attribute with a readable message', () => {
    expect(LATENT_SETTINGS.label.parse(null)).toEqual({ ok: true, value: 'cycle' });
    expect(LATENT_SETTINGS.label.parse('7')).toEqual({ ok: true, value: 7 });
    expect(LATENT_SETTINGS.label.parse('None')).toEqual({ ok: true, value: 'none' });
    const bad = LATENT_SETTINGS.label.parse('12');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/^label="12" is not valid: use a digit 0 … 9, "cycle"/);
  });

  it('turns a label choice into labels', () => {
    expect(labelsFor('cycle', 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(labelsFor(3, 2)).toEqual([3, 3]);
    expect(labelsFor('none', 2)).toBeNull();
  });

  it('tiles latent channels into one square image per latent, channel-last input', () => {
    // One 2×2×4 latent whose channel c holds the value c everywhere.
    const latents = new Float32Array(2 * 2 * 4).map((_, i) => i % 4);
    const { images, side } = latentMosaic(latents, 1, [2, 2, 4], 4);
    expect(side).toBe(4);
    // Top-left tile channel 0, top-right channel 1, bottom-left 2, bottom-right 3 (each / 4).
    expect(Array.from(images)).toEqual([0, 0, 0.25, 0.25, 0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 0.5, 0.5, 0.75, 0.75]);
    expect(() => latentMosaic(latents, 2, [2, 2, 4])).toThrow(/need 32 values/);
  });

  it('counts, shares and names the heavy classes of a skewed distribution', () => {
    expect(countClasses(Int32Array.from([0, 0, 3, 9]), 10)).toEqual([2, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    const training = [500, 500, 500, 500, 500, 100, 100, 100, 100, 100];
    expect(heavyClasses(training)).toEqual([0, 1, 2, 3, 4]);
    expect(shareOf(training, [0, 1, 2, 3, 4])).toBeCloseTo(2500 / 3000, 12);
    expect(shares([0, 0])).toEqual([0, 0]);
    expect(describeClasses([0, 1, 2, 3, 4])).toBe('0–4');
    expect(describeClasses([3, 7])).toBe('3 and 7');
    expect(formatFlops(28_100_000)).toBe('28.1 M');
    expect(formatFlops(1_124_000_000)).toBe('1.12 G');
  });
});

function info(pixelQuality: QualityFigure[], latentQuality: QualityFigure[]): LatentInfo {
  const ae = describeAutoencoder(DEFAULT_AUTOENCODER_CONFIG);
  const latent = describeUNet(latentUNetConfig(DEFAULT_AUTOENCODER_CONFIG));
  const pixel = describeUNet(presetConfig('small'));
  return {
    autoencoder: { params: ae.params, encoderFlops: ae.encoderFlops, decoderFlops: ae.decoderFlops, latentShape: [7, 7, 4], normalization: { shift: [0, 0, 0, 0], scale: [1, 1, 1, 1] }, trainingSteps: 1, testMse: 0.0066, testPsnrDb: 27.8 },
    model: {
      name: 'latent', params: latent.params, flopsPerStep: latent.flopsPerImage, numClasses: 10, latentShape: [7, 7, 4], trainingSteps: 1, trainingSeconds: 1,
      quality: latentQuality, trainingClassCounts: null, sampleClassCounts: null, timing: null,
    },
    pixel: { params: pixel.params, flopsPerStep: pixel.flopsPerImage, trainingSteps: 1, quality: pixelQuality, qualityNote: null },
  };
}

const fig = (guidance: number | null, accuracy: number | null, fid: number): QualityFigure => ({ guidance, accuracy, fid, n: 400, sampler: 'ddim', steps: 50 });

describe('comparison table', () => {
  it('counts FLOPs per step and per run from the layer shapes, the decoder included once', () => {
    const i = info([], []);
    const rows = comparisonRows(i, { steps: 20, guided: true, qualityGuidance: 1 }, { pixel: null, latent: null });
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey['flops-step'].pixel).toBe(formatFlops(i.pixel.flopsPerStep));
    expect(byKey['flops-step'].latent).toBe(formatFlops(i.model.flopsPerStep));
    expect(byKey['flops-step'].ratio).toBe(`${(i.pixel.flopsPerStep / i.model.flopsPerStep).toFixed(1)}× less`);
    expect(byKey['flops-run'].pixel).toBe(formatFlops(40 * i.pixel.flopsPerStep));
    expect(byKey['flops-run'].latent).toBe(`${formatFlops(40 * i.model.flopsPerStep + i.autoencoder.decoderFlops)} (decoder ${formatFlops(i.autoencoder.decoderFlops)})`);
    expect(byKey.values.latent).toBe('7×7×4 = 196');
    expect(byKey.wall).toBeUndefined();
    expect(byKey.accuracy).toBeUndefined();
  });

  it('adds the wall times of the runs made and the stored quality at the matching guidance weight', () => {
    const rows = comparisonRows(
      info([fig(0, 0.75, 81), fig(1, 0.9775, 18.4)], [fig(1, 0.95, 25.5), fig(2, 0.99, 30)]),
      { steps: 20, guided: true, qualityGuidance: 2 },
      { pixel: { wallMs: 4000, nfe: 40, count: 8 }, latent: { wallMs: 1000, nfe: 40, count: 8, decodeMs: 20 } },
    );
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.wall.pixel).toBe('4.00 s (500 ms per image)');
    expect(byKey.wall.latent).toBe('1.00 s (125 ms per image), decoding 20 ms');
    expect(byKey.wall.ratio).toBe('4.0× less');
    // w = 2 is not measured for the pixel model: both fall back to w = 1.
    expect(byKey.accuracy.pixel).toBe('98 % (w = 1, DDIM 50, n = 400)');
    expect(byKey.accuracy.latent).toBe('95 % (w = 1, DDIM 50, n = 400)');
    expect(byKey.fid.latent).toBe('25.5 (w = 1, DDIM 50, n = 400)');
    expect(byKey.fid.ratio).toBe('1.4× higher');
  });

  it('says when the pixel figures belong to another checkpoint', () => {
    const stale = info([], [fig(1, 0.9, 30)]);
    stale.pixel.qualityNote = 'measured on another checkpoint';
    const rows = comparisonRows(stale, { steps: 20, guided: true, qualityGuidance: 1 }, { pixel: null, latent: null });
    const accuracy = rows.find((r) => r.key === 'accuracy')!;
    expect(accuracy.pixel).toBe('not measured for this checkpoint');
    expect(accuracy.latent).toBe('90 % (w = 1, DDIM 50, n = 400)');
  });

  it('picks the figure at the asked weight, else w = 1', () => {
    const figures = [fig(null, null, 90), fig(1, 0.9, 20), fig(2, 0.95, 25)];
    expect(pickQuality(figures, 2)?.fid).toBe(25);
    expect(pickQuality(figures, 3)?.fid).toBe(20);
    expect(pickQuality(figures, null)?.fid).toBe(90);
    expect(pickQuality([], 1)).toBeNull();
  });
});

describe('latent values for the lessons', () => {
  it('reads the figures from the manifests, and gives no keys without checkpoints', async () => {
    const root = await mkdtemp(join(tmpdir(), 'latent-values-'));
    expect(latentCheckpointValues(root).size).toBe(0);
    const write = async (name: string, manifest: Record<string, unknown>) => {
      await mkdir(join(root, name), { recursive: true });
      await writeFile(join(root, name, 'model.json'), JSON.stringify({ userDefinedMetadata: { manifest } }));
      await writeFile(join(root, name, 'weights.bin'), new Uint8Array(4));
    };
    const training = { steps: 1500, wallTimeSeconds: 600, batchSize: 128 };
    await write('latent-autoencoder', {
      model: { kind: 'latent-autoencoder', ...DEFAULT_AUTOENCODER_CONFIG, latentShift: [0, 1, 1, 0.5], latentScale: [2.7, 2.5, 2.4, 3.2] },
      training,
      metrics: { testReconstructionMse: 0.00661, testPsnrDb: 27.82 },
    });
    await write('mnist-small', { model: presetConfig('small'), training, contentHash: 'abc' });
    await write('latent-diffusion', {
      model: latentUNetConfig(DEFAULT_AUTOENCODER_CONFIG),
      training,
      metrics: { eval: { n: 400, sampler: 'ddim', steps: 50, conditional: [{ guidance: 1, accuracy: 0.9, fid: 30 }] }, timing: { count: 50, steps: 50, pixelSeconds: 20, latentSeconds: 8, backend: 'wasm' } },
    });
    const pixelEval = { checkpoint: { contentHash: 'abc' }, n: 400, conditional: [{ guidance: 1, accuracy: 0.9775, fid: 18.4, sampler: 'ddim', steps: 50 }] };
    await writeFile(join(root, 'mnist-small', 'eval.json'), JSON.stringify(pixelEval));
    await write('latent-diffusion-skewed', {
      model: latentUNetConfig(DEFAULT_AUTOENCODER_CONFIG, { numClasses: 0 }),
      training,
      metrics: { trainingClassCounts: [500, 500, 500, 500, 500, 100, 100, 100, 100, 100], eval: { n: 400, unconditional: { coverage: { counts: [60, 70, 90, 60, 70, 10, 10, 10, 10, 10] } } } },
    });
    const v = latentCheckpointValues(root);
    expect(v.get('latent.shape')).toBe('7×7×4');
    expect(v.get('latent.compression')).toBe('4');
    expect(v.get('latent.ae.test-mse')).toBe('0.0066');
    expect(v.get('latent.ae.scales')).toBe('2.7, 2.5, 2.4, 3.2');
    expect(v.get('latent.mflops')).toBe(String(Number((describeUNet(latentUNetConfig(DEFAULT_AUTOENCODER_CONFIG)).flopsPerImage / 1e6).toPrecision(3))));
    expect(v.get('latent.pixel-mflops')).toBe('28.1');
    expect(v.get('latent.accuracy-w1')).toBe('90 %');
    expect(v.get('latent.pixel-fid-w1')).toBe('18.4');
    expect(v.get('latent.timing-speedup')).toBe('2.5');
    expect(v.get('latent.skewed.heavy-digits')).toBe('0–4');
    expect(v.get('latent.skewed.training-share')).toBe('83 %');
    expect(v.get('latent.skewed.sample-share')).toBe('88 %');
    expect(v.get('latent.skewed.light-digits')).toBe('5–9');
    expect(v.get('latent.skewed.light-training-share')).toBe('17 %');
    expect(v.get('latent.skewed.light-sample-share')).toBe('13 %');
    expect(v.get('latent.skewed.top-sample-digit')).toBe('2');
    expect(v.get('latent.skewed.top-sample-share')).toBe('23 %');
    expect(v.get('latent.skewed.top-training-share')).toBe('17 %');
    expect(v.get('latent.training-minutes')).toBe('10');
    // An eval.json of another pixel checkpoint is not quoted.
    await writeFile(join(root, 'mnist-small', 'eval.json'), JSON.stringify({ ...pixelEval, checkpoint: { contentHash: 'old' } }));
    expect(latentCheckpointValues(root).has('latent.pixel-fid-w1')).toBe(false);
    expect(latentCheckpointValues(root).get('latent.fid-w1')).toBe('30.0');
  });
});
