/**
 * Seeded pseudo-random numbers for Monte Carlo: xoshiro128** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 2021) seeded through splitmix32, with 53-bit uniforms
 * and standard normals by the Box-Muller transform (Box & Muller, Ann. Math. Stat. 1958).
 * Same seed → same sequence, on every platform (only 32-bit integer arithmetic is used).
 */

const TWO_POW_M53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

/** splitmix32 step: a well-mixed 32-bit word from a 32-bit counter (used only to seed the state). */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded xoshiro128** generator: uniforms in [0, 1) with 53 random bits, and N(0, 1) normals. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /**
   * `seed` is any whole number (else a RangeError); its low 32 bits select the stream (state expanded by
   * splitmix32).
   */
  constructor(seed: number) {
    // NaN and ±∞ became stream 0 silently, and 1.5 stream 1: different mistakes gave the same "random" result
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
    let x = seed >>> 0;
    x = (x + 0x9e3779b9) | 0;
    this.s0 = splitmix32(x);
    x = (x + 0x9e3779b9) | 0;
    this.s1 = splitmix32(x);
    x = (x + 0x9e3779b9) | 0;
    this.s2 = splitmix32(x);
    x = (x + 0x9e3779b9) | 0;
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator started from an explicit 128-bit state (four 32-bit words, not all zero). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const rng = new Rng(0);
    rng.s0 = s0 | 0;
    rng.s1 = s1 | 0;
    rng.s2 = s2 | 0;
    rng.s3 = s3 | 0;
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0)
      throw new RangeError('xoshiro128** state must not be all zero');
    return rng;
  }

  /** Next raw 32-bit output of xoshiro128**, as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) built from 53 random bits (two 32-bit outputs). */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Standard normal N(0, 1) by Box-Muller; the second variate of each pair is cached for the next call. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = TWO_PI * u2;
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }

  /** Fills `out` with independent N(0, 1) variates (no allocation). */
  fillNormal(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }
}

/** Creates a seeded generator (xoshiro128**): the same seed always yields the same stream. */
export function createRng(seed: number): Rng {
  return new Rng(seed);
}
