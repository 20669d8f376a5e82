/** Class-level measures of generated samples, from a classifier's predictions. */

/** Index of the largest of each row of an n × k matrix (ties: the first). */
export function argmaxRows(values: ArrayLike<number>, n: number, k: number): Int32Array {
  if (values.length !== n * k) throw new Error(`argmaxRows: ${n} × ${k} needs ${n * k} values, got ${values.length}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (values[i * k + j] > values[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Share of predictions equal to their labels. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) throw new Error(`accuracy: ${predicted.length} predictions for ${labels.length} labels`);
  if (predicted.length === 0) throw new Error('accuracy of an empty set is undefined');
  let right = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) right++;
  return right / predicted.length;
}

/** Accuracy per true class (NaN for a class with no examples). */
export function perClassAccuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number[] {
  if (predicted.length !== labels.length) throw new Error(`perClassAccuracy: ${predicted.length} predictions for ${labels.length} labels`);
  const right = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    total[labels[i]]++;
    if (predicted[i] === labels[i]) right[labels[i]]++;
  }
  return right.map((r, c) => (total[c] ? r / total[c] : NaN));
}

export interface ClassCoverage {
  /** How many samples were predicted as each class. */
  counts: number[];
  /** counts / total; sums to 1. */
  shares: number[];
  /** Classes predicted at least once. */
  classesCovered: number;
  minShare: number;
  maxShare: number;
  /**
   * Entropy of the shares divided by log(numClasses): 1 for a uniform spread over all classes, 0
   * when every sample is the same class (a measure of mode collapse for unconditional samples).
   */
  normalizedEntropy: number;
}

export function classCoverage(predicted: ArrayLike<number>, numClasses: number): ClassCoverage {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`classCoverage: numClasses must be a positive integer, got ${numClasses}`);
  if (predicted.length === 0) throw new Error('classCoverage of an empty set is undefined');
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    const c = predicted[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`classCoverage: prediction ${c} at ${i} is not a class 0..${numClasses - 1}`);
    counts[c]++;
  }
  const shares = counts.map((c) => c / predicted.length);
  let entropy = 0;
  for (const p of shares) if (p > 0) entropy -= p * Math.log(p);
  return {
    counts,
    shares,
    classesCovered: counts.filter((c) => c > 0).length,
    minShare: Math.min(...shares),
    maxShare: Math.max(...shares),
    normalizedEntropy: numClasses > 1 ? entropy / Math.log(numClasses) : 1,
  };
}
