/**
 * The hand-written XYZ chain of the strategy tests: spot 100 on 2026-11-20 15:30 UTC, a front expiry
 * 2026-12-18 (28 days) with strikes 85–115 every 5, and a back expiry 2027-01-15 (56 days) for calendars.
 * Quotes are round numbers so that every expected figure can be worked out by hand.
 */

import type { OptionChain } from '../../src/market/types.js';
import { normCdf } from '../../src/quant/normal.js';
import { generateCandidates } from '../../src/strategies/generate.js';
import type { GenerationContext, GenerationParams, StrategyName, Trade } from '../../src/strategies/types.js';
import { manualChain } from './syntheticChain.js';

export const AS_OF = Date.parse('2026-11-20T15:30:00.000Z');
export const FRONT = '2026-12-18';
export const BACK = '2027-01-15';
export const R = 0.04;
export const Q = 0.01;
/** Years from AS_OF to 16:00 New York (21:00 UTC) on FRONT. */
export const T_FRONT = (Date.parse('2026-12-18T21:00:00.000Z') - AS_OF) / (365 * 86_400_000);

export const chain = manualChain('XYZ', 100, AS_OF, [
  {
    expiration: FRONT,
    strikes: [85, 90, 95, 100, 105, 110, 115],
    puts: [
      { bid: 0.25, ask: 0.3, delta: -0.05, iv: 0.4 },
      { bid: 0.6, ask: 0.7, delta: -0.12, iv: 0.36, vega: 0.06 },
      { bid: 1.5, ask: 1.6, delta: -0.25, iv: 0.32, vega: 0.09 },
      { bid: 3.4, ask: 3.6, delta: -0.48, iv: 0.3, vega: 0.11 },
      { bid: 6.2, ask: 6.5, delta: -0.72, iv: 0.29 },
      { bid: 10.5, ask: 10.9, delta: -0.88, iv: 0.28 },
      { bid: 15.2, ask: 15.6, delta: -0.96, iv: 0.28 },
    ],
    calls: [
      { bid: 15.1, ask: 15.5, delta: 0.95, iv: 0.4 },
      { bid: 10.4, ask: 10.8, delta: 0.88, iv: 0.36 },
      { bid: 6.1, ask: 6.4, delta: 0.75, iv: 0.32 },
      { bid: 3.6, ask: 3.8, delta: 0.52, iv: 0.3, vega: 0.11 },
      { bid: 1.6, ask: 1.7, delta: 0.28, iv: 0.28, vega: 0.09 },
      { bid: 0.55, ask: 0.65, delta: 0.12, iv: 0.27, vega: 0.05 },
      { bid: 0.15, ask: 0.2, delta: 0.04, iv: 0.27 },
    ],
  },
  {
    expiration: BACK,
    strikes: [100, 105],
    puts: [
      { bid: 4.8, ask: 5.0, delta: -0.47, iv: 0.3, vega: 0.16 },
      { bid: 7.6, ask: 7.9, delta: -0.68, iv: 0.29 },
    ],
    calls: [
      { bid: 5.1, ask: 5.3, delta: 0.53, iv: 0.3 },
      { bid: 2.9, ask: 3.0, delta: 0.33, iv: 0.28, vega: 0.15 },
    ],
  },
]);

export const ctx: GenerationContext = {
  asOf: AS_OF,
  riskFreeRate: R,
  dividendYield: Q,
  underlying: { bid: 99.98, ask: 100.02, time: AS_OF - 5_000 },
};

export function params(strategies: StrategyName[], over: Partial<GenerationParams> = {}): GenerationParams {
  return {
    strategies,
    minDte: 15,
    maxDte: 45,
    shortDeltaMin: 0.1,
    shortDeltaMax: 0.3,
    spreadWidths: [5],
    calendarBackDteMin: 20,
    calendarBackDteMax: 40,
    assumeStockOwned: false,
    contracts: 1,
    ...over,
  };
}

/** Candidates of one strategy on the fixture chain, without filtering. */
export function candidates(strategy: StrategyName, over: Partial<GenerationParams> = {}): Trade[] {
  return generateCandidates(chain, ctx, params([strategy], over)).trades;
}

/** The candidate whose short legs have these strikes (in leg order). */
export function withShorts(trades: Trade[], ...strikes: number[]): Trade {
  const t = trades.find(
    (x) =>
      x.legs
        .filter((l) => l.action === 'SELL')
        .map((l) => l.strike)
        .join() === strikes.join(),
  );
  if (!t) throw new Error(`no candidate with shorts ${strikes.join('/')}`);
  return t;
}

/** P(S_T > level) for lognormal S_T, drift R − Q: N(d2), written out independently of src/quant/probability. */
export function probAboveByHand(level: number, vol: number, T = T_FRONT, S = 100): number {
  const d2 = (Math.log(S / level) + (R - Q - 0.5 * vol * vol) * T) / (vol * Math.sqrt(T));
  return normCdf(d2);
}

/**
 * The smile slope dσ/dK the engine fits at strike `k` of the first expiry (chainView.ts: the least-squares line
 * through the IVs of the strikes within 3 on either side), worked here on the chain's listed IVs.
 */
export function fittedSlope(c: OptionChain, side: 'call' | 'put', k: number): number {
  const e = c.expirations[0];
  const strikes = [...e.strikes];
  const ivs = [...(side === 'call' ? e.calls : e.puts).iv];
  const i = strikes.indexOf(k);
  const pts = strikes
    .map((x, j) => [x, ivs[j]] as const)
    .filter((_, j) => Math.abs(j - i) <= 3)
    .filter(([, v]) => v > 0);
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, v]) => a + v, 0) / pts.length;
  const sxy = pts.reduce((a, [x, v]) => a + (x - mx) * (v - my), 0);
  const sxx = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/** The slope at `level` between the fitted slopes of strikes k1 and k2, read linearly like the IV. */
export function slopeAt(c: OptionChain, side: 'call' | 'put', level: number, k1: number, k2: number): number {
  const t = Math.min(1, Math.max(0, (level - k1) / (k2 - k1)));
  return fittedSlope(c, side, k1) + (fittedSlope(c, side, k2) - fittedSlope(c, side, k1)) * t;
}

/** P(S_T > level) on the smile: the flat N(d2) less level·√T·φ(d2)·slope (the market's digital). */
export function aboveOnSmile(level: number, vol: number, slope: number, T = T_FRONT, S = 100): number {
  const d2 = (Math.log(S / level) + (R - Q - 0.5 * vol * vol) * T) / (vol * Math.sqrt(T));
  return normCdf(d2) - level * Math.sqrt(T) * (Math.exp(-0.5 * d2 * d2) / Math.sqrt(2 * Math.PI)) * slope;
}
