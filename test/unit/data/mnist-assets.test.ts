import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMnistAssets, MNIST_ASSET_RECIPE, validateMnistAssets } from '../../../scripts/build-mnist-assets';
import { MnistFormatError } from '../../../src/data/idx';
import { checkAssetIndex, MNIST_SPLITS, type MnistAssetIndex } from '../../../src/data/mnist-assets';
import { loadMnistFromUrl } from '../../../src/data/mnist-url';
import { loadMnistFromNode, mnistAssetsDir, readMnistAssetIndex } from '../../../src/data/node-mnist';

const assetsDir = mnistAssetsDir();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let index: MnistAssetIndex;
const scratch: string[] = [];

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mnist-assets-'));
  scratch.push(dir);
  return dir;
}

beforeAll(async () => {
  index = await readMnistAssetIndex(assetsDir); // fails with "run npm run assets:mnist" when missing
});

afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('generated assets in assets/mnist', () => {
  it('match their index: sizes, sha256, counts and per-class counts', async () => {
    for (const split of MNIST_SPLITS) {
      const entry = index.splits[split];
      for (const f of [entry.images, entry.labels]) {
        const bytes = await readFile(join(assetsDir, f.file));
        expect(bytes.length).toBe(f.bytes);
        expect(sha256(bytes)).toBe(f.sha256);
      }
      // Count from the raw IDX headers, independently of the project parser.
      const labels = gunzipSync(await readFile(join(assetsDir, entry.labels.file)));
      expect(labels.readUInt32BE(0)).toBe(2049);
      expect(labels.readUInt32BE(4)).toBe(entry.count);
      const images = gunzipSync(await readFile(join(assetsDir, entry.images.file)));
      expect(images.readUInt32BE(0)).toBe(2051);
      expect([images.readUInt32BE(4), images.readUInt32BE(8), images.readUInt32BE(12)]).toEqual([entry.count, 28, 28]);
      const hist = new Array<number>(10).fill(0);
      for (const v of labels.subarray(8)) hist[v]++;
      expect(hist).toEqual(entry.perClass);
    }
  });

  it('are the balanced sample of the original files that the index describes', async () => {
    const { seed, perClass } = index.selection;
    for (const split of MNIST_SPLITS) {
      const subset = await loadMnistFromNode(split, { source: 'assets' });
      expect(subset.count).toBe(perClass[split] * 10);
      expect(subset.perClassCounts()).toEqual(new Array(10).fill(perClass[split]));
      const full = await loadMnistFromNode(split, { source: 'full' });
      const expected = full.subset(full.balancedIndices(perClass[split], seed));
      expect(sha256(subset.pixels)).toBe(sha256(expected.pixels));
      expect(sha256(subset.labelBytes)).toBe(sha256(expected.labelBytes));
      expect(index.splits[split].sourceCount).toBe(full.count);
    }
  });

  it('were built with the current recipe', () => {
    expect(index.selection.seed).toBe(MNIST_ASSET_RECIPE.seed);
    expect(index.selection.perClass).toEqual(MNIST_ASSET_RECIPE.perClass);
  });

  it('reject a tampered file', async () => {
    const dir = await scratchDir();
    await cp(assetsDir, dir, { recursive: true });
    const file = join(dir, index.splits.test.images.file);
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(file, bytes);
    const err = await loadMnistFromNode('test', { source: 'assets', dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MnistFormatError);
    expect((err as Error).message).toMatch(/^test-images-idx3-ubyte\.gz: sha256 [0-9a-f]{64} does not match the index/);
    // The untouched split still loads.
    expect((await loadMnistFromNode('train', { source: 'assets', dir })).count).toBe(index.splits.train.count);
  });

  it('reject an index whose counts disagree with the files', async () => {
    const dir = await scratchDir();
    await cp(assetsDir, dir, { recursive: true });
    const tampered = structuredClone(index);
    tampered.splits.test.perClass = [201, 199, 200, 200, 200, 200, 200, 200, 200, 200];
    await writeFile(join(dir, 'index.json'), JSON.stringify(tampered));
    await expect(loadMnistFromNode('test', { source: 'assets', dir })).rejects.toThrow(
      /test-labels-idx1-ubyte\.gz: per-class counts \[200, .*\] do not match the index \[201, 199/,
    );
  });

  it('checkAssetIndex rejects malformed indexes', () => {
    expect(() => checkAssetIndex([], 'i.json')).toThrow('i.json: not a valid MNIST asset index: not a JSON object');
    const bad = structuredClone(index) as unknown as { splits: { train: { images: { file: string } } } };
    bad.splits.train.images.file = '../secret';
    expect(() => checkAssetIndex(bad, 'i.json')).toThrow(/is not a plain file name/);
    const sum = structuredClone(index);
    sum.splits.train.count += 1;
    expect(() => checkAssetIndex(sum, 'i.json')).toThrow(/perClass does not sum to count/);
    expect(checkAssetIndex(structuredClone(index), 'i.json')).toEqual(index);
  });
});

describe('loadMnistFromUrl', () => {
  let server: Server;
  let baseUrl: string;
  let unzipping = false;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/mnist\//, '');
      try {
        const bytes = await readFile(join(assetsDir, name));
        res.writeHead(200, unzipping && name.endsWith('.gz') ? { 'Content-Encoding': 'gzip' } : {});
        res.end(bytes);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mnist`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('loads the same data over http as from disk', async () => {
    for (const split of MNIST_SPLITS) {
      const fromUrl = await loadMnistFromUrl(baseUrl, split);
      const fromDisk = await loadMnistFromNode(split, { source: 'assets' });
      expect(fromUrl.count).toBe(index.splits[split].count);
      expect(sha256(fromUrl.pixels)).toBe(sha256(fromDisk.pixels));
      expect(sha256(fromUrl.labelBytes)).toBe(sha256(fromDisk.labelBytes));
    }
  });

  it('reports a missing folder with its URL', async () => {
    await expect(loadMnistFromUrl(baseUrl.replace('/mnist', '/nowhere/'), 'test')).rejects.toThrow(
      /Could not load http:\/\/127\.0\.0\.1:\d+\/nowhere\/index\.json: HTTP 404/,
    );
  });

  it('explains files that a server unzipped on the way', async () => {
    unzipping = true;
    try {
      await expect(loadMnistFromUrl(baseUrl, 'test')).rejects.toThrow(/it arrived unzipped/);
    } finally {
      unzipping = false;
    }
  });
});

describe('build script', () => {
  it('builds the same files as assets/mnist, then skips valid assets, and notices damage', async () => {
    const dir = await scratchDir();
    const first = await buildMnistAssets({ outDir: dir });
    expect(first.status).toBe('built');
    // Same recipe, same contents (compressed bytes may differ only if zlib itself changed).
    expect(first.index.selection).toEqual(index.selection);
    for (const split of MNIST_SPLITS) {
      const built = first.index.splits[split];
      const shipped = index.splits[split];
      expect(built.perClass).toEqual(shipped.perClass);
      for (const part of ['images', 'labels'] as const) {
        const a = gunzipSync(await readFile(join(dir, built[part].file)));
        const b = gunzipSync(await readFile(join(assetsDir, shipped[part].file)));
        expect(sha256(a)).toBe(sha256(b));
      }
    }
    const second = await buildMnistAssets({ outDir: dir });
    expect(second.status).toBe('up-to-date');

    const file = join(dir, index.splits.train.labels.file);
    await writeFile(file, (await readFile(file)).subarray(0, 100));
    const check = await validateMnistAssets(dir);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(/train-labels-idx1-ubyte\.gz: size is 100 bytes/);
    expect(await validateMnistAssets(join(dir, 'missing'))).toEqual({ ok: false, reason: 'missing' });
  });
});
