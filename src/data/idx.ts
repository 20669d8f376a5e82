/**
 * Reader and writer for the IDX format in which MNIST is distributed (LeCun, Cortes & Burges,
 * "The MNIST database of handwritten digits", http://yann.lecun.com/exdb/mnist/).
 *
 * Layout: a big-endian 32-bit magic number whose third byte is the element type (0x08 = unsigned
 * byte) and whose fourth byte is the number of dimensions, then one big-endian 32-bit size per
 * dimension, then the data. MNIST labels have magic 2049 (0x00000801: ubyte, 1 dimension) and
 * images 2051 (0x00000803: ubyte, 3 dimensions).
 *
 * The same code runs in Node and in the browser: it works on Uint8Array and unzips through the
 * standard `DecompressionStream('gzip')`.
 */

export const IDX_LABELS_MAGIC = 2049;
export const IDX_IMAGES_MAGIC = 2051;

const UBYTE_TYPE = 0x08;

/** A data file that is not what it claims to be; the message names the file and the problem. */
export class MnistFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'MnistFormatError';
  }
}

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  magic: number;
  dims: number[];
  /** Row-major data; a view into the input bytes, not a copy. */
  data: Uint8Array;
}

/** True when the bytes start with the gzip magic (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Unzips gzip bytes with the platform's DecompressionStream (Node ≥ 18, all current browsers). */
export async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new MnistFormatError(file, 'is gzip-compressed but this platform has no DecompressionStream');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MnistFormatError(file, `invalid gzip data (${reason})`);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Parses uncompressed IDX bytes of unsigned-byte data. When `expectedMagic` is given the file
 * must carry exactly that magic number. The byte length must equal header + product of dims.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic?: number): IdxArray {
  if (bytes.length < 4) {
    throw new MnistFormatError(file, `truncated: ${bytes.length} bytes is shorter than the 4-byte IDX magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE_TYPE || bytes[3] === 0) {
    throw new MnistFormatError(
      file,
      `bad magic number ${magic} (0x${hex8(magic)}): not an IDX file of unsigned bytes` + expectedHint(expectedMagic),
    );
  }
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new MnistFormatError(file, `bad magic number ${magic} (0x${hex8(magic)})${expectedHint(expectedMagic)}`);
  }
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new MnistFormatError(
      file,
      `truncated header: ${ndims} dimensions need ${headerBytes} header bytes, file has ${bytes.length}`,
    );
  }
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    elements *= size;
  }
  const expectedBytes = headerBytes + elements;
  if (bytes.length < expectedBytes) {
    throw new MnistFormatError(
      file,
      `truncated: dims [${dims.join(', ')}] need ${expectedBytes} bytes, file has ${bytes.length}`,
    );
  }
  if (bytes.length > expectedBytes) {
    throw new MnistFormatError(
      file,
      `wrong length: dims [${dims.join(', ')}] need ${expectedBytes} bytes, file has ${bytes.length} ` +
        `(${bytes.length - expectedBytes} extra)`,
    );
  }
  return { magic, dims, data: bytes.subarray(headerBytes) };
}

/** Unzips when the bytes are gzip, then parses them as IDX. */
export async function decodeIdx(bytes: Uint8Array, file: string, expectedMagic?: number): Promise<IdxArray> {
  const raw = isGzip(bytes) ? await gunzip(bytes, file) : bytes;
  return parseIdx(raw, file, expectedMagic);
}

/** Encodes unsigned-byte data as IDX; the magic number follows from the number of dims. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 255) throw new Error(`IDX needs 1 to 255 dims, got ${dims.length}`);
  const elements = dims.reduce((a, b) => a * b, 1);
  if (elements !== data.length) {
    throw new Error(`IDX dims [${dims.join(', ')}] hold ${elements} elements but data has ${data.length}`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE_TYPE << 8) | dims.length, false);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(data, headerBytes);
  return out;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function expectedHint(expectedMagic: number | undefined): string {
  if (expectedMagic === undefined) return '';
  const kind =
    expectedMagic === IDX_LABELS_MAGIC ? ' (MNIST labels)' : expectedMagic === IDX_IMAGES_MAGIC ? ' (MNIST images)' : '';
  return `, expected ${expectedMagic}${kind}`;
}
