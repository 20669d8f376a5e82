/**
 * NumPy's .npy format, version 1.0 (NEP 1, "A simple file format for NumPy arrays"): the magic
 * string "\x93NUMPY", the version bytes 1 0, a little-endian uint16 header length, then an ASCII
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (N, 28, 28), }` padded
 * with spaces and ended by '\n' so the data starts at a multiple of 64 bytes, then the raw data.
 *
 * Only float32 little-endian in C order is written or read: that is what the tools here produce
 * (images in [-1, 1]) and it lets `numpy.load` open samples without any conversion. Host-neutral:
 * no file system, no Buffer.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE_BYTES = 10; // magic (6) + version (2) + header length (2)
/** The data offset is padded to this many bytes, as numpy itself does since 1.14. */
export const NPY_ALIGNMENT = 64;

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

/** The header dict text exactly as numpy writes it, without padding. */
export function npyHeaderDict(shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
}

function checkShape(shape: readonly number[], length: number): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new NpyError(`shape entries must be integers ≥ 0, got [${shape.join(', ')}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== length) {
    throw new NpyError(`shape [${shape.join(', ')}] holds ${size} values but the data has ${length}`);
  }
}

/**
 * Spare spaces numpy leaves after the dict so the first axis can grow to 21 digits and the header
 * be rewritten in place (numpy.lib.format, GROWTH_AXIS_MAX_DIGITS = 21). Reproducing them makes
 * our files byte-identical to `numpy.save` of the same array.
 */
const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * The full header text after the 10-byte preamble: dict, growth spaces, alignment spaces, '\n'.
 * As in numpy, the alignment padding is 64 − ((10 + len + 1) mod 64) spaces, so a header that would
 * already end on the boundary still gets 64 more.
 */
export function npyHeader(shape: readonly number[]): string {
  let text = npyHeaderDict(shape);
  if (shape.length > 0) text += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const padding = NPY_ALIGNMENT - ((PREAMBLE_BYTES + text.length + 1) % NPY_ALIGNMENT);
  return `${text}${' '.repeat(padding)}\n`;
}

/** Encodes a float32 array of the given shape (C order) as a .npy v1.0 file. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  checkShape(shape, data.length);
  const header = npyHeader(shape);
  const total = PREAMBLE_BYTES + header.length;
  const headerLength = header.length;
  if (headerLength > 0xffff) throw new NpyError(`header of ${headerLength} bytes does not fit version 1.0`);
  const out = new Uint8Array(total + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat32(total + i * 4, data[i], true);
  return out;
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/**
 * Decodes a .npy file holding little-endian float32 in C order (version 1.0, 2.0 or 3.0 headers);
 * anything else is refused with a message that says what the file holds.
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError('not a .npy file: the magic string "\\x93NUMPY" is missing');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('truncated .npy header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw new NpyError(`unsupported .npy version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new NpyError('truncated .npy header');
  let header = '';
  for (let i = headerStart; i < dataStart; i++) header += String.fromCharCode(bytes[i]);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(`malformed .npy header: ${header.trim()}`);
  }
  if (descr !== '<f4') throw new NpyError(`only little-endian float32 ('<f4') is supported, the file holds '${descr}'`);
  if (fortran !== 'False') throw new NpyError('only C-order arrays are supported, the file is in Fortran order');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const d = Number(s);
      if (!Number.isInteger(d) || d < 0) throw new NpyError(`malformed shape (${shapeText})`);
      return d;
    });
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - dataStart !== size * 4) {
    throw new NpyError(`shape (${shape.join(', ')}) needs ${size * 4} data bytes, the file has ${bytes.length - dataStart}`);
  }
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + i * 4, true);
  return { shape, data };
}
