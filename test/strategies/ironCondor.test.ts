import { describe, expect, it } from 'vitest';
import { thesis } from '../../src/selection/thesis.js';
import { generateCandidates } from '../../src/strategies/generate.js';
import { PERMISSIVE_LIMITS } from '../../src/strategies/hardRules.js';
import { expiryPnl } from '../../src/strategies/payoff.js';
import {
  AS_OF,
  aboveOnSmile,
  candidates,
  ctx,
  FRONT,
  params,
  slopeAt,
  withShorts,
  chain as xyz,
} from './fixtures.js';
import { manualChain } from './syntheticChain.js';

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
    const slopeLo = slopeAt(xyz, 'put', 93.25, 95, 90);
    const slopeHi = slopeAt(xyz, 'call', 106.75, 105, 110);
    expect(t.pop).toBeCloseTo(aboveOnSmile(93.25, volLo, slopeLo) - aboveOnSmile(106.75, volHi, slopeHi), 12);
  });
});

describe('iron condor whose credit exceeds its narrow wing', () => {
  // put spread 94/95 (wing 1, credit 1.50 − 1.10 = 0.40) + call spread 105/110 (wing 5, credit 1.60 − 0.65 =
  // 0.95): credit 1.35 > 1, so below 94 the condor still keeps 1.35 − 1 = 0.35 — it can lose only above
  const chain = manualChain('XYZ', 100, AS_OF, [
    {
      expiration: FRONT,
      strikes: [90, 94, 95, 100, 105, 110],
      puts: [
        { bid: 0.5, ask: 0.6, delta: -0.1, iv: 0.36 },
        { bid: 1.0, ask: 1.1, delta: -0.18, iv: 0.33 },
        { bid: 1.5, ask: 1.6, delta: -0.22, iv: 0.32 },
        { bid: 3.4, ask: 3.6, delta: -0.48, iv: 0.3 },
        { bid: 6.2, ask: 6.5, delta: -0.72, iv: 0.29 },
        { bid: 10.5, ask: 10.9, delta: -0.88, iv: 0.28 },
      ],
      calls: [
        { bid: 10.4, ask: 10.8, delta: 0.88, iv: 0.36 },
        { bid: 6.9, ask: 7.2, delta: 0.8, iv: 0.33 },
        { bid: 6.1, ask: 6.4, delta: 0.75, iv: 0.32 },
        { bid: 3.6, ask: 3.8, delta: 0.52, iv: 0.3 },
        { bid: 1.6, ask: 1.7, delta: 0.28, iv: 0.28 },
        { bid: 0.55, ask: 0.65, delta: 0.12, iv: 0.27 },
      ],
    },
  ]);
  const trades = generateCandidates(chain, ctx, params(['iron_condor'], { spreadWidths: [1, 5] })).trades;
  const t = trades.find((x) => x.legs.map((l) => l.strike).join() === '94,95,105,110');

  it('has one breakeven, Kc + credit, and POP = P(S_T < 106.35) (it reported a breakeven at 93.65, POP understated)', () => {
    expect(t).toBeDefined();
    if (!t) return;
    expect(t.netCredit).toBeCloseTo(1.35, 12);
    expect(t.maxLoss).toBeCloseTo((5 - 1.35) * 100, 9);
    // the payoff, leg by leg: +35 however far the stock falls, +135 between the shorts, −365 above 110
    expect(expiryPnl(t, 50)).toBeCloseTo(35, 9);
    expect(expiryPnl(t, 94.5)).toBeCloseTo(85, 9);
    expect(expiryPnl(t, 100)).toBeCloseTo(135, 9);
    expect(expiryPnl(t, 106.35)).toBeCloseTo(0, 9);
    expect(expiryPnl(t, 120)).toBeCloseTo(-365, 9);
    expect(t.breakevens).toHaveLength(1);
    expect(t.breakevens[0]).toBeCloseTo(106.35, 12);
    expect(t.breakevenSigmas).toHaveLength(1);
    expect(t.breakevenSigmas[0]).toBeGreaterThan(0);
    const volHi = 0.28 - 0.01 * (1.35 / 5);
    expect(t.pop).toBeCloseTo(1 - aboveOnSmile(106.35, volHi, slopeAt(chain, 'call', 106.35, 105, 110)), 12);
    expect(thesis({ ...t, ivRank: 60, momentumZ: 0 })).toMatch(
      /Profits below 106\.35 \(\d\.\d sd above spot 100\.00\)/,
    );
  });
});

describe('iron condor whose four quotes net to zero', () => {
  it('is no credit: rejected as no_credit, though the float sum is +8e-17', () => {
    // short P95 0.56 / C105 0.08 at the bid, long P94 0.59 / C106 0.05 at the ask: 0.56 + 0.08 − 0.59 − 0.05 = 0
    const zero = manualChain('XYZ', 100, AS_OF, [
      {
        expiration: FRONT,
        strikes: [94, 95, 105, 106],
        puts: [{ bid: 0.48, ask: 0.59, delta: -0.15 }, { bid: 0.56, ask: 0.68, delta: -0.2 }, null, null],
        calls: [null, null, { bid: 0.08, ask: 0.14, delta: 0.2 }, { bid: 0, ask: 0.05, delta: 0.15 }],
      },
    ]);
    expect(0.56 + 0.08 - 0.59 - 0.05).toBeGreaterThan(0);
    const limits = { ...PERMISSIVE_LIMITS, minCreditRatio: 0 };
    const r = generateCandidates(zero, ctx, params(['iron_condor'], { spreadWidths: [1], limits }));
    expect(r.trades).toEqual([]);
    expect(r.stats.rejections.no_credit).toBe(1);
  });
});

describe('iron condor with a side that brings no credit of its own', () => {
  it('is rejected as no_credit: the call spread alone beats it at every expiry price (SPY −P422/+P421 netted −0.02)', () => {
    // put side: sell P95 at 0.60, buy P94 at 0.62 (−0.02); call side: sell C105 at 1.40, buy C110 at 0.10 (+1.30)
    const chain = manualChain('XYZ', 100, AS_OF, [
      {
        expiration: FRONT,
        strikes: [94, 95, 105, 110],
        puts: [{ bid: 0.55, ask: 0.62, delta: -0.15 }, { bid: 0.6, ask: 0.66, delta: -0.2 }, null, null],
        calls: [null, null, { bid: 1.4, ask: 1.5, delta: 0.2 }, { bid: 0.05, ask: 0.1, delta: 0.1 }],
      },
    ]);
    const limits = { ...PERMISSIVE_LIMITS, minCreditRatio: 0, minPop: 0 };
    const r = generateCandidates(chain, ctx, params(['iron_condor'], { spreadWidths: [1, 5], limits }));
    expect(r.trades).toEqual([]);
    expect(r.stats.rejections.no_credit).toBe(1);
    // the call spread alone is a candidate
    const alone = generateCandidates(
      chain,
      ctx,
      params(['call_credit_spread'], { spreadWidths: [5], limits }),
    );
    expect(alone.trades.map((t) => t.netCredit)).toEqual([expect.closeTo(1.3, 12)]);
  });
});
