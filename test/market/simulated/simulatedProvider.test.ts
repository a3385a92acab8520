import { describe, expect, it } from 'vitest';
import { encodeChain } from '../../../src/market/chainCodec.js';
import { dayNumber, isTradingDay, newYorkDate } from '../../../src/market/exchangeCalendar.js';
import { daysToExpiry, isMonthlyExpiration, yearsToExpiry } from '../../../src/market/expiry.js';
import { MarketInputError } from '../../../src/market/inputError.js';
import { PROVIDER_METHODS } from '../../../src/market/provider.js';
import {
  ALL_DATA_KINDS,
  SimulatedProvider,
} from '../../../src/market/providers/simulated/simulatedProvider.js';
import type { ExpiryChain, OptionChain, OptionColumns } from '../../../src/market/types.js';
import { findUniverseMember } from '../../../src/market/universe.js';
import { bsGreeks } from '../../../src/quant/bsGreeks.js';

const AS_OF = Date.parse('2026-11-24T15:30:00Z'); // Tuesday 10:30 New York
const AFTER_CLOSE = Date.parse('2026-11-24T21:30:00Z'); // 16:30 New York
const ctx = { asOf: AS_OF };

async function chainWithin(
  p: SimulatedProvider,
  symbol: string,
  maxDte: number,
  asOf = AS_OF,
): Promise<OptionChain> {
  const exps = await p.getExpirations(symbol, { asOf });
  return p.getChain(
    symbol,
    exps.filter((d) => daysToExpiry(d, asOf) <= maxDte),
    { asOf },
  );
}

function sides(e: ExpiryChain): [OptionColumns, 'call' | 'put'][] {
  return [
    [e.calls, 'call'],
    [e.puts, 'put'],
  ];
}

describe('simulated provider: interface and determinism', () => {
  const p = new SimulatedProvider({ seed: 42 });

  it('serves every data kind', () => {
    expect(p.name).toBe('simulated');
    expect([...p.capabilities].sort()).toEqual([...ALL_DATA_KINDS].sort());
    for (const m of PROVIDER_METHODS) {
      expect(typeof p[m]).toBe('function');
    }
  });

  it('gives byte-identical data for the same seed and as-of, whatever the order of requests', async () => {
    const a = new SimulatedProvider({ seed: 7 });
    const b = new SimulatedProvider({ seed: 7 });
    const first = [await chainWithin(a, 'MSFT', 60), await chainWithin(a, 'AAPL', 60)];
    const second = [await chainWithin(b, 'AAPL', 60), await chainWithin(b, 'MSFT', 60)];
    expect(encodeChain(first[1])).toBe(encodeChain(second[0]));
    expect(encodeChain(first[0])).toBe(encodeChain(second[1]));
    const dump = async (q: SimulatedProvider) =>
      JSON.stringify([
        await q.getQuotes(['AAPL', 'XOM'], ctx),
        await q.getHistory('AAPL', '2024-11-01', '2026-11-24', ctx),
        await q.getIvHistory('AAPL', ctx),
        await q.getFundamentals('AAPL', ctx),
        await q.getFlow('AAPL', ctx),
        await q.getMacro(ctx),
      ]);
    expect(await dump(a)).toBe(await dump(b));
  });

  it('gives different data for another seed or another as-of', async () => {
    const other = new SimulatedProvider({ seed: 43 });
    expect(encodeChain(await chainWithin(other, 'AAPL', 30))).not.toBe(
      encodeChain(await chainWithin(p, 'AAPL', 30)),
    );
    const later = await chainWithin(p, 'AAPL', 30, AS_OF + 3_600_000);
    expect(encodeChain(later)).not.toBe(encodeChain(await chainWithin(p, 'AAPL', 30)));
  });

  it('keeps a ticker independent of which other tickers were asked in the same batch', async () => {
    const [alone] = await p.getQuotes(['AAPL'], ctx);
    const batch = await p.getQuotes(['SPY', 'AAPL', 'XLE'], ctx);
    expect(batch[1]).toEqual(alone);
  });

  it('lists only the built-in universe (a typo is unknown, not a market) and names a malformed symbol', async () => {
    // NVDIA came back as a simulated market and a recommended iron condor
    await expect(p.getFundamentals('NVDIA', ctx)).rejects.toThrow(
      /"NVDIA" is not listed in the simulated market/,
    );
    await expect(p.getChain('ZZZZ', [], ctx)).rejects.toThrow(MarketInputError);
    await expect(p.getExpirations('APPL', ctx)).rejects.toThrow(MarketInputError);
    expect((await p.getQuotes(['1BAD', 'AAPL', 'NVDIA', 'nvda'], ctx)).map((q) => q.symbol)).toEqual([
      'AAPL',
      'NVDA',
    ]);
    await expect(p.getChain('1BAD', [], ctx)).rejects.toThrow(MarketInputError);
    expect(() => new SimulatedProvider({ seed: 1.5 })).toThrow(/seed/);
  });

  it('honours an aborted request', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(p.getChain('AAPL', [], { asOf: AS_OF, signal: ac.signal })).rejects.toThrow();
  });
});

describe('simulated provider: realistic chains', () => {
  const p = new SimulatedProvider({ seed: 42 });

  it('lists weeklies for about six weeks, monthly third Fridays for a year, and SPY dailies', async () => {
    const aapl = await p.getExpirations('AAPL', ctx);
    const weeklies = aapl.filter((d) => !isMonthlyExpiration(d));
    expect(weeklies.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...weeklies.map((d) => daysToExpiry(d, AS_OF)))).toBeLessThanOrEqual(42);
    const monthlies = aapl.filter(isMonthlyExpiration);
    expect(monthlies.length).toBeGreaterThanOrEqual(12);
    expect(daysToExpiry(monthlies.at(-1) as string, AS_OF)).toBeGreaterThan(330);
    const spy = await p.getExpirations('SPY', ctx);
    expect(spy.filter((d) => daysToExpiry(d, AS_OF) <= 7).length).toBeGreaterThanOrEqual(4);
  });

  it('builds strike ladders by price level, sorted, about ±40 % wide at a year', async () => {
    const exps = await p.getExpirations('AAPL', ctx);
    const c = await p.getChain('AAPL', [exps[0], exps.at(-1) as string], ctx);
    const [near, far] = c.expirations;
    for (const e of c.expirations) {
      for (let i = 1; i < e.strikes.length; i++) expect(e.strikes[i]).toBeGreaterThan(e.strikes[i - 1]);
    }
    // AAPL trades above $100: $2.50 strikes near the money
    const atm = near.strikes.findIndex((k) => k >= c.spot);
    expect(near.strikes[atm] - near.strikes[atm - 1]).toBe(2.5);
    expect(far.strikes[0] / c.spot).toBeLessThan(0.72);
    expect(far.strikes.at(-1) as number).toBeGreaterThan(c.spot * 1.4);
    expect(far.strikes.length).toBeGreaterThan(near.strikes.length);
  });

  it('quotes around the BSM value of each contract’s IV: bid ≤ fair ≤ ask, greeks in market units', async () => {
    const c = await chainWithin(p, 'AAPL', 60);
    const q = (await p.getQuotes(['AAPL'], ctx))[0];
    let checked = 0;
    for (const e of c.expirations) {
      const T = yearsToExpiry(e.expiryTime, AS_OF);
      for (const [cols, type] of sides(e)) {
        for (let i = 0; i < e.strikes.length; i++) {
          if (!(cols.iv[i] > 0) || cols.bid[i] > cols.ask[i]) continue;
          const g = bsGreeks(type, c.spot, e.strikes[i], T, p.riskFreeRate, q.dividendYield, cols.iv[i]);
          expect(cols.bid[i]).toBeLessThanOrEqual(g.price + 1e-9);
          expect(cols.ask[i]).toBeGreaterThanOrEqual(g.price - 1e-9);
          expect(cols.delta[i]).toBeCloseTo(g.delta, 12);
          expect(cols.theta[i]).toBeCloseTo(g.theta / 365, 12);
          expect(cols.vega[i]).toBeCloseTo(g.vega / 100, 12);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('uses penny increments under $3 and nickels above for penny-class names', async () => {
    const c = await chainWithin(p, 'SPY', 45);
    const isMultiple = (x: number, tick: number) => Math.abs(x / tick - Math.round(x / tick)) < 1e-6;
    let big = 0;
    for (const e of c.expirations) {
      for (const [cols] of sides(e)) {
        for (let i = 0; i < e.strikes.length; i++) {
          for (const v of [cols.bid[i], cols.ask[i]]) {
            if (!(v > 0)) continue;
            expect(isMultiple(v, 0.01), `${v}`).toBe(true);
            if (v > 3) {
              expect(isMultiple(v, 0.05), `${v}`).toBe(true);
              big++;
            }
          }
        }
      }
    }
    expect(big).toBeGreaterThan(50);
  });

  it('widens spreads away from the money and lowers open interest there', async () => {
    const c = await chainWithin(p, 'MSFT', 45);
    const near = { spread: [] as number[], oi: [] as number[] };
    const far = { spread: [] as number[], oi: [] as number[] };
    for (const e of c.expirations) {
      for (const [cols] of sides(e)) {
        for (let i = 0; i < e.strikes.length; i++) {
          const d = Math.abs(cols.delta[i]);
          const bucket = d > 0.4 && d < 0.6 ? near : d < 0.08 ? far : null;
          if (!bucket || !(cols.bid[i] > 0) || cols.bid[i] > cols.ask[i]) continue;
          bucket.spread.push((cols.ask[i] - cols.bid[i]) / (0.5 * (cols.ask[i] + cols.bid[i])));
          bucket.oi.push(cols.openInterest[i]);
        }
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(near.spread.length).toBeGreaterThan(5);
    expect(mean(far.spread)).toBeGreaterThan(2 * mean(near.spread));
    expect(mean(near.oi)).toBeGreaterThan(2 * mean(far.oi));
    expect(mean(near.spread)).toBeLessThan(0.05); // a mega cap quotes tightly at the money
  });

  it('has a put skew and a rising term structure of total variance', async () => {
    const c = await chainWithin(p, 'SPY', 400);
    for (const e of c.expirations.filter((x) => yearsToExpiry(x.expiryTime, AS_OF) > 20 / 365)) {
      const iv = (k: number) => {
        const i = e.strikes.findIndex((s) => s >= k);
        return e.puts.iv[i] > 0 ? e.puts.iv[i] : e.calls.iv[i];
      };
      expect(iv(c.spot * 0.93)).toBeGreaterThan(iv(c.spot));
      expect(iv(c.spot)).toBeGreaterThan(iv(c.spot * 1.05));
    }
    let lastW = 0;
    for (const e of c.expirations) {
      const i = e.strikes.findIndex((s) => s >= c.spot);
      const atm = Number.isFinite(e.calls.iv[i]) ? e.calls.iv[i] : e.puts.iv[i];
      const w = atm * atm * yearsToExpiry(e.expiryTime, AS_OF);
      expect(w).toBeGreaterThan(lastW * 0.97); // increasing up to the per-contract mark noise
      lastW = w;
      expect(atm).toBeGreaterThan(0.05);
      expect(atm).toBeLessThan(0.6);
    }
  });

  it('stamps quotes seconds to minutes before the as-of, with a seeded share of stale, crossed and zero-bid ones', async () => {
    const ages: number[] = [];
    let crossed = 0;
    let zeroBidNearMoney = 0;
    let missingSide = 0;
    let contracts = 0;
    for (const s of [
      'AAPL',
      'MSFT',
      'SPY',
      'QQQ',
      'JPM',
      'XOM',
      'KO',
      'NVDA',
      'AMZN',
      'META',
      'IWM',
      'XLF',
    ]) {
      const c = await chainWithin(p, s, 60);
      for (const e of c.expirations) {
        for (const [cols] of sides(e)) {
          for (let i = 0; i < e.strikes.length; i++) {
            if (cols.symbols[i] === '') {
              missingSide++;
              continue;
            }
            contracts++;
            ages.push((AS_OF - cols.quoteTime[i]) / 1000);
            if (cols.bid[i] > cols.ask[i]) crossed++;
            if (cols.bid[i] === 0 && Math.abs(cols.delta[i]) > 0.2) zeroBidNearMoney++;
          }
        }
      }
    }
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    const stale = ages.filter((a) => a > 600).length / ages.length;
    expect(stale).toBeGreaterThan(0.005);
    expect(stale).toBeLessThan(0.025);
    expect(ages.sort((a, b) => a - b)[Math.floor(ages.length / 2)]).toBeLessThan(120);
    expect(crossed).toBeGreaterThan(0);
    expect(crossed / contracts).toBeLessThan(0.01);
    expect(zeroBidNearMoney).toBeGreaterThan(0);
    expect(missingSide).toBeGreaterThan(0);
  });
});

describe('simulated provider: series, fundamentals, macro and flow', () => {
  const p = new SimulatedProvider({ seed: 42 });

  it('serves two years of daily bars on trading days, consistent OHLC, closing at the spot', async () => {
    const bars = await p.getHistory('AAPL', '2024-11-24', '2026-11-24', { asOf: AFTER_CLOSE });
    expect(bars.length).toBeGreaterThan(495);
    expect(bars.length).toBeLessThan(510);
    for (let i = 0; i < bars.length; i++) {
      const b = bars[i];
      expect(isTradingDay(dayNumber(b.date))).toBe(true);
      if (i > 0) expect(b.date > bars[i - 1].date).toBe(true);
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.volume).toBeGreaterThan(0);
    }
    expect(bars.at(-1)?.date).toBe('2026-11-24');
    const [q] = await p.getQuotes(['AAPL'], { asOf: AFTER_CLOSE });
    expect(bars.at(-1)?.close).toBe(q.last);
    expect(bars.at(-2)?.close).toBe(q.prevClose);
    // during the session, today's bar does not exist yet
    const intraday = await p.getHistory('AAPL', '2026-11-01', '2026-11-24', ctx);
    expect(intraday.at(-1)?.date).toBe('2026-11-23');
  });

  it('moves prices with sector volatility: utilities calmer than technology', async () => {
    const realised = async (sector: string, count: number) => {
      const { builtInUniverse } = await import('../../../src/market/universe.js');
      const names = builtInUniverse()
        .filter((m) => m.sector === sector)
        .slice(0, count)
        .map((m) => m.symbol);
      let sum = 0;
      for (const s of names) {
        const bars = await p.getHistory(s, '2025-11-24', '2026-11-24', { asOf: AFTER_CLOSE });
        const r = bars.slice(1).map((b, i) => Math.log(b.close / bars[i].close));
        const m = r.reduce((a, b) => a + b, 0) / r.length;
        sum += Math.sqrt((r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1)) * 252);
      }
      return sum / names.length;
    };
    const util = await realised('Utilities', 12);
    const tech = await realised('Information Technology', 12);
    expect(util).toBeGreaterThan(0.1);
    expect(util).toBeLessThan(0.3);
    expect(tech).toBeGreaterThan(util * 1.2);
  });

  it('serves at least 252 days of iv30 history ending at the last close, above realised vol on average', async () => {
    const h = await p.getIvHistory('MSFT', { asOf: AFTER_CLOSE });
    expect(h.length).toBeGreaterThanOrEqual(252);
    expect(h.at(-1)?.date).toBe('2026-11-24');
    for (const x of h) {
      expect(x.iv30).toBeGreaterThan(0.05);
      expect(x.iv30).toBeLessThan(1.5);
    }
    expect(new Set(h.map((x) => x.iv30)).size).toBeGreaterThan(100); // it moves: IV rank has a range
  });

  it('reports GICS sector and industry, plausible figures and a quarterly earnings date', async () => {
    const f = await p.getFundamentals('JPM', ctx);
    const m = findUniverseMember('JPM');
    expect(f.sector).toBe(m?.sector);
    expect(f.industry).toBe(m?.industry);
    expect(f.marketCap).toBeGreaterThan(1e11);
    expect(f.pe).toBeGreaterThan(3);
    expect(f.pe).toBeLessThan(100);
    const days = dayNumber(f.nextEarningsDate as string) - dayNumber(newYorkDate(AS_OF));
    expect(days).toBeGreaterThanOrEqual(0);
    expect(days).toBeLessThan(100);
    const etf = await p.getFundamentals('XLE', ctx);
    expect(etf.sector).toBe('ETF');
    expect(etf.nextEarningsDate).toBeNull();
    expect(etf.pe).toBeNull();
  });

  it('has a fixed realistic risk-free rate and seeded, non-neutral flow', async () => {
    const macro = await p.getMacro(ctx);
    expect(macro.riskFreeRate).toBe(0.042);
    expect(macro.riskFreeSource).toContain('simulated');
    const flow = await p.getFlow('AAPL', ctx);
    expect(flow.neutral).toBe(false);
    expect(Math.abs(flow.flowZ)).toBeLessThanOrEqual(3);
    expect(await p.getFlow('AAPL', { asOf: AS_OF + 60_000 })).toEqual(flow); // same day, same flow
  });
});
