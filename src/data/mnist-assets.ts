/**
 * The generated MNIST assets (assets/mnist/): gzipped IDX files plus a small JSON index naming
 * each file with its size and sha256, and each split with its example and per-class counts.
 * Shared by the build script, the Node loader and the URL loader, so all three check the same
 * things.
 */
import { isGzip, MnistFormatError } from './idx';
import { MNIST_CLASSES, MnistDataset } from './mnist';

export type MnistSplit = 'train' | 'test';
export const MNIST_SPLITS: readonly MnistSplit[] = ['train', 'test'];

export const MNIST_ASSET_INDEX_FILE = 'index.json';
export const MNIST_ASSET_FORMAT = 'mnist-idx-gzip';
export const MNIST_ASSET_VERSION = 1;

export interface MnistAssetFile {
  /** File name relative to the index. */
  file: string;
  /** Size in bytes as stored (compressed). */
  bytes: number;
  /** Lowercase hex sha256 of the stored bytes. */
  sha256: string;
}

export interface MnistAssetSplit {
  count: number;
  /** Examples of each digit 0..9. */
  perClass: number[];
  /** Size of the original split the examples were drawn from. */
  sourceCount: number;
  images: MnistAssetFile;
  labels: MnistAssetFile;
}

export interface MnistAssetIndex {
  format: typeof MNIST_ASSET_FORMAT;
  version: typeof MNIST_ASSET_VERSION;
  source: string;
  /** How the examples were chosen: a seeded class-balanced sample of each original split. */
  selection: { method: 'balanced-per-class'; seed: number; perClass: Record<MnistSplit, number> };
  splits: Record<MnistSplit, MnistAssetSplit>;
}

/** Checks that parsed JSON has the shape of an asset index; `where` names it in errors. */
export function checkAssetIndex(json: unknown, where: string): MnistAssetIndex {
  const fail = (problem: string): never => {
    throw new MnistFormatError(where, `not a valid MNIST asset index: ${problem}`);
  };
  if (!isRecord(json)) return fail('not a JSON object');
  if (json.format !== MNIST_ASSET_FORMAT) fail(`format is ${JSON.stringify(json.format)}, expected "${MNIST_ASSET_FORMAT}"`);
  if (json.version !== MNIST_ASSET_VERSION) fail(`version is ${JSON.stringify(json.version)}, expected ${MNIST_ASSET_VERSION}`);
  const selection = json.selection;
  if (!isRecord(selection) || !Number.isInteger(selection.seed) || !isRecord(selection.perClass)) {
    fail('selection must have an integer seed and perClass counts');
  }
  const splits = json.splits;
  if (!isRecord(splits)) return fail('missing splits');
  for (const split of MNIST_SPLITS) {
    const s = splits[split];
    if (!isRecord(s)) return fail(`missing split "${split}"`);
    if (!isCount(s.count) || !isCount(s.sourceCount)) fail(`${split}: count and sourceCount must be integers ≥ 0`);
    if (!Array.isArray(s.perClass) || s.perClass.length !== MNIST_CLASSES || !s.perClass.every(isCount)) {
      fail(`${split}: perClass must be ${MNIST_CLASSES} integers`);
    }
    if ((s.perClass as number[]).reduce((a, b) => a + b, 0) !== s.count) fail(`${split}: perClass does not sum to count`);
    for (const part of ['images', 'labels'] as const) {
      const f = s[part];
      if (!isRecord(f) || typeof f.file !== 'string' || !isCount(f.bytes) || typeof f.sha256 !== 'string') {
        fail(`${split}.${part} must have file, bytes and sha256`);
      }
      const { file, sha256 } = f as { file: string; sha256: string };
      if (!/^[0-9a-f]{64}$/.test(sha256)) fail(`${split}.${part}.sha256 is not 64 lowercase hex digits`);
      // Plain names only, so an index can never point outside its folder.
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file)) fail(`${split}.${part}.file "${file}" is not a plain file name`);
    }
  }
  return json as unknown as MnistAssetIndex;
}

/** Hex sha256 through Web Crypto (Node ≥ 20 and browsers in secure contexts). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('Web Crypto (crypto.subtle) is not available here');
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface AssetLoadOptions {
  /**
   * Check each file's sha256 against the index (default true). Where Web Crypto is missing (a
   * page served over plain http from a non-local host) only sizes and counts are checked.
   */
  verify?: boolean;
}

/**
 * Loads one split described by an index, reading files through `read` (fs or fetch). Checks
 * stored sizes, hashes, the IDX contents, and that counts and per-class counts match the index.
 */
export async function datasetFromAssets(
  index: MnistAssetIndex,
  split: MnistSplit,
  read: (file: string) => Promise<Uint8Array>,
  options: AssetLoadOptions = {},
): Promise<MnistDataset> {
  const entry = index.splits[split];
  const verifyHash = (options.verify ?? true) && globalThis.crypto?.subtle !== undefined;
  const load = async (f: MnistAssetFile): Promise<Uint8Array> => {
    const bytes = await read(f.file);
    if (bytes.length !== f.bytes) {
      // A server that sends .gz files with Content-Encoding: gzip makes fetch unzip them.
      const hint = isGzip(bytes) ? '' : ' (it arrived unzipped: serve .gz files without Content-Encoding)';
      throw new MnistFormatError(f.file, `size is ${bytes.length} bytes, the index says ${f.bytes}${hint}`);
    }
    if (verifyHash) {
      const actual = await sha256Hex(bytes);
      if (actual !== f.sha256) throw new MnistFormatError(f.file, `sha256 ${actual} does not match the index (${f.sha256})`);
    }
    return bytes;
  };
  const [images, labels] = await Promise.all([load(entry.images), load(entry.labels)]);
  const dataset = await MnistDataset.fromIdx(
    { bytes: images, file: entry.images.file },
    { bytes: labels, file: entry.labels.file },
    `${split} (assets)`,
  );
  if (dataset.count !== entry.count) {
    throw new MnistFormatError(entry.images.file, `holds ${dataset.count} examples, the index says ${entry.count}`);
  }
  const perClass = dataset.perClassCounts();
  if (perClass.some((c, digit) => c !== entry.perClass[digit])) {
    throw new MnistFormatError(
      entry.labels.file,
      `per-class counts [${perClass.join(', ')}] do not match the index [${entry.perClass.join(', ')}]`,
    );
  }
  return dataset;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 0;
}
