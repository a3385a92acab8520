import { describe, expect, it } from 'vitest';
import { noMarketData, skippedNames } from '../../src/scan/skippedTickers.js';

const skipped = (n: number) => Array.from({ length: n }, (_, i) => ({ symbol: `T${i + 1}` }));

describe('skipped tickers in messages', () => {
  it('names the skipped tickers, the first ten, then how many more', () => {
    expect(skippedNames(skipped(2))).toBe('T1, T2');
    expect(skippedNames(skipped(10))).toBe('T1, T2, T3, T4, T5, T6, T7, T8, T9, T10');
    expect(skippedNames(skipped(13))).toBe('T1, T2, T3, T4, T5, T6, T7, T8, T9, T10 and 3 more');
  });

  it('says "no market data" only when not one ticker was scanned, naming them', () => {
    const t = { requested: 2, scanned: 0, skipped: 2, skipReasons: { 'quote:missing': 2 } };
    expect(noMarketData(t, [{ symbol: 'APPL' }, { symbol: 'NVDIA' }])).toBe(
      'no market data: all 2 tickers skipped (quote:missing ×2): APPL, NVDIA',
    );
    expect(noMarketData({ ...t, scanned: 1, skipped: 1 }, [{ symbol: 'APPL' }])).toBeNull();
  });
});
