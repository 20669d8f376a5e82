/**
 * A small seeded random generator used everywhere the project needs randomness, so that the
 * same seed gives the same numbers in Node and in the browser (plain integer arithmetic, no
 * platform RNG).
 *
 * Uniform numbers come from xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom
 * number generators", 2021), seeded through splitmix32 so that nearby seeds give unrelated
 * streams. Normal numbers use the Box–Muller transform (Box & Muller, 1958).
 */
/** The largest seed a widget, a link or a tool accepts: seeds are taken as unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new Error(`Rng seed must be a finite number, got ${String(seed)}`);
    }
    let x = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    const next = (): number => {
      // splitmix32 step
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform number in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal sample. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    // 1 - u keeps the argument of log in (0, 1].
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with standard normal samples and returns it. */
  fillNormal(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** Fills `out` with uniform samples in [lo, hi) and returns it. */
  fillUniform(out: Float32Array, lo = 0, hi = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }

  /** A new generator whose stream is derived from this one (for independent sub-streams). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }

  /**
   * The full internal state, so a training run can resume exactly: four 32-bit words, plus the
   * cached second Box–Muller value when one is pending.
   */
  getState(): number[] {
    const words = [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
    return this.spareNormal === null ? words : [...words, this.spareNormal];
  }

  setState(state: readonly number[]): void {
    const words = state.slice(0, 4);
    if ((state.length !== 4 && state.length !== 5) || words.some((v) => !Number.isInteger(v))) {
      throw new Error('Rng state must be four 32-bit integers, optionally followed by a pending normal value');
    }
    if (state.length === 5 && !Number.isFinite(state[4])) throw new Error('Rng state: the pending normal value must be finite');
    [this.s0, this.s1, this.s2, this.s3] = words.map((v) => v | 0) as [number, number, number, number];
    this.spareNormal = state.length === 5 ? state[4] : null;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
