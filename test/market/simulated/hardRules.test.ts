/**
 * Can the engine's hard rules be met on the simulated market, as on a real one — without the market
 * being rigged? The rules (settings defaults): POP ≥ 0.65 (lognormal, from the short leg's IV,
 * risk-neutral drift), credit ≥ 0.33 × max loss at the natural price (sell at bid, buy at ask), max
 * loss ≤ $500, short |delta| 0.10–0.30, widths $1/2.5/5/10, DTE 15–45, every leg clean by the data
 * quality filters with OI ≥ 100, volume ≥ 10, spread ≤ 10 % of mid. Quotes straddle fair value (see
 * simulatedProvider.test.ts), so passing trades come only from what real chains have too: tight
 * markets on liquid names, a put-side IV level consistent with a fat left tail, strike-to-strike
 * noise in market makers' marks. On the real PLTR chain of 2025-10-31, 2 of 50 liquid vertical
 * candidates passed.
 */
import { describe, expect, it } from 'vitest';
import { daysToExpiry, yearsToExpiry } from '../../../src/market/expiry.js';
import { SimulatedProvider } from '../../../src/market/providers/simulated/simulatedProvider.js';
import { assessChain } from '../../../src/market/quality.js';
import { builtInUniverse } from '../../../src/market/universe.js';
import { type PayoffLeg, pop } from '../../../src/quant/pop.js';

const AS_OF = Date.parse('2026-11-24T15:30:00Z');
const WIDTHS = [1, 2.5, 5, 10];

describe('hard rules on the simulated market', () => {
  it('let a small but real share of liquid vertical spreads and iron condors pass, across many names and sectors', () => {
    const p = new SimulatedProvider({ seed: 42 });
    const r = p.riskFreeRate;
    let liquidVerticals = 0;
    let passedVerticals = 0;
    let liquidCondors = 0;
    let passedCondors = 0;
    const tickers = new Set<string>();
    const sectors = new Set<string>();
    for (const m of builtInUniverse()) {
      const quote = p.quoteAt(m.symbol, AS_OF);
      const q = quote.dividendYield;
      const exps = p
        .listedExpirations(m.symbol, AS_OF)
        .map((e) => e.date)
        .filter((d) => daysToExpiry(d, AS_OF) >= 15 && daysToExpiry(d, AS_OF) <= 45);
      const chain = p.chainAt(m.symbol, exps, AS_OF);
      const quality = assessChain(chain, {
        asOf: AS_OF,
        maxQuoteAgeSeconds: 600,
        maxSpreadPct: 0.1,
        riskFreeRate: r,
        dividendYield: q,
      });
      chain.expirations.forEach((e, k) => {
        const T = yearsToExpiry(e.expiryTime, AS_OF);
        const K = e.strikes;
        const at = (strike: number) => K.indexOf(strike);
        const legOk = (side: 'calls' | 'puts', i: number) =>
          quality.expirations[k][side][i] === 0 && e[side].openInterest[i] >= 100 && e[side].volume[i] >= 10;
        const passes = (legs: PayoffLeg[], vol: number, width: number) => {
          const credit = legs.reduce((s, l) => s - l.quantity * l.premium, 0);
          const maxLoss = width - credit;
          if (!(credit > 0) || maxLoss * 100 > 500) return false;
          return credit / maxLoss >= 0.33 && pop(legs, chain.spot, T, vol, r - q) >= 0.65;
        };
        const shortOk = (side: 'calls' | 'puts', i: number) => {
          const d = Math.abs(e[side].delta[i]);
          return d >= 0.1 && d <= 0.3;
        };
        const vertical = (side: 'calls' | 'puts', i: number, w: number): PayoffLeg[] | null => {
          const j = at(side === 'puts' ? K[i] - w : K[i] + w);
          if (j < 0 || !legOk(side, i) || !legOk(side, j)) return null;
          const type = side === 'puts' ? 'put' : 'call';
          return [
            { type, strike: K[i], quantity: -1, premium: e[side].bid[i] },
            { type, strike: K[j], quantity: 1, premium: e[side].ask[j] },
          ];
        };
        for (const side of ['calls', 'puts'] as const) {
          for (let i = 0; i < K.length; i++) {
            if (!shortOk(side, i)) continue;
            for (const w of WIDTHS) {
              const legs = vertical(side, i, w);
              if (!legs) continue;
              liquidVerticals++;
              if (passes(legs, e[side].iv[i], w)) {
                passedVerticals++;
                tickers.add(m.symbol);
                sectors.add(m.sector);
              }
            }
          }
        }
        for (let i = 0; i < K.length; i++) {
          if (!shortOk('puts', i)) continue;
          for (let c = i + 1; c < K.length; c++) {
            if (!shortOk('calls', c)) continue;
            for (const w of WIDTHS) {
              const put = vertical('puts', i, w);
              const call = vertical('calls', c, w);
              if (!put || !call) continue;
              liquidCondors++;
              if (passes([...put, ...call], 0.5 * (e.puts.iv[i] + e.calls.iv[c]), w)) passedCondors++;
            }
          }
        }
      });
    }
    const verticalShare = passedVerticals / liquidVerticals;
    const condorShare = passedCondors / liquidCondors;
    expect(liquidVerticals).toBeGreaterThan(5000);
    expect(verticalShare).toBeGreaterThan(0.002);
    expect(verticalShare).toBeLessThan(0.1);
    expect(condorShare).toBeGreaterThan(0.002);
    expect(condorShare).toBeLessThan(0.1);
    expect(tickers.size).toBeGreaterThanOrEqual(20);
    expect(sectors.size).toBeGreaterThanOrEqual(6);
  });
});
