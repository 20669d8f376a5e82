/**
 * The screenshot comparison's PNG decoder and pixel count (scripts/compare-screenshots.ts):
 * images written by src/io/png.ts decode back to the same pixels, every scanline filter of the
 * PNG spec (section 9.2) is undone, and differing pixels are counted over both images' extent.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { comparePixels, decodePng, type RgbaImage } from '../../../scripts/compare-screenshots';
import { assemblePng, type RasterImage } from '../../../src/io/png';
import { encodePngNode } from '../../../src/io/png-node';

function pattern(width: number, height: number, channels: 1 | 3): RasterImage {
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + 11) % 256;
  return { width, height, channels, pixels };
}

function expectedRgba(img: RasterImage): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    const rgb = img.channels === 1 ? [img.pixels[i], img.pixels[i], img.pixels[i]] : [...img.pixels.subarray(i * 3, i * 3 + 3)];
    rgba.set([...rgb, 255], i * 4);
  }
  return rgba;
}

/** Filters row y with the given filter type, as an encoder would (PNG spec, section 9.2). */
function filterRow(img: RasterImage, y: number, type: number): number[] {
  const bpp = img.channels;
  const rowBytes = img.width * bpp;
  const at = (x: number, row: number): number => (x < 0 || row < 0 ? 0 : img.pixels[row * rowBytes + x]);
  const out = [type];
  for (let x = 0; x < rowBytes; x++) {
    const a = at(x - bpp, y);
    const b = at(x, y - 1);
    const c = at(x - bpp, y - 1);
    const p = a + b - c;
    const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
    const predictor = [0, a, b, (a + b) >> 1, paeth][type];
    out.push((at(x, y) - predictor) & 0xff);
  }
  return out;
}

function solid(width: number, height: number, value: number): RgbaImage {
  return { width, height, rgba: new Uint8Array(width * height * 4).fill(value) };
}

describe('decodePng', () => {
  it('reads back grey and RGB images written by the project’s encoder', () => {
    for (const channels of [1, 3] as const) {
      const img = pattern(7, 5, channels);
      const decoded = decodePng(encodePngNode(img));
      expect([decoded.width, decoded.height]).toEqual([7, 5]);
      expect(decoded.rgba).toEqual(expectedRgba(img));
    }
  });

  it('undoes every scanline filter: None, Sub, Up, Average and Paeth', () => {
    const img = pattern(6, 5, 3);
    const scanlines = Uint8Array.from([0, 1, 2, 3, 4].flatMap((type, y) => filterRow(img, y, type)));
    const decoded = decodePng(assemblePng(img, new Uint8Array(deflateSync(scanlines))));
    expect(decoded.rgba).toEqual(expectedRgba(img));
  });

  it('refuses what is not a PNG', () => {
    expect(() => decodePng(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/not a PNG/);
  });
});

describe('comparePixels', () => {
  it('finds no difference between equal images and draws no diff image', () => {
    const result = comparePixels(solid(4, 3, 200), solid(4, 3, 200));
    expect(result).toMatchObject({ differing: 0, total: 12, sizes: null, diff: null });
  });

  it('counts a pixel as differing when any channel, alpha included, differs', () => {
    const after = solid(4, 3, 200);
    after.rgba[5 * 4 + 3] = 199;
    const result = comparePixels(solid(4, 3, 200), after);
    expect(result.differing).toBe(1);
    expect([...result.diff!.pixels.subarray(5 * 3, 5 * 3 + 3)]).toEqual([230, 0, 0]);
  });

  it('counts every pixel outside the overlap of two sizes as differing', () => {
    const result = comparePixels(solid(4, 3, 10), solid(5, 2, 10));
    // Extent 5×3 = 15 pixels, overlap 4×2 = 8 equal ones.
    expect(result).toMatchObject({ differing: 7, total: 15, sizes: '4×3 → 5×2' });
  });
});
