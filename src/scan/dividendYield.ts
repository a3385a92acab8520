import type { TickerMarketData } from '../market/collectTypes.js';

/**
 * The dividend yield (annual fraction, used as the continuous q) a ticker is priced with: the quote's, or —
 * where the quote carries none (Tradier's never do) — the fundamentals' (Yahoo's summary), else 0. With the
 * quote's 0 alone, a Tradier scan priced every dividend payer as if it paid nothing: its forward, the greeks
 * recomputed for the quality check, the POP drift r − q.
 */
export function dividendYieldOf(d: Pick<TickerMarketData, 'quote' | 'fundamentals'>): number {
  const fromQuote = d.quote.dividendYield;
  if (fromQuote > 0) return fromQuote;
  const fromFundamentals = d.fundamentals?.dividendYield;
  return typeof fromFundamentals === 'number' && fromFundamentals >= 0 && fromFundamentals < 1
    ? fromFundamentals
    : 0;
}
