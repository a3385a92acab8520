/**
 * Iron condor: a put credit spread (sell Kp, buy Kp − wp) and a call credit spread (sell Kc, buy Kc + wc)
 * on the same expiry, Kp < Kc, each short in the configured |delta| range; widths may differ.
 * Per share at expiry: credit − (Kp − S_T)⁺ + (Kp − wp − S_T)⁺ − (S_T − Kc)⁺ + (S_T − Kc − wc)⁺;
 * max profit = credit (Kp ≤ S_T ≤ Kc), max loss = max(wp, wc) − credit, breakevens Kp − credit and
 * Kc + credit, capital = max loss (one side can lose at a time, so brokers hold the wider side only).
 * POP = P(S_T > Kp − credit) − P(S_T > Kc + credit), each tail with the IV read between that side's legs.
 */
import { probAbove } from '../quant/probability.js';
import { assembleTrade, optionLeg, sigmaDistance } from './buildTrade.js';
import { type ChainScan, type ExpiryView, firstCode, ivBetween } from './chainView.js';
import { economicsRuleCode, popRuleCode } from './hardRules.js';
import type { ScanSink } from './scanSink.js';
import type { VerticalTable } from './verticalSpread.js';

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
  const { strikes, T } = view;
  const { limits, S, drift } = scan;
  const ivP = ps.cols.iv;
  const ivC = cs.cols.iv;
  const mult = 100 * sink.contracts;
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
      if (code === 0) {
        const credit = creditP + calls.credit[c];
        const wc = calls.width[c];
        const maxLoss = (Math.max(wp, wc) - credit) * mult;
        const ratio = (credit * mult) / maxLoss;
        code = economicsRuleCode(true, credit, ratio, maxLoss, maxLoss, limits);
        if (code === 0) {
          const lp = puts.long[p];
          const sc = calls.short[c];
          const lc = calls.long[c];
          const kc = strikes[sc];
          const beLo = kp - credit;
          const beHi = kc + credit;
          const volLo = ivBetween(beLo, kp, ivP[sp], strikes[lp], ivP[lp]);
          const volHi = ivBetween(beHi, kc, ivC[sc], strikes[lc], ivC[lc]);
          let pop = probAbove(S, beLo, T, volLo, drift) - probAbove(S, beHi, T, volHi, drift);
          if (pop < 0) pop = 0;
          code = popRuleCode(pop, limits);
          if (code === 0) {
            sink.trades.push(
              assembleTrade(
                scan,
                {
                  strategy: 'iron_condor',
                  isCredit: true,
                  legs: [
                    optionLeg(scan, view, ps, lp, 'BUY'),
                    optionLeg(scan, view, ps, sp, 'SELL'),
                    optionLeg(scan, view, cs, sc, 'SELL'),
                    optionLeg(scan, view, cs, lc, 'BUY'),
                  ],
                  view,
                  netCredit: credit,
                  maxProfit: credit * mult,
                  maxLoss,
                  capital: maxLoss,
                  creditRatio: ratio,
                  breakevens: [beLo, beHi],
                  breakevenSigmas: [sigmaDistance(beLo, S, volLo, T), sigmaDistance(beHi, S, volHi, T)],
                  pop,
                },
                sink.contracts,
              ),
            );
          }
        }
      }
      counts[code]++;
    }
  }
  sink.evaluated.iron_condor += evaluated;
}
