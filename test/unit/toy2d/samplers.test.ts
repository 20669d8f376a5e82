import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians } from '../../../src/toy2d/datasets';
import { mixtureScore } from '../../../src/toy2d/mixture-score';
import { noiseProcess, type Noising } from '../../../src/toy2d/noising';
import { ParticleSampler, priorSample, sigmaGeometricGrid, timeGrid, type ToySamplerName } from '../../../src/toy2d/samplers';

const ring = ringOfGaussians();

/** Fraction of points within 0.35 of a mode, and how many modes got at least 8 % of the points. */
function coverage(points: Float32Array): { near: number; modes: number } {
  const n = points.length / 2;
  const counts = new Array(8).fill(0);
  let near = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let which = 0;
    for (let k = 0; k < 8; k++) {
      const d = Math.hypot(points[2 * i] - ring.means[2 * k], points[2 * i + 1] - ring.means[2 * k + 1]);
      if (d < best) [best, which] = [d, k];
    }
    if (best < 0.35) near++;
    counts[which]++;
  }
  return { near: near / n, modes: counts.filter((c) => c > 0.08 * n).length };
}

function trueScoreSampler(kind: Noising, sampler: ToySamplerName, steps: number, opts = {}): ParticleSampler {
  const p = noiseProcess(kind, 0.01);
  const rng = new Rng(11);
  return new ParticleSampler(p, (x, t) => mixtureScore(ring, x, p.alpha(t), p.sigma(t)), priorSample(p, 600, rng), rng, { sampler, steps, ...opts });
}

describe('particle samplers driven by the exact score of the ring', () => {
  for (const kind of ['vp', 've'] as const) {
    for (const [sampler, steps] of [['ancestral', 100], ['ode', 50], ['langevin', 60]] as const) {
      it(`${kind} ${sampler}: particles end on the eight modes`, () => {
        const run = trueScoreSampler(kind, sampler, steps);
        const start = coverage(run.points);
        run.run();
        const end = coverage(run.points);
        expect(start.near).toBeLessThan(0.3);
        expect(end.near).toBeGreaterThan(0.9);
        expect(end.modes).toBe(8);
      });
    }
  }

  it('the probability-flow ODE is deterministic given the start; ancestral sampling is not', () => {
    const p = noiseProcess('vp', 0.01);
    const start = priorSample(p, 50, new Rng(1));
    const score = (x: Float32Array, t: number) => mixtureScore(ring, x, p.alpha(t), p.sigma(t));
    const ode = (seed: number) => new ParticleSampler(p, score, start, new Rng(seed), { sampler: 'ode', steps: 20 }).run();
    const anc = (seed: number) => new ParticleSampler(p, score, start, new Rng(seed), { sampler: 'ancestral', steps: 20 }).run();
    expect(ode(1)).toEqual(ode(2));
    expect(anc(1)).not.toEqual(anc(2));
  });

  it('records trajectories, reports progress and stops when done', () => {
    const run = trueScoreSampler('ve', 'langevin', 5, { langevinStepsPerLevel: 3, trajectories: true });
    expect(run.totalUpdates).toBe(18);
    expect(run.t).toBe(1);
    let updates = 0;
    while (run.step()) updates++;
    expect(updates).toBe(18);
    expect(run.done).toBe(true);
    expect(run.step()).toBe(false);
    expect(run.trajectories).toHaveLength(19);
    expect(run.trajectories![18]).toEqual(run.points);
    expect(run.t).toBeCloseTo(0.01, 12);
  });

  it('time grids run from 1 to tMin; the Langevin grid is geometric in σ', () => {
    const vp = noiseProcess('vp', 0.01);
    const grid = timeGrid(vp, 4);
    expect(Array.from(grid)).toEqual([1, 0.7525, 0.505, 0.2575, 0.01].map((v) => expect.closeTo(v, 12)));
    const g = sigmaGeometricGrid(vp, 10);
    const ratios = Array.from({ length: 9 }, (_, i) => vp.sigma(g[i + 1]) / vp.sigma(g[i]));
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 6);
    expect(() => timeGrid(vp, 0)).toThrow(/steps/);
  });
});
