import { describe, expect, it } from 'vitest';
import { expiryPnl } from '../../src/strategies/payoff.js';
import { aboveOnSmile, candidates, chain, slopeAt, withShorts } from './fixtures.js';

describe('call credit spread on the XYZ fixture', () => {
  const trades = candidates('call_credit_spread');

  it('pairs calls with delta in [0.10, 0.30] with the call 5 higher: 105/110 and 110/115', () => {
    expect(trades.map((t) => t.legs.map((l) => `${l.action} ${l.strike}`))).toEqual([
      ['SELL 105', 'BUY 110'],
      ['SELL 110', 'BUY 115'],
    ]);
  });

  it('105/110: credit 1.60 − 0.65 = 0.95, max profit $95, max loss $405, breakeven 105.95', () => {
    const t = withShorts(trades, 105);
    expect(t.netCredit).toBeCloseTo(0.95, 12);
    expect(t.maxProfit).toBeCloseTo(95, 9);
    expect(t.maxLoss).toBeCloseTo(405, 9);
    expect(t.capitalRequired).toBeCloseTo(405, 9);
    expect(t.breakevens).toEqual([expect.closeTo(105.95, 12)]);
    expect(t.creditToMaxLoss).toBeCloseTo(95 / 405, 12);
  });

  it('payoff: +95 below 105, 0 at 105.95, −205 at 108, −405 above 110', () => {
    const t = withShorts(trades, 105);
    expect(expiryPnl(t, 80)).toBeCloseTo(95, 9);
    expect(expiryPnl(t, 105.95)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 108)).toBeCloseTo(-205, 9);
    expect(expiryPnl(t, 130)).toBeCloseTo(-405, 9);
  });

  it('POP = P(S_T < 105.95) on the smile: IV between 0.28 and 0.27, slope between the legs; delta −0.16 (bearish)', () => {
    const t = withShorts(trades, 105);
    const vol = 0.28 - 0.01 * (0.95 / 5);
    expect(t.pop).toBeCloseTo(1 - aboveOnSmile(105.95, vol, slopeAt(chain, 'call', 105.95, 105, 110)), 12);
    expect(t.greeks.delta).toBeCloseTo(-0.16, 12);
  });
});
