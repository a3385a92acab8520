import { describe, expect, it } from 'vitest';
import { createRng, Rng } from '../../src/quant/random.js';

describe('xoshiro128** generator', () => {
  it('matches the reference outputs of xoshiro128starstar.c from the state {1, 2, 3, 4}', () => {
    // Blackman & Vigna reference implementation v1.1, as used by rand_xoshiro's test vector.
    const rng = Rng.fromState(1, 2, 3, 4);
    const got = Array.from({ length: 10 }, () => rng.nextUint32());
    expect(got).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('rejects the all-zero state', () => {
    expect(() => Rng.fromState(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('is reproducible from a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 8 }, () => a.uniform());
    expect(Array.from({ length: 8 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.uniform())).not.toEqual(xs);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12 (200k draws, 5 standard errors)', () => {
    const rng = createRng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (u < lo) lo = u;
      if (u > hi) hi = u;
      s += u;
      s2 += u * u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('draws Box-Muller normals with mean 0, variance 1 and P(Z < −1.96) ≈ 0.025 (200k draws, 5 SE)', () => {
    const rng = createRng(11);
    const n = 200_000;
    const z = rng.fillNormal(new Float64Array(n));
    let s = 0;
    let s2 = 0;
    let tail = 0;
    for (const x of z) {
      s += x;
      s2 += x * x;
      if (x < -1.959963984540054) tail++;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(tail / n - 0.025)).toBeLessThan(5 * Math.sqrt((0.025 * 0.975) / n));
  });
});
