import type { SkippedTicker } from '../market/collectTypes.js';
import type { ScanStats } from './types.js';

/** How many skipped symbols a message names before it says "and N more". */
const NAMED = 10;

/** The skipped tickers by name, the first ten: `APPL, NVDIA` (a watchlist's typo shows itself). */
export function skippedNames(skipped: readonly Pick<SkippedTicker, 'symbol'>[]): string {
  const names = skipped.slice(0, NAMED).map((s) => s.symbol);
  return skipped.length > NAMED ? `${names.join(', ')} and ${skipped.length - NAMED} more` : names.join(', ');
}

/** The skip reasons of a scan, most frequent first: `quote:NetworkError ×3, chain:AuthError ×1`. */
export function skipReasons(t: ScanStats['tickers']): string {
  return Object.entries(t.skipReasons)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ×${n}`)
    .join(', ');
}

/**
 * The error of a scan that could read no ticker at all, or null: its "do not execute" would mean "no data", not
 * "no trade", so the CLI fails (exit 1) and the service records the scan as failed.
 */
export function noMarketData(
  t: ScanStats['tickers'],
  skipped: readonly Pick<SkippedTicker, 'symbol'>[] = [],
): string | null {
  if (!(t.requested > 0 && t.scanned === 0)) return null;
  const names = skipped.length > 0 ? `: ${skippedNames(skipped)}` : '';
  return `no market data: all ${t.requested} tickers skipped (${skipReasons(t)})${names}`;
}
