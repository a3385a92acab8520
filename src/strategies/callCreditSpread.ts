/**
 * Call credit spread (bear call): sell call K1 (|delta| in the configured short range), buy call K1 + w.
 * Per share at expiry: credit − (S_T − K1)⁺ + (S_T − K1 − w)⁺; max profit = credit (S_T ≤ K1), max loss =
 * w − credit (S_T ≥ K1 + w), breakeven K1 + credit, capital = max loss; POP = P(S_T < K1 + credit).
 */
import type { ChainScan, ExpiryView } from './chainView.js';
import type { ScanSink } from './scanSink.js';
import { scanCreditSpreads, type VerticalTable } from './verticalSpread.js';

/** Evaluates the call rows of `calls` (filled by `fillVerticals` on the expiry's calls). */
export function scanCallCreditSpreads(
  scan: ChainScan,
  view: ExpiryView,
  calls: VerticalTable,
  sink: ScanSink,
): void {
  if (calls.side?.type !== 'call')
    throw new TypeError('scanCallCreditSpreads: table is not filled with calls');
  scanCreditSpreads(scan, view, calls, sink);
}
