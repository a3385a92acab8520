import { describe, expect, it } from 'vitest';
import { expiryPnl } from '../../src/strategies/payoff.js';
import { aboveOnSmile, candidates, chain, slopeAt } from './fixtures.js';

describe('iron butterfly on the XYZ fixture', () => {
  const trades = candidates('iron_butterfly');

  it('body at the strike equal to spot (100), wings ±5', () => {
    expect(trades).toHaveLength(1);
    expect(trades[0].legs.map((l) => `${l.action} ${l.type} ${l.strike}`)).toEqual([
      'BUY put 95',
      'SELL put 100',
      'SELL call 100',
      'BUY call 105',
    ]);
  });

  it('credit 3.40 + 3.60 − 1.60 − 1.70 = 3.70, max profit $370, max loss $130, breakevens 96.30 / 103.70', () => {
    const t = trades[0];
    expect(t.netCredit).toBeCloseTo(3.7, 12);
    expect(t.maxProfit).toBeCloseTo(370, 9);
    expect(t.maxLoss).toBeCloseTo(130, 9);
    expect(t.capitalRequired).toBeCloseTo(130, 9);
    expect(t.breakevens[0]).toBeCloseTo(96.3, 12);
    expect(t.breakevens[1]).toBeCloseTo(103.7, 12);
  });

  it('payoff: +370 at 100, 0 at the breakevens, +170 at 102, −130 beyond the wings', () => {
    const t = trades[0];
    expect(expiryPnl(t, 100)).toBeCloseTo(370, 9);
    expect(expiryPnl(t, 96.3)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 103.7)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 102)).toBeCloseTo(170, 9);
    expect(expiryPnl(t, 90)).toBeCloseTo(-130, 9);
    expect(expiryPnl(t, 111)).toBeCloseTo(-130, 9);
  });

  it('POP between the breakevens with body/wing IVs read at each', () => {
    const t = trades[0];
    const volLo = 0.3 + 0.02 * (3.7 / 5);
    const volHi = 0.3 - 0.02 * (3.7 / 5);
    const slopeLo = slopeAt(chain, 'put', 96.3, 100, 95);
    const slopeHi = slopeAt(chain, 'call', 103.7, 100, 105);
    expect(t.pop).toBeCloseTo(aboveOnSmile(96.3, volLo, slopeLo) - aboveOnSmile(103.7, volHi, slopeHi), 12);
  });
});
