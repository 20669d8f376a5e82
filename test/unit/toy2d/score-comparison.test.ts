import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';
import { ringOfGaussians } from '../../../src/toy2d/datasets';
import { fieldGrid } from '../../../src/toy2d/field-compare';
import { mixtureScore } from '../../../src/toy2d/mixture-score';
import { noiseProcess } from '../../../src/toy2d/noising';
import {
  DRAW_JITTER,
  learnedScoreField,
  particleFit,
  sampleToyData,
  scoreAgreement,
  toyMixture,
  trueScoreField,
} from '../../../src/toy2d/score-comparison';

const drawn = Float32Array.from([0, 0, 1, 1, -1, 0.5]);

describe('score comparison of the score-field widget', () => {
  it('knows which data sets are mixtures: the ring, and drawn points as equal-weight Gaussians', () => {
    expect(toyMixture({ dataset: 'ring', drawn: new Float32Array(0) })).toEqual(ringOfGaussians());
    const m = toyMixture({ dataset: 'drawn', drawn })!;
    expect(Array.from(m.means)).toEqual(Array.from(drawn));
    expect(m.std).toBe(DRAW_JITTER);
    expect(Array.from(m.weights)).toEqual([1 / 3, 1 / 3, 1 / 3].map((w) => Math.fround(w)));
    expect(toyMixture({ dataset: 'drawn', drawn: new Float32Array(0) })).toBeNull();
    expect(toyMixture({ dataset: 'swiss-roll', drawn })).toBeNull();
  });

  it('samples built-in and drawn data with the seed', () => {
    const a = sampleToyData({ dataset: 'two-moons', drawn }, 10, new Rng(3));
    expect(a).toEqual(sampleToyData({ dataset: 'two-moons', drawn }, 10, new Rng(3)));
    const d = sampleToyData({ dataset: 'drawn', drawn }, 200, new Rng(4));
    for (let i = 0; i < d.length; i += 2) {
      const near = [0, 1, 2].some((k) => Math.hypot(d[i] - drawn[2 * k], d[i + 1] - drawn[2 * k + 1]) < 6 * DRAW_JITTER);
      expect(near).toBe(true);
    }
  });

  it('a model that knows the true score agrees with it everywhere (cosine 1); its negative disagrees (−1)', () => {
    const ring = ringOfGaussians();
    const p = noiseProcess('vp', 0.01);
    const t = 0.3;
    const exact = { score: (x: Float32Array, at: number) => mixtureScore(ring, x, p.alpha(at), p.sigma(at)) };
    const grid = fieldGrid(-3, 3, 10);
    const truth = trueScoreField(ring, grid, t, p);
    const learned = learnedScoreField(exact, grid, t, p);
    expect(learned).toEqual(truth);
    const same = scoreAgreement(exact, ring, { learned, truth }, t, p, 0);
    expect(same.grid).toBeCloseTo(1, 5);
    expect(same.data).toBeCloseTo(1, 5);
    const opposite = { score: (x: Float32Array, at: number) => exact.score(x, at).map((v) => -v) };
    expect(scoreAgreement(opposite, ring, { learned: learnedScoreField(opposite, grid, t, p), truth }, t, p, 0).data).toBeCloseTo(-1, 5);
  });

  it('particle fit: points on the ring modes are all on a mode; data without modes has no fit', () => {
    const p = noiseProcess('vp', 0.01);
    const ring = ringOfGaussians();
    const fit = particleFit({ dataset: 'ring', drawn }, ring.means, p)!;
    expect(fit.onMode).toBe(1);
    expect(fit.modesCovered).toBe(8);
    expect(particleFit({ dataset: 'two-moons', drawn }, ring.means, p)).toBeNull();
  });
});
