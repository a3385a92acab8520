import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakevens, expectedPnl, type PayoffLeg, payoffAt, payoffRange, pop } from '../../src/quant/pop.js';
import { probAbove, probBelow, probBetween } from '../../src/quant/probability.js';

const call = (strike: number, quantity: number, premium: number): PayoffLeg => ({
  type: 'call',
  strike,
  quantity,
  premium,
});
const put = (strike: number, quantity: number, premium: number): PayoffLeg => ({
  type: 'put',
  strike,
  quantity,
  premium,
});
const stock = (quantity: number, price: number): PayoffLeg => ({
  type: 'stock',
  strike: 0,
  quantity,
  premium: price,
});

const S = 100;
const T = 45 / 365;
const VOL = 0.28;
const M = 0.04; // risk-neutral r − q in these examples

describe('payoff, breakevens and range of textbook positions', () => {
  it('bull call spread 50/55 for a 2.00 debit: breakeven 52, max profit 3, max loss −2 (OIC strategy example)', () => {
    const legs = [call(50, 1, 3), call(55, -1, 1)];
    expect(breakevens(legs)).toEqual([52]);
    expect(payoffRange(legs)).toEqual({ maxProfit: 3, maxLoss: -2 });
    expect(payoffAt(legs, 60)).toBe(3);
    expect(payoffAt(legs, 40)).toBe(-2);
  });

  it('covered call: stock bought at 100, 105 call sold for 2 → breakeven 98, max profit 7, max loss −98', () => {
    const legs = [stock(1, 100), call(105, -1, 2)];
    expect(breakevens(legs)).toEqual([98]);
    expect(payoffRange(legs)).toEqual({ maxProfit: 7, maxLoss: -98 });
  });

  it('long straddle at 100 for 8: breakevens 92 and 108, unlimited profit', () => {
    const legs = [call(100, 1, 4.5), put(100, 1, 3.5)];
    expect(breakevens(legs)).toEqual([92, 108]);
    expect(payoffRange(legs).maxProfit).toBe(Number.POSITIVE_INFINITY);
    expect(payoffRange(legs).maxLoss).toBe(-8);
  });

  it('short call: unlimited loss', () => {
    expect(payoffRange([call(100, -1, 2)])).toEqual({ maxProfit: 2, maxLoss: Number.NEGATIVE_INFINITY });
  });
});

describe('POP sums lognormal probabilities of the profitable ranges', () => {
  it('short put: POP = P(S_T > breakeven) = P(S_T > K − premium), not 1 − |Δ|', () => {
    const legs = [put(95, -1, 2)];
    expect(breakevens(legs)).toEqual([93]);
    expect(pop(legs, S, T, VOL, M)).toBe(probAbove(S, 93, T, VOL, M));
    expect(pop(legs, S, T, VOL, M)).toBeGreaterThan(probAbove(S, 95, T, VOL, M)); // the premium buys room
  });

  it('long call: POP = P(S_T > K + premium)', () => {
    expect(pop([call(105, 1, 1.8)], S, T, VOL, M)).toBe(probAbove(S, 106.8, T, VOL, M));
  });

  it('iron condor 90/95/105/110 for a 2.00 credit: POP = P(93 < S_T < 107)', () => {
    const legs = [put(90, 1, 0.5), put(95, -1, 1.5), call(105, -1, 1.4), call(110, 1, 0.4)];
    expect(breakevens(legs)).toEqual([93, 107]);
    expect(payoffRange(legs)).toEqual({ maxProfit: 2, maxLoss: -3 });
    expect(pop(legs, S, T, VOL, M)).toBeCloseTo(probBetween(S, 93, 107, T, VOL, M), 15);
  });

  it('long straddle: POP = P(S_T < 92) + P(S_T > 108)', () => {
    const legs = [call(100, 1, 4.5), put(100, 1, 3.5)];
    const expected = probBelow(S, 92, T, VOL, M) + probAbove(S, 108, T, VOL, M);
    expect(pop(legs, S, T, VOL, M)).toBeCloseTo(expected, 15);
  });

  it('net cash shifts the P&L: a short put with premium 0 and net credit 2 equals the one with premium 2', () => {
    expect(pop([put(95, -1, 0)], S, T, VOL, M, 2)).toBe(pop([put(95, -1, 2)], S, T, VOL, M));
  });

  it('is 1 for a pure credit with nothing at risk and 0 for a pure debit', () => {
    expect(pop([], S, T, VOL, M, 1)).toBe(1);
    expect(pop([], S, T, VOL, M, -1)).toBe(0);
  });

  it('is NaN (breakevens empty) for an invalid position', () => {
    expect(pop([put(0, -1, 2)], S, T, VOL, M)).toBeNaN();
    expect(pop([call(100, Number.NaN, 2)], S, T, VOL, M)).toBeNaN();
    expect(breakevens([put(95, -1, Number.POSITIVE_INFINITY)])).toEqual([]);
    expect(payoffRange([stock(1, Number.NaN)]).maxProfit).toBeNaN();
  });

  it('depends on the chosen drift: real-world μ − q = 0.12 raises the POP of a short put', () => {
    const legs = [put(95, -1, 2)];
    expect(pop(legs, S, T, VOL, 0.12)).toBeGreaterThan(pop(legs, S, T, VOL, M));
  });
});

/** Independent oracle: P(P&L > 0) by midpoint integration over the standard normal driver. */
function popByQuadrature(legs: PayoffLeg[], netCash: number, T: number, vol: number, m: number): number {
  const n = 200_000;
  const h = 18 / n;
  const mu = Math.log(S) + (m - 0.5 * vol * vol) * T;
  const sd = vol * Math.sqrt(T);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const z = -9 + (i + 0.5) * h;
    if (payoffAt(legs, Math.exp(mu + sd * z), netCash) > 1e-9)
      p += (Math.exp(-0.5 * z * z) * h) / Math.sqrt(2 * Math.PI);
  }
  return p;
}

const legArb: fc.Arbitrary<PayoffLeg> = fc
  .record({
    type: fc.constantFrom<'call' | 'put' | 'stock'>('call', 'put', 'stock'),
    strike: fc.integer({ min: 32, max: 48 }).map((k) => 2.5 * k),
    quantity: fc.constantFrom(-2, -1, 1, 2),
    premium: fc.integer({ min: 1, max: 1200 }).map((cents) => cents / 100),
  })
  .map((leg) => (leg.type === 'stock' ? { ...leg, strike: 0, premium: 90 + leg.premium } : leg));
const positionArb = fc.record({
  legs: fc.array(legArb, { minLength: 1, maxLength: 4 }),
  netCash: fc.integer({ min: -500, max: 500 }).map((cents) => cents / 100),
  T: fc.double({ min: 0.02, max: 1, noNaN: true }),
  vol: fc.double({ min: 0.1, max: 0.8, noNaN: true }),
  m: fc.double({ min: -0.05, max: 0.15, noNaN: true }),
});

describe('positions whose quantities are fractions, and expiry itself', () => {
  it('a flat tail whose quantities sum to zero only within rounding is flat: no far breakeven, no infinite loss', () => {
    // long 0.3 calls at 95 for 6, short 0.1 + 0.2 at 105 for 2: 0.3 − 0.1 − 0.2 = −2.8e-17 had read as a falling tail
    const bull = [call(95, 0.3, 6), call(105, -0.1, 2), call(105, -0.2, 2)];
    expect(breakevens(bull)).toEqual([expect.closeTo(99, 12)]);
    const r = payoffRange(bull);
    expect(r.maxLoss).toBeCloseTo(-1.2, 12);
    expect(r.maxProfit).toBeCloseTo(1.8, 12);
    const bear = [call(95, -0.3, 6), call(105, 0.1, 2), call(105, 0.2, 2)];
    expect(payoffRange(bear).maxProfit).toBeCloseTo(1.2, 12); // was +∞
    // covered call with stock in three lots of 0.7 + 0.2 + 0.1 against one short call
    const covered = [stock(0.7, 100), stock(0.2, 100), stock(0.1, 100), call(105, -1, 2)];
    expect(breakevens(covered)).toEqual([expect.closeTo(98, 12)]);
    expect(payoffRange(covered).maxLoss).toBeCloseTo(-98, 12);
    expect(pop(bull, S, T, VOL, M)).toBeCloseTo(probAbove(S, 99, T, VOL, M), 12);
  });

  it('at expiry POP is 1 where the P&L at the forward is a profit and 0 where it is none, a breakeven included', () => {
    const shortPut = [put(95, -1, 2)]; // breakeven 93
    expect(pop(shortPut, 93, 0, VOL, 0)).toBe(0); // P&L exactly 0 there: no profit (was ½)
    expect(pop(shortPut, 93.01, 0, VOL, 0)).toBe(1);
    expect(pop(shortPut, 92.99, 0, VOL, 0)).toBe(0);
    expect(pop([call(100, 1, 0), put(100, 1, 0)], 100, 0, VOL, 0)).toBe(0); // zero-premium straddle at its strike: was 1
    expect(pop(shortPut, 90, 0.5, 0, Math.log(93.5 / 90) / 0.5)).toBe(1); // vol 0: the forward 93.5
    expect(pop(shortPut, 100, 0, -0.2, 0)).toBeNaN(); // a negative vol is no vol, at T = 0 too (−0.2·0 is −0)
    expect(pop(shortPut, 100, -1, 0, 0)).toBeNaN();
  });
});

describe('POP of random positions (property)', () => {
  it('agrees with midpoint integration of the lognormal density (tolerance 2e-4: ≤ 1.8e-5 per breakeven from the step)', () => {
    fc.assert(
      fc.property(positionArb, ({ legs, netCash, T, vol, m }) => {
        const p = pop(legs, S, T, vol, m, netCash);
        expect(Math.abs(p - popByQuadrature(legs, netCash, T, vol, m))).toBeLessThanOrEqual(2e-4);
      }),
      { numRuns: 40 },
    );
  });

  it('has P&L ≈ 0 at every breakeven, a probability in [0, 1], and POP(x) + POP(−x) ≤ 1', () => {
    fc.assert(
      fc.property(positionArb, ({ legs, netCash, T, vol, m }) => {
        for (const b of breakevens(legs, netCash))
          expect(Math.abs(payoffAt(legs, b, netCash))).toBeLessThanOrEqual(1e-9);
        const p = pop(legs, S, T, vol, m, netCash);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        const mirrored = legs.map((l) => ({ ...l, quantity: -l.quantity }));
        expect(p + pop(mirrored, S, T, vol, m, -netCash)).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe('expected P&L at expiry', () => {
  it('discounted at r reproduces the Haug Black-Scholes example, §1.1.1 (S 60, K 65, T 0.25, r 8%, σ 30%: 2.1334)', () => {
    const ev = expectedPnl([call(65, 1, 0)], 60, 0.25, 0.3, 0.08);
    expect(Math.abs(Math.exp(-0.08 * 0.25) * ev - 2.1334)).toBeLessThanOrEqual(5e-5);
  });

  it('is NaN for the positions and inputs POP rejects (a put at strike 0 had an EV of 2)', () => {
    expect(pop([put(0, -1, 2)], S, T, VOL, M)).toBeNaN();
    expect(expectedPnl([put(0, -1, 2)], S, T, VOL, M)).toBeNaN();
    expect(expectedPnl([stock(1, 100)], -1, T, VOL, M)).toBeNaN();
    expect(expectedPnl([call(100, 1, 2)], S, -1, VOL, M)).toBeNaN();
    expect(expectedPnl([call(100, 1, 2)], S, T, VOL, Number.NaN)).toBeNaN();
    expect(() => expectedPnl([{ ...call(100, 1, 2), type: 'Stock' as 'stock' }], S, T, VOL, M)).toThrow(
      /legs\[0\]\.type must be/,
    );
  });

  it('of stock is S·e^(mT) − entry, and is linear in the legs (property)', () => {
    expect(expectedPnl([stock(1, 100)], 100, 0.5, 0.3, 0.06)).toBeCloseTo(100 * Math.exp(0.03) - 100, 12);
    fc.assert(
      fc.property(positionArb, ({ legs, netCash, T, vol, m }) => {
        const whole = expectedPnl(legs, S, T, vol, m, netCash);
        const parts = legs.reduce((acc, leg) => acc + expectedPnl([leg], S, T, vol, m), netCash);
        expect(whole).toBeCloseTo(parts, 10);
      }),
    );
  });
});
