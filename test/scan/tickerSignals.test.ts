import { describe, expect, it } from 'vitest';
import type { TickerMarketData } from '../../src/market/collector.js';
import { dateOfDay, dayNumber } from '../../src/market/exchangeCalendar.js';
import { analyzeTicker, IV_MIN_HISTORY_DAYS } from '../../src/scan/tickerSignals.js';
import { manualChain } from '../strategies/syntheticChain.js';

const AS_OF = Date.parse('2026-11-20T15:30:00Z');
const TODAY = dayNumber('2026-11-20');

/** One IV row a calendar day for the `n` days before 2026-11-20, oldest first: `iv(k)` for the day k days back. */
function daysBefore(n: number, iv: (k: number) => number) {
  return Array.from({ length: n }, (_, i) => ({ date: dateOfDay(TODAY - (n - i)), iv30: iv(n - i) }));
}

// 200 days alternating 0.2 and 0.4: a 30-day IV of 0.3 ranks 50
const HISTORY = daysBefore(200, (k) => (k % 2 === 0 ? 0.2 : 0.4));

function data(callIv: number, putIv: number, history = HISTORY): TickerMarketData {
  // one expiry ~30 days out: its at-the-money IV is the 30-day IV
  const chain = manualChain('XYZ', 100, AS_OF, [
    {
      expiration: '2026-12-18',
      strikes: [95, 100, 105],
      calls: [null, { bid: 2, ask: 2.1, delta: 0.5, iv: callIv }, null],
      puts: [null, { bid: 2, ask: 2.1, delta: -0.5, iv: putIv }, null],
    },
  ]);
  return {
    symbol: 'XYZ',
    chain,
    ivHistory: history,
  } as unknown as TickerMarketData;
}

describe('analyzeTicker', () => {
  it('takes the at-the-money IV of both sides', () => {
    const a = analyzeTicker(data(0.28, 0.32), AS_OF);
    expect(a.iv30).toBeCloseTo(0.3, 12);
    expect(a.ivRank).toBeCloseTo(50, 9);
  });

  it('reports the IV percentile beside the IV rank: the share of earlier days with a lower 30-day IV', () => {
    // 150 days: 0.20 … 0.29 in turn, so a 30-day IV of 0.26 is above 60 % of them
    const days = daysBefore(150, (k) => 0.2 + 0.01 * (k % 10));
    const a = analyzeTicker(data(0.26, 0.26, days), AS_OF);
    expect(a.iv30).toBeCloseTo(0.26, 12);
    expect(a.ivPercentile).toBeCloseTo(60, 9);
    expect(a.ivRank).toBeCloseTo((100 * 0.06) / 0.09, 9);
    expect(analyzeTicker(data(0.26, 0.26, []), AS_OF).ivPercentile).toBeNaN();
  });

  it("ranks today against the days before it only: today's own row and later rows move neither figure", () => {
    const days = daysBefore(150, (k) => 0.2 + 0.01 * (k % 10));
    const base = analyzeTicker(data(0.26, 0.26, days), AS_OF);
    // today's row, left by an earlier scan; a row after the scan's instant (look-ahead in a replay)
    const today = { date: '2026-11-20', iv30: 0.1 };
    const later = { date: '2026-12-01', iv30: 0.6 };
    const withRows = analyzeTicker(data(0.26, 0.26, [...days, today, later]), AS_OF);
    expect(withRows.ivRank).toBeCloseTo(base.ivRank, 12); // was 84.2 with today's row, 15.0 with the later one
    expect(withRows.ivPercentile).toBeCloseTo(base.ivPercentile, 12);
    // 21:00 in New York is the next day in UTC: today is still the New York date
    const evening = Date.parse('2026-11-21T02:00:00Z');
    const late = analyzeTicker(data(0.26, 0.26, [...days, today]), evening);
    expect(late.ivPercentile).toBeCloseTo(60, 9); // 63.6 when today's row counted as a day before
  });

  it('gives no IV rank or percentile from less than half a year of history, nor from unusable rows', () => {
    const short = daysBefore(IV_MIN_HISTORY_DAYS - 1, (k) => (k % 2 === 0 ? 0.2 : 0.4));
    const a = analyzeTicker(data(0.3, 0.3, short), AS_OF);
    expect(a.ivRank).toBeNaN(); // two days of history had made every IV a rank of 0 or 100
    expect(a.ivPercentile).toBeNaN();
    const enough = daysBefore(IV_MIN_HISTORY_DAYS, (k) => (k % 2 === 0 ? 0.2 : 0.4));
    expect(analyzeTicker(data(0.3, 0.3, enough), AS_OF).ivRank).toBeCloseTo(50, 9);
    // a placeholder 0 and an IV above the quality limit are no days of history; rows older than 52 weeks neither
    const junk = [
      { date: '2026-06-01', iv30: 0 },
      { date: '2026-06-02', iv30: 50 },
      { date: '2025-01-02', iv30: 0.05 },
    ];
    expect(analyzeTicker(data(0.3, 0.3, [...junk, ...enough]), AS_OF).ivRank).toBeCloseTo(50, 9);
  });

  it('stands a day of the last week in for a chain without an at-the-money IV, never an older one', () => {
    const old = daysBefore(200, (k) => (k > 150 ? 0.2 : 0.9)); // the last 150 days stored 0.9 ... ends yesterday
    const lastWeek = analyzeTicker(data(0.00001, 0.00001, old), AS_OF); // a chain without IVs
    expect(lastWeek.iv30).toBeCloseTo(0.9, 12);
    // the history stopped on 1 August: a months-old IV read as today's ranked 100
    const stopped = old.filter((p) => p.date <= '2026-08-01');
    expect(stopped.at(-1)).toEqual({ date: '2026-08-01', iv30: 0.9 });
    const a = analyzeTicker(data(0.00001, 0.00001, stopped), AS_OF);
    expect(a.iv30).toBeNaN();
    expect(a.ivRank).toBeNaN();
  });

  it("leaves out a placeholder IV below 1 % (Yahoo's 0.00001): it halved IV30 and made the IV rank 0", () => {
    const a = analyzeTicker(data(0.00001, 0.32), AS_OF);
    expect(a.iv30).toBeCloseTo(0.32, 12);
    expect(a.ivRank).toBeCloseTo(60, 9);
  });
});
