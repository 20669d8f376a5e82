/**
 * Test helper: the normal numbers PyTorch's CPU generator gives after `torch.manual_seed(seed)` for
 * `torch.randn(shape)` with float32 and at least 16 elements, so diffusers' expectations that draw
 * step noise from `torch.manual_seed(0)` can be reproduced.
 *
 * Algorithm (as PyTorch documents and implements it for this case):
 * - MT19937 (Matsumoto & Nishimura 1998, "Mersenne Twister", ACM TOMACS 8(1)), seeded with the
 *   reference `init_genrand` recurrence;
 * - a float32 uniform in [0, 1) from the low 24 bits of each 32-bit output, u = (x mod 2^24)·2^-24;
 * - every uniform of the tensor is drawn first, then each block of 16 becomes 16 normals by the
 *   Box–Muller transform (Box & Muller 1958): for j < 8, r = √(−2 ln(1 − u_j)), θ = 2π·u_{j+8},
 *   z_j = r·cos θ, z_{j+8} = r·sin θ. A size that is not a multiple of 16 redraws the last 16.
 * The first 16 values for seed 0 are the widely printed [-1.1258, -1.1524, -0.2506, …], which the
 * tests check.
 */
export class TorchCpuGenerator {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1];
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** Next tempered 32-bit output of MT19937. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = (mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.index = 0;
  }

  private uniform(): number {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /** `torch.randn(size)` values in memory (C) order; size must be at least 16. */
  randn(size: number): Float32Array {
    if (size < 16) throw new Error('only the size ≥ 16 path of torch.randn is reproduced');
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = this.uniform();
    for (let i = 0; i + 16 <= size; i += 16) boxMuller16(data, i);
    if (size % 16 !== 0) {
      const start = size - 16;
      for (let i = 0; i < 16; i++) data[start + i] = this.uniform();
      boxMuller16(data, start);
    }
    return data;
  }
}

function boxMuller16(data: Float32Array, offset: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[offset + j];
    const u2 = data[offset + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    data[offset + j] = radius * Math.cos(theta);
    data[offset + j + 8] = radius * Math.sin(theta);
  }
}
