import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { crc32, imageGrid, PNG_SIGNATURE, unitToByte, type RasterImage } from '../../../src/io/png';
import { encodePngNode } from '../../../src/io/png-node';

interface Chunk {
  type: string;
  data: Uint8Array;
  crc: number;
  /** Type + data bytes, what the CRC covers. */
  covered: Uint8Array;
}

function readChunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    chunks.push({ type, data, crc, covered: png.subarray(offset + 4, offset + 8 + length) });
    offset += 12 + length;
  }
  expect(offset).toBe(png.length);
  return chunks;
}

function pattern(width: number, height: number, channels: 1 | 3): RasterImage {
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 3)) & 0xff;
  return { width, height, channels, pixels };
}

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32(text)).toBe(0xcbf43926);
    const bytes = pattern(17, 5, 3).pixels;
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  });
});

describe('encodePng', () => {
  for (const channels of [1, 3] as const) {
    it(`writes a valid ${channels === 1 ? 'grayscale' : 'RGB'} PNG whose IDAT inflates to the pixels`, () => {
      const img = pattern(13, 7, channels);
      const png = encodePngNode(img);
      expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
      const chunks = readChunks(png);
      expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      for (const c of chunks) expect(c.crc).toBe(zlibCrc32(c.covered));

      const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
      expect(chunks[0].data.length).toBe(13);
      expect(ihdr.getUint32(0)).toBe(13);
      expect(ihdr.getUint32(4)).toBe(7);
      expect([...chunks[0].data.subarray(8)]).toEqual([8, channels === 1 ? 0 : 2, 0, 0, 0]);
      expect(chunks[2].data.length).toBe(0);

      const raw = new Uint8Array(inflateSync(chunks[1].data));
      const rowBytes = 13 * channels;
      expect(raw.length).toBe(7 * (rowBytes + 1));
      for (let y = 0; y < 7; y++) {
        expect(raw[y * (rowBytes + 1)]).toBe(0);
        expect([...raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1))]).toEqual([
          ...img.pixels.subarray(y * rowBytes, (y + 1) * rowBytes),
        ]);
      }
    });
  }

  it('refuses pixels that do not match the size', () => {
    expect(() => encodePngNode({ width: 4, height: 4, channels: 1, pixels: new Uint8Array(15) })).toThrow(/needs 16 bytes/);
  });
});

describe('imageGrid', () => {
  it('places each image in its cell with padding', () => {
    const n = 5;
    const images = new Float32Array(n * 784);
    for (let k = 0; k < n; k++) for (let p = 0; p < 784; p++) images[k * 784 + p] = -1 + (2 * ((k * 7 + p) % 256)) / 255;
    const grid = imageGrid(images, n, 3, 2, { padValue: 200 });
    expect(grid.channels).toBe(1);
    expect(grid.width).toBe(3 * 28 + 4 * 2);
    expect(grid.height).toBe(2 * 28 + 3 * 2);
    expect(grid.pixels.length).toBe(grid.width * grid.height);
    // Image 4 sits at row 1, column 1: x0 = 2 + 30, y0 = 2 + 30.
    const at = (x: number, y: number): number => grid.pixels[y * grid.width + x];
    expect(at(32 + 5, 32 + 9)).toBe(unitToByte(images[4 * 784 + 9 * 28 + 5]));
    expect(at(2, 2)).toBe(unitToByte(images[0]));
    expect(at(0, 0)).toBe(200);
    expect(at(31, 40)).toBe(200);
    // The sixth cell is empty.
    expect(at(62 + 10, 32 + 10)).toBe(200);
  });

  it('maps [-1, 1] to 0..255 and clips', () => {
    expect(unitToByte(-1)).toBe(0);
    expect(unitToByte(1)).toBe(255);
    expect(unitToByte(0)).toBe(128);
    expect(unitToByte(-3)).toBe(0);
    expect(unitToByte(7)).toBe(255);
  });

  it('checks its arguments', () => {
    expect(() => imageGrid(new Float32Array(784), 2, 2, 1)).toThrow(/need 1568/);
    expect(() => imageGrid(new Float32Array(784), 1, 0, 1)).toThrow(/cols/);
  });
});
