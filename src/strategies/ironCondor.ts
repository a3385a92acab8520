/**
 * Iron condor: a put credit spread (sell Kp, buy Kp − wp) and a call credit spread (sell Kc, buy Kc + wc)
 * on the same expiry, Kp < Kc, each short in the configured |delta| range; widths may differ.
 * Per share at expiry: credit − (Kp − S_T)⁺ + (Kp − wp − S_T)⁺ − (S_T − Kc)⁺ + (S_T − Kc − wc)⁺;
 * max profit = credit (Kp ≤ S_T ≤ Kc), max loss = max(wp, wc) − credit, breakevens Kp − credit and
 * Kc + credit — only Kc + credit when the credit exceeds wp (the put side then cannot lose), and the mirror
 * case — capital = max loss (one side can lose at a time, so brokers hold the wider side only).
 * POP = P(S_T > Kp − credit) − P(S_T > Kc + credit), each tail with the IV read between that side's legs
 * (see ironBody.ts). Each side must bring a credit of its own (`no_credit` otherwise): a side netting zero or
 * less adds only risk — the condor is then dominated by its other side alone, at every expiry price.
 */
import { type ChainScan, type ExpiryView, firstCode } from './chainView.js';
import { R_NO_CREDIT } from './hardRules.js';
import { evaluateIronBody, ironEconomicsCode } from './ironBody.js';
import type { ScanSink } from './scanSink.js';
import type { VerticalTable } from './verticalSpread.js';

/** A side's least credit, $ per share: above rounding (two quotes netting to 0 can read +1e-17). */
const SIDE_CREDIT_MIN = 1e-9;

/** Evaluates every (put row, call row) pair with the put short strike below the call short strike. */
export function scanIronCondors(
  scan: ChainScan,
  view: ExpiryView,
  puts: VerticalTable,
  calls: VerticalTable,
  sink: ScanSink,
): void {
  const ps = puts.side;
  const cs = calls.side;
  if (ps?.type !== 'put' || cs?.type !== 'call')
    throw new TypeError('scanIronCondors: tables are not put/call');
  const { strikes } = view;
  const counts = sink.counts;
  const exitCode = view.exitCode;
  let evaluated = 0;
  let start = 0; // first call row whose short strike is above the current put short strike (rows sorted)
  for (let p = 0; p < puts.n; p++) {
    const sp = puts.short[p];
    const kp = strikes[sp];
    while (start < calls.n && strikes[calls.short[start]] <= kp) start++;
    const creditP = puts.credit[p];
    const wp = puts.width[p];
    const codeP = exitCode || puts.code[p];
    evaluated += calls.n - start;
    for (let c = start; c < calls.n; c++) {
      let code = firstCode(codeP, calls.code[c]);
      if (code === 0 && !(creditP > SIDE_CREDIT_MIN && calls.credit[c] > SIDE_CREDIT_MIN)) code = R_NO_CREDIT;
      if (code === 0) {
        const credit = creditP + calls.credit[c];
        code = ironEconomicsCode(credit, wp, calls.width[c], sink.contracts, scan.limits);
      }
      if (code === 0) {
        const credit = creditP + calls.credit[c];
        const lp = puts.long[p];
        code = evaluateIronBody(
          scan,
          view,
          sink,
          'iron_condor',
          ps,
          cs,
          lp,
          sp,
          calls.short[c],
          calls.long[c],
          credit,
          wp,
          calls.width[c],
        );
      }
      counts[code]++;
    }
  }
  sink.evaluated.iron_condor += evaluated;
}
