import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../src/quant/bsPrice.js';
import { probBetween } from '../../src/quant/probability.js';
import { expiryPnl } from '../../src/strategies/payoff.js';
import { BACK, candidates, FRONT, Q, R, T_FRONT } from './fixtures.js';

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
