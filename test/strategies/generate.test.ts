import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../src/config/schema.js';
import { riskNeutralDrift } from '../../src/quant/probability.js';
import { applyConstraints } from '../../src/selection/constraints.js';
import { expectedPnlPerShare } from '../../src/strategies/buildTrade.js';
import { generateCandidates, StrategyInputError } from '../../src/strategies/generate.js';
import {
  addRejections,
  emptyRejections,
  type HardLimits,
  PERMISSIVE_LIMITS,
} from '../../src/strategies/hardRules.js';
import { generationParams } from '../../src/strategies/types.js';
import { AS_OF, chain, ctx, params } from './fixtures.js';
import { manualChain, syntheticChain } from './syntheticChain.js';

const ALL = [...STRATEGY_NAMES];

describe('generateCandidates', () => {
  it('counts what it evaluated per strategy; without limits every candidate is built', () => {
    const { trades, stats } = generateCandidates(chain, ctx, params(ALL));
    expect(stats.byStrategy.put_credit_spread).toEqual({ evaluated: 2, emitted: 2 });
    expect(stats.byStrategy.iron_condor).toEqual({ evaluated: 4, emitted: 4 });
    expect(stats.byStrategy.put_calendar).toEqual({ evaluated: 1, emitted: 1 });
    expect(stats.evaluated).toBe(trades.length);
    expect(stats.emitted).toBe(trades.length);
    expect(stats.expirations).toBe(1);
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
  });

  it('runs only the enabled strategies', () => {
    const { trades, stats } = generateCandidates(chain, ctx, params(['call_credit_spread']));
    expect(new Set(trades.map((t) => t.strategy))).toEqual(new Set(['call_credit_spread']));
    expect(stats.byStrategy.iron_condor.evaluated).toBe(0);
  });

  it('skips contracts the quality mask rejects (0 = rejected, 1 = usable), as shorts and as longs', () => {
    const puts = new Uint8Array(7).fill(1);
    puts[1] = 0; // the 90 put
    const { trades } = generateCandidates(
      chain,
      { ...ctx, masks: [{ puts }, undefined] },
      params(['put_credit_spread']),
    );
    expect(trades).toEqual([]);
    const calls = new Uint8Array(7).fill(1);
    calls[6] = 0; // the 115 call: only 105/110 remains
    const r = generateCandidates(
      chain,
      { ...ctx, masks: [{ calls }, undefined] },
      params(['call_credit_spread']),
    );
    expect(r.trades.map((t) => t.legs[0].strike)).toEqual([105]);
  });

  it('scans only expirations inside the DTE window', () => {
    const { trades, stats } = generateCandidates(chain, ctx, params(ALL, { minDte: 29 }));
    expect(trades).toEqual([]);
    expect(stats.expirations).toBe(0);
  });

  it('fills a missing chain delta from BSM with the contract IV', () => {
    const c = manualChain('ABC', 100, AS_OF, [
      {
        expiration: '2026-12-18',
        strikes: [90, 95],
        puts: [
          { bid: 0.6, ask: 0.7, delta: Number.NaN, iv: 0.36 },
          { bid: 1.5, ask: 1.6, delta: Number.NaN, iv: 0.32 },
        ],
      },
    ]);
    const { trades } = generateCandidates(c, ctx, params(['put_credit_spread']));
    expect(trades).toHaveLength(1);
    expect(trades[0].legs[0].delta).toBeGreaterThan(-0.3);
    expect(trades[0].legs[0].delta).toBeLessThan(-0.2);
  });

  it('with limits, counts each rejection under its first failing rule', () => {
    const limits: HardLimits = { ...PERMISSIVE_LIMITS, minPop: 0.65, maxQuoteAgeMs: 600_000 };
    const stale = manualChain('XYZ', 100, AS_OF, [
      {
        expiration: '2026-12-18',
        strikes: [85, 90, 95],
        puts: [
          { bid: 0.25, ask: 0.3, delta: -0.05 },
          { bid: 0.6, ask: 0.7, delta: -0.12, quoteTime: AS_OF - 601_000 },
          { bid: 1.5, ask: 1.6, delta: -0.25, iv: 0.32 },
        ],
      },
    ]);
    const { trades, stats } = generateCandidates(stale, ctx, params(['put_credit_spread'], { limits }));
    expect(trades).toEqual([]);
    expect(stats.rejections.quote_age).toBe(2); // 90/85 and 95/90 both use the stale 90 put
    expect(stats.evaluated).toBe(2);
  });

  it('rejects every candidate exiting after an earnings date when min_days_to_earnings is set', () => {
    const limits: HardLimits = { ...PERMISSIVE_LIMITS, minDaysToEarnings: 1 };
    const r = generateCandidates(
      chain,
      { ...ctx, nextEarningsDate: '2026-12-10' },
      params(['put_credit_spread', 'iron_condor'], { limits }),
    );
    expect(r.trades).toEqual([]);
    expect(r.stats.rejections.earnings).toBe(6);
    const edge = (date: string) =>
      generateCandidates(chain, { ...ctx, nextEarningsDate: date }, params(['put_credit_spread'], { limits }))
        .trades.length;
    expect(edge('2026-12-19')).toBe(0); // expiry 12-18 + 1 day
    expect(edge('2026-12-20')).toBe(2);
    expect(edge('2026-11-19')).toBe(2); // already past
  });

  it('fails the earnings rule, when it is on, for a ticker whose earnings calendar is unknown (it passed as "none")', () => {
    const unknown = { ...ctx, nextEarningsDate: null, earningsKnown: false };
    const on = generateCandidates(
      chain,
      unknown,
      params(['put_credit_spread'], { limits: { ...PERMISSIVE_LIMITS, minDaysToEarnings: 1 } }),
    );
    expect(on.trades).toEqual([]);
    expect(on.stats.rejections.earnings).toBe(2);
    // the rule off: unknown earnings do not matter; known to have none scheduled: passes
    expect(generateCandidates(chain, unknown, params(['put_credit_spread'])).trades).toHaveLength(2);
    const none = { ...ctx, nextEarningsDate: null, earningsKnown: true };
    const limits = { ...PERMISSIVE_LIMITS, minDaysToEarnings: 1 };
    expect(generateCandidates(chain, none, params(['put_credit_spread'], { limits })).trades).toHaveLength(2);
  });

  it('names the field of bad input', () => {
    expect(() => generateCandidates(chain, ctx, params(ALL, { contracts: 0 }))).toThrow(StrategyInputError);
    expect(() => generateCandidates({ ...chain, spot: Number.NaN }, ctx, params(ALL))).toThrow(/chain\.spot/);
    expect(() => generateCandidates(chain, { ...ctx, masks: [] }, params(ALL))).toThrow(/context\.masks/);
  });
});

describe('generationParams', () => {
  it('reads the settings sections', () => {
    const p = generationParams(
      { strategies: ['iron_condor'], assume_stock_owned: true, contracts_per_trade: 2 },
      { min_dte: 15, max_dte: 45 },
      {
        short_delta_min: 0.1,
        short_delta_max: 0.3,
        spread_widths: [1, 5],
        calendar_back_dte_min: 30,
        calendar_back_dte_max: 75,
      },
    );
    expect(p).toEqual({
      strategies: ['iron_condor'],
      minDte: 15,
      maxDte: 45,
      shortDeltaMin: 0.1,
      shortDeltaMax: 0.3,
      spreadWidths: [1, 5],
      calendarBackDteMin: 30,
      calendarBackDteMax: 75,
      assumeStockOwned: true,
      contracts: 2,
      limits: undefined,
    });
  });
});

describe('the fast path agrees with the constraints on built trades', () => {
  const limitsArb = fc.record({
    minPop: fc.double({ min: 0.3, max: 0.9, noNaN: true }),
    minCreditRatio: fc.double({ min: 0, max: 0.6, noNaN: true }),
    maxLoss: fc.double({ min: 100, max: 3000, noNaN: true }),
    maxCapital: fc.double({ min: 100, max: 20000, noNaN: true }),
    maxQuoteAgeMs: fc.integer({ min: 60_000, max: 900_000 }),
    minOpenInterest: fc.integer({ min: 0, max: 3000 }),
    minVolume: fc.integer({ min: 0, max: 200 }),
    maxBidAskPct: fc.double({ min: 0.02, max: 0.3, noNaN: true }),
    minDaysToEarnings: fc.integer({ min: 0, max: 5 }),
  });

  it('same survivors, and rejections(fast) = rejections(unfiltered) + rejections(constraints)', () => {
    fc.assert(
      fc.property(
        limitsArb,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 20, max: 400, noNaN: true }),
        fc.boolean(),
        (l, seed, spot, owned) => {
          let s = seed;
          const rnd = () => {
            s = (s * 16807) % 2147483647;
            return s / 2147483647;
          };
          const c = syntheticChain({
            underlying: 'SYN',
            spot,
            asOf: AS_OF,
            dtes: [18, 25, 32, 60],
            rnd,
            strikesEachSide: 12,
          });
          const limits: HardLimits = { ...l, minDte: 15, maxDte: 45 };
          const nextEarningsDate = rnd() < 0.3 ? '2026-12-05' : null;
          const context = {
            ...ctx,
            nextEarningsDate,
            underlying: { bid: spot - 0.01, ask: spot + 0.01, time: AS_OF },
          };
          const p = params(ALL, { spreadWidths: [1, 2.5, 5, 10], assumeStockOwned: owned });
          const fast = generateCandidates(c, context, { ...p, limits });
          const all = generateCandidates(c, context, p);
          const checked = applyConstraints(all.trades, limits, {
            asOf: AS_OF,
            nextEarnings: () => nextEarningsDate,
          });
          expect(fast.trades.map((t) => t.id)).toEqual(checked.passed.map((t) => t.id));
          expect(fast.stats.evaluated).toBe(all.stats.evaluated);
          expect(fast.stats.rejections).toEqual(
            addRejections(addRejections(emptyRejections(), all.stats.rejections), checked.rejections),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("prices each trade's expected value from its own legs, also when legs are shared and scratch is reused", () => {
    // two chains with different spots, vols and strikes one after the other: the per-contract caches (legs,
    // forward values) live in scratch tables reused from chain to chain, and must not leak between them
    const a = syntheticChain({ underlying: 'AAA', spot: 100, asOf: AS_OF, dtes: [25, 53], vol: 0.25 });
    const b = syntheticChain({ underlying: 'BBB', spot: 47, asOf: AS_OF, dtes: [25, 53], vol: 0.6 });
    const p = params(ALL, { spreadWidths: [1, 2.5, 5] });
    for (const c of [a, b, a]) {
      const { trades } = generateCandidates(c, ctx, p);
      const condors = trades.filter((t) => t.strategy === 'iron_condor');
      expect(condors.length).toBeGreaterThan(10);
      for (const t of trades) {
        if (t.strategy === 'call_calendar' || t.strategy === 'put_calendar' || t.strategy === 'covered_call')
          continue; // their expected value is not the same-expiry formula
        const T = t.yearsToExpiry;
        expect(t.expectedValue).toBe(
          expectedPnlPerShare(t.legs, c.spot, T, riskNeutralDrift(ctx.riskFreeRate, ctx.dividendYield)) *
            100 *
            t.contracts,
        );
      }
      // a leg held by several trades is one object, with the same numbers wherever it appears
      const byKey = new Map<string, (typeof trades)[number]['legs'][number]>();
      let shared = 0;
      for (const t of condors)
        for (const leg of t.legs) {
          const key = `${leg.action}${leg.type}${leg.strike}${leg.expiration}`;
          const seen = byKey.get(key);
          if (seen === undefined) byKey.set(key, leg);
          else {
            expect(leg).toBe(seen);
            shared++;
          }
        }
      expect(shared).toBeGreaterThan(0);
    }
  });
});
