import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aloPrice } from '../../src/quant/american/alo.js';
import { bawPrice } from '../../src/quant/american/baw.js';
import { binomialPrice } from '../../src/quant/american/binomial.js';
import { bjerksundStensland2002Price } from '../../src/quant/american/bjerksund2002.js';
import { americanPrice } from '../../src/quant/americanPrice.js';
import { bsPrice } from '../../src/quant/bsPrice.js';
import type { AmericanMethod, OptionType } from '../../src/quant/types.js';

const realistic = fc.record({
  type: fc.constantFrom<OptionType>('call', 'put'),
  S: fc.double({ min: 10, max: 500, noNaN: true }),
  u: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
  T: fc.double({ min: 1 / 365, max: 2, noNaN: true }),
  r: fc.double({ min: 0, max: 0.06, noNaN: true }),
  q: fc.double({ min: 0, max: 0.05, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 1.2, noNaN: true }),
});

const ANALYTIC: AmericanMethod[] = ['baw', 'bjerksund', 'alo'];

/** Uniform on [min, max] (fc.double spreads over the representable doubles, i.e. mostly near 0). */
const uniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 1e9 }).map((i) => min + ((max - min) * i) / 1e9);

/** Beyond the realistic box: negative rates, yields to 15 %, vol 0.5 %–300 %, T to 10 years, K/S e^±2. */
const wide = fc.record({
  type: fc.constantFrom<OptionType>('call', 'put'),
  S: uniform(1, 5000),
  u: uniform(-2, 2),
  T: uniform(0, 1).map((x) => 1e-4 * 1e5 ** x), // log-uniform 1e-4 … 10
  r: uniform(-0.02, 0.15),
  q: uniform(-0.02, 0.15),
  vol: uniform(0, 1).map((x) => 0.005 * 600 ** x), // log-uniform 0.5 % … 300 %
});

describe('americanPrice', () => {
  it('dispatches to the method kernels', () => {
    const a = ['put', 95, 100, 0.7, 0.04, 0.01, 0.3] as const;
    expect(americanPrice(...a, 'baw')).toBe(bawPrice(...a));
    expect(americanPrice(...a, 'bjerksund')).toBe(bjerksundStensland2002Price(...a));
    expect(americanPrice(...a, 'alo')).toBe(aloPrice(...a));
    expect(americanPrice(...a, 'alo', { nodes: 8 })).toBe(aloPrice(...a, { nodes: 8 }));
    expect(americanPrice(...a, 'binomial')).toBe(binomialPrice(...a, 801, 'none'));
    expect(americanPrice(...a, 'binomial', { steps: 300, smoothing: 'bbsr' })).toBe(
      binomialPrice(...a, 300, 'bbsr'),
    );
    expect(() => americanPrice(...a, 'nope' as AmericanMethod)).toThrow(RangeError);
  });

  it('names an argument that is not a number, and the function it was given to (null was priced as 0)', () => {
    const nul = null as unknown as number;
    expect(() => americanPrice('put', nul, 100, 1, 0.05, 0, 0.3, 'alo')).toThrow(
      /^americanPrice: S must be a number/,
    );
    // BAW's message named bsPrice, which it calls inside
    expect(() => americanPrice('put', 100, 100, 1, 0.05, nul, 0.3, 'baw')).toThrow(/^americanPrice: q must/);
    expect(() => bawPrice('put', 100, nul, 1, 0.05, 0, 0.3)).toThrow(
      /^bawPrice: K must be a number, got null/,
    );
    expect(() => aloPrice('put', 100, 100, nul, 0.05, 0, 0.3)).toThrow(/^aloPrice: T must/);
    expect(() => bjerksundStensland2002Price('put', 100, 100, 1, nul, 0, 0.3)).toThrow(
      /^bjerksundStensland2002Price: r/,
    );
    expect(() => binomialPrice('put', 100, 100, 1, 0.05, 0, '0.3' as unknown as number)).toThrow(
      /^binomialPrice: vol must be a number, got '0.3'/,
    );
  });

  it('names an ALO option out of its domain (a priceOrder of 0 priced 9.915 where the price is 10.165)', () => {
    const a = ['put', 100, 100, 1, 0.05, 0.01, 0.3, 'alo'] as const;
    expect(() => americanPrice(...a, { priceOrder: 0 })).toThrow(
      /priceOrder must be a whole number ≥ 2, got 0/,
    );
    expect(() => americanPrice(...a, { nodes: 2.5 })).toThrow(/nodes/);
    expect(() => americanPrice(...a, { priceOrder: 1 })).toThrow(/priceOrder must be a whole number ≥ 2/); // ran as 2
    expect(() => americanPrice(...a, { iterations: Number.NaN })).toThrow(/iterations/);
    expect(() => americanPrice(...a, { tolerance: Number.NaN })).toThrow(/tolerance/);
    expect(() => americanPrice(...a, { warmStart: 1 as unknown as boolean })).toThrow(/warmStart/);
    expect(americanPrice(...a, { tolerance: 0, nodes: 16 })).toBeCloseTo(americanPrice(...a), 7);
  });

  it('is NaN at an infinite spot, strike or maturity for every method (ALO priced a put at S = ∞ as −∞)', () => {
    for (const method of ['baw', 'bjerksund', 'alo', 'binomial'] as const) {
      expect(americanPrice('put', Number.POSITIVE_INFINITY, 100, 1, 0.05, 0, 0.3, method), method).toBeNaN();
      expect(americanPrice('put', 100, Number.POSITIVE_INFINITY, 1, 0.05, 0, 0.3, method), method).toBeNaN();
      // Bjerksund-Stensland read 0 for the perpetual put
      expect(
        americanPrice('put', 100, 100, Number.POSITIVE_INFINITY, 0.05, 0, 0.3, method),
        method,
      ).toBeNaN();
    }
  });

  it.each(ANALYTIC)('%s: intrinsic ≤ price, European ≤ price ≤ S (call) or K (put) (property)', (method) => {
    fc.assert(
      fc.property(realistic, ({ type, S, u, T, r, q, vol }) => {
        const K = S * Math.exp(u);
        const v = americanPrice(type, S, K, T, r, q, vol, method);
        expect(v).toBeGreaterThanOrEqual(Math.max(type === 'call' ? S - K : K - S, 0) - 1e-12 * K);
        expect(v).toBeGreaterThanOrEqual(bsPrice(type, S, K, T, r, q, vol) - 1e-12 * K);
        expect(v).toBeLessThanOrEqual(type === 'call' ? S : K);
      }),
      { numRuns: method === 'alo' ? 60 : 300 },
    );
  });

  it.each(ANALYTIC)(
    '%s: the same bounds hold beyond realistic inputs — negative rates, high yields, extreme vol (property)',
    (method) => {
      fc.assert(
        fc.property(wide, ({ type, S, u, T, r, q, vol }) => {
          const K = S * Math.exp(u);
          const v = americanPrice(type, S, K, T, r, q, vol, method);
          const tol = 1e-9 * Math.max(S, K);
          expect(v).toBeGreaterThanOrEqual(Math.max(type === 'call' ? S - K : K - S, 0) - tol);
          expect(v).toBeGreaterThanOrEqual(bsPrice(type, S, K, T, r, q, vol) - tol);
          // never exercised early, the American is the European, which a negative rate (put) or yield (call) lifts
          // above K (resp. S): the bound is K·max(1, e^{−rT}), resp. S·max(1, e^{−qT})
          const bound =
            type === 'call' ? S * Math.max(1, Math.exp(-q * T)) : K * Math.max(1, Math.exp(-r * T));
          expect(v).toBeLessThanOrEqual(bound * (1 + 1e-12));
        }),
        { numRuns: method === 'alo' ? 40 : 2000 },
      );
    },
  );

  it('BAW: a deep in-the-money call with r < 0 < q is exercised at once (its critical-price search once walked away)', () => {
    // put-equivalent q < 0 made the smooth-pasting function rise on the in-the-money side; the result was the
    // European price 4.05, below the intrinsic value 7.71
    const a = [
      'call',
      9.860985241112775,
      2.147222962754549,
      4.4463691411430135,
      -0.0193717,
      0.0974659,
      0.0263833,
    ] as const;
    const intrinsic = a[1] - a[2];
    expect(americanPrice(...a, 'baw')).toBeCloseTo(intrinsic, 12);
    expect(americanPrice(...a, 'binomial', { steps: 801, smoothing: 'bbsr' })).toBeCloseTo(intrinsic, 12);
  });

  it('double-boundary regime (q < r ≤ 0 put): the lattice fallback is floored at the European price', () => {
    // early exercise barely pays here; the 801-step lattice alone came out 1e-9 below the European price
    const a = [
      'put',
      1,
      Math.exp(-2),
      0.22869650623474005,
      -0.01999999983,
      -0.02,
      1.0810490176015133,
    ] as const;
    const eu = bsPrice(...a);
    for (const method of ANALYTIC) expect(americanPrice(...a, method)).toBeGreaterThanOrEqual(eu);
  });

  it.each(ANALYTIC)(
    '%s: a call without dividends is worth its European price, to rounding (property)',
    (method) => {
      fc.assert(
        fc.property(realistic, ({ S, u, T, r, vol }) => {
          const K = S * Math.exp(u);
          const diff =
            americanPrice('call', S, K, T, r, 0, vol, method) - bsPrice('call', S, K, T, r, 0, vol);
          expect(Math.abs(diff)).toBeLessThanOrEqual(1e-13 * S);
        }),
      );
    },
  );

  it('binomial: a call without dividends matches the European price within the lattice error', () => {
    for (const [S, T, vol] of [
      [90, 0.5, 0.3],
      [110, 2, 0.6],
    ]) {
      const eu = bsPrice('call', S, 100, T, 0.05, 0, vol);
      expect(Math.abs(americanPrice('call', S, 100, T, 0.05, 0, vol, 'binomial') - eu)).toBeLessThan(2e-2);
      expect(
        Math.abs(americanPrice('call', S, 100, T, 0.05, 0, vol, 'binomial', { smoothing: 'bbsr' }) - eu),
      ).toBeLessThan(1e-3);
    }
  });

  it.each(ANALYTIC)(
    '%s: calls rise and puts fall with the spot; both rise with volatility (property)',
    (method) => {
      fc.assert(
        fc.property(realistic, ({ type, S, u, T, r, q, vol }) => {
          const K = S * Math.exp(u);
          const v = americanPrice(type, S, K, T, r, q, vol, method);
          const up = americanPrice(type, S * 1.02, K, T, r, q, vol, method);
          const volUp = americanPrice(type, S, K, T, r, q, vol * 1.05, method);
          const tol = 1e-9 * K;
          if (type === 'call') expect(up).toBeGreaterThanOrEqual(v - tol);
          else expect(up).toBeLessThanOrEqual(v + tol);
          expect(volUp).toBeGreaterThanOrEqual(v - tol);
        }),
        { numRuns: method === 'alo' ? 40 : 200 },
      );
    },
  );

  it('orders the methods as the theory says on a dividend put: European ≤ BS2002 ≤ ALO, and BAW, lattice close to ALO', () => {
    const a = ['put', 100, 100, 1, 0.06, 0.01, 0.25] as const;
    const alo = americanPrice(...a, 'alo');
    expect(bsPrice(...a)).toBeLessThan(americanPrice(...a, 'bjerksund'));
    expect(americanPrice(...a, 'bjerksund')).toBeLessThan(alo);
    expect(Math.abs(americanPrice(...a, 'baw') - alo)).toBeLessThan(3e-2);
    expect(Math.abs(americanPrice(...a, 'binomial', { steps: 1601, smoothing: 'bbsr' }) - alo)).toBeLessThan(
      1e-4,
    );
  });
});
