/**
 * tfjs's wasm backend runs a broadcasting binary op ~10× slower than a same-shape one when the
 * broadcast operand repeats a short row (a bias [C] over [N, C] with C = 8: 0.81 ms against
 * 0.09 ms for [50176, 8], measured), yet fast when the repeated row is long (0.05 ms with rows of
 * 1024 floats). So a short repeated row is widened: the small operand's row of L floats is tiled
 * r times, and both operands are viewed with rows of r·L floats:
 *
 *   full [outer, R, L] ⊕ small [outer or 1, 1, L]
 *     = full [outer, R/r, r·L] ⊕ tiled [outer or 1, 1, r·L]
 *
 * r is the largest divisor of R with r·L ≤ MAX_ROW.
 */
import { broadcastPlan } from './broadcast';

/** Rows at least this long are left as they are. */
const SHORT_ROW = 128;
/** The widened row's length limit (floats). */
const MAX_ROW = 1024;

export interface WidenedBroadcast {
  /** Which input is the small (broadcast) one. */
  small: 'a' | 'b';
  /** Shape to view the full operand with: [outer, R/r, r·L]. */
  fullShape: [number, number, number];
  /** Shape of the tiled small operand: [outer or 1, 1, r·L]. */
  smallShape: [number, number, number];
  /** L, the small operand's row, and r, its repeats in a widened row. */
  row: number;
  repeats: number;
}

/** The widening of a ⊕ b, or null where it does not apply or would not pay. */
export function widenBroadcast(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): WidenedBroadcast | null {
  const size = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);
  const outSize = size(outShape);
  const aSize = size(aShape);
  const bSize = size(bShape);
  let small: 'a' | 'b';
  if (aSize === outSize && bSize < outSize) small = 'b';
  else if (bSize === outSize && aSize < outSize) small = 'a';
  else return null;
  const plan = broadcastPlan(aShape, bShape, outShape);
  const k = plan.shape.length;
  if (k < 2) return null;
  const smallStrides = small === 'a' ? plan.aStrides : plan.bStrides;
  const fullStrides = small === 'a' ? plan.bStrides : plan.aStrides;
  const row = plan.shape[k - 1];
  const rows = plan.shape[k - 2];
  if (smallStrides[k - 1] !== 1 || fullStrides[k - 1] !== 1 || row >= SHORT_ROW) return null;
  if (smallStrides[k - 2] !== 0 || fullStrides[k - 2] !== row) return null;
  const outer = outSize / (rows * row);
  const smallSize = small === 'a' ? aSize : bSize;
  // The small operand must either repeat over every outer index or vary over all of them.
  let smallOuter: number;
  if (smallSize === row) smallOuter = 1;
  else if (smallSize === outer * row) smallOuter = outer;
  else return null;
  let repeats = Math.floor(MAX_ROW / row);
  while (repeats > 1 && rows % repeats !== 0) repeats--;
  if (repeats < 2) return null;
  return {
    small,
    fullShape: [outer, rows / repeats, repeats * row],
    smallShape: [smallOuter, 1, repeats * row],
    row,
    repeats,
  };
}

/** Writes the tiled small operand: each row of L floats repeated r times. */
export function writeTiledRows(small: Float32Array, count: number, row: number, repeats: number, out: Float32Array): void {
  for (let i = 0; i < count; i++) {
    const src = small.subarray(i * row, (i + 1) * row);
    for (let r = 0; r < repeats; r++) out.set(src, (i * repeats + r) * row);
  }
}
