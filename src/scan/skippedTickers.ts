import type { ScanStats } from './types.js';

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
export function noMarketData(t: ScanStats['tickers']): string | null {
  if (!(t.requested > 0 && t.scanned === 0)) return null;
  return `no market data: all ${t.requested} tickers skipped (${skipReasons(t)})`;
}
