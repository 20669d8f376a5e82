import { describe, expect, it } from 'vitest';
import { broadcastBinary, broadcastPlan, reduceSum, type BinaryOp } from '../../../src/backend/kernels/broadcast';
import { Rng } from '../../../src/data/rng';

/** Reference: out[i] = a[index in a] ∘ b[index in b] from the coordinates of i. */
function reference(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], outShape: number[]): Float32Array {
  const out = new Float32Array(outShape.reduce((x, y) => x * y, 1));
  const rank = outShape.length;
  const pad = (s: number[]) => [...new Array(rank - s.length).fill(1), ...s];
  const ap = pad(aShape);
  const bp = pad(bShape);
  const index = (shape: number[], coords: number[]) => coords.reduce((acc, c, d) => acc * shape[d] + (shape[d] === 1 ? 0 : c), 0);
  for (let i = 0; i < out.length; i++) {
    const coords: number[] = [];
    let rest = i;
    for (let d = rank - 1; d >= 0; d--) {
      coords[d] = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
    }
    const x = a[index(ap, coords)];
    const y = b[index(bp, coords)];
    out[i] = op === 'add' ? x + y : op === 'sub' ? x - y : op === 'mul' ? x * y : x / y;
  }
  return out;
}

describe('broadcastBinary', () => {
  const cases: Array<[number[], number[], number[]]> = [
    [[2, 6, 3, 2], [2, 1, 3, 1], [2, 6, 3, 2]],
    [[2, 4, 4, 3], [3], [2, 4, 4, 3]],
    [[2, 5, 1, 3], [1, 1, 2, 1], [2, 5, 2, 3]],
    [[3], [2, 1], [2, 3]],
    [[1], [4, 2], [4, 2]],
  ];
  for (const [aShape, bShape, outShape] of cases) {
    for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[]) {
      it(`${op} ${JSON.stringify(aShape)} with ${JSON.stringify(bShape)}`, () => {
        const rng = new Rng(aShape.length * 10 + bShape.length);
        const a = rng.fillUniform(new Float32Array(aShape.reduce((x, y) => x * y, 1)), 0.5, 2);
        const b = rng.fillUniform(new Float32Array(bShape.reduce((x, y) => x * y, 1)), 0.5, 2);
        const out = new Float32Array(outShape.reduce((x, y) => x * y, 1));
        broadcastBinary(op, a, aShape, b, bShape, out, outShape);
        expect(Array.from(out)).toEqual(Array.from(reference(op, a, aShape, b, bShape, outShape)));
      });
    }
  }

  it('merges dimensions that broadcast alike', () => {
    expect(broadcastPlan([2, 6, 3, 2], [2, 1, 3, 1], [2, 6, 3, 2]).shape).toEqual([2, 6, 3, 2]);
    expect(broadcastPlan([2, 4, 4, 3], [3], [2, 4, 4, 3])).toEqual({ shape: [32, 3], aStrides: [3, 1], bStrides: [0, 1] });
  });
});

describe('reduceSum', () => {
  it('sums over any set of axes, keeping the order of the others', () => {
    const shape = [2, 3, 4, 2];
    const x = Float32Array.from({ length: 48 }, (_, i) => (i * 7) % 11);
    const at = (a: number, b: number, c: number, d: number) => x[((a * 3 + b) * 4 + c) * 2 + d];
    const got = reduceSum(x, shape, [1, 3]);
    const want: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let b = 0; b < 3; b++) for (let d = 0; d < 2; d++) s += at(a, b, c, d);
        want.push(s);
      }
    expect(Array.from(got)).toEqual(want);
    expect(Array.from(reduceSum(x, shape, [0, 1, 2, 3]))).toEqual([Array.from(x).reduce((p, q) => p + q, 0)]);
    expect(Array.from(reduceSum(x, shape, []))).toEqual(Array.from(x));
  });
});
