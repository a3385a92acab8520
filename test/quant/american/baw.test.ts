import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bawPrice } from '../../../src/quant/american/baw.js';
import { americanZeroVolPrice } from '../../../src/quant/american/zeroVol.js';
import { bsPrice } from '../../../src/quant/bsPrice.js';
import type { OptionType } from '../../../src/quant/types.js';

// E. G. Haug, "Option Pricing Formulas" (McGraw-Hill 1998) p. 24, Barone-Adesi & Whaley values as tabulated in
// QuantLib's test-suite/americanoption.cpp (testBaroneAdesiWhaleyValues): type, strike, spot, q, r, t, vol,
// value. Tolerance 3e-3 absolute, as QuantLib (Haug's own VB code reproduces the table to two decimals only).
const HAUG_BAW: [OptionType, number, number, number, number, number, number, number][] = [
  ['call', 100, 90, 0.1, 0.1, 0.1, 0.15, 0.0206],
  ['call', 100, 100, 0.1, 0.1, 0.1, 0.15, 1.8771],
  ['call', 100, 110, 0.1, 0.1, 0.1, 0.15, 10.0089],
  ['call', 100, 90, 0.1, 0.1, 0.1, 0.25, 0.3159],
  ['call', 100, 100, 0.1, 0.1, 0.1, 0.25, 3.128],
  ['call', 100, 110, 0.1, 0.1, 0.1, 0.25, 10.3919],
  ['call', 100, 90, 0.1, 0.1, 0.1, 0.35, 0.9495],
  ['call', 100, 100, 0.1, 0.1, 0.1, 0.35, 4.3777],
  ['call', 100, 110, 0.1, 0.1, 0.1, 0.35, 11.1679],
  ['call', 100, 90, 0.1, 0.1, 0.5, 0.15, 0.8208],
  ['call', 100, 100, 0.1, 0.1, 0.5, 0.15, 4.0842],
  ['call', 100, 110, 0.1, 0.1, 0.5, 0.15, 10.8087],
  ['call', 100, 90, 0.1, 0.1, 0.5, 0.25, 2.7437],
  ['call', 100, 100, 0.1, 0.1, 0.5, 0.25, 6.8015],
  ['call', 100, 110, 0.1, 0.1, 0.5, 0.25, 13.017],
  ['call', 100, 90, 0.1, 0.1, 0.5, 0.35, 5.0063],
  ['call', 100, 100, 0.1, 0.1, 0.5, 0.35, 9.5106],
  ['call', 100, 110, 0.1, 0.1, 0.5, 0.35, 15.5689],
  ['put', 100, 90, 0.1, 0.1, 0.1, 0.15, 10.0],
  ['put', 100, 100, 0.1, 0.1, 0.1, 0.15, 1.877],
  ['put', 100, 110, 0.1, 0.1, 0.1, 0.15, 0.041],
  ['put', 100, 90, 0.1, 0.1, 0.1, 0.25, 10.2533],
  ['put', 100, 100, 0.1, 0.1, 0.1, 0.25, 3.1277],
  ['put', 100, 110, 0.1, 0.1, 0.1, 0.25, 0.4562],
  ['put', 100, 90, 0.1, 0.1, 0.1, 0.35, 10.8787],
  ['put', 100, 100, 0.1, 0.1, 0.1, 0.35, 4.3777],
  ['put', 100, 110, 0.1, 0.1, 0.1, 0.35, 1.2402],
  ['put', 100, 90, 0.1, 0.1, 0.5, 0.15, 10.5595],
  ['put', 100, 100, 0.1, 0.1, 0.5, 0.15, 4.0842],
  ['put', 100, 110, 0.1, 0.1, 0.5, 0.15, 1.0822],
  ['put', 100, 90, 0.1, 0.1, 0.5, 0.25, 12.4419],
  ['put', 100, 100, 0.1, 0.1, 0.5, 0.25, 6.8014],
  ['put', 100, 110, 0.1, 0.1, 0.5, 0.25, 3.3226],
  ['put', 100, 90, 0.1, 0.1, 0.5, 0.35, 14.6945],
  ['put', 100, 100, 0.1, 0.1, 0.5, 0.35, 9.5104],
  ['put', 100, 110, 0.1, 0.1, 0.5, 0.35, 5.8823],
  ['put', 100, 100, 0, 0, 0.5, 0.15, 4.2294],
];

describe('bawPrice', () => {
  it.each(HAUG_BAW)(
    'matches Haug (1998) p. 24: %s K=%d S=%d q=%d r=%d T=%d vol=%d → %d',
    (type, K, S, q, r, T, vol, v) => {
      expect(Math.abs(bawPrice(type, S, K, T, r, q, vol) - v)).toBeLessThanOrEqual(3e-3);
    },
  );

  it('equals the European price for a call without dividends (early exercise never pays)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 10, max: 500, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        (S, m, T, r, vol) => {
          // equal up to rounding (the American value is floored at the intrinsic value)
          const diff = bawPrice('call', S, S * m, T, r, 0, vol) - bsPrice('call', S, S * m, T, r, 0, vol);
          expect(Math.abs(diff)).toBeLessThanOrEqual(1e-13 * S);
        },
      ),
    );
  });

  it('lies between the European price and the upper bound, and above intrinsic (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<OptionType>('call', 'put'),
        fc.double({ min: 10, max: 500, noNaN: true }),
        fc.double({ min: -0.4, max: 0.4, noNaN: true }),
        fc.double({ min: 1 / 365, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.06, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        (type, S, u, T, r, q, vol) => {
          const K = S * Math.exp(u);
          const v = bawPrice(type, S, K, T, r, q, vol);
          const tol = 1e-9 * K;
          expect(v).toBeGreaterThanOrEqual(bsPrice(type, S, K, T, r, q, vol) - tol);
          expect(v).toBeGreaterThanOrEqual(Math.max(type === 'call' ? S - K : K - S, 0) - tol);
          expect(v).toBeLessThanOrEqual(type === 'call' ? S : K);
        },
      ),
    );
  });

  it('is the intrinsic value at expiry and the deterministic value at zero volatility', () => {
    expect(bawPrice('put', 90, 100, 0, 0.05, 0, 0.3)).toBe(10);
    // zero vol, r > q: exercise now is best for an in-the-money put
    expect(bawPrice('put', 90, 100, 1, 0.05, 0, 0)).toBe(10);
  });

  it('is continuous in r through 0 for calls (one formula; the put-call symmetry below 0 jumped by 5.5e-4)', () => {
    for (const [S, q, vol] of [
      [110, 0.01, 0.25],
      [100, 0.03, 0.3],
      [80, 0.08, 0.5],
    ]) {
      const at0 = bawPrice('call', S, 100, 1, 0, q, vol);
      for (const r of [-1e-9, -1e-13, 1e-13, 1e-9])
        expect(Math.abs(bawPrice('call', S, 100, 1, r, q, vol) - at0)).toBeLessThan(1e-7);
      // a denormal rate is 0 to the price (−expm1(−rT) rounded to 0 and M/k to ∞: 4.882 where it is 4.999)
      for (const r of [-5e-324, 5e-324]) expect(bawPrice('call', S, 100, 1, r, q, vol)).toBeCloseTo(at0, 12);
      // and smooth: the slopes on either side of 0 agree (the premium is C¹ in r)
      const h = 1e-4;
      const left = (at0 - bawPrice('call', S, 100, 1, -h, q, vol)) / h;
      const right = (bawPrice('call', S, 100, 1, h, q, vol) - at0) / h;
      expect(Math.abs(left - right)).toBeLessThan(0.05 * Math.abs(right));
    }
  });

  it('is not below the European price where its approximate boundary passes S (q > r, a nanosecond to expiry)', () => {
    // the true put boundary at expiry is K·r/q = 20 here: S = 99.999 is far from exercise, worth the European price
    expect(bawPrice('put', 99.999, 100, 1e-9, 0.01, 0.05, 1e-4)).toBeGreaterThanOrEqual(
      bsPrice('put', 99.999, 100, 1e-9, 0.01, 0.05, 1e-4),
    );
  });

  it('stays finite and near the deterministic value at tiny but positive volatility (λ without cancellation)', () => {
    // σ√T ≥ 1e-12 is priced by the approximation: λ = (−(N−1) ± √…)/2 rounded to 0 there and gave ±∞
    for (const vol of [1e-10, 1e-8, 1e-6]) {
      const put = bawPrice('put', 100, 100, 5, 0.01, 0.05, vol);
      const call = bawPrice('call', 100, 100, 5, 0.05, 0.01, vol);
      // the deterministic value (exercise at the best instant of S·e^{(r−q)t}), within BAW's error (~1e-6·K here)
      expect(Number.isFinite(put) && Number.isFinite(call)).toBe(true);
      expect(Math.abs(put - americanZeroVolPrice('put', 100, 100, 5, 0.01, 0.05))).toBeLessThan(1e-3);
      expect(Math.abs(call - americanZeroVolPrice('call', 100, 100, 5, 0.05, 0.01))).toBeLessThan(1e-3);
      expect(put).toBeGreaterThanOrEqual(bsPrice('put', 100, 100, 5, 0.01, 0.05, vol) - 1e-12);
      expect(call).toBeGreaterThanOrEqual(bsPrice('call', 100, 100, 5, 0.05, 0.01, vol) - 1e-12);
    }
  });
});
