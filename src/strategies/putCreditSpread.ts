/**
 * Put credit spread (bull put): sell put K1 (|delta| in the configured short range), buy put K1 − w.
 * Per share at expiry: credit − (K1 − S_T)⁺ + (K1 − w − S_T)⁺; max profit = credit (S_T ≥ K1), max loss =
 * w − credit (S_T ≤ K1 − w), breakeven K1 − credit, capital = max loss; POP = P(S_T > K1 − credit).
 */
import type { ChainScan, ExpiryView } from './chainView.js';
import type { ScanSink } from './scanSink.js';
import { scanCreditSpreads, type VerticalTable } from './verticalSpread.js';

/** Evaluates the put rows of `puts` (filled by `fillVerticals` on the expiry's puts). */
export function scanPutCreditSpreads(
  scan: ChainScan,
  view: ExpiryView,
  puts: VerticalTable,
  sink: ScanSink,
): void {
  if (puts.side?.type !== 'put') throw new TypeError('scanPutCreditSpreads: table is not filled with puts');
  scanCreditSpreads(scan, view, puts, sink);
}
