import { describe, expect, it } from 'vitest';
import { generateCandidates } from '../../src/strategies/generate.js';
import { expiryPnl } from '../../src/strategies/payoff.js';
import {
  aboveOnSmile,
  candidates,
  chain,
  ctx,
  fittedSlope,
  params,
  T_FRONT,
  withShorts,
} from './fixtures.js';

describe('covered call on the XYZ fixture (stock 99.98 / 100.02)', () => {
  it('buy-write of the 105 call: debit 100.02 − 1.60 = 98.42, capital $9842, max profit $658, breakeven 98.42', () => {
    const t = withShorts(candidates('covered_call'), 105);
    expect(t.legs.map((l) => `${l.action} ${l.type} ${l.quantity}`)).toEqual(['BUY stock 1', 'SELL call 1']);
    expect(t.isCredit).toBe(false);
    expect(t.netCredit).toBeCloseTo(-98.42, 12);
    expect(t.maxLoss).toBeCloseTo(9842, 9);
    expect(t.capitalRequired).toBeCloseTo(9842, 9);
    expect(t.maxProfit).toBeCloseTo(658, 9);
    expect(t.breakevens[0]).toBeCloseTo(98.42, 12);
    expect(t.greeks.delta).toBeCloseTo(1 - 0.28, 12);
    // POP on the smile at the breakeven, 98.42: read between the 95 and 100 puts (IV 0.32 → 0.30, fitted slopes),
    // not at the short call's 105 (IV 0.28)
    const w = (98.42 - 95) / 5;
    const iv = 0.32 + (0.3 - 0.32) * w;
    const slope =
      fittedSlope(chain, 'put', 95) + (fittedSlope(chain, 'put', 100) - fittedSlope(chain, 'put', 95)) * w;
    expect(t.pop).toBeCloseTo(aboveOnSmile(98.42, iv, slope), 12);
    expect(t.breakevenSigmas[0]).toBeCloseTo(Math.log(98.42 / 100) / (iv * Math.sqrt(T_FRONT)), 12);
  });

  it('payoff: +658 above 105, 0 at 98.42, −9842 at 0', () => {
    const t = withShorts(candidates('covered_call'), 105);
    expect(expiryPnl(t, 120)).toBeCloseTo(658, 9);
    expect(expiryPnl(t, 98.42)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 0)).toBeCloseTo(-9842, 9);
  });

  it('shares already owned: credit = premium 1.60, basis mid 100.00, capital 0, max loss $9840', () => {
    const t = withShorts(candidates('covered_call', { assumeStockOwned: true }), 105);
    expect(t.isCredit).toBe(true);
    expect(t.netCredit).toBeCloseTo(1.6, 12);
    expect(t.netCreditMid).toBeCloseTo(1.65, 12);
    expect(t.capitalRequired).toBe(0);
    expect(t.maxLoss).toBeCloseTo(9840, 9);
    expect(t.maxProfit).toBeCloseTo(660, 9);
    expect(t.breakevens[0]).toBeCloseTo(98.4, 12);
    expect(expiryPnl(t, 98.4)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 130)).toBeCloseTo(660, 9);
  });
});

describe('covered call when the underlying has no bid', () => {
  it.each([0, Number.NaN])(
    'bid %s: the stock leg and the mid credit take the ask (as the basis does)',
    (bid) => {
      const c = { ...ctx, underlying: { bid, ask: 100.02, time: ctx.asOf - 5000 } };
      const t = withShorts(generateCandidates(chain, c, params(['covered_call'])).trades, 105);
      expect(t.legs[0].mid).toBe(100.02); // was 50.01 (half the ask) or NaN
      expect(t.netCreditMid).toBeCloseTo(t.legs[1].mid - 100.02, 12);
      expect(t.netCredit).toBeCloseTo(-98.42, 12);
    },
  );
});
