/** Columns of a near-square grid of `count` images, with no empty cells where a divisor allows (8 → 4 × 2, 16 → 4 × 4). */
export function gridColumns(count: number): number {
  if (!(count >= 1)) return 1;
  const square = Math.ceil(Math.sqrt(count));
  for (let cols = square; cols <= Math.min(count, 2 * square); cols++) if (count % cols === 0) return cols;
  return square;
}
