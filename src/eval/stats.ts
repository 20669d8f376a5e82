/**
 * Mean and covariance of a set of feature vectors (rows), accumulated in Float64 so that sets of
 * tens of thousands of vectors keep their precision.
 */

export interface FeatureSet {
  /** n × d values, row-major (one feature vector per row). */
  data: ArrayLike<number>;
  n: number;
  d: number;
}

export interface FeatureStats {
  n: number;
  d: number;
  mean: Float64Array;
  /** d × d sample covariance with the n − 1 denominator (as numpy.cov, which pytorch-fid uses). */
  cov: Float64Array;
}

export function checkFeatureSet(set: FeatureSet, what = 'features'): void {
  const { n, d, data } = set;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1) {
    throw new Error(`${what}: n and d must be positive integers, got n=${n}, d=${d}`);
  }
  if (data.length !== n * d) throw new Error(`${what}: ${n} × ${d} needs ${n * d} values, got ${data.length}`);
}

export function featureMean(set: FeatureSet): Float64Array {
  checkFeatureSet(set);
  const { n, d, data } = set;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

/** Two-pass mean and covariance (the centred second pass avoids the cancellation of E[x²] − E[x]²). */
export function featureStats(set: FeatureSet): FeatureStats {
  const { n, d, data } = set;
  if (n < 2) throw new Error(`featureStats: a covariance needs at least 2 vectors, got ${n}`);
  const mean = featureMean(set);
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j] - mean[j];
    for (let j = 0; j < d; j++) {
      const rj = row[j];
      if (rj === 0) continue;
      for (let k = j; k < d; k++) cov[j * d + k] += rj * row[k];
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = cov[j * d + k] / (n - 1);
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { n, d, mean, cov };
}
