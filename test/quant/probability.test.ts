import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  probAbove,
  probBelow,
  probBetween,
  realWorldDrift,
  riskNeutralDrift,
} from '../../src/quant/probability.js';

const spot = fc.double({ min: 10, max: 500, noNaN: true });
const years = fc.double({ min: 1 / 365, max: 2, noNaN: true });
const vol = fc.double({ min: 0.05, max: 1.2, noNaN: true });
const drift = fc.double({ min: -0.1, max: 0.2, noNaN: true });
const logMoneyness = fc.double({ min: -0.6, max: 0.6, noNaN: true });

describe('published digital-option values (Haug, "Option Pricing Formulas", 1998, as in QuantLib digitaloption.cpp)', () => {
  it('cash-or-nothing put, p. 88: 10·e^(−rT)·P(S_T < 80) = 2.6710 with b = r − q = 0', () => {
    // S 100, K 80, T 0.75, r = q = 0.06, σ 0.35; published to 4 decimals (tolerance 5e-5).
    const value = 10 * Math.exp(-0.06 * 0.75) * probBelow(100, 80, 0.75, 0.35, riskNeutralDrift(0.06, 0.06));
    expect(Math.abs(value - 2.671)).toBeLessThanOrEqual(5e-5);
  });

  it('asset-or-nothing put, p. 90: S·e^(−qT)·P*(S_T < 65) = 20.2069 with the share-measure drift r − q + σ²', () => {
    // S 70, K 65, T 0.5, r 0.07, q 0.05, σ 0.27: N(−d1) is P(S_T < K) when the drift is r − q + σ².
    const p = probBelow(70, 65, 0.5, 0.27, riskNeutralDrift(0.07, 0.05) + 0.27 * 0.27);
    expect(Math.abs(70 * Math.exp(-0.05 * 0.5) * p - 20.2069)).toBeLessThanOrEqual(5e-5);
  });
});

describe('lognormal terminal probabilities', () => {
  it('P(above) + P(below) = 1 (property)', () => {
    fc.assert(
      fc.property(spot, logMoneyness, years, vol, drift, (S, x, T, v, m) => {
        const L = S * Math.exp(x);
        expect(Math.abs(probAbove(S, L, T, v, m) + probBelow(S, L, T, v, m) - 1)).toBeLessThanOrEqual(
          2e-16 * 4,
        );
      }),
    );
  });

  it('P(between) = P(below upper) − P(below lower), and is additive over adjacent ranges (property)', () => {
    fc.assert(
      fc.property(
        spot,
        logMoneyness,
        logMoneyness,
        logMoneyness,
        years,
        vol,
        drift,
        (S, a, b, c, T, v, m) => {
          const [x1, x2, x3] = [a, b, c].sort((p, q) => p - q).map((y) => S * Math.exp(y));
          const between = probBetween(S, x1, x3, T, v, m);
          expect(between).toBeCloseTo(probBelow(S, x3, T, v, m) - probBelow(S, x1, T, v, m), 14);
          expect(between).toBeCloseTo(probBetween(S, x1, x2, T, v, m) + probBetween(S, x2, x3, T, v, m), 14);
          expect(probBetween(S, x3, x1, T, v, m)).toBe(0); // reversed bounds: empty range
        },
      ),
    );
  });

  it('P(above) falls with the level and rises with the drift (property)', () => {
    fc.assert(
      fc.property(spot, logMoneyness, years, vol, drift, (S, x, T, v, m) => {
        const L = S * Math.exp(x);
        expect(probAbove(S, L * 1.01, T, v, m)).toBeLessThanOrEqual(probAbove(S, L, T, v, m));
        expect(probAbove(S, L, T, v, m + 0.05)).toBeGreaterThanOrEqual(probAbove(S, L, T, v, m));
      }),
    );
  });

  it('puts exactly one half above the median S·e^((m − σ²/2)T)', () => {
    const median = 100 * Math.exp((0.05 - 0.5 * 0.3 * 0.3) * 0.5);
    expect(probAbove(100, median, 0.5, 0.3, 0.05)).toBeCloseTo(0.5, 14);
  });

  it('keeps relative accuracy in the tail: a level 10σ above the median gives Φ(−10) = 7.6198530241605e-24', () => {
    const m = 0.03;
    const v = 0.2;
    const T = 0.5;
    const L = 100 * Math.exp((m - 0.5 * v * v) * T + 10 * v * Math.sqrt(T));
    expect(Math.abs(probAbove(100, L, T, v, m) / 7.6198530241605e-24 - 1)).toBeLessThanOrEqual(1e-12);
  });

  // References: mpmath at 250 digits, Φ(d2) of the exact doubles given (ncdf(−d2(upper)) − ncdf(−d2(lower))).
  it('keeps relative accuracy for a level within 1e-10 of the spot (ln S/L near 0)', () => {
    const p = probAbove(100, 100 * (1 + 1e-10), 1, 1e-11, 0); // d2 ≈ −10; ln of the rounded ratio read 4e-5 off
    expect(Math.abs(p / 7.61924268694574e-24 - 1)).toBeLessThanOrEqual(1e-13);
  });

  it('keeps relative accuracy for a narrow range (the difference of two Φ lost the digits of the width)', () => {
    const cases: [number, number, number, number, number, number, number][] = [
      [100, 110, 110 + 1.1e-7, 0.5, 0.3, 0.02, 1.652787152146332e-9], // read 1.6e-8 off
      [100, 100, 100 * (1 + 1e-9), 0.25, 0.2, 0.01, 3.988176631654394e-9], // read 2.3e-9 off
      [100, 50, 50 + 1e-9, 0.1, 0.1, 0.02, 4.176943526208064e-115], // 22σ down, read 4.4e-6 off
    ];
    for (const [S, lo, hi, T, v, m, expected] of cases) {
      expect(Math.abs(probBetween(S, lo, hi, T, v, m) / expected - 1)).toBeLessThanOrEqual(1e-13);
    }
  });

  it('uses the drift the caller chooses: risk-neutral r − q versus real-world μ − q', () => {
    expect(riskNeutralDrift(0.05, 0.02)).toBeCloseTo(0.03, 15);
    expect(realWorldDrift(0.1, 0.02)).toBeCloseTo(0.08, 15);
    const rn = probAbove(100, 110, 1, 0.25, riskNeutralDrift(0.05, 0.02));
    const rw = probAbove(100, 110, 1, 0.25, realWorldDrift(0.1, 0.02));
    expect(rw).toBeGreaterThan(rn);
  });

  it('has the deterministic limit at T = 0 or σ = 0 and handles the level 0 and +∞', () => {
    expect(probAbove(100, 99, 0, 0.3, 0)).toBe(1);
    expect(probBelow(100, 99, 0, 0.3, 0)).toBe(0);
    expect(probAbove(100, 100, 0, 0.3, 0)).toBe(0.5);
    expect(probAbove(100, 104, 1, 0, 0.05)).toBe(1); // forward 105.1
    expect(probBetween(100, 104, 106, 1, 0, 0.05)).toBe(1);
    expect(probAbove(100, 0, 1, 0.3, 0)).toBe(1);
    expect(probBelow(100, 0, 1, 0.3, 0)).toBe(0);
    expect(probAbove(100, Number.POSITIVE_INFINITY, 1, 0.3, 0)).toBe(0);
    expect(probBetween(100, 0, Number.POSITIVE_INFINITY, 1, 0.3, 0)).toBe(1);
  });

  it('returns NaN for invalid inputs', () => {
    expect(probAbove(-1, 100, 1, 0.2, 0)).toBeNaN();
    expect(probBelow(100, 100, -1, 0.2, 0)).toBeNaN();
    expect(probBetween(100, 90, 110, 1, -0.2, 0)).toBeNaN();
    expect(probAbove(100, 100, 1, 0.2, Number.NaN)).toBeNaN();
  });
});
