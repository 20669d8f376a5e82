import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, NpyError } from '../../../src/io/npy';

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function hasNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

describe('encodeNpy', () => {
  it('writes the exact v1.0 preamble and header for (3, 28, 28) float32', () => {
    const data = new Float32Array(3 * 28 * 28);
    const bytes = encodeNpy(data, [3, 28, 28]);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    expect(headerLength).toBe(118);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), }";
    // numpy leaves 21 − len("3") growth spaces, then pads to the 64-byte boundary and ends with '\n'.
    const expected = dict + ' '.repeat(118 - dict.length - 1) + '\n';
    expect(ascii(bytes.subarray(10, 128))).toBe(expected);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.length).toBe(128 + data.length * 4);
  });

  it('writes 1-D shapes with a trailing comma and keeps alignment for long first axes', () => {
    const one = encodeNpy(new Float32Array(7), [7]);
    expect(ascii(one.subarray(10, 128))).toContain("'shape': (7,), }");
    const big = encodeNpy(new Float32Array(0), [123456789012, 0, 28]);
    const hl = big[8] | (big[9] << 8);
    expect((10 + hl) % 64).toBe(0);
    expect(big[10 + hl - 1]).toBe(0x0a);
  });

  it('stores float32 little-endian in C order and reads back exactly', () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => (i - 7) / 3);
    const bytes = encodeNpy(data, [2, 3, 4]);
    const view = new DataView(bytes.buffer);
    expect(view.getFloat32(128 + 5 * 4, true)).toBe(data[5]);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([2, 3, 4]);
    expect([...back.data]).toEqual([...data]);
  });

  it('refuses a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(10), [3, 3])).toThrow(NpyError);
    expect(() => encodeNpy(new Float32Array(4), [2, -2])).toThrow(/integers/);
  });

  it('decodeNpy names what it cannot read', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/magic/);
    const bytes = encodeNpy(new Float32Array(4), [4]);
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 1))).toThrow(/needs 16 data bytes/);
    const f8 = bytes.slice();
    f8.set([...'<f8'].map((c) => c.charCodeAt(0)), 10 + "{'descr': '".length);
    expect(() => decodeNpy(f8)).toThrow(/'<f8'/);
  });

  it('is byte-identical to numpy.save and numpy.load reads it', () => {
    if (!hasNumpy()) {
      // The header was already checked byte by byte above; this only adds numpy's own view.
      console.warn('npy.test: python3 with numpy is not installed; skipping the numpy cross-check');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    try {
      const n = 5;
      const data = Float32Array.from({ length: n * 28 * 28 }, (_, i) => Math.sin(i) * 0.9);
      const ours = join(dir, 'ours.npy');
      writeFileSync(ours, encodeNpy(data, [n, 28, 28]));
      const script = [
        'import numpy as np, sys',
        `a = np.load(${JSON.stringify(ours)})`,
        "assert a.dtype == np.dtype('<f4') and a.shape == (5, 28, 28) and a.flags['C_CONTIGUOUS']",
        'print(repr(float(a[2, 3, 4])), repr(float(a.sum(dtype=np.float64))))',
        `np.save(${JSON.stringify(join(dir, 'theirs.npy'))}, a)`,
      ].join('\n');
      const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const [at, sum] = r.stdout.trim().split(' ').map(Number);
      expect(at).toBe(data[2 * 784 + 3 * 28 + 4]);
      let expectedSum = 0;
      for (const v of data) expectedSum += v;
      expect(sum).toBeCloseTo(expectedSum, 6);
      const theirs = readFileSync(join(dir, 'theirs.npy'));
      expect(Buffer.compare(theirs, readFileSync(ours))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
