import { describe, expect, it } from 'vitest';
import { expiryPnl } from '../../src/strategies/payoff.js';
import { aboveOnSmile, candidates, chain, fittedSlope, withShorts } from './fixtures.js';

describe('cash-secured put on the XYZ fixture', () => {
  const trades = candidates('cash_secured_put');

  it('one candidate per put with |delta| in range: 90 and 95', () => {
    expect(trades.map((t) => t.legs[0].strike)).toEqual([90, 95]);
  });

  it('95 put: credit 1.50, max profit $150, max loss and capital 95×100 − 150 = $9350, breakeven 93.50', () => {
    const t = withShorts(trades, 95);
    expect(t.netCredit).toBeCloseTo(1.5, 12);
    expect(t.maxProfit).toBeCloseTo(150, 9);
    expect(t.maxLoss).toBeCloseTo(9350, 9);
    expect(t.capitalRequired).toBeCloseTo(9350, 9);
    expect(t.breakevens[0]).toBeCloseTo(93.5, 12);
    expect(t.creditToMaxLoss).toBeCloseTo(150 / 9350, 12);
  });

  it('payoff: +150 above 95, 0 at 93.50, −9350 at 0; POP with the put IV', () => {
    const t = withShorts(trades, 95);
    expect(expiryPnl(t, 110)).toBeCloseTo(150, 9);
    expect(expiryPnl(t, 93.5)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 80)).toBeCloseTo(-1350, 9);
    expect(expiryPnl(t, 0)).toBeCloseTo(-9350, 9);
    expect(t.pop).toBeCloseTo(aboveOnSmile(93.5, 0.32, fittedSlope(chain, 'put', 95)), 12);
  });
});
