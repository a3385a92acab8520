import { describe, expect, it } from 'vitest';
import type { TickerMarketData } from '../../src/market/collector.js';
import { analyzeTicker } from '../../src/scan/tickerSignals.js';
import { manualChain } from '../strategies/syntheticChain.js';

const AS_OF = Date.parse('2026-11-20T15:30:00Z');
const HISTORY = [
  { date: '2026-10-01', iv30: 0.2 },
  { date: '2026-11-01', iv30: 0.4 },
];

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
    const days = Array.from({ length: 10 }, (_, i) => ({
      date: `2026-11-${String(i + 1).padStart(2, '0')}`,
      iv30: 0.2 + 0.01 * i, // 0.20 … 0.29
    }));
    // today's own point (the day's IV history row, written by an earlier scan) is not a day before today
    const a = analyzeTicker(data(0.26, 0.26, [...days, { date: '2026-11-20', iv30: 0.1 }]), AS_OF);
    expect(a.iv30).toBeCloseTo(0.26, 12);
    expect(a.ivPercentile).toBeCloseTo(60, 9); // 0.20 … 0.25 of ten days
    expect(analyzeTicker(data(0.26, 0.26, []), AS_OF).ivPercentile).toBeNaN();
  });

  it("leaves out a placeholder IV below 1 % (Yahoo's 0.00001): it halved IV30 and made the IV rank 0", () => {
    const a = analyzeTicker(data(0.00001, 0.32), AS_OF);
    expect(a.iv30).toBeCloseTo(0.32, 12);
    expect(a.ivRank).toBeCloseTo(60, 9);
  });
});
