import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../../src/backend/node';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { UNet, presetConfig } from '../../../src/model';
import { DDPMScheduler } from '../../../src/diffusion';
import { encodeCheckpoint, disposeNamed } from '../../../src/training/checkpoint';
import { writeCheckpointDir } from '../../../src/training/checkpoint-node';
import { decodeNpy } from '../../../src/io/npy';
import { parseSampleArgs, runSample, UsageError } from '../../../src/cli/sample';

let dir: string;

/** A freshly initialised tiny U-Net with a 20-step schedule, saved like a trained checkpoint. */
async function writeTinyCheckpoint(path: string): Promise<void> {
  const config = presetConfig('tiny');
  const model = new UNet(config, 1);
  const weights = model.getWeights();
  const scheduler = new DDPMScheduler({ numTrainTimesteps: 20 });
  const ckpt = await encodeCheckpoint(weights, {
    weights: 'ema',
    preset: 'tiny',
    model: { ...config } as Record<string, unknown>,
    scheduler: { ...scheduler.config } as Record<string, unknown>,
    training: {
      steps: 0,
      wallTimeSeconds: 0,
      backend: 'cpu',
      batchSize: 1,
      learningRate: 1e-3,
      warmupSteps: 0,
      gradClipNorm: 1,
      emaDecay: 0.999,
      labelDropout: 0.1,
      seed: 1,
    },
    dataset: { name: 'mnist', split: 'train', count: 0, source: 'none (untrained)' },
  });
  disposeNamed(weights);
  model.dispose();
  await writeCheckpointDir(path, ckpt);
}

beforeAll(async () => {
  // wasm with the project's kernels: several times faster than tfjs's cpu backend for convolutions.
  await setupBackend('wasm', { strict: true });
  dir = await mkdtemp(join(tmpdir(), 'sample-cli-'));
  await writeTinyCheckpoint(join(dir, 'ckpt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = (out: string, extra: string[] = []): string[] => ['--checkpoint', join(dir, 'ckpt'), '--out', join(dir, out), ...extra];

describe('parseSampleArgs', () => {
  it('reads the flags and applies defaults', () => {
    const a = parseSampleArgs(base('a.png', ['--sampler', 'ddim', '--steps', '10', '--eta', '0.5', '--guidance', '2', '--label', '3']));
    expect(a).toMatchObject({ sampler: 'ddim', steps: 10, eta: 0.5, guidance: 2, label: 3, count: 16, seed: 0, format: 'png', batch: 64 });
    expect(parseSampleArgs(base('a.npy', ['--sampler', 'ddpm'])).steps).toBeNull();
    expect(parseSampleArgs(base('a.npy', ['--sampler', 'ddpm', '--label', 'cycle'])).label).toBe('cycle');
  });

  it('names the flag that is wrong', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--sampler', 'euler'], /--sampler must be one of ddpm, ddim/],
      [['--sampler', 'ddpm', '--eta', '0.5'], /--eta applies to --sampler ddim only/],
      [['--sampler', 'ddim', '--eta', '1.5'], /--eta must be a number in \[0, 1\]/],
      [['--sampler', 'ddim', '--guidance', '2'], /--guidance needs --label/],
      [['--sampler', 'ddim', '--steps', '0'], /--steps must be a positive integer/],
      [['--sampler', 'ddim', '--count', '2.5'], /--count must be an integer/],
      [['--sampler', 'ddim', '--label', 'seven'], /--label must be/],
      [['--sampler', 'ddim', '--bogus', '1'], /bogus/],
    ];
    for (const [flags, message] of bad) expect(() => parseSampleArgs(base('a.png', flags))).toThrow(message);
    expect(() => parseSampleArgs(['--sampler', 'ddim', '--out', 'x.png'])).toThrow(/--checkpoint is required/);
    expect(() => parseSampleArgs(base('a.jpg', ['--sampler', 'ddim']))).toThrow(/\.png or \.npy/);
    expect(() => parseSampleArgs(base('a.png', ['--sampler', 'ddim']))).not.toThrow();
    expect(() => parseSampleArgs(['--sampler', 'ddim', '--out', 'x.png'])).toThrow(UsageError);
  });
});

describe('runSample', () => {
  it('writes an (N, 28, 28) float32 .npy in [-1, 1], the same for the same seed', async () => {
    const run = async (seed: number, out: string) =>
      runSample(parseSampleArgs(base(out, ['--sampler', 'ddim', '--steps', '3', '--count', '3', '--seed', String(seed), '--label', 'cycle'])));
    const first = await run(7, 'a.npy');
    expect(first.nfe).toBe(3);
    const a = decodeNpy(new Uint8Array(await readFile(join(dir, 'a.npy'))));
    expect(a.shape).toEqual([3, 28, 28]);
    expect(a.data.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect([...a.data]).toEqual([...first.images]);
    await run(7, 'b.npy');
    expect(Buffer.compare(await readFile(join(dir, 'a.npy')), await readFile(join(dir, 'b.npy')))).toBe(0);
    await run(8, 'c.npy');
    expect(Buffer.compare(await readFile(join(dir, 'a.npy')), await readFile(join(dir, 'c.npy')))).not.toBe(0);
  });

  it('DDPM uses every training step by default, and guidance doubles the NFE', async () => {
    const ddpm = await runSample(parseSampleArgs(base('d.npy', ['--sampler', 'ddpm', '--count', '2'])));
    expect(ddpm.steps).toBe(20);
    expect(ddpm.nfe).toBe(20);
    const guided = await runSample(parseSampleArgs(base('g.npy', ['--sampler', 'ddim', '--steps', '2', '--count', '2', '--label', '4', '--guidance', '1'])));
    expect(guided.nfe).toBe(4);
    await expect(runSample(parseSampleArgs(base('x.npy', ['--sampler', 'ddim', '--steps', '21'])))).rejects.toThrow(/at most the 20 training timesteps/);
    await expect(runSample(parseSampleArgs(base('x.npy', ['--sampler', 'ddim', '--label', '10'])))).rejects.toThrow(/class 0\.\.9/);
  });

  it('writes a PNG grid of the images', async () => {
    const out = await runSample(parseSampleArgs(base('grid.png', ['--sampler', 'ddim', '--steps', '2', '--count', '5', '--cols', '3'])));
    const png = new Uint8Array(await readFile(join(dir, 'grid.png')));
    const view = new DataView(png.buffer, png.byteOffset);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    expect([width, height]).toEqual([3 * 28 + 4 * 2, 2 * 28 + 3 * 2]);
    const idatLength = view.getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(height * (width + 1));
    // Pixel (2, 2) of the grid is pixel 0 of image 0.
    expect(raw[2 * (width + 1) + 1 + 2]).toBe(Math.round((out.images[0] + 1) * 127.5));
  });
});

describe('npm run sample (process)', () => {
  it('runs end to end and exits 2 with a clear message on a bad flag', () => {
    const out = join(dir, 'cli.npy');
    const ok = spawnSync('npx', ['tsx', 'src/cli/sample.ts', ...base('cli.npy', ['--sampler', 'ddim', '--steps', '2', '--count', '2', '--backend', 'cpu'])], {
      encoding: 'utf8',
      cwd: join(__dirname, '../../..'),
    });
    expect(ok.status, ok.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(ok.stdout);
    expect(summary).toMatchObject({ out, count: 2, sampler: 'ddim', steps: 2, nfe: 2 });
    const bad = spawnSync('npx', ['tsx', 'src/cli/sample.ts', ...base('cli.npy', ['--sampler', 'ddpm', '--eta', '1'])], {
      encoding: 'utf8',
      cwd: join(__dirname, '../../..'),
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--eta applies to --sampler ddim only');
  });
});
