/**
 * How well a set of generated 2-D points covers the modes of a Gaussian mixture: each point goes to
 * its nearest mode when it lies within a few standard deviations of it (else to none), and the
 * counts give the modes hit, the share of points per mode and the fraction of "high-quality" points.
 *
 * The 3σ rule for a high-quality sample is the one of the mode-collapse studies on rings and grids
 * of Gaussians (Srivastava et al. 2017, "VEEGAN", experiments on synthetic data; also Lin et al. 2018, "PacGAN").
 * A mode counts as hit when it holds at least a given fraction of its fair share (1/k of the
 * points), so a handful of stray points on the way from one mode to the next does not count as
 * covering it.
 *
 * Pure functions on Float32Arrays: no tensors, no DOM.
 */

export interface ModeSet {
  /** 2k numbers, x and y of each mode centre interleaved. */
  means: Float32Array;
  /** Standard deviation of every mode (isotropic). */
  std: number;
}

export interface ModeCoverageOptions {
  /** A point belongs to a mode only within this many standard deviations of its centre (default 3). */
  radiusInStd?: number;
  /**
   * A mode is hit when it holds at least this fraction of its fair share, i.e. at least
   * hitFraction · n / k of the n points (default 0.25).
   */
  hitFraction?: number;
}

export const COVERAGE_DEFAULTS: Required<ModeCoverageOptions> = { radiusInStd: 3, hitFraction: 0.25 };

export interface ModeCoverage {
  /** Number of points looked at. */
  total: number;
  /** Points assigned to each mode (within the radius of their nearest mode). */
  counts: number[];
  /** counts / total, per mode. */
  shares: number[];
  /** Whether each mode holds enough points to count as hit. */
  hit: boolean[];
  /** How many modes are hit. */
  modesHit: number;
  /** Fraction of points within the radius of some mode (the "high-quality" fraction). */
  highQuality: number;
  /**
   * exp(entropy) of the high-quality points' split over modes: k when they are spread evenly over
   * all k modes, 1 when they all sit on one, 0 when there are none. A smooth companion to modesHit.
   */
  effectiveModes: number;
  /** The share a mode holds when points are spread evenly: 1/k. */
  fairShare: number;
  /** The share a mode needs to count as hit. */
  hitShare: number;
}

function checkModes(modes: ModeSet): number {
  const k = Math.floor(modes.means.length / 2);
  if (k < 1 || modes.means.length % 2 !== 0) {
    throw new Error(`mode coverage: means must hold x, y pairs of at least one mode, got ${modes.means.length} numbers`);
  }
  if (!(modes.std > 0) || !Number.isFinite(modes.std)) throw new Error(`mode coverage: std must be a finite number > 0, got ${modes.std}`);
  return k;
}

function resolve(opts: ModeCoverageOptions): Required<ModeCoverageOptions> {
  const o = { ...COVERAGE_DEFAULTS, ...opts };
  if (!(o.radiusInStd > 0) || !Number.isFinite(o.radiusInStd)) {
    throw new Error(`mode coverage: radiusInStd must be a finite number > 0, got ${o.radiusInStd}`);
  }
  if (!(o.hitFraction >= 0) || !Number.isFinite(o.hitFraction)) {
    throw new Error(`mode coverage: hitFraction must be a finite number ≥ 0, got ${o.hitFraction}`);
  }
  return o;
}

/**
 * The mode each point belongs to: the index of its nearest mode centre when that centre is within
 * radiusInStd·std, else −1. Points with a non-finite coordinate belong to none.
 */
export function assignToModes(points: Float32Array, modes: ModeSet, opts: ModeCoverageOptions = {}): Int32Array {
  const k = checkModes(modes);
  const { radiusInStd } = resolve(opts);
  const n = Math.floor(points.length / 2);
  const limit = (radiusInStd * modes.std) ** 2;
  const out = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    let best = -1;
    let bestD = Infinity;
    for (let m = 0; m < k; m++) {
      const dx = x - modes.means[2 * m];
      const dy = y - modes.means[2 * m + 1];
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = m;
      }
    }
    if (bestD <= limit) out[i] = best;
  }
  return out;
}

/** Coverage numbers of `points` (x, y interleaved) against `modes`. */
export function modeCoverage(points: Float32Array, modes: ModeSet, opts: ModeCoverageOptions = {}): ModeCoverage {
  const k = checkModes(modes);
  const o = resolve(opts);
  const assigned = assignToModes(points, modes, o);
  const total = assigned.length;
  const counts = new Array<number>(k).fill(0);
  for (const m of assigned) if (m >= 0) counts[m] += 1;
  const fairShare = 1 / k;
  const hitShare = o.hitFraction * fairShare;
  const shares = counts.map((c) => (total === 0 ? 0 : c / total));
  // With no points nothing is hit, even at hitFraction 0.
  const hit = counts.map((c, m) => c > 0 && shares[m] >= hitShare);
  const inside = counts.reduce((a, b) => a + b, 0);
  let entropy = 0;
  for (const c of counts) {
    if (c > 0) {
      const p = c / inside;
      entropy -= p * Math.log(p);
    }
  }
  return {
    total,
    counts,
    shares,
    hit,
    modesHit: hit.filter(Boolean).length,
    highQuality: total === 0 ? 0 : inside / total,
    effectiveModes: inside === 0 ? 0 : Math.exp(entropy),
    fairShare,
    hitShare,
  };
}
