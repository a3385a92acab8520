import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aloPrice } from '../../../src/quant/american/alo.js';
import { bjerksundStensland2002Price } from '../../../src/quant/american/bjerksund2002.js';
import { bsPrice } from '../../../src/quant/bsPrice.js';
import type { OptionType } from '../../../src/quant/types.js';

describe('bjerksundStensland2002Price', () => {
  it('matches the NAG s30qc example (Bjerksund-Stensland 2002): call S=110 K=100 T=0.25 σ=0.2 r=0.08 q=0.12 → 10.3340', () => {
    // NAG Library Manual, s30qcf/s30qcc example program results; 4 decimals printed, tolerance 5e-5
    expect(
      Math.abs(bjerksundStensland2002Price('call', 110, 100, 0.25, 0.08, 0.12, 0.2) - 10.334),
    ).toBeLessThan(5e-5);
  });

  // Low-volatility limits used by QuantLib's testBjerksundStenslandValues (model-independent as σ → 0):
  // deep in-the-money options worth their intrinsic value, tolerance 5e-5 as QuantLib.
  it.each([
    ['call', 110, 100, 1.0, 0.05, 0.05, 0.0001, 10.0],
    ['put', 100, 110, 1.0, 0.05, 0.05, 0.0001, 10.0],
  ] as [OptionType, number, number, number, number, number, number, number][])(
    'is intrinsic deep in the money at tiny vol: %s S=%d K=%d',
    (type, S, K, T, r, q, vol, v) => {
      expect(Math.abs(bjerksundStensland2002Price(type, S, K, T, r, q, vol) - v)).toBeLessThan(5e-5);
    },
  );

  it('is a lower bound of the exact American price and at least the European price (property)', () => {
    // BS2002 values a feasible (flat two-step) exercise policy, so it cannot exceed the optimal value.
    // Exact reference: ALO at high precision; tolerance 1e-6·K covers the reference error.
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
          const v = bjerksundStensland2002Price(type, S, K, T, r, q, vol);
          expect(v).toBeLessThanOrEqual(aloPrice(type, S, K, T, r, q, vol) + 1e-6 * K);
          expect(v).toBeGreaterThanOrEqual(bsPrice(type, S, K, T, r, q, vol) - 1e-12 * K);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('prices puts by the put-call transformation P(S,K,T,r,q,σ) = C(K,S,T,q,r,σ)', () => {
    const p = bjerksundStensland2002Price('put', 36, 40, 1, 0.06, 0.01, 0.2);
    expect(p).toBe(bjerksundStensland2002Price('call', 40, 36, 1, 0.01, 0.06, 0.2));
  });

  it('equals the European price for a call without dividends', () => {
    expect(bjerksundStensland2002Price('call', 100, 95, 0.5, 0.05, 0, 0.3)).toBe(
      bsPrice('call', 100, 95, 0.5, 0.05, 0, 0.3),
    );
  });
});
