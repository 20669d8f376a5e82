import { describe, expect, it } from 'vitest';
import { copyBox } from '../../../src/backend/kernels/copy-box';

/** Element-by-element reference: dst[dstBegin + i] = src[srcBegin + i] over the box. */
function reference(src: Float32Array, srcShape: number[], srcBegin: number[], dst: Float32Array, dstShape: number[], dstBegin: number[], size: number[]): void {
  const rank = size.length;
  const idx = new Array(rank).fill(0);
  const total = size.reduce((a, b) => a * b, 1);
  const flat = (shape: number[], at: number[]) => at.reduce((acc, v, d) => acc * shape[d] + v, 0);
  for (let n = 0; n < total; n++) {
    let rest = n;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rest % size[d];
      rest = Math.floor(rest / size[d]);
    }
    dst[flat(dstShape, idx.map((v, d) => v + dstBegin[d]))] = src[flat(srcShape, idx.map((v, d) => v + srcBegin[d]))];
  }
}

describe('copyBox', () => {
  const cases: Array<[string, number[], number[], number[], number[], number[]]> = [
    // name, srcShape, srcBegin, dstShape, dstBegin, size
    ['slice of a padded image', [2, 6, 6, 3], [0, 1, 1, 0], [2, 4, 4, 3], [0, 0, 0, 0], [2, 4, 4, 3]],
    ['channel block into a concat', [2, 3, 3, 2], [0, 0, 0, 0], [2, 3, 3, 5], [0, 0, 0, 3], [2, 3, 3, 2]],
    ['channel block out of a split', [2, 3, 3, 5], [0, 0, 0, 2], [2, 3, 3, 3], [0, 0, 0, 0], [2, 3, 3, 3]],
    ['long rows (set path)', [3, 130], [1, 0], [2, 130], [0, 0], [2, 130]],
    ['8-channel block into a concat (unrolled runs)', [2, 3, 4, 8], [0, 0, 0, 0], [2, 3, 4, 24], [0, 0, 0, 16], [2, 3, 4, 8]],
    ['16-channel block out of a split (unrolled runs)', [2, 3, 4, 24], [0, 0, 0, 8], [2, 3, 4, 16], [0, 0, 0, 0], [2, 3, 4, 16]],
    ['inner slice that cannot merge', [2, 5, 4, 8], [1, 1, 0, 0], [1, 3, 4, 8], [0, 0, 0, 0], [1, 3, 4, 8]],
    ['box inside both arrays on every axis', [3, 5, 6, 16], [1, 2, 1, 8], [2, 4, 7, 24], [1, 1, 2, 0], [1, 2, 4, 8]],
    ['rank 1', [10], [3], [5], [0], [5]],
    ['empty box', [2, 3], [0, 0], [2, 3], [0, 0], [0, 3]],
  ];
  for (const [name, srcShape, srcBegin, dstShape, dstBegin, size] of cases) {
    it(name, () => {
      const src = Float32Array.from({ length: srcShape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
      const n = dstShape.reduce((a, b) => a * b, 1);
      const got = new Float32Array(n).fill(-1);
      const want = new Float32Array(n).fill(-1);
      copyBox(src, srcShape, srcBegin, got, dstShape, dstBegin, size);
      reference(src, srcShape, srcBegin, want, dstShape, dstBegin, size);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
  }
});
