import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanImpliedVol } from '../../src/quant/americanImpliedVol.js';
import { americanPrice } from '../../src/quant/americanPrice.js';
import { impliedVol } from '../../src/quant/impliedVol.js';
import type { AmericanMethod, OptionType } from '../../src/quant/types.js';

const realistic = fc.record({
  type: fc.constantFrom<OptionType>('call', 'put'),
  S: fc.double({ min: 10, max: 500, noNaN: true }),
  u: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
  T: fc.double({ min: 7 / 365, max: 2, noNaN: true }),
  r: fc.double({ min: 0, max: 0.06, noNaN: true }),
  q: fc.double({ min: 0, max: 0.05, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1.2, noNaN: true }),
});

describe('americanImpliedVol', () => {
  it.each([
    ['baw', 200],
    ['bjerksund', 200],
    ['alo', 15],
  ] as [AmericanMethod, number][])(
    '%s: price → implied vol → price round trip to 1e-9 (property)',
    (method, numRuns) => {
      fc.assert(
        fc.property(realistic, ({ type, S, u, T, r, q, vol }) => {
          const K = S * Math.exp(u);
          const price = americanPrice(type, S, K, T, r, q, vol, method);
          // skip prices with no vol information left (within 1e-9 of the floor, i.e. vega ≈ 0)
          fc.pre(price - americanPrice(type, S, K, T, r, q, 0, method) > 1e-6 * K);
          const iv = americanImpliedVol(type, price, S, K, T, r, q, method);
          expect(Math.abs(americanPrice(type, S, K, T, r, q, iv, method) - price)).toBeLessThanOrEqual(1e-9);
        }),
        { numRuns },
      );
    },
  );

  it.each([
    [80, 0.25],
    [70, 0.4],
  ])(
    'recovers σ where the first step’s stand-in slope is far off: deep in-the-money put, S = %d, σ = %d',
    (S, vol) => {
      // near the exercise boundary the American vega is a small part of the European one (BAW at S = 80:
      // 0.4 against 28.9), so the first Newton step leaves the bracket and the safeguards must take over
      for (const method of ['baw', 'bjerksund', 'alo'] as AmericanMethod[]) {
        const price = americanPrice('put', S, 100, 1, 0.08, 0, vol, method);
        const iv = americanImpliedVol('put', price, S, 100, 1, 0.08, 0, method);
        expect(Math.abs(iv - vol)).toBeLessThan(1e-9);
      }
    },
  );

  it('alo: the same implied vol whatever was priced before (its later prices warm-start from its first)', () => {
    const args = ['put', 7.3, 100, 105, 0.6, 0.04, 0.01] as const;
    const first = americanImpliedVol(...args);
    americanPrice('put', 100, 105, 0.6, 0.04, 0.01, first * 1.0001, 'alo', { warmStart: true });
    americanImpliedVol('call', 12, 100, 95, 0.6, 0.04, 0.01);
    expect(americanImpliedVol(...args)).toBe(first);
    expect(Math.abs(americanPrice('put', 100, 105, 0.6, 0.04, 0.01, first, 'alo') - 7.3)).toBeLessThan(1e-10);
  });

  it('binomial: round trip on a coarse lattice', () => {
    const opts = { steps: 201 };
    const price = americanPrice('put', 100, 105, 0.5, 0.05, 0.01, 0.3, 'binomial', opts);
    const iv = americanImpliedVol('put', price, 100, 105, 0.5, 0.05, 0.01, 'binomial', opts);
    expect(
      Math.abs(americanPrice('put', 100, 105, 0.5, 0.05, 0.01, iv, 'binomial', opts) - price),
    ).toBeLessThan(1e-9);
  });

  it('is at most the European implied vol of the same price, and equal for a call without dividends', () => {
    const p = americanPrice('put', 100, 110, 1, 0.05, 0, 0.25, 'alo');
    const ivA = americanImpliedVol('put', p, 100, 110, 1, 0.05, 0);
    expect(Math.abs(ivA - 0.25)).toBeLessThan(1e-9);
    expect(impliedVol('put', p, 100, 110, 1, 0.05, 0)).toBeGreaterThan(ivA);
    const c = americanPrice('call', 100, 110, 1, 0.05, 0, 0.25, 'alo');
    expect(
      Math.abs(
        americanImpliedVol('call', c, 100, 110, 1, 0.05, 0) - impliedVol('call', c, 100, 110, 1, 0.05, 0),
      ),
    ).toBeLessThan(1e-9);
  });

  it('solves a tiny out-of-the-money price in vol, not to 0 (an absolute 1e-12·K tolerance returned σ = 0 below 1e-10)', () => {
    // r = 0, q = 0: no early exercise, so the American vol is the European one
    const european = impliedVol('put', 5e-11, 150, 100, 0.05, 0, 0);
    expect(european).toBeCloseTo(0.2796, 4);
    for (const m of ['baw', 'bjerksund', 'alo'] as const)
      expect(americanImpliedVol('put', 5e-11, 150, 100, 0.05, 0, 0, m), m).toBeCloseTo(european, 8);
    const call = americanImpliedVol('call', 2e-11, 100, 200, 0.05, 0, 0, 'baw');
    expect(call).toBeCloseTo(impliedVol('call', 2e-11, 100, 200, 0.05, 0, 0), 8);
  });

  it('finds the vol of a price just below the infinite-volatility limit (the search stopped at σ = 100: NaN)', () => {
    // K − price falls only like 1/σ: Bjerksund-Stensland's 6-month put is still 0.7 below K at σ = 100
    for (const m of ['baw', 'bjerksund', 'alo'] as const) {
      for (const price of [99.5, 99.99]) {
        const v = americanImpliedVol('put', price, 100, 100, 0.5, 0.05, 0.02, m);
        expect(Number.isFinite(v), `${m} ${price}`).toBe(true);
        expect(Math.abs(americanPrice('put', 100, 100, 0.5, 0.05, 0.02, v, m) - price)).toBeLessThan(1e-10);
      }
    }
  });

  it('returns NaN outside the bounds, +∞ at the infinite-volatility limit (as impliedVol does) and 0 at the zero-volatility value', () => {
    // below intrinsic (an American put is worth at least K − S)
    expect(americanImpliedVol('put', 9.99, 90, 100, 1, 0.05, 0, 'baw')).toBeNaN();
    // exactly the infinite-volatility limit, K for a put and S for a call: the vol is the limit, +∞ (it was NaN,
    // where the European impliedVol gave +∞ at its bound); above it, NaN
    expect(americanImpliedVol('put', 100, 90, 100, 1, 0.05, 0, 'baw')).toBe(Number.POSITIVE_INFINITY);
    expect(americanImpliedVol('call', 120, 120, 100, 1, 0.05, 0.02, 'alo')).toBe(Number.POSITIVE_INFINITY);
    expect(impliedVol('call', 120 * Math.exp(-0.02), 120, 100, 1, 0.05, 0.02)).toBe(Number.POSITIVE_INFINITY);
    expect(americanImpliedVol('put', 100.01, 90, 100, 1, 0.05, 0, 'baw')).toBeNaN();
    expect(americanImpliedVol('call', 120.01, 120, 100, 1, 0.05, 0.02, 'bjerksund')).toBeNaN();
    // at the floor: deep in-the-money put that is exercised at once
    expect(americanImpliedVol('put', 10, 90, 100, 1, 0.05, 0, 'baw')).toBe(0);
    expect(americanImpliedVol('put', 5, 90, 100, 0, 0.05, 0, 'baw')).toBeNaN();
    expect(americanImpliedVol('put', 5, -90, 100, 1, 0.05, 0, 'baw')).toBeNaN();
    expect(americanImpliedVol('put', Number.NaN, 90, 100, 1, 0.05, 0, 'baw')).toBeNaN();
  });

  it('names an argument that is not a number (a price of null was solved as 0) and an option out of its domain', () => {
    const nul = null as unknown as number;
    expect(() => americanImpliedVol('put', nul, 100, 100, 1, 0.05, 0)).toThrow(
      /^americanImpliedVol: price must be a number, got null/,
    );
    expect(() => americanImpliedVol('put', 10, 100, 100, 1, 0.05, nul)).toThrow(
      /^americanImpliedVol: q must/,
    );
    // a maxEvaluations of NaN returned 0.4095 where the vol is 0.2953
    expect(() =>
      americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, 'alo', { maxEvaluations: Number.NaN }),
    ).toThrow(/maxEvaluations must be a whole number ≥ 1, got NaN/);
    expect(() => americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, 'baw', { priceTolerance: -1 })).toThrow(
      /priceTolerance/,
    );
    // 0 asks for the root to the last bit, as ALO's tolerance 0 does (a first check refused it)
    expect(americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, 'baw', { priceTolerance: 0 })).toBeGreaterThan(
      0.25,
    );
  });

  it('is NaN when the evaluations run out before the root (one evaluation returned 0.2939 for 0.2953)', () => {
    expect(americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, 'alo', { maxEvaluations: 1 })).toBeNaN();
    expect(americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, 'baw', { maxEvaluations: 2 })).toBeNaN();
    const v = americanImpliedVol('put', 10, 100, 100, 1, 0.05, 0, 'alo');
    expect(americanPrice('put', 100, 100, 1, 0.05, 0, v, 'alo')).toBeCloseTo(10, 9);
  });
});
