import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  americanGreeks,
  americanImpliedVol,
  americanPrice,
  bsGreeks,
  bsGreeksBatch,
  bsPrice,
  bsPriceBatch,
  greeksArrays,
  impliedVol,
  impliedVolBatch,
  pop,
  probAbove,
  probTouch,
} from '../../src/quant/index.js';

// Prices are homogeneous of degree 1 in (S, K): V(λS, λK) = λ·V(S, K), delta unchanged, gamma / λ, vega, theta,
// rho · λ, implied vol and probabilities unchanged. A pricing library should honour that at any magnitude a
// double holds, not only where λS·λK, S², h² or S^β stay finite and normal.
// Powers of two, so that λS and λK are exact and any difference is the kernel's (a decimal λ rounds S and K, which
// an in-the-money price amplifies by S/(S − K)); wide enough that S·K, S², h² and I₁·I₂ leave the normal doubles.
// Below ~2⁻⁶⁹⁰ a deep out-of-the-money value is itself subnormal, whatever the kernel does.
const SCALES = [2 ** -690, 2 ** -600, 2 ** -520, 2 ** -332, 2 ** 332, 2 ** 520, 2 ** 600, 2 ** 900];

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/**
 * `scaled` (a quantity computed at scale λ, of unit `unit`: λ for prices, 1/λ for gamma) equals `base` to `tol`
 * relative, or to 1e-100 absolute (in the units of λ = 1) where the value is that negligible: there its scaled
 * intermediates (fs·φ(d₁) of a deep out-of-the-money gamma) fall among the subnormal doubles; and where the
 * scaled value is itself subnormal (gamma ~1e-41 at λ = 2⁹⁰⁰), to the 2⁻¹⁰⁷⁴ spacing it has there.
 */
const near = (scaled: number, base: number, unit: number, tol: number): void => {
  expect(Math.abs(scaled / unit - base)).toBeLessThanOrEqual(
    tol * Math.abs(base) + 1e-100 + 2 ** -1070 / unit,
  );
};

const f64 = (x: number): Float64Array => Float64Array.of(x);

const european = fc.record({
  call: fc.boolean(),
  m: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  T: fc.double({ min: 0.01, max: 2, noNaN: true }),
  r: fc.double({ min: 0, max: 0.06, noNaN: true }),
  q: fc.double({ min: 0, max: 0.05, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1.2, noNaN: true }),
  scale: fc.constantFrom(...SCALES),
});

describe('European kernels at any magnitude', () => {
  it('bsPrice, bsPriceBatch (random and chain) and bsGreeks scale with (S, K)', () => {
    fc.assert(
      fc.property(european, ({ call, m, T, r, q, vol, scale }) => {
        const S = 100;
        const K = 100 * Math.exp(m);
        const type = call ? 'call' : 'put';
        const base = bsPrice(type, S, K, T, r, q, vol);
        near(bsPrice(type, S * scale, K * scale, T, r, q, vol), base, scale, 1e-13);
        const random = bsPriceBatch(
          [call],
          f64(S * scale),
          f64(K * scale),
          f64(T),
          f64(r),
          f64(q),
          f64(vol),
          new Float64Array(1),
        );
        const chain = bsPriceBatch(call, S * scale, f64(K * scale), T, r, q, vol, new Float64Array(1));
        near(random[0], base, scale, 1e-13);
        near(chain[0], base, scale, 1e-13);
        const g0 = bsGreeks(type, S, K, T, r, q, vol);
        const g = bsGreeks(type, S * scale, K * scale, T, r, q, vol);
        near(g.delta, g0.delta, 1, 1e-12);
        near(g.gamma, g0.gamma, 1 / scale, 1e-12);
        near(g.vega, g0.vega, scale, 1e-12);
        near(g.theta, g0.theta, scale, 1e-12);
        near(g.rho, g0.rho, scale, 1e-12);
        const out = greeksArrays(1);
        bsGreeksBatch([call], f64(S * scale), f64(K * scale), f64(T), f64(r), f64(q), f64(vol), out);
        near(out.gamma[0], g0.gamma, 1 / scale, 1e-12);
        near(out.vega[0], g0.vega, scale, 1e-12);
      }),
      { numRuns: 400 },
    );
  });

  it('impliedVol and impliedVolBatch recover the vol from a price of any magnitude', () => {
    fc.assert(
      fc.property(european, ({ call, m, T, r, q, vol, scale }) => {
        const type = call ? 'call' : 'put';
        const S = 100 * scale;
        const K = 100 * Math.exp(m) * scale;
        const price = bsPrice(type, S, K, T, r, q, vol);
        const base = impliedVol(type, price / scale, 100, 100 * Math.exp(m), T, r, q);
        expect(rel(impliedVol(type, price, S, K, T, r, q), base)).toBeLessThan(1e-12);
        const batch = impliedVolBatch(type, Float64Array.of(price), S, K, T, r, q);
        expect(rel(batch[0], base)).toBeLessThan(1e-12);
      }),
      { numRuns: 400 },
    );
  });

  it('terminal and touch probabilities and POP do not depend on the price unit', () => {
    for (const scale of SCALES) {
      expect(
        rel(probAbove(100 * scale, 110 * scale, 0.5, 0.3, 0.02), probAbove(100, 110, 0.5, 0.3, 0.02)),
      ).toBeLessThan(1e-13);
      expect(
        rel(probTouch(100 * scale, 90 * scale, 0.5, 0.3, 0.02), probTouch(100, 90, 0.5, 0.3, 0.02)),
      ).toBeLessThan(1e-13);
      const legs = (s: number) => [
        { type: 'put' as const, strike: 95 * s, quantity: -1, premium: 2.1 * s },
        { type: 'put' as const, strike: 90 * s, quantity: 1, premium: 0.9 * s },
      ];
      const p0 = pop(legs(1), 100, 0.25, 0.3, 0.02);
      expect(rel(pop(legs(scale), 100 * scale, 0.25, 0.3, 0.02), p0)).toBeLessThan(1e-13);
    }
  });
});

describe('American kernels at any magnitude', () => {
  const cases = [
    { type: 'put' as const, S: 100, K: 110, T: 0.5, r: 0.05, q: 0.01, vol: 0.3 },
    { type: 'call' as const, S: 105, K: 100, T: 1, r: 0.02, q: 0.06, vol: 0.25 },
  ];

  it('every method prices λS, λK at λ times the price', () => {
    for (const c of cases) {
      for (const method of ['baw', 'bjerksund', 'alo', 'binomial'] as const) {
        const base = americanPrice(c.type, c.S, c.K, c.T, c.r, c.q, c.vol, method);
        for (const scale of SCALES) {
          const v = americanPrice(c.type, c.S * scale, c.K * scale, c.T, c.r, c.q, c.vol, method) / scale;
          expect(rel(v, base), `${method} ${c.type} at ${scale}`).toBeLessThan(1e-11);
        }
      }
    }
  });

  it('americanGreeks scale as the European greeks do (BAW and Bjerksund-Stensland)', () => {
    for (const c of cases) {
      for (const method of ['baw', 'bjerksund'] as const) {
        const g0 = americanGreeks(c.type, c.S, c.K, c.T, c.r, c.q, c.vol, method);
        for (const scale of SCALES) {
          const g = americanGreeks(c.type, c.S * scale, c.K * scale, c.T, c.r, c.q, c.vol, method);
          const at = `${method} ${c.type} at ${scale}`;
          expect(rel(g.price / scale, g0.price), at).toBeLessThan(1e-11);
          expect(rel(g.delta, g0.delta), at).toBeLessThan(1e-6);
          expect(rel(g.gamma * scale, g0.gamma), at).toBeLessThan(1e-4);
          expect(rel(g.vega / scale, g0.vega), at).toBeLessThan(1e-6);
          expect(rel(g.theta / scale, g0.theta), at).toBeLessThan(1e-6);
          expect(rel(g.rho / scale, g0.rho), at).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('americanImpliedVol recovers the vol at any magnitude (its default tolerance is relative to K)', () => {
    for (const c of cases) {
      for (const method of ['baw', 'bjerksund'] as const) {
        for (const scale of SCALES) {
          const [S, K] = [c.S * scale, c.K * scale];
          const price = americanPrice(c.type, S, K, c.T, c.r, c.q, c.vol, method);
          const v = americanImpliedVol(c.type, price, S, K, c.T, c.r, c.q, method);
          expect(Math.abs(v - c.vol), `${method} ${c.type} at ${scale}`).toBeLessThan(1e-9);
        }
      }
    }
  });
});
