import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeIdx,
  encodeIdx,
  gunzip,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  isGzip,
  MnistFormatError,
  parseIdx,
} from '../../../src/data/idx';
import { MnistDataset } from '../../../src/data/mnist';

/** IDX bytes written by hand (not with encodeIdx), so the parser is checked against the spec. */
function handMadeIdx(magic: number, dims: number[], data: number[]): Uint8Array {
  const header = [magic, ...dims].flatMap((v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  return Uint8Array.from([...header, ...data]);
}

/** Runs `fn` and returns the MnistFormatError it throws (fails the test otherwise). */
async function formatError(fn: () => unknown): Promise<MnistFormatError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MnistFormatError);
    return err as MnistFormatError;
  }
  throw new Error('expected a MnistFormatError, nothing was thrown');
}

const labels3 = handMadeIdx(IDX_LABELS_MAGIC, [3], [5, 0, 4]);
const images2x2x3 = handMadeIdx(IDX_IMAGES_MAGIC, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

describe('parseIdx', () => {
  it('reads magic, big-endian dims and data', () => {
    const labels = parseIdx(labels3, 'labels', IDX_LABELS_MAGIC);
    expect(labels.magic).toBe(2049);
    expect(labels.dims).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([5, 0, 4]);

    const images = parseIdx(images2x2x3, 'images', IDX_IMAGES_MAGIC);
    expect(images.magic).toBe(2051);
    expect(images.dims).toEqual([2, 2, 3]);
    expect(Array.from(images.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads dims above 255 (all four bytes matter)', () => {
    const n = 300;
    const bytes = handMadeIdx(IDX_LABELS_MAGIC, [n], Array.from({ length: n }, (_, i) => i % 10));
    const parsed = parseIdx(bytes, 'big');
    expect(parsed.dims).toEqual([300]);
    expect(parsed.data[299]).toBe(9);
  });

  it('works on a view into a larger buffer', () => {
    const padded = new Uint8Array(labels3.length + 10);
    padded.set(labels3, 5);
    const parsed = parseIdx(padded.subarray(5, 5 + labels3.length), 'view', IDX_LABELS_MAGIC);
    expect(Array.from(parsed.data)).toEqual([5, 0, 4]);
  });

  it('matches what encodeIdx writes', () => {
    expect(Array.from(encodeIdx([3], Uint8Array.from([5, 0, 4])))).toEqual(Array.from(labels3));
    expect(Array.from(encodeIdx([2, 2, 3], images2x2x3.subarray(16)))).toEqual(Array.from(images2x2x3));
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow(/hold 4 elements/);
  });

  it('rejects a bad magic number, naming the file', async () => {
    const intData = labels3.slice();
    intData[2] = 0x0c; // int32 element type
    const err = await formatError(() => parseIdx(intData, 'data/labels.idx'));
    expect(err.file).toBe('data/labels.idx');
    expect(err.message).toMatch(/^data\/labels\.idx: bad magic number 3073 \(0x00000c01\)/);

    const garbage = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    expect((await formatError(() => parseIdx(garbage, 'pic.png'))).message).toMatch(/pic\.png: bad magic number/);
  });

  it('rejects labels where images are expected and the other way round', async () => {
    const asImages = await formatError(() => parseIdx(labels3, 'l.idx', IDX_IMAGES_MAGIC));
    expect(asImages.message).toBe('l.idx: bad magic number 2049 (0x00000801), expected 2051 (MNIST images)');
    const asLabels = await formatError(() => parseIdx(images2x2x3, 'i.idx', IDX_LABELS_MAGIC));
    expect(asLabels.message).toBe('i.idx: bad magic number 2051 (0x00000803), expected 2049 (MNIST labels)');
  });

  it('rejects truncated files: magic, header and data', async () => {
    expect((await formatError(() => parseIdx(labels3.subarray(0, 2), 'f'))).message).toBe(
      'f: truncated: 2 bytes is shorter than the 4-byte IDX magic number',
    );
    expect((await formatError(() => parseIdx(images2x2x3.subarray(0, 10), 'f'))).message).toBe(
      'f: truncated header: 3 dimensions need 16 header bytes, file has 10',
    );
    expect((await formatError(() => parseIdx(images2x2x3.subarray(0, 20), 'f'))).message).toBe(
      'f: truncated: dims [2, 2, 3] need 28 bytes, file has 20',
    );
  });

  it('rejects files longer than their dims say', async () => {
    const long = Uint8Array.from([...labels3, 7, 7]);
    expect((await formatError(() => parseIdx(long, 'f'))).message).toBe(
      'f: wrong length: dims [3] need 11 bytes, file has 13 (2 extra)',
    );
  });
});

describe('gzip', () => {
  it('recognises the gzip magic', () => {
    expect(isGzip(gzipSync(labels3))).toBe(true);
    expect(isGzip(labels3)).toBe(false);
    expect(isGzip(new Uint8Array(1))).toBe(false);
  });

  it('decodes gzipped and raw IDX alike', async () => {
    const big = handMadeIdx(IDX_LABELS_MAGIC, [200_000], Array.from({ length: 200_000 }, (_, i) => (i * 7) % 10));
    const fromGzip = await decodeIdx(gzipSync(big), 'big.gz', IDX_LABELS_MAGIC);
    const fromRaw = await decodeIdx(big, 'big', IDX_LABELS_MAGIC);
    expect(fromGzip.dims).toEqual([200_000]);
    expect(Array.from(fromGzip.data)).toEqual(Array.from(fromRaw.data));
  });

  it('rejects garbage after the gzip magic', async () => {
    const garbage = Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const err = await formatError(() => decodeIdx(garbage, 'x.gz'));
    expect(err.file).toBe('x.gz');
    expect(err.message).toMatch(/^x\.gz: invalid gzip data \(.+\)$/);
  });

  it('rejects a truncated gzip stream', async () => {
    const gz = gzipSync(images2x2x3);
    const err = await formatError(() => gunzip(gz.subarray(0, gz.length - 6), 'cut.gz'));
    expect(err.message).toMatch(/^cut\.gz: invalid gzip data/);
  });

  it('rejects a valid gzip whose content is truncated IDX', async () => {
    const err = await formatError(() => decodeIdx(gzipSync(images2x2x3.subarray(0, 20)), 'short.gz'));
    expect(err.message).toBe('short.gz: truncated: dims [2, 2, 3] need 28 bytes, file has 20');
  });
});

describe('MnistDataset.fromIdx checks MNIST shapes', () => {
  const mnistLike = (n: number, rows = 28, cols = 28) =>
    handMadeIdx(IDX_IMAGES_MAGIC, [n, rows, cols], Array.from({ length: n * rows * cols }, (_, i) => i % 256));

  it('accepts matching 28×28 images and labels', async () => {
    const ds = await MnistDataset.fromIdx(
      { bytes: mnistLike(3), file: 'img' },
      { bytes: gzipSync(labels3), file: 'lab.gz' },
    );
    expect(ds.count).toBe(3);
    expect(ds.label(0)).toBe(5);
    expect(ds.imageBytes(1)[0]).toBe(784 % 256);
  });

  it('rejects images that are not 28×28', async () => {
    const err = await formatError(() =>
      MnistDataset.fromIdx({ bytes: mnistLike(3, 27, 28), file: 'img' }, { bytes: labels3, file: 'lab' }),
    );
    expect(err.message).toBe('img: wrong dims: expected 28×28 images, got 27×28');
  });

  it('rejects a label count that differs from the image count', async () => {
    const err = await formatError(() =>
      MnistDataset.fromIdx({ bytes: mnistLike(4), file: 'img' }, { bytes: labels3, file: 'lab' }),
    );
    expect(err.message).toBe('lab: wrong dims: 3 labels but img has 4 images');
  });

  it('rejects labels outside 0..9', async () => {
    const bad = handMadeIdx(IDX_LABELS_MAGIC, [3], [5, 10, 4]);
    const err = await formatError(() => MnistDataset.fromIdx({ bytes: mnistLike(3), file: 'img' }, { bytes: bad, file: 'lab' }));
    expect(err.message).toBe('lab: label 10 at index 1 is not a digit 0..9');
  });

  it('rejects swapped files', async () => {
    const err = await formatError(() =>
      MnistDataset.fromIdx({ bytes: labels3, file: 'lab' }, { bytes: mnistLike(3), file: 'img' }),
    );
    expect(err.message).toMatch(/^lab: bad magic number 2049 .*expected 2051/);
  });
});
