/**
 * PNG encoding (W3C / ISO 15948, "Portable Network Graphics Specification", 2nd ed.): the 8-byte
 * signature, then IHDR, one IDAT and IEND chunks, each as length · type · data · CRC-32. Scanlines
 * use filter type 0 (None) and are compressed with zlib (RFC 1950) by a deflate function the host
 * supplies (node:zlib in Node, CompressionStream('deflate') in a browser), so this module has no
 * platform code.
 *
 * Also turns a batch of [-1, 1] images into one grayscale grid image.
 */

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** 8-bit pixels, row-major; `channels` 1 = grayscale (colour type 0), 3 = RGB (colour type 2). */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** zlib-format compression (RFC 1950), e.g. node:zlib's deflateSync. */
export type ZlibDeflate = (data: Uint8Array) => Uint8Array;

const CRC_TABLE = (() => {
  // CRC-32 with the reflected polynomial 0xEDB88320 (PNG spec, Annex D).
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of the bytes (as PNG computes it over a chunk's type and data). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkImage(img: RasterImage): void {
  const { width, height, channels, pixels } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`PNG size must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`PNG channels must be 1 or 3, got ${String(channels)}`);
  if (pixels.length !== width * height * channels) {
    throw new Error(`${width}×${height}×${channels} image needs ${width * height * channels} bytes, got ${pixels.length}`);
  }
}

/** The uncompressed IDAT payload: each row prefixed by its filter type byte (0 = None). */
export function pngScanlines(img: RasterImage): Uint8Array {
  checkImage(img);
  const rowBytes = img.width * img.channels;
  const out = new Uint8Array(img.height * (rowBytes + 1));
  for (let y = 0; y < img.height; y++) {
    out[y * (rowBytes + 1)] = 0;
    out.set(img.pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** Assembles a PNG from an image and its already compressed scanlines. */
export function assemblePng(img: RasterImage, compressed: Uint8Array): Uint8Array {
  checkImage(img);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, img.width);
  view.setUint32(4, img.height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = img.channels === 1 ? 0 : 2; // colour type
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', compressed), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Encodes an 8-bit grayscale or RGB image as PNG with the given zlib compressor. */
export function encodePng(img: RasterImage, deflate: ZlibDeflate): Uint8Array {
  return assemblePng(img, deflate(pngScanlines(img)));
}

/** [-1, 1] → 0..255, rounding to nearest and clipping values outside the range. */
export function unitToByte(v: number): number {
  const b = Math.round((v + 1) * 127.5);
  return b < 0 ? 0 : b > 255 ? 255 : b;
}

export interface GridOptions {
  /** Side of each square image in pixels (default 28). */
  side?: number;
  /** Gray level of the padding and of empty cells (default 128). */
  padValue?: number;
}

/**
 * Lays out `n` square images (flattened NHWC with one channel, values in [-1, 1]) in a grid of
 * `cols` columns with `pad` pixels between and around the cells; returns a grayscale image.
 */
export function imageGrid(images: Float32Array, n: number, cols: number, pad: number, options: GridOptions = {}): RasterImage {
  const side = options.side ?? 28;
  const padValue = options.padValue ?? 128;
  const pixelsPer = side * side;
  if (!Number.isInteger(n) || n < 1) throw new Error(`imageGrid: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`imageGrid: cols must be a positive integer, got ${cols}`);
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`imageGrid: pad must be an integer ≥ 0, got ${pad}`);
  if (images.length < n * pixelsPer) {
    throw new Error(`imageGrid: ${n} images of ${side}×${side} need ${n * pixelsPer} values, got ${images.length}`);
  }
  const columns = Math.min(cols, n);
  const rows = Math.ceil(n / columns);
  const width = columns * side + (columns + 1) * pad;
  const height = rows * side + (rows + 1) * pad;
  const pixels = new Uint8Array(width * height).fill(padValue);
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % columns) * (side + pad);
    const y0 = pad + Math.floor(k / columns) * (side + pad);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        pixels[(y0 + y) * width + x0 + x] = unitToByte(images[k * pixelsPer + y * side + x]);
      }
    }
  }
  return { width, height, channels: 1, pixels };
}
