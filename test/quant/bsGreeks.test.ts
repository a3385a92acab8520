import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsGreeks } from '../../src/quant/bsGreeks.js';
import { bsPrice } from '../../src/quant/bsPrice.js';
import type { OptionType } from '../../src/quant/types.js';

// E. G. Haug, "Option Pricing Formulas" (McGraw-Hill 1998) pp. 11-16, as tabulated in QuantLib's
// test-suite/europeanoption.cpp (testGreekValues); tolerance 1e-4 absolute as in QuantLib.
// type, strike, spot, q, r, t, vol, greek, value
const HAUG_GREEKS: [OptionType, number, number, number, number, number, number, keyof Greeks, number][] = [
  ['call', 100, 105, 0.1, 0.1, 0.5, 0.36, 'delta', 0.5946],
  ['put', 100, 105, 0.1, 0.1, 0.5, 0.36, 'delta', -0.3566],
  ['call', 60, 55, 0, 0.1, 0.75, 0.3, 'gamma', 0.0278],
  ['put', 60, 55, 0, 0.1, 0.75, 0.3, 'gamma', 0.0278],
  ['call', 60, 55, 0, 0.1, 0.75, 0.3, 'vega', 18.9358],
  ['put', 60, 55, 0, 0.1, 0.75, 0.3, 'vega', 18.9358],
  ['put', 405, 430, 0.05, 0.07, 1 / 12, 0.2, 'theta', -31.1924],
  ['call', 75, 72, 0, 0.09, 1, 0.19, 'rho', 38.7325],
];
type Greeks = ReturnType<typeof bsGreeks>;

const inputs = fc.record({
  type: fc.constantFrom<OptionType>('call', 'put'),
  S: fc.double({ min: 5, max: 1000, noNaN: true }),
  m: fc.double({ min: -0.6, max: 0.6, noNaN: true }),
  T: fc.double({ min: 0.02, max: 3, noNaN: true }),
  r: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.1, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1.5, noNaN: true }),
});

describe('bsGreeks', () => {
  it.each(HAUG_GREEKS)(
    'Haug 1998: %s K=%d S=%d q=%d r=%d t=%d vol=%d: %s = %d (±1e−4)',
    (type, K, S, q, r, t, vol, greek, value) => {
      expect(Math.abs(bsGreeks(type, S, K, t, r, q, vol)[greek] - value)).toBeLessThanOrEqual(1e-4);
    },
  );

  it('theta per calendar day is theta/365: Haug −0.0855 for the put above', () => {
    expect(
      Math.abs(bsGreeks('put', 430, 405, 1 / 12, 0.07, 0.05, 0.2).theta / 365 + 0.0855),
    ).toBeLessThanOrEqual(1e-4);
  });

  it('returns the same price as bsPrice', () => {
    fc.assert(
      fc.property(inputs, ({ type, S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        expect(bsGreeks(type, S, K, T, r, q, vol).price).toBe(bsPrice(type, S, K, T, r, q, vol));
      }),
    );
  });

  it('delta, vega, theta, rho equal central finite differences of the price (1e−6 relative + small absolute)', () => {
    fc.assert(
      fc.property(inputs, ({ type, S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        const g = bsGreeks(type, S, K, T, r, q, vol);
        const P = (s: number, t: number, rr: number, v: number) => bsPrice(type, s, K, t, rr, q, v);
        const hS = 1e-4 * S * vol * Math.sqrt(T); // step on the scale of the density's width
        const delta = (P(S + hS, T, r, vol) - P(S - hS, T, r, vol)) / (2 * hS);
        const hv = 1e-5;
        const vega = (P(S, T, r, vol + hv) - P(S, T, r, vol - hv)) / (2 * hv);
        const hT = 1e-6;
        const theta = -(P(S, T + hT, r, vol) - P(S, T - hT, r, vol)) / (2 * hT);
        const hr = 1e-6;
        const rho = (P(S, T, r + hr, vol) - P(S, T, r - hr, vol)) / (2 * hr);
        expect(Math.abs(g.delta - delta)).toBeLessThanOrEqual(1e-7);
        expect(Math.abs(g.vega - vega)).toBeLessThanOrEqual(1e-6 * Math.abs(vega) + 1e-7 * S);
        expect(Math.abs(g.theta - theta)).toBeLessThanOrEqual(1e-6 * Math.abs(theta) + 1e-7 * S);
        expect(Math.abs(g.rho - rho)).toBeLessThanOrEqual(1e-6 * Math.abs(rho) + 1e-7 * S);
      }),
    );
  });

  it('gamma equals the central finite difference of delta (1e−6 relative + 1e−9)', () => {
    fc.assert(
      fc.property(inputs, ({ type, S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        const h = 1e-4 * S * vol * Math.sqrt(T);
        const fd =
          (bsGreeks(type, S + h, K, T, r, q, vol).delta - bsGreeks(type, S - h, K, T, r, q, vol).delta) /
          (2 * h);
        const { gamma } = bsGreeks(type, S, K, T, r, q, vol);
        expect(gamma).toBeGreaterThanOrEqual(0);
        expect(Math.abs(gamma - fd)).toBeLessThanOrEqual(1e-6 * gamma + 1e-9);
      }),
    );
  });

  it('call and put share gamma and vega; their deltas differ by e^(−qT)', () => {
    fc.assert(
      fc.property(inputs, ({ S, m, T, r, q, vol }) => {
        const K = S * Math.exp(m);
        const c = bsGreeks('call', S, K, T, r, q, vol);
        const p = bsGreeks('put', S, K, T, r, q, vol);
        expect(c.gamma).toBe(p.gamma);
        expect(c.vega).toBe(p.vega);
        expect(Math.abs(c.delta - p.delta - Math.exp(-q * T))).toBeLessThanOrEqual(1e-15);
      }),
    );
  });
});

/** 0 or a double in [min, max]: the edge value itself plus everything a market can produce. */
const zeroOr = (min: number, max: number) => fc.oneof(fc.constant(0), fc.double({ min, max, noNaN: true }));

describe('bsGreeks limits', () => {
  it('T = 0: intrinsic price, step delta (½ at the money), zero gamma, vega and rho', () => {
    const itm = bsGreeks('call', 110, 100, 0, 0.05, 0.02, 0.3);
    expect(itm).toEqual({ price: 10, delta: 1, gamma: 0, theta: 0.02 * 110 - 0.05 * 100, vega: 0, rho: 0 });
    const otm = bsGreeks('put', 110, 100, 0, 0.05, 0.02, 0.3);
    expect(otm).toEqual({ price: 0, delta: -0, gamma: 0, theta: 0, vega: 0, rho: -0 });
    expect(bsGreeks('call', 100, 100, 0, 0.05, 0.02, 0.3).delta).toBe(0.5);
  });

  it('vol = 0: discounted-forward intrinsic with its carry theta and rho', () => {
    const T = 0.5;
    const g = bsGreeks('call', 100, 90, T, 0.05, 0.02, 0);
    const fs = 100 * Math.exp(-0.02 * T);
    const fk = 90 * Math.exp(-0.05 * T);
    expect(g.price).toBeCloseTo(fs - fk, 13);
    expect(g.delta).toBe(Math.exp(-0.02 * T));
    expect(g.gamma).toBe(0);
    expect(g.vega).toBe(0);
    expect(g.theta).toBeCloseTo(0.02 * fs - 0.05 * fk, 13);
    expect(g.rho).toBeCloseTo(T * fk, 13);
  });

  it('vol = 0 exactly at the forward: vega is the σ → 0 limit F̃·√T/√(2π)', () => {
    const g = bsGreeks('put', 100, 100, 1, 0.03, 0.03, 0);
    expect(g.vega).toBeCloseTo((100 * Math.exp(-0.03)) / Math.sqrt(2 * Math.PI), 13);
    expect(g.delta).toBeCloseTo(-0.5 * Math.exp(-0.03), 15);
  });

  it('is finite for valid inputs, zeros and extremes included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<OptionType>('call', 'put'),
        zeroOr(1e-6, 1e5),
        zeroOr(1e-6, 1e5),
        zeroOr(1e-10, 30),
        fc.double({ min: -0.2, max: 0.5, noNaN: true }),
        fc.double({ min: -0.2, max: 0.5, noNaN: true }),
        zeroOr(1e-8, 5),
        (type, S, K, T, r, q, vol) => {
          for (const v of Object.values(bsGreeks(type, S, K, T, r, q, vol)))
            expect(Number.isFinite(v)).toBe(true);
        },
      ),
    );
  });

  it('vol = ∞: the call is worth S·e^(−qT) and the put K·e^(−rT), with the limits of each greek (theta not NaN)', () => {
    const [S, K, T, r, q] = [100, 90, 0.5, 0.05, 0.02];
    const call = bsGreeks('call', S, K, T, r, q, Number.POSITIVE_INFINITY);
    const put = bsGreeks('put', S, K, T, r, q, Number.POSITIVE_INFINITY);
    // the limits as vol grows: a vol of 1e6 is already there to rounding
    const callFar = bsGreeks('call', S, K, T, r, q, 1e6);
    const putFar = bsGreeks('put', S, K, T, r, q, 1e6);
    expect(call.price).toBeCloseTo(S * Math.exp(-q * T), 12);
    expect(put.price).toBeCloseTo(K * Math.exp(-r * T), 12);
    for (const key of ['price', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const) {
      expect(call[key]).toBeCloseTo(callFar[key], 9);
      expect(put[key]).toBeCloseTo(putFar[key], 9);
    }
    expect(call.theta).toBeCloseTo(q * S * Math.exp(-q * T), 12); // −∂/∂T of S·e^(−qT)
    // … where fs/fk underflows too (ln(fs/fk)/σ√T read −∞/∞ = NaN on the regular path; review)
    const tiny = bsGreeks('call', 1e-300, 1e300, 1, r, q, Number.POSITIVE_INFINITY);
    expect(tiny.price / (1e-300 * Math.exp(-q))).toBeCloseTo(1, 14);
    expect(tiny.delta).toBeCloseTo(Math.exp(-q), 14);
    expect(bsPrice('call', 1e-300, 1e300, 1, r, q, Number.POSITIVE_INFINITY)).toBe(tiny.price);
    expect(put.theta).toBeCloseTo(r * K * Math.exp(-r * T), 12);
  });

  it('returns NaN greeks for invalid inputs', () => {
    for (const v of Object.values(bsGreeks('call', 100, 100, -1, 0, 0, 0.2))) expect(v).toBeNaN();
    for (const v of Object.values(bsGreeks('put', 100, -5, 1, 0, 0, 0.2))) expect(v).toBeNaN();
  });
});
