/**
 * Iron butterfly: sell the put and the call at an at-the-money body strike K (the listed strikes just
 * below and just above spot are both tried), buy the put K − w and the call K + w (symmetric wings, w
 * from the configured widths). Per share at expiry: credit − |S_T − K| + (K − w − S_T)⁺ + (S_T − K − w)⁺;
 * max profit = credit (S_T = K), max loss = w − credit, breakevens K ± credit, capital = max loss.
 * POP = P(S_T > K − credit) − P(S_T > K + credit), each with the IV read between body and wing.
 */
import { probAbove } from '../quant/probability.js';
import { assembleTrade, optionLeg, sigmaDistance } from './buildTrade.js';
import { type ChainScan, type ExpiryView, findStrike, firstCode, ivBetween, SKIP } from './chainView.js';
import { economicsRuleCode, popRuleCode } from './hardRules.js';
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
  const { strikes, T, puts, calls } = view;
  const { limits, S, drift } = scan;
  const mult = 100 * sink.contracts;
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
        const maxLoss = (width - credit) * mult;
        const ratio = (credit * mult) / maxLoss;
        code = economicsRuleCode(true, credit, ratio, maxLoss, maxLoss, limits);
        if (code === 0) {
          const beLo = k - credit;
          const beHi = k + credit;
          const volLo = ivBetween(beLo, k, puts.cols.iv[i], strikes[j], puts.cols.iv[j]);
          const volHi = ivBetween(beHi, k, calls.cols.iv[i], strikes[m], calls.cols.iv[m]);
          let pop = probAbove(S, beLo, T, volLo, drift) - probAbove(S, beHi, T, volHi, drift);
          if (pop < 0) pop = 0;
          code = popRuleCode(pop, limits);
          if (code === 0) {
            sink.trades.push(
              assembleTrade(
                scan,
                {
                  strategy: 'iron_butterfly',
                  isCredit: true,
                  legs: [
                    optionLeg(scan, view, puts, j, 'BUY'),
                    optionLeg(scan, view, puts, i, 'SELL'),
                    optionLeg(scan, view, calls, i, 'SELL'),
                    optionLeg(scan, view, calls, m, 'BUY'),
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
  sink.evaluated.iron_butterfly += evaluated;
}
