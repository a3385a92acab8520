import { describe, expect, it } from 'vitest';
import { expiryPnl } from '../../src/strategies/payoff.js';
import { candidates, probAboveByHand, withShorts } from './fixtures.js';

describe('iron condor on the XYZ fixture', () => {
  const trades = candidates('iron_condor');

  it('combines each put spread with each call spread above it: 2 × 2 = 4 condors', () => {
    expect(trades).toHaveLength(4);
    expect(trades.every((t) => t.legs.length === 4 && t.label === 'IRON_CONDOR')).toBe(true);
  });

  it('90/95 puts + 105/110 calls: credit 0.80 + 0.95 = 1.75, max loss (5 − 1.75)×100 = $325, breakevens 93.25 / 106.75', () => {
    const t = withShorts(trades, 95, 105);
    expect(t.legs.map((l) => `${l.action} ${l.type} ${l.strike}`)).toEqual([
      'BUY put 90',
      'SELL put 95',
      'SELL call 105',
      'BUY call 110',
    ]);
    expect(t.netCredit).toBeCloseTo(1.75, 12);
    expect(t.maxProfit).toBeCloseTo(175, 9);
    expect(t.maxLoss).toBeCloseTo(325, 9);
    expect(t.capitalRequired).toBeCloseTo(325, 9);
    expect(t.breakevens[0]).toBeCloseTo(93.25, 12);
    expect(t.breakevens[1]).toBeCloseTo(106.75, 12);
    expect(t.creditToMaxLoss).toBeCloseTo(175 / 325, 12);
  });

  it('payoff: +175 between the shorts, 0 at each breakeven, −325 beyond either wing', () => {
    const t = withShorts(trades, 95, 105);
    expect(expiryPnl(t, 100)).toBeCloseTo(175, 9);
    expect(expiryPnl(t, 93.25)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 106.75)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 92)).toBeCloseTo(-125, 9);
    expect(expiryPnl(t, 80)).toBeCloseTo(-325, 9);
    expect(expiryPnl(t, 125)).toBeCloseTo(-325, 9);
  });

  it('unequal wings: max loss is the wider side less the credit', () => {
    const t = withShorts(candidates('iron_condor', { spreadWidths: [5, 10] }), 95, 105);
    const wide = candidates('iron_condor', { spreadWidths: [5, 10] }).find(
      (x) => x.legs[0].strike === 85 && x.legs[1].strike === 95 && x.legs[3].strike === 110,
    );
    expect(t).toBeDefined();
    expect(wide?.netCredit).toBeCloseTo(1.5 - 0.3 + 0.95, 12);
    expect(wide?.maxLoss).toBeCloseTo((10 - 2.15) * 100, 9);
    expect(expiryPnl(wide!, 70)).toBeCloseTo(-(10 - 2.15) * 100, 9);
    expect(expiryPnl(wide!, 130)).toBeCloseTo(-(5 - 2.15) * 100, 9);
  });

  it('POP = P(S_T > 93.25) − P(S_T > 106.75), each tail with its side IV at the breakeven', () => {
    const t = withShorts(trades, 95, 105);
    const volLo = 0.32 + 0.04 * (1.75 / 5);
    const volHi = 0.28 - 0.01 * (1.75 / 5);
    expect(t.pop).toBeCloseTo(probAboveByHand(93.25, volLo) - probAboveByHand(106.75, volHi), 12);
  });
});
