/**
 * Element-wise binary ops with NumPy-style broadcasting on Float32Arrays. Adjacent dimensions that
 * broadcast the same way are merged first (e.g. [B, HW, G, C/G] − [B, 1, G, 1] has four runs at
 * most), so the innermost loop has constant strides (0 or 1) for both operands. tfjs's cpu
 * backend instead converts every output index to coordinates and back, allocating per element.
 */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export interface BroadcastPlan {
  shape: number[];
  aStrides: number[];
  bStrides: number[];
}

function stridesFor(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 && outShape[d] !== 1 ? 0 : s;
    s *= padded[d];
  }
  return strides;
}

/** Dimensions of the loop nest, with each operand's stride per dimension (0 where it repeats). */
export function broadcastPlan(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): BroadcastPlan {
  const a = stridesFor(aShape, outShape);
  const b = stridesFor(bShape, outShape);
  const shape: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && aStrides[last] === a[d] * outShape[d] && bStrides[last] === b[d] * outShape[d]) {
      shape[last] *= outShape[d];
      aStrides[last] = a[d];
      bStrides[last] = b[d];
    } else {
      shape.push(outShape[d]);
      aStrides.push(a[d]);
      bStrides.push(b[d]);
    }
  }
  if (shape.length === 0) return { shape: [1], aStrides: [0], bStrides: [0] };
  return { shape, aStrides, bStrides };
}

function run(op: BinaryOp, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, out: Float32Array, io: number, n: number): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[io + i] = a[ia + i * sa] + b[ib + i * sb];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[io + i] = a[ia + i * sa] - b[ib + i * sb];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[io + i] = a[ia + i * sa] * b[ib + i * sb];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[io + i] = a[ia + i * sa] / b[ib + i * sb];
      return;
  }
}

/** out = a ∘ b, where outShape is the broadcast of both shapes. */
export function broadcastBinary(
  op: BinaryOp,
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  out: Float32Array,
  outShape: readonly number[],
): void {
  const { shape, aStrides, bStrides } = broadcastPlan(aShape, bShape, outShape);
  const rank = shape.length;
  const n = shape[rank - 1];
  const sa = aStrides[rank - 1];
  const sb = bStrides[rank - 1];
  const runs = shape.slice(0, -1).reduce((x, y) => x * y, 1);
  const counter = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let r = 0; r < runs; r++) {
    run(op, a, ia, sa, b, ib, sb, out, r * n, n);
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      ia += aStrides[d];
      ib += bStrides[d];
      if (counter[d] < shape[d]) break;
      ia -= shape[d] * aStrides[d];
      ib -= shape[d] * bStrides[d];
      counter[d] = 0;
    }
  }
}

/**
 * Sums of x over `axes` (row-major, any axes), in doubles. The result is laid out in the order of
 * the kept dimensions. The loop nest is the one broadcastBinary uses, with the result as an
 * operand that repeats along the summed axes.
 */
export function reduceSum(x: Float32Array, shape: readonly number[], axes: readonly number[]): Float64Array {
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(keptShape.reduce((a, b) => a * b, 1));
  const { shape: loops, aStrides: xStrides, bStrides: oStrides } = broadcastPlan(shape, keptShape, shape);
  const rank = loops.length;
  const n = loops[rank - 1];
  const sx = xStrides[rank - 1];
  const so = oStrides[rank - 1];
  const runs = loops.slice(0, -1).reduce((a, b) => a * b, 1);
  const counter = new Array<number>(rank).fill(0);
  let ix = 0;
  let io = 0;
  for (let r = 0; r < runs; r++) {
    if (so === 0) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x[ix + i * sx];
      out[io] += acc;
    } else {
      for (let i = 0; i < n; i++) out[io + i] += x[ix + i * sx];
    }
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      ix += xStrides[d];
      io += oStrides[d];
      if (counter[d] < loops[d]) break;
      ix -= loops[d] * xStrides[d];
      io -= loops[d] * oStrides[d];
      counter[d] = 0;
    }
  }
  return out;
}
