import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../src/quant/bsPrice.js';
import { generateCandidates } from '../../src/strategies/generate.js';
import { expiryPnl } from '../../src/strategies/payoff.js';
import {
  AS_OF,
  aboveOnSmile,
  candidates,
  chain,
  ctx,
  FRONT,
  params,
  probAboveByHand,
  Q,
  R,
  slopeAt,
  T_FRONT,
  withShorts,
} from './fixtures.js';
import { manualChain } from './syntheticChain.js';

describe('put credit spread on the XYZ fixture (spot 100, 28 days)', () => {
  const trades = candidates('put_credit_spread');

  it('pairs each put with |delta| in [0.10, 0.30] with the put 5 lower: 95/90 and 90/85', () => {
    expect(trades.map((t) => t.legs.map((l) => `${l.action} ${l.type} ${l.strike}`))).toEqual([
      ['SELL put 90', 'BUY put 85'],
      ['SELL put 95', 'BUY put 90'],
    ]);
    expect(
      trades.every((t) => t.label === 'PUT_CREDIT_SPREAD' && t.expiration === FRONT && t.dte === 28),
    ).toBe(true);
  });

  it('95/90: credit 1.50 − 0.70 = 0.80, max profit $80, max loss (5 − 0.80)×100 = $420, breakeven 94.20', () => {
    const t = withShorts(trades, 95);
    expect(t.netCredit).toBeCloseTo(0.8, 12);
    expect(t.netCreditMid).toBeCloseTo(1.55 - 0.65, 12);
    expect(t.maxProfit).toBeCloseTo(80, 9);
    expect(t.maxLoss).toBeCloseTo(420, 9);
    expect(t.capitalRequired).toBeCloseTo(420, 9);
    expect(t.breakevens[0]).toBeCloseTo(94.2, 12);
    expect(t.creditToMaxLoss).toBeCloseTo(80 / 420, 12);
    expect(t.returnOnRisk).toBeCloseTo(80 / 420, 12);
  });

  it('payoff at expiry: +80 above 95, 0 at 94.20, −220 at 92, −420 below 90', () => {
    const t = withShorts(trades, 95);
    expect(expiryPnl(t, 120)).toBeCloseTo(80, 9);
    expect(expiryPnl(t, 95)).toBeCloseTo(80, 9);
    expect(expiryPnl(t, 94.2)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 92)).toBeCloseTo(-220, 9);
    expect(expiryPnl(t, 90)).toBeCloseTo(-420, 9);
    expect(expiryPnl(t, 50)).toBeCloseTo(-420, 9);
  });

  it('greeks are the signed leg sum: delta −(−0.25) + (−0.12) = +0.13, vega −0.09 + 0.06 = −0.03', () => {
    const t = withShorts(trades, 95);
    expect(t.greeks.delta).toBeCloseTo(0.13, 12);
    expect(t.greeks.vega).toBeCloseTo(-0.03, 12);
  });

  it('POP = P(S_T > 94.20) on the smile: the IV read between the legs at the breakeven (0.32 + 0.04 × 0.8/5), and its slope', () => {
    const t = withShorts(trades, 95);
    expect(t.pop).toBeCloseTo(
      aboveOnSmile(94.2, 0.32 + 0.04 * (0.8 / 5), slopeAt(chain, 'put', 94.2, 95, 90)),
      12,
    );
    expect(t.pop).toBeGreaterThan(0.6);
    expect(t.pop).toBeLessThan(0.8);
  });

  it('contracts scale the money amounts: 3 contracts → max loss $1260', () => {
    const t = withShorts(candidates('put_credit_spread', { contracts: 3 }), 95);
    expect(t.contracts).toBe(3);
    expect(t.maxLoss).toBeCloseTo(1260, 9);
    expect(t.creditToMaxLoss).toBeCloseTo(80 / 420, 12);
    expect(expiryPnl(t, 50)).toBeCloseTo(-1260, 9);
  });
});

describe('put credit spread POP on a linear smile', () => {
  it("equals the market's digital at the breakeven, priced from BSM calls at each strike's own IV", () => {
    // σ(K) = 0.30 − 0.004·(K − 100): a steady equity skew; the same quotes as the XYZ fixture
    const sigma = (k: number) => 0.3 - 0.004 * (k - 100);
    const strikes = [85, 90, 95, 100, 105, 110, 115];
    const front = chain.expirations[0];
    const quote = (cols: typeof front.puts, i: number) => ({
      bid: cols.bid[i],
      ask: cols.ask[i],
      delta: cols.delta[i],
      iv: sigma(strikes[i]),
    });
    const linear = manualChain('XYZ', 100, AS_OF, [
      {
        expiration: FRONT,
        strikes,
        puts: strikes.map((_, i) => quote(front.puts, i)),
        calls: strikes.map((_, i) => quote(front.calls, i)),
      },
    ]);
    const t = generateCandidates(linear, ctx, params(['put_credit_spread'])).trades.find(
      (x) => x.legs[0].strike === 95,
    );
    expect(t).toBeDefined();
    if (!t) return;
    const be = t.breakevens[0];
    // −e^{rT}·dC/dK by a central difference of call prices on the smile: the risk-neutral P(S_T > be)
    const h = 2e-5 * be;
    const c = (k: number) => bsPrice('call', 100, k, T_FRONT, R, Q, sigma(k));
    const market = (-Math.exp(R * T_FRONT) * (c(be + h) - c(be - h))) / (2 * h);
    expect(t.pop).toBeCloseTo(market, 6);
    // the flat reading at σ(be) understated it by about a point and a half
    expect(market - probAboveByHand(be, sigma(be))).toBeGreaterThan(0.01);
  });
});
