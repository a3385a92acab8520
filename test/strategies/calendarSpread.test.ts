import { describe, expect, it } from 'vitest';
import { expiryTime } from '../../src/market/expiry.js';
import { SimulatedProvider } from '../../src/market/providers/simulated/simulatedProvider.js';
import { bsPrice } from '../../src/quant/bsPrice.js';
import { probBetween } from '../../src/quant/probability.js';
import { forwardVol } from '../../src/strategies/forwardVol.js';
import { generateCandidates } from '../../src/strategies/generate.js';
import { PERMISSIVE_LIMITS } from '../../src/strategies/hardRules.js';
import { expiryPnl } from '../../src/strategies/payoff.js';
import { AS_OF, BACK, candidates, ctx, FRONT, params, Q, R, T_FRONT } from './fixtures.js';
import { manualChain, syntheticChain } from './syntheticChain.js';

const market = { r: R, q: Q };
const TAU = 28 / 365; // front 2026-12-18 → back 2027-01-15, both 16:00 New York

describe('calendar spreads on the XYZ fixture', () => {
  const puts = candidates('put_calendar');
  const calls = candidates('call_calendar');

  it('put calendar at 100 (front |delta| 0.48 ≤ 0.50), call calendar at 105; the 0.52-delta call is left out', () => {
    expect(puts.map((t) => t.legs.map((l) => `${l.action} ${l.strike} ${l.expiration}`))).toEqual([
      [`SELL 100 ${FRONT}`, `BUY 100 ${BACK}`],
    ]);
    expect(calls.map((t) => t.legs[0].strike)).toEqual([105]);
  });

  it('put calendar: debit 5.00 − 3.40 = 1.60, max loss and capital $160, max profit = BSM back put at S = K − debit', () => {
    const t = puts[0];
    expect(t.isCredit).toBe(false);
    expect(t.netCredit).toBeCloseTo(-1.6, 12);
    expect(t.maxLoss).toBeCloseTo(160, 9);
    expect(t.capitalRequired).toBeCloseTo(160, 9);
    expect(t.creditToMaxLoss).toBeCloseTo(-1, 12);
    const peak = bsPrice('put', 100, 100, TAU, R, Q, 0.3);
    expect(t.maxProfit).toBeCloseTo((peak - 1.6) * 100, 6);
    expect(expiryPnl(t, 100, market)).toBeCloseTo(t.maxProfit, 6);
    expect(t.greeks.vega).toBeCloseTo(0.16 - 0.11, 12);
    expect(t.greeks.vega).toBeGreaterThan(0);
  });

  it('breakevens are the zero crossings of the front-expiry P&L on each side of the strike; loss tends to the debit', () => {
    const t = puts[0];
    const [lo, hi] = t.breakevens;
    expect(lo).toBeLessThan(100);
    expect(hi).toBeGreaterThan(100);
    expect(expiryPnl(t, lo, market)).toBeCloseTo(0, 3);
    expect(expiryPnl(t, hi, market)).toBeCloseTo(0, 3);
    expect(expiryPnl(t, lo - 1, market)).toBeLessThan(0);
    expect(expiryPnl(t, hi + 1, market)).toBeLessThan(0);
    expect(expiryPnl(t, 40, market)).toBeCloseTo(-160, 6);
    expect(expiryPnl(t, 200, market)).toBeCloseTo(-160, 6);
  });

  it('solves each breakeven to the last few digits: the P&L there is 0 to 1e-8 $ (the 1e-9·K stop left 1e-7)', () => {
    for (const vol of [0.15, 0.3, 0.9])
      for (const q of [0, 0.03]) {
        const c = syntheticChain({ underlying: 'CAL', spot: 100, asOf: AS_OF, dtes: [21, 28, 49], vol, q });
        const p = params(['call_calendar', 'put_calendar'], { shortDeltaMin: 0.05, calendarBackDteMax: 40 });
        const { trades } = generateCandidates(c, { ...ctx, dividendYield: q }, p);
        expect(trades.length).toBeGreaterThanOrEqual(10);
        for (const t of trades)
          for (const be of t.breakevens)
            expect(Math.abs(expiryPnl(t, be, { r: R, q, asOf: AS_OF }))).toBeLessThan(1e-8);
      }
  });

  it('values an AM-settled front (SPX monthlies, 09:30) to its own instant: the P&L at the breakevens is 0', () => {
    const c = syntheticChain({ underlying: 'SPX', spot: 100, asOf: AS_OF, dtes: [21, 28, 49] });
    const front = c.expirations[0];
    c.expirations[0] = { ...front, expiryTime: expiryTime(front.expiration, 'am') };
    const p = params(['call_calendar', 'put_calendar'], { shortDeltaMin: 0.05, calendarBackDteMax: 40 });
    const { trades } = generateCandidates(c, ctx, p);
    const amFront = trades.filter((t) => t.legs[0].expiration === front.expiration);
    expect(amFront.length).toBeGreaterThanOrEqual(5);
    for (const t of amFront) {
      expect(t.legs[0].expiryTime).toBe(Date.parse(`${front.expiration}T14:30:00Z`));
      expect(t.legs[1].expiryTime).toBe(
        c.expirations.find((e) => e.expiration === t.legs[1].expiration)?.expiryTime,
      );
      for (const be of t.breakevens)
        expect(Math.abs(expiryPnl(t, be, { r: R, q: Q, asOf: AS_OF }))).toBeLessThan(1e-8);
    }
  });

  it('POP = P(lo < S_T < hi) at the front expiry with the front IV', () => {
    const t = puts[0];
    const [lo, hi] = t.breakevens;
    expect(t.pop).toBeCloseTo(probBetween(100, lo, hi, T_FRONT, 0.3, R - Q), 12);
  });

  it('call calendar at 105: debit 3.00 − 1.60 = 1.40', () => {
    const t = calls[0];
    expect(t.netCredit).toBeCloseTo(-1.4, 12);
    expect(t.maxLoss).toBeCloseTo(140, 9);
    expect(t.maxProfit).toBeCloseTo((bsPrice('call', 105, 105, TAU, R, Q, 0.28) - 1.4) * 100, 6);
  });

  it('no calendar when no back expiry lies front + [min, max] days away', () => {
    expect(candidates('put_calendar', { calendarBackDteMin: 30, calendarBackDteMax: 60 })).toEqual([]);
  });
});

describe('calendar breakevens on a simulated SPY chain (independent front-expiry P&L)', () => {
  const asOf = Date.parse('2026-03-10T17:00:00Z');

  /** Calendars of every strike the generator takes, at rates r, q. */
  function calendars(r: number, q: number) {
    const sp = new SimulatedProvider({ seed: 7, riskFreeRate: r });
    const exps = sp
      .listedExpirations('SPY', asOf)
      .map((l) => l.date)
      .slice(0, 14); // to 2026-04-17: weeklies and the first monthlies
    const chain = sp.chainAt('SPY', exps, asOf);
    return generateCandidates(
      chain,
      { asOf, riskFreeRate: r, dividendYield: q },
      {
        strategies: ['call_calendar', 'put_calendar'],
        minDte: 3,
        maxDte: 45,
        shortDeltaMin: 0.05,
        shortDeltaMax: 0.45,
        spreadWidths: [5],
        calendarBackDteMin: 7,
        calendarBackDteMax: 40,
        assumeStockOwned: false,
        contracts: 1,
      },
    ).trades;
  }

  /** Sign changes of the P&L on a log grid K·e^m, |m| ≤ 3: where the true breakevens are. */
  function crossings(t: ReturnType<typeof calendars>[number], r: number, q: number): number[] {
    const k = t.legs[0].strike;
    const out: number[] = [];
    let prev = Number.NaN;
    let prevX = Number.NaN;
    for (let i = -1500; i <= 1500; i++) {
      const x = k * Math.exp(i / 500);
      const v = expiryPnl(t, x, { r, q, asOf });
      if (Math.abs(v) > 1e-9 && !Number.isNaN(prev) && v > 0 !== prev > 0) out.push(Math.sqrt(x * prevX));
      if (Math.abs(v) > 1e-9) {
        prev = v;
        prevX = x;
      }
    }
    return out;
  }

  it.each([
    // q = 0: a deep in-the-money call keeps K(1 − e^{−rτ}) of time value; above the debit there is no upper
    // breakeven (one was reported at the search's end, 614.59, with P&L +2.04 there and above)
    ['r 4.2 %, q 0', 0.042, 0],
    // q = 15 %: the lower root of a put calendar lies beyond 10σ√τ (it was reported at the search's end)
    ['r 4.2 %, q 15 %', 0.042, 0.15],
  ])('%s: the reported breakevens are the P&L sign changes, no more, no fewer', (_n, r, q) => {
    const trades = calendars(r, q).filter((t) => t.breakevens.length > 0);
    expect(trades.length).toBeGreaterThan(20);
    // every single-breakeven calendar and a sample of the others
    const step = Math.ceil(trades.length / 120);
    const checked = trades.filter((t, i) => i % step === 0 || t.breakevens.length === 1).slice(0, 300);
    for (const t of checked) {
      const truth = crossings(t, r, q);
      const k = t.legs[0].strike;
      const tag = `${t.strategy} ${k} ${t.legs.map((l) => l.expiration).join('/')}: ${t.breakevens} vs ${truth}`;
      expect(t.breakevens.length, tag).toBe(truth.length);
      // within the grid step (0.2 % of K); the payoff values the back leg as the generator does (asOf given)
      for (const [i, b] of t.breakevens.entries())
        expect(Math.abs(b - truth[i]), tag).toBeLessThan(0.004 * k);
    }
    if (q === 0) expect(checked.some((t) => t.breakevens.length === 1)).toBe(true); // the case exists here
  });
});

describe('calendar whose front period holds an event (front IV above the back IV)', () => {
  it('values the back leg at the forward vol of [front, back], not at its own IV', () => {
    // front 2026-12-18 at IV 0.40 (earnings before it), back 2027-01-15 at 0.34: the variance left after the
    // front expiry is (0.34²·T_B − 0.40²·T_F)/τ
    const chain = manualChain('XYZ', 100, AS_OF, [
      {
        expiration: FRONT,
        strikes: [95, 100, 105],
        puts: [null, { bid: 4.3, ask: 4.5, delta: -0.48, iv: 0.4 }, null],
        calls: [null, null, null],
      },
      {
        expiration: BACK,
        strikes: [95, 100, 105],
        puts: [null, { bid: 5.2, ask: 5.4, delta: -0.47, iv: 0.34 }, null],
        calls: [null, null, null],
      },
    ]);
    const limits = { ...PERMISSIVE_LIMITS, minPop: 0 };
    const [t] = generateCandidates(chain, ctx, params(['put_calendar'], { limits })).trades;
    expect(t).toBeDefined();
    const tB = (Date.parse('2027-01-15T21:00:00Z') - AS_OF) / (365 * 86_400_000);
    const fwd = Math.sqrt((0.34 ** 2 * tB - 0.4 ** 2 * T_FRONT) / (tB - T_FRONT));
    expect(fwd).toBeCloseTo(0.27, 2); // the back period's own vol, well under the back leg's 0.34
    const debit = 5.4 - 4.3;
    expect(t.maxProfit).toBeCloseTo((bsPrice('put', 100, 100, tB - T_FRONT, R, Q, fwd) - debit) * 100, 6);
    // at its own IV the back leg's value kept the event: the peak looked over 1.3× larger
    expect(bsPrice('put', 100, 100, tB - T_FRONT, R, Q, 0.34) - debit).toBeGreaterThan(
      1.3 * (t.maxProfit / 100),
    );
    // the payoff, given the as-of, agrees at the strike and at the breakevens
    expect(expiryPnl(t, 100, { r: R, q: Q, asOf: AS_OF })).toBeCloseTo(t.maxProfit, 6);
    for (const b of t.breakevens) expect(expiryPnl(t, b, { r: R, q: Q, asOf: AS_OF })).toBeCloseTo(0, 3);
  });

  it('forwardVol: additive total variance; 0 when the quotes imply a negative one', () => {
    expect(forwardVol(0.3, 0.1, 0.3, 0.3)).toBeCloseTo(0.3, 15);
    // (0.35²·0.3 − 0.5²·0.1)/0.2 = 0.05875
    expect(forwardVol(0.5, 0.1, 0.35, 0.3)).toBeCloseTo(Math.sqrt(0.05875), 15);
    expect(forwardVol(0.6, 0.2, 0.3, 0.3)).toBe(0);
    expect(forwardVol(Number.NaN, 0.1, 0.3, 0.3)).toBeNaN();
  });
});
