import { describe, expect, it } from 'vitest';
import {
  applyConstraints,
  checkTrade,
  hardLimits,
  REJECTION_REASONS,
} from '../../src/selection/constraints.js';
import type { HardLimits } from '../../src/strategies/hardRules.js';
import type { Trade } from '../../src/strategies/types.js';
import { AS_OF, candidates, withShorts } from '../strategies/fixtures.js';

/** Limits the fixture's 95/90 put spread (POP ≈ 0.70, ratio 0.19, max loss $420, 28 days) passes. */
const limits: HardLimits = {
  minPop: 0.6,
  minCreditRatio: 0.15,
  maxLoss: 500,
  maxCapital: 5000,
  maxQuoteAgeMs: 600_000,
  minOpenInterest: 100,
  minVolume: 10,
  maxBidAskPct: 0.2,
  minDte: 15,
  maxDte: 45,
  minDaysToEarnings: 0,
};
const base = withShorts(candidates('put_credit_spread'), 95);
const ctx = { asOf: AS_OF };
const check = (t: Trade, l: Partial<HardLimits> = {}, earnings?: string) =>
  checkTrade(t, { ...limits, ...l }, { asOf: AS_OF, nextEarnings: () => earnings });
const withLeg = (t: Trade, i: number, patch: Partial<Trade['legs'][number]>): Trade => ({
  ...t,
  legs: t.legs.map((l, j) => (j === i ? { ...l, ...patch } : l)),
});

describe('hard constraints, one pass and one fail each', () => {
  it('the base trade passes every rule', () => {
    expect(check(base)).toBeNull();
  });

  it('dte: 28 days passes [15, 45], fails [30, 45] and [15, 27]', () => {
    expect(check(base, { minDte: 28, maxDte: 28 })).toBeNull();
    expect(check(base, { minDte: 30 })).toBe('dte');
    expect(check(base, { maxDte: 27 })).toBe('dte');
  });

  it('earnings: off at 0 days; with 2 days, 2026-12-20 is inside (expiry 12-18 + 2), 2026-12-21 is not', () => {
    expect(check(base, {}, '2026-12-01')).toBeNull();
    expect(check(base, { minDaysToEarnings: 2 }, '2026-12-20')).toBe('earnings');
    expect(check(base, { minDaysToEarnings: 2 }, '2026-12-21')).toBeNull();
    expect(check(base, { minDaysToEarnings: 2 }, '2026-11-19')).toBeNull();
  });

  it('quote_age: 30 s old passes 600 s; a leg 601 s old fails; a leg without time fails', () => {
    expect(check(withLeg(base, 1, { quoteTime: AS_OF - 600_000 }))).toBeNull();
    expect(check(withLeg(base, 1, { quoteTime: AS_OF - 601_000 }))).toBe('quote_age');
    expect(check(withLeg(base, 0, { quoteTime: Number.NaN }))).toBe('quote_age');
  });

  it('open_interest: 100 passes a minimum of 100, 99 fails', () => {
    expect(check(withLeg(base, 0, { openInterest: 100 }))).toBeNull();
    expect(check(withLeg(base, 0, { openInterest: 99 }))).toBe('open_interest');
  });

  it('volume: 10 passes a minimum of 10, 9 fails', () => {
    expect(check(withLeg(base, 1, { volume: 10 }))).toBeNull();
    expect(check(withLeg(base, 1, { volume: 9 }))).toBe('volume');
  });

  it('bid_ask: (0.70 − 0.60)/0.65 = 15.4 % passes 20 %, fails 15 %; no bid fails', () => {
    expect(check(base, { maxBidAskPct: 0.155 })).toBeNull();
    expect(check(base, { maxBidAskPct: 0.15 })).toBe('bid_ask');
    expect(check(withLeg(base, 1, { bid: 0 }))).toBe('bid_ask');
  });

  it('no_credit / bad_quote: a credit strategy must collect a credit smaller than its width', () => {
    expect(check({ ...base, netCredit: 0 })).toBe('no_credit');
    expect(check({ ...base, maxLoss: 0 })).toBe('bad_quote');
  });

  it('credit_ratio: 80/420 = 0.190 passes 0.19, fails 0.33; debit trades are exempt', () => {
    expect(check(base, { minCreditRatio: 0.19 })).toBeNull();
    expect(check(base, { minCreditRatio: 0.33 })).toBe('credit_ratio');
    const cal = candidates('put_calendar')[0];
    expect(check(cal, { minCreditRatio: 0.33, minPop: 0 })).toBeNull();
  });

  it('max_loss: $420 passes $420, fails $419', () => {
    expect(check(base, { maxLoss: 420 + 1e-9 })).toBeNull();
    expect(check(base, { maxLoss: 419 })).toBe('max_loss');
  });

  it('capital: $420 passes $420 available, fails $400', () => {
    expect(check(base, { maxCapital: 420 + 1e-9 })).toBeNull();
    expect(check(base, { maxCapital: 400 })).toBe('capital');
  });

  it('pop: passes min_pop at its POP, fails just above; NaN fails', () => {
    expect(check(base, { minPop: base.pop })).toBeNull();
    expect(check(base, { minPop: base.pop + 1e-9 })).toBe('pop');
    expect(check({ ...base, pop: Number.NaN })).toBe('pop');
  });

  it('a trade failing several rules counts once, under the first in rule order', () => {
    const t = withLeg({ ...base, pop: 0.1 }, 0, { openInterest: 0 });
    expect(check(t, { maxLoss: 100 })).toBe('open_interest');
    const r = applyConstraints([t, base, { ...base, pop: 0.1 }], limits, ctx);
    expect(r.passed).toEqual([base]);
    expect(r.rejections.open_interest).toBe(1);
    expect(r.rejections.pop).toBe(1);
    expect(Object.keys(r.rejections)).toEqual([...REJECTION_REASONS]);
  });
});

describe('hardLimits', () => {
  const constraints = {
    min_pop: 0.65,
    min_credit_ratio: 0.33,
    max_loss_per_trade: 500,
    min_dte: 15,
    max_dte: 45,
    max_quote_age_seconds: 600,
    min_open_interest: 100,
    min_volume: 10,
    max_bid_ask_pct: 0.1,
    max_trades_per_sector: 2,
    min_days_to_earnings: 0,
    portfolio: { delta_min: -0.3, delta_max: 0.3, vega_min: -0.05 },
  };

  it('scales max loss by NAV/100k ($500 at 100k, $1250 at 250k) and takes capital as available', () => {
    expect(hardLimits({ nav: 100_000, available_capital: 5000 }, constraints)).toMatchObject({
      maxLoss: 500,
      maxCapital: 5000,
      maxQuoteAgeMs: 600_000,
      minPop: 0.65,
    });
    expect(hardLimits({ nav: 250_000, available_capital: 5000 }, constraints).maxLoss).toBe(1250);
  });
});
