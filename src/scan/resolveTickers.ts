/** The tickers a scan covers: the watchlist when one is set, else the built-in universe. */
import type { Settings } from '../config/schema.js';
import { normalizeSymbol, universeSymbols } from '../market/universe.js';

export interface TickerSelection {
  tickers: string[];
  /** `watchlist` or the universe's name. */
  universe: string;
}

export function resolveTickers(
  trading: Pick<Settings['trading'], 'watchlist' | 'universe'>,
): TickerSelection {
  if (trading.watchlist.length > 0) {
    return { tickers: [...new Set(trading.watchlist.map(normalizeSymbol))], universe: 'watchlist' };
  }
  return { tickers: universeSymbols(), universe: trading.universe };
}
