/**
 * Cash-secured put: sell put K (|delta| in the configured short range) and hold K × 100 in cash.
 * Per share at expiry: credit − (K − S_T)⁺; max profit = credit, max loss = K − credit (S_T = 0),
 * breakeven K − credit, capital = K × 100 − credit × 100 (= max loss); POP = P(S_T > K − credit).
 */
import { probAboveSmile } from '../quant/smileProbability.js';
import { assembleTrade, optionLeg, sigmaDistance } from './buildTrade.js';
import { type ChainScan, type ExpiryView, SKIP, smileSlope } from './chainView.js';
import { economicsRuleCode, popRuleCode } from './hardRules.js';
import type { ScanSink } from './scanSink.js';
import type { GenerationParams } from './types.js';

export function scanCashSecuredPuts(
  scan: ChainScan,
  view: ExpiryView,
  params: GenerationParams,
  sink: ScanSink,
): void {
  const { strikes, T, puts } = view;
  const { bid, iv } = puts.cols;
  const { limits, S, drift } = scan;
  const mult = 100 * sink.contracts;
  const counts = sink.counts;
  let evaluated = 0;
  for (let i = 0; i < strikes.length; i++) {
    const d = puts.absDelta[i];
    if (puts.code[i] === SKIP || !(bid[i] > 0) || !(d >= params.shortDeltaMin && d <= params.shortDeltaMax))
      continue;
    evaluated++;
    let code = view.exitCode || puts.code[i];
    if (code === 0) {
      const k = strikes[i];
      const credit = bid[i];
      const maxLoss = (k - credit) * mult;
      const ratio = (credit * mult) / maxLoss;
      code = economicsRuleCode(true, credit, ratio, maxLoss, maxLoss, limits);
      if (code === 0) {
        const be = k - credit;
        const pop = probAboveSmile(S, be, T, iv[i], smileSlope(puts, strikes, i), drift);
        code = popRuleCode(pop, limits);
        if (code === 0) {
          sink.trades.push(
            assembleTrade(
              scan,
              {
                strategy: 'cash_secured_put',
                isCredit: true,
                legs: [optionLeg(scan, view, puts, i, 'SELL')],
                view,
                netCredit: credit,
                maxProfit: credit * mult,
                maxLoss,
                capital: maxLoss,
                creditRatio: ratio,
                breakevens: [be],
                breakevenSigmas: [sigmaDistance(be, S, iv[i], T)],
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
  sink.evaluated.cash_secured_put += evaluated;
}
