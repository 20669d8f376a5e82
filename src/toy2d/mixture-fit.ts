/**
 * How well points fit a Gaussian mixture: the share of points near some mode and how many modes
 * received a fair share. A quick, interpretable check of samples on the ring, after the metrics of
 * Srivastava et al. 2017 ("VEEGAN", §5.1): a sample is of high quality when it lies within three
 * standard deviations of the nearest mode, and a mode is covered when enough samples land on it.
 */
import type { GaussianMixture2D } from './datasets';

export interface MixtureFit {
  /** Fraction of points within `radius` of their nearest mean. */
  onMode: number;
  /** Modes whose count of near points is at least `minShare` × (expected count). */
  modesCovered: number;
  modes: number;
}

export function mixtureFit(m: GaussianMixture2D, points: Float32Array, radius = 3 * m.std, minShare = 0.25): MixtureFit {
  const k = m.weights.length;
  const counts = new Array<number>(k).fill(0);
  const n = points.length >> 1;
  let near = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let which = 0;
    for (let j = 0; j < k; j++) {
      const d = Math.hypot(points[2 * i] - m.means[2 * j], points[2 * i + 1] - m.means[2 * j + 1]);
      if (d < best) [best, which] = [d, j];
    }
    if (best <= radius) {
      near++;
      counts[which]++;
    }
  }
  const covered = counts.filter((c, j) => c >= minShare * m.weights[j] * n).length;
  return { onMode: n === 0 ? Number.NaN : near / n, modesCovered: covered, modes: k };
}
