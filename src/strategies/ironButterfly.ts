/**
 * Iron butterfly: sell the put and the call at an at-the-money body strike K (the listed strikes just
 * below and just above spot are both tried), buy the put K − w and the call K + w (symmetric wings, w
 * from the configured widths). Per share at expiry: credit − |S_T − K| + (K − w − S_T)⁺ + (S_T − K − w)⁺;
 * max profit = credit (S_T = K), max loss = w − credit, breakevens K ± credit, capital = max loss.
 * POP = P(S_T > K − credit) − P(S_T > K + credit), each with the IV read between body and wing.
 */
import { type ChainScan, type ExpiryView, findStrike, firstCode, SKIP } from './chainView.js';
import { evaluateIronBody } from './ironBody.js';
import type { ScanSink } from './scanSink.js';
import type { GenerationParams } from './types.js';

/** Indices of the body candidates: the strike at spot if listed, else the strikes just below and above it. */
function bodyStrikes(strikes: Float64Array, S: number): number[] {
  let hi = 0;
  while (hi < strikes.length && strikes[hi] < S) hi++;
  if (hi < strikes.length && strikes[hi] === S) return [hi];
  const out: number[] = [];
  if (hi > 0) out.push(hi - 1);
  if (hi < strikes.length) out.push(hi);
  return out;
}

export function scanIronButterflies(
  scan: ChainScan,
  view: ExpiryView,
  params: GenerationParams,
  sink: ScanSink,
): void {
  const { strikes, puts, calls } = view;
  const { S } = scan;
  const counts = sink.counts;
  const widths = params.spreadWidths;
  let evaluated = 0;
  for (const i of bodyStrikes(strikes, S)) {
    const k = strikes[i];
    if (puts.code[i] === SKIP || calls.code[i] === SKIP) continue;
    if (!(puts.cols.bid[i] > 0 && calls.cols.bid[i] > 0)) continue;
    const bodyCode = firstCode(view.exitCode, firstCode(puts.code[i], calls.code[i]));
    for (let w = 0; w < widths.length; w++) {
      const width = widths[w];
      const j = findStrike(strikes, k - width);
      const m = findStrike(strikes, k + width);
      if (j < 0 || m < 0 || puts.code[j] === SKIP || calls.code[m] === SKIP) continue;
      if (!(puts.cols.ask[j] > 0 && calls.cols.ask[m] > 0)) continue;
      evaluated++;
      let code = firstCode(bodyCode, firstCode(puts.code[j], calls.code[m]));
      if (code === 0) {
        const credit = puts.cols.bid[i] + calls.cols.bid[i] - puts.cols.ask[j] - calls.cols.ask[m];
        code = evaluateIronBody(
          scan,
          view,
          sink,
          'iron_butterfly',
          puts,
          calls,
          j,
          i,
          i,
          m,
          credit,
          width,
          width,
        );
      }
      counts[code]++;
    }
  }
  sink.evaluated.iron_butterfly += evaluated;
}
