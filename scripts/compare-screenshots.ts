/**
 * Compares two folders of screenshots (as scripts/screenshot-pages.ts writes them) pixel by pixel:
 * for every PNG name found in either folder it prints the share of pixels that differ, flags the
 * files over the threshold, and lists the files that are only on one side.
 *
 *   npx tsx scripts/compare-screenshots.ts BEFORE_DIR AFTER_DIR [--threshold 0.5] [--diff DIR]
 *     --threshold  percent of differing pixels above which a file is flagged (default 0.5)
 *     --diff       also write DIR/<name>.png for each differing file: the before image faded,
 *                  differing pixels in red
 *
 * A pixel differs when any of its channels (RGBA) differs at all. Images of different sizes are
 * compared on their overlap, and every pixel outside it counts as differing. Exit code 1 when a
 * file is flagged or missing on one side.
 *
 * src/io/png.ts only encodes, so the decoder is here: PNG (W3C / ISO 15948, 2nd ed.) 8-bit
 * greyscale, RGB, palette, grey + alpha and RGBA images, not interlaced; scanline filters 0–4
 * (section 9); IDAT data inflated with node:zlib.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { PNG_SIGNATURE, type RasterImage } from '../src/io/png';
import { encodePngNode } from '../src/io/png-node';

/** Decoded image: 8-bit RGBA, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Channels per colour type (PNG spec, table 11.1). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function decodePng(bytes: Uint8Array): RgbaImage {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colourType = -1;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const bitDepth = data[8];
      colourType = data[9];
      if (bitDepth !== 8) throw new Error(`only 8-bit PNGs are supported, got bit depth ${bitDepth}`);
      if (!(colourType in CHANNELS)) throw new Error(`unknown PNG colour type ${colourType}`);
      if (data[12] !== 0) throw new Error('interlaced PNGs are not supported');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (width === 0 || height === 0) throw new Error('PNG has no IHDR chunk');
  const channels = CHANNELS[colourType];
  const raw = unfilter(new Uint8Array(inflateSync(Buffer.concat(idat))), width, height, channels);
  return { width, height, rgba: toRgba(raw, width * height, colourType, palette, transparency) };
}

/** Undoes the per-scanline filters (PNG spec, section 9.2), bytes per pixel = channels at 8 bits. */
function unfilter(data: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const rowBytes = width * bpp;
  if (data.length < height * (rowBytes + 1)) throw new Error('PNG image data is shorter than its size says');
  const out = new Uint8Array(height * rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (rowBytes + 1)];
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    const prev = row - rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: predictor = paeth(a, b, c); break;
        default: throw new Error(`unknown PNG filter type ${filter} in row ${y}`);
      }
      out[row + x] = (data[src + x] + predictor) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function toRgba(raw: Uint8Array, pixels: number, colourType: number, palette: Uint8Array | null, transparency: Uint8Array | null): Uint8Array {
  const rgba = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    let r: number, g: number, b: number, alpha = 255;
    switch (colourType) {
      case 0: r = g = b = raw[i]; break;
      case 2: r = raw[i * 3]; g = raw[i * 3 + 1]; b = raw[i * 3 + 2]; break;
      case 3: {
        const index = raw[i];
        if (!palette || index * 3 + 2 >= palette.length) throw new Error('PNG palette index out of range');
        r = palette[index * 3]; g = palette[index * 3 + 1]; b = palette[index * 3 + 2];
        if (transparency && index < transparency.length) alpha = transparency[index];
        break;
      }
      case 4: r = g = b = raw[i * 2]; alpha = raw[i * 2 + 1]; break;
      default: r = raw[i * 4]; g = raw[i * 4 + 1]; b = raw[i * 4 + 2]; alpha = raw[i * 4 + 3];
    }
    rgba.set([r, g, b, alpha], i * 4);
  }
  return rgba;
}

export interface Comparison {
  differing: number;
  total: number;
  sizes: string | null;
  /** Before faded, differing pixels red; null when nothing differs. */
  diff: RasterImage | null;
}

/** Counts differing pixels over the larger extent of both images. */
export function comparePixels(before: RgbaImage, after: RgbaImage): Comparison {
  const width = Math.max(before.width, after.width);
  const height = Math.max(before.height, after.height);
  const diff = new Uint8Array(width * height * 3);
  let differing = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inBefore = x < before.width && y < before.height;
      const inAfter = x < after.width && y < after.height;
      const b = (y * before.width + x) * 4;
      const a = (y * after.width + x) * 4;
      let same = inBefore && inAfter;
      for (let c = 0; same && c < 4; c++) same = before.rgba[b + c] === after.rgba[a + c];
      const o = (y * width + x) * 3;
      if (!same) {
        differing++;
        diff.set([230, 0, 0], o);
      } else {
        // Faded grey of the unchanged pixel, so the red stands out against the layout.
        const grey = 0.299 * before.rgba[b] + 0.587 * before.rgba[b + 1] + 0.114 * before.rgba[b + 2];
        diff.fill(Math.round(200 + (grey * 55) / 255), o, o + 3);
      }
    }
  }
  const sizes = before.width === after.width && before.height === after.height ? null : `${before.width}×${before.height} → ${after.width}×${after.height}`;
  return { differing, total: width * height, sizes, diff: differing > 0 ? { width, height, channels: 3, pixels: diff } : null };
}

interface Options {
  before: string;
  after: string;
  thresholdPercent: number;
  diffDir: string | null;
}

function parseArgs(argv: readonly string[]): Options {
  const dirs: string[] = [];
  let thresholdPercent = 0.5;
  let diffDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--threshold') thresholdPercent = Number(argv[++i]);
    else if (arg === '--diff') diffDir = resolve(argv[++i] ?? '');
    else if (arg === '--help' || arg === '-h') usage(0);
    else if (arg.startsWith('--')) usage(1, `unknown option ${arg}`);
    else dirs.push(resolve(arg));
  }
  if (dirs.length !== 2) usage(1, 'give two folders: BEFORE_DIR AFTER_DIR');
  if (!Number.isFinite(thresholdPercent) || thresholdPercent < 0) usage(1, 'threshold must be a percentage ≥ 0');
  return { before: dirs[0], after: dirs[1], thresholdPercent, diffDir };
}

function usage(code: number, problem?: string): never {
  if (problem) console.error(problem);
  console.error('usage: npx tsx scripts/compare-screenshots.ts BEFORE_DIR AFTER_DIR [--threshold 0.5] [--diff DIR]');
  process.exit(code);
}

function pngNames(dir: string): Set<string> {
  return new Set(readdirSync(dir).filter((name) => name.endsWith('.png')));
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const before = pngNames(options.before);
  const after = pngNames(options.after);
  const onlyBefore = [...before].filter((name) => !after.has(name)).sort();
  const onlyAfter = [...after].filter((name) => !before.has(name)).sort();
  const common = [...before].filter((name) => after.has(name)).sort();
  if (options.diffDir) mkdirSync(options.diffDir, { recursive: true });

  let flagged = 0;
  let differingFiles = 0;
  for (const name of common) {
    const result = comparePixels(decodePng(readFileSync(join(options.before, name))), decodePng(readFileSync(join(options.after, name))));
    const percent = (100 * result.differing) / result.total;
    const over = percent > options.thresholdPercent;
    if (over) flagged++;
    if (result.differing > 0) differingFiles++;
    const size = result.sizes ? `  (size ${result.sizes})` : '';
    console.log(`${over ? 'OVER' : '    '} ${percent.toFixed(3).padStart(8)} %  ${String(result.differing).padStart(9)} px  ${name}${size}`);
    if (options.diffDir && result.diff) writeFileSync(join(options.diffDir, name), encodePngNode(result.diff));
  }
  for (const name of onlyBefore) console.log(`MISSING in after:  ${name}`);
  for (const name of onlyAfter) console.log(`MISSING in before: ${name}`);
  console.log(
    `${common.length} compared, ${differingFiles} differ, ${flagged} over ${options.thresholdPercent} %, ` +
      `${onlyBefore.length} only in before, ${onlyAfter.length} only in after`,
  );
  if (flagged > 0 || onlyBefore.length > 0 || onlyAfter.length > 0) process.exitCode = 1;
}

// Run as a script; importing the module (for decodePng, comparePixels) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
