/**
 * The class histogram of <diffusion-bias>: counts of the classifier's labels, shares of a total,
 * the classes a skewed training set favours, and how they are named in a sentence. No DOM.
 */

/** Shares (summing to 1) of counts; all zeros stays all zeros. */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** Counts per class 0..k−1 of predicted labels. */
export function countClasses(labels: ArrayLike<number>, k = 10): number[] {
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < k) out[labels[i]]++;
  return out;
}

/**
 * The heavy classes of a training distribution: those with more than the mean share. For the
 * shipped skewed model (digits 0–4 kept whole, 5–9 at a fifth) that is 0–4.
 */
export function heavyClasses(trainingCounts: readonly number[]): number[] {
  const s = shares(trainingCounts);
  const mean = 1 / Math.max(1, s.length);
  return s.flatMap((v, i) => (v > mean ? [i] : []));
}

/** Share of the total held by the given classes. */
export function shareOf(counts: readonly number[], classes: readonly number[]): number {
  const s = shares(counts);
  return classes.reduce((a, c) => a + (s[c] ?? 0), 0);
}

/** "0–4", "0, 3 and 7". */
export function describeClasses(classes: readonly number[]): string {
  if (classes.length === 0) return 'none';
  const consecutive = classes.every((c, i) => i === 0 || c === classes[i - 1] + 1);
  if (consecutive && classes.length > 2) return `${classes[0]}–${classes[classes.length - 1]}`;
  return classes.length === 1 ? String(classes[0]) : `${classes.slice(0, -1).join(', ')} and ${classes[classes.length - 1]}`;
}
