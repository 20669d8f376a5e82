import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/model/config';
import { describeUNet } from '../../../src/model/describe';
import { formatBytes, formatSignificant, roundSignificant, shippedCheckpointValues } from '../../../src/site/build/checkpoint-values';
import { formatCount } from '../../../src/site/build/lesson-values';

describe('values quoted about the shipped checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are absent when the folder holds no checkpoint', () => {
    expect(shippedCheckpointValues(join(dir, 'missing')).size).toBe(0);
  });

  it('come from the files: weights size on disk, model config and training record of the manifest', () => {
    const description = describeUNet(PRESETS.tiny);
    const manifest = {
      preset: 'tiny',
      model: PRESETS.tiny,
      training: { steps: 250, wallTimeSeconds: 630, backend: 'webgl', batchSize: 16, labelDropout: 0.2 },
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ userDefinedMetadata: { manifest } }));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(description.params * 4));
    const values = shippedCheckpointValues(dir);
    expect(values.get('checkpoint.shipped.preset')).toBe('tiny');
    expect(values.get('checkpoint.shipped.params')).toBe(formatCount(description.params));
    expect(values.get('checkpoint.shipped.weights-bytes')).toBe(formatCount(description.params * 4));
    expect(values.get('checkpoint.shipped.bytes-per-param')).toBe('4');
    expect(values.get('checkpoint.shipped.training-steps')).toBe('250');
    expect(values.get('checkpoint.shipped.training-images')).toBe('4,000');
    expect(values.get('checkpoint.shipped.training-minutes')).toBe('11');
    expect(values.get('checkpoint.shipped.training-backend')).toBe('webgl');
    expect(values.get('checkpoint.shipped.label-dropout')).toBe('0.2');
    expect(values.get('checkpoint.shipped.gflops-nfe-1000')).toBe(formatSignificant(description.flopsPerImage / 1e6));
    expect(values.get('checkpoint.shipped.training-as-ddpm-100')).toBe('120');
    expect(values.get('checkpoint.shipped.training-tflops')).toBe(formatSignificant((3 * description.flopsPerImage * 4000) / 1e12));
  });

  it('tell every change a resumed run made to the label dropout', () => {
    const training = {
      steps: 900, wallTimeSeconds: 60, backend: 'wasm', batchSize: 8, labelDropout: 0.3,
      settingChanges: [
        { step: 300, setting: 'labelDropout', from: 0.1, to: 0.25 },
        { step: 1200, setting: 'labelDropout', from: 0.25, to: 0.3 },
      ],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ userDefinedMetadata: { manifest: { model: PRESETS.tiny, training } } }));
    expect(shippedCheckpointValues(dir).get('checkpoint.shipped.label-dropout')).toBe('0.1 (0.25 from step 300 on, then 0.3 from step 1,200 on)');
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ userDefinedMetadata: { manifest: { model: PRESETS.tiny, training: { ...training, settingChanges: 'x' } } } }));
    expect(() => shippedCheckpointValues(dir)).toThrow(/settingChanges is not a list/);
  });

  it('refuses a manifest without a training record', () => {
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ userDefinedMetadata: { manifest: { model: PRESETS.tiny } } }));
    expect(() => shippedCheckpointValues(dir)).toThrow(/no checkpoint manifest/);
  });

  it('formats sizes and figures as prose writes them', () => {
    expect(formatBytes(655524)).toBe('656 kB');
    expect(formatBytes(1908264)).toBe('1.91 MB');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatSignificant(0.28104)).toBe('0.281');
    expect(formatSignificant(28104)).toBe('28,104');
    expect(roundSignificant(4224, 2)).toBe(4200);
  });
});
