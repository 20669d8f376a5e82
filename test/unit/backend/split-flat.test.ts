/**
 * The flat tensor's write-back (src/backend/kernels/split-flat-kernels.ts) on wasm and cpu: one
 * kernel for any number of pieces, each piece the right values and shape, nothing left behind.
 * WebGPU's buffer copies are checked in the browser (test/e2e/gradcheck.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { SPLIT_FLAT_KERNEL } from '../../../src/backend/kernels/split-flat-kernels';
import { splitFlat } from '../../../src/backend/ops/split-flat';

const SHAPES = [[3, 3, 2, 4], [4], [1], [2, 5], [7, 1, 1]];
const TOTAL = SHAPES.reduce((sum, s) => sum + tf.util.sizeFromShape(s), 0);

describe.each(['wasm', 'cpu'])('splitFlat on %s', (backend) => {
  it('cuts a flat tensor into the given shapes with one kernel', async () => {
    await setupBackend(backend, { strict: true });
    const flat = tf.range(0, TOTAL, 1, 'float32');
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => splitFlat(flat, SHAPES));
    const pieces = profile.result as tf.Tensor[];
    expect(profile.kernels.map((k) => k.name)).toEqual([SPLIT_FLAT_KERNEL]);
    expect(pieces.map((p) => p.shape)).toEqual(SHAPES);
    let offset = 0;
    for (const piece of pieces) {
      expect(Array.from(await piece.data())).toEqual(Array.from({ length: piece.size }, (_, i) => offset + i));
      offset += piece.size;
    }
    tf.dispose(pieces);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => splitFlat(flat, [[TOTAL + 1]])).toThrow(`splitFlat: the tensor has ${TOTAL} values, the shapes ${TOTAL + 1}`);
    flat.dispose();
  });
});
