import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyRuntimeAssets, isRuntimeAsset } from '../../../src/site/build/runtime-assets';

describe('the assets a page may load', () => {
  it('are all but the folders only the build reads', () => {
    for (const path of ['', 'mnist/index.json', 'checkpoints/mnist-small/eval.json', 'classifier/weights.bin', './mnist/test-images-idx3-ubyte.gz']) {
      expect(isRuntimeAsset(path), path).toBe(true);
    }
    for (const path of ['measurements', 'measurements/live/step-600.json', 'figures/reverse-process-predictions.json', 'measurements\\guidance\\compare.json']) {
      expect(isRuntimeAsset(path), path).toBe(false);
    }
    // Only the top folder decides: a checkpoint may hold a file named like a build-time folder.
    expect(isRuntimeAsset('checkpoints/figures/model.json')).toBe(true);
  });

  let work = '';
  afterEach(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('are copied without the build-time folders, links followed', async () => {
    work = await mkdtemp(join(tmpdir(), 'runtime-assets-'));
    const from = join(work, 'assets');
    for (const folder of ['mnist', 'checkpoints/small', 'measurements/live', 'figures']) await mkdir(join(from, folder), { recursive: true });
    for (const file of ['mnist/index.json', 'checkpoints/small/model.json', 'measurements/README.md', 'measurements/live/run.jsonl', 'figures/f.json']) {
      await writeFile(join(from, file), file);
    }
    await writeFile(join(work, 'outside.bin'), 'weights');
    await symlink(join(work, 'outside.bin'), join(from, 'checkpoints/small/weights.bin'));
    const to = join(work, 'site', 'assets');
    await copyRuntimeAssets(from, to);
    const copied = (await readdir(to, { recursive: true, withFileTypes: true })).filter((entry) => !entry.isDirectory());
    expect(copied.map((entry) => join(entry.parentPath, entry.name).slice(to.length + 1)).sort()).toEqual(['checkpoints/small/model.json', 'checkpoints/small/weights.bin', 'mnist/index.json']);
    expect(copied.every((entry) => entry.isFile())).toBe(true);
  });
});
