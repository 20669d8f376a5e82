import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/data/rng';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('gives the same stream for the same seed', () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
  });

  it('gives different streams for different (even adjacent) seeds', () => {
    const a = draws(new Rng(1), 100);
    const b = draws(new Rng(2), 100);
    const same = a.filter((v, i) => v === b[i]).length;
    expect(same).toBe(0);
  });

  it('keeps uniform() in [0, 1) and int(n) in 0..n-1, covering every value', () => {
    const rng = new Rng(7);
    const seen = new Array<number>(6).fill(0);
    for (let i = 0; i < 6000; i++) {
      const u = rng.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      seen[rng.int(6)]++;
    }
    // Each face about 1000 times; 5 standard deviations is about ±145.
    for (const c of seen) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(() => rng.int(0)).toThrow();
    expect(() => rng.int(2.5)).toThrow();
  });

  it('draws standard normals: mean ≈ 0 and variance ≈ 1 over 1e5 draws', () => {
    const rng = new Rng(123);
    const n = 100_000;
    const xs = rng.fillNormal(new Float32Array(n));
    let sum = 0;
    for (const x of xs) sum += x;
    const mean = sum / n;
    let sq = 0;
    for (const x of xs) sq += (x - mean) ** 2;
    const variance = sq / (n - 1);
    // Standard errors: mean 1/√n ≈ 0.0032, variance √(2/n) ≈ 0.0045; allow about 6 of them.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    // Tails: about 4.55% of a standard normal lies beyond ±2.
    const beyond2 = xs.filter((x) => Math.abs(x) > 2).length / n;
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.004);
  });

  it('shuffle returns a permutation of its input, and a seeded one', () => {
    const arr = Int32Array.from({ length: 1000 }, (_, i) => i);
    const shuffled = new Rng(5).shuffle(arr.slice());
    expect(Array.from(shuffled).sort((a, b) => a - b)).toEqual(Array.from(arr));
    expect(Array.from(shuffled)).not.toEqual(Array.from(arr));
    expect(Array.from(new Rng(5).shuffle(arr.slice()))).toEqual(Array.from(shuffled));
    expect(new Rng(9).shuffle(['a'])).toEqual(['a']);
    expect(new Rng(9).shuffle([])).toEqual([]);
  });

  it('restores its state exactly', () => {
    const rng = new Rng(99);
    draws(rng, 17);
    const state = rng.getState();
    expect(state).toHaveLength(4);
    const expected = draws(rng, 50);
    const other = new Rng(0);
    other.setState(state);
    expect(draws(other, 50)).toEqual(expected);
    expect(() => other.setState([1, 2, 3])).toThrow();
  });

  it('restores the normal stream from a state taken after an even number of normals', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 10; i++) rng.normal();
    const state = rng.getState();
    const expected = Array.from({ length: 20 }, () => rng.normal());
    const other = new Rng(0);
    other.setState(state);
    expect(Array.from({ length: 20 }, () => other.normal())).toEqual(expected);
  });

  it('fork gives a deterministic stream distinct from the parent', () => {
    const a = new Rng(3);
    const b = new Rng(3);
    const fa = a.fork();
    const fb = b.fork();
    const childA = draws(fa, 20);
    expect(draws(fb, 20)).toEqual(childA);
    expect(draws(a, 20)).not.toEqual(childA);
  });
});
