import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONSTANT_MATURITY_T,
  constantMaturityIv,
  ivPercentile,
  ivRank,
  mean,
  percentileRank,
  stdev,
  zScore,
} from '../../src/quant/stats.js';

const finiteArray = (min: number, minLength: number) =>
  fc.array(fc.double({ min, max: 1e4, noNaN: true, noDefaultInfinity: true }), { minLength, maxLength: 60 });

describe('mean and sample standard deviation', () => {
  it('reproduce the textbook example 2,4,4,4,5,5,7,9: mean 5, population sd 2, sample sd √(32/7)', () => {
    // Wikipedia "Standard deviation", basic example; tolerance 1e-15 relative.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(stdev(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('are NaN where undefined (empty mean, fewer than two points for stdev)', () => {
    expect(mean([])).toBeNaN();
    expect(stdev([3])).toBeNaN();
  });

  it('mean is ±∞ for an infinite value or an overflowing sum (the compensation term had read ∞ − ∞)', () => {
    expect(mean([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(mean([1e308, 1e308])).toBe(Number.POSITIVE_INFINITY);
    expect(mean([-1e308, -1e308, 5])).toBe(Number.NEGATIVE_INFINITY);
    expect(mean([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBeNaN();
  });

  it('keep precision for a large offset (no catastrophic cancellation)', () => {
    // 1e9 + {4, 7, 13, 16}: sample variance of {4, 7, 13, 16} is 30 exactly.
    const xs = new Float64Array([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(stdev(xs)).toBeCloseTo(Math.sqrt(30), 9);
  });

  it('are translation-equivariant and scale-equivariant (property)', () => {
    fc.assert(
      fc.property(finiteArray(-1e4, 2), fc.double({ min: -100, max: 100, noNaN: true }), (xs, c) => {
        const shifted = xs.map((x) => x + c);
        const sd = stdev(xs);
        expect(mean(shifted)).toBeCloseTo(mean(xs) + c, 6);
        expect(Math.abs(stdev(shifted) - sd)).toBeLessThanOrEqual(1e-9 * (1 + sd) + 1e-7);
        expect(Math.abs(stdev(xs.map((x) => 3 * x)) - 3 * sd)).toBeLessThanOrEqual(1e-9 * (1 + sd));
      }),
    );
  });
});

describe('zScore and percentileRank', () => {
  it('zScore of 9 in 2,4,4,4,5,5,7,9 is (9−5)/√(32/7)', () => {
    expect(zScore(9, [2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(4 / Math.sqrt(32 / 7), 14);
  });

  it('zScore is NaN for a sample without dispersion', () => {
    expect(zScore(1, [2, 2, 2])).toBeNaN();
  });

  it('percentileRank counts the share strictly below, in percent', () => {
    expect(percentileRank(5, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(40);
    expect(percentileRank(0, [1, 2, 3])).toBe(0);
    expect(percentileRank(100, [1, 2, 3])).toBe(100);
    expect(percentileRank(2, [])).toBeNaN();
  });

  it('percentileRank stays in [0, 100] and is monotone in the value (property)', () => {
    fc.assert(
      fc.property(finiteArray(-1e4, 1), fc.double({ min: -1e4, max: 1e4, noNaN: true }), (xs, v) => {
        const p = percentileRank(v, xs);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(100);
        expect(percentileRank(v + 1, xs)).toBeGreaterThanOrEqual(p);
      }),
    );
  });
});

describe('IV rank and IV percentile', () => {
  it('IV rank is (IV − 52w low)/(52w high − 52w low) in percent', () => {
    // IV 30% within a 20%–40% year: rank 50.
    const history = Array.from({ length: 252 }, (_, i) => 0.2 + (0.2 * i) / 251);
    expect(ivRank(0.3, history)).toBeCloseTo(50, 12);
    expect(ivRank(0.2, history)).toBe(0);
    expect(ivRank(0.4, history)).toBeCloseTo(100, 12);
  });

  it('IV rank only looks at the last 252 observations and clamps a new extreme to 0 or 100', () => {
    const old = Array.from({ length: 100 }, () => 0.9); // older than 52 weeks: ignored
    const year = Array.from({ length: 252 }, (_, i) => 0.2 + (0.2 * i) / 251);
    expect(ivRank(0.3, [...old, ...year])).toBeCloseTo(50, 12);
    expect(ivRank(0.5, year)).toBe(100);
    expect(ivRank(0.1, year)).toBe(0);
  });

  it('IV percentile is the share of the last 252 days with lower IV', () => {
    // 200 of the 252 days below today's 25%: 200/252.
    const history = [...Array.from({ length: 200 }, () => 0.2), ...Array.from({ length: 52 }, () => 0.3)];
    expect(ivPercentile(0.25, history)).toBeCloseTo((100 * 200) / 252, 12);
    expect(ivPercentile(0.25, [0.9, ...history])).toBeCloseTo((100 * 200) / 252, 12); // 253rd day back ignored
  });

  it('IV rank and percentile differ on a skewed history (one spike)', () => {
    // A single 80% spike makes IV rank small while IV percentile stays high.
    const history = [...Array.from({ length: 251 }, (_, i) => 0.2 + 0.0004 * i), 0.8];
    expect(ivRank(0.3, history)).toBeLessThan(20);
    expect(ivPercentile(0.3, history)).toBeGreaterThan(95);
  });

  it('both are NaN without usable history', () => {
    expect(ivRank(0.3, [0.3, 0.3])).toBeNaN();
    expect(ivPercentile(0.3, [])).toBeNaN();
  });

  it('both skip entries that are no IV (NaN, 0, negative, ∞) and can ask for a least number of usable ones', () => {
    // 0.25 within 0.25–0.35: rank 0 … the bad entries had made the low 0 and the rank 85.7
    expect(ivRank(0.3, [0.25, 0, 0.35])).toBeCloseTo(50, 12);
    expect(ivRank(0.3, [0.25, Number.NaN, -0.1, Number.POSITIVE_INFINITY, 0.35])).toBeCloseTo(50, 12);
    expect(ivPercentile(0.3, [0.25, 0, Number.NaN, 0.35])).toBeCloseTo(50, 12);
    // a short history gives a rank only when the caller accepts it
    expect(ivRank(0.3, [0.2, 0.4], 252, 3)).toBeNaN();
    expect(ivRank(0.3, [0.2, 0.4, 0.3], 252, 3)).toBeCloseTo(50, 12);
    expect(ivPercentile(0.3, [0.2, 0.4], 252, 3)).toBeNaN();
    expect(ivPercentile(0.3, [0.2, 0.4, 0.3], 252, 3)).toBeCloseTo(100 / 3, 12);
  });
});

describe('constant-maturity 30-day IV', () => {
  it('reproduces the Cboe VIX white paper step 3 (σ₁² = 0.018495 at T₁ = 0.0683486, σ₂² = 0.018838 at T₂ = 0.0882686 → VIX 13.69)', () => {
    // Cboe, "VIX White Paper" (2019), 30-day interpolation in total variance; published to 2 decimals.
    const vix = 100 * constantMaturityIv([0.0683486, 0.0882686], [Math.sqrt(0.018495), Math.sqrt(0.018838)]);
    expect(Math.abs(vix - 13.69)).toBeLessThanOrEqual(0.005);
  });

  it('interpolates total variance σ²T linearly: 20d at 25% and 40d at 30% give √((0.25²·20 + 0.30²·40)/2/30)', () => {
    const expected = Math.sqrt((0.0625 * 20 + 0.09 * 40) / 2 / 30);
    expect(constantMaturityIv([40 / 365, 20 / 365], [0.3, 0.25])).toBeCloseTo(expected, 14);
  });

  it('is flat outside the quoted expiries and exact on a quoted one', () => {
    expect(constantMaturityIv([45 / 365, 90 / 365], [0.22, 0.25])).toBe(0.22);
    expect(constantMaturityIv([7 / 365, 14 / 365], [0.4, 0.35])).toBe(0.35);
    expect(constantMaturityIv([CONSTANT_MATURITY_T, 60 / 365], [0.27, 0.3])).toBe(0.27);
  });

  it('ignores unusable entries and returns NaN when none is left', () => {
    expect(constantMaturityIv([0, 20 / 365, 40 / 365], [0.5, Number.NaN, 0.3])).toBe(0.3);
    expect(constantMaturityIv([], [])).toBeNaN();
  });

  it('gives a total variance between the bracketing ones when σ²T increases (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 29 }),
        fc.integer({ min: 31, max: 200 }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        (d1, d2, v1, v2) => {
          const w1 = v1 * v1 * (d1 / 365);
          const w2 = v2 * v2 * (d2 / 365);
          fc.pre(w2 >= w1);
          const v = constantMaturityIv([d1 / 365, d2 / 365], [v1, v2]);
          const w = v * v * CONSTANT_MATURITY_T;
          expect(w).toBeGreaterThanOrEqual(w1 * (1 - 1e-12));
          expect(w).toBeLessThanOrEqual(w2 * (1 + 1e-12));
        },
      ),
    );
  });
});
