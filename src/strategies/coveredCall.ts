/**
 * Covered call: 100 shares per contract and a short call K (|delta| in the configured short range).
 * Stock basis B: the ask when the shares are bought with the trade (a buy-write, a net debit), today's mid
 * when `assumeStockOwned` (the credit is the call premium alone). Per share at expiry:
 * min(S_T, K) − B + premium; max profit = K − B + premium, max loss = B − premium (S_T = 0), breakeven
 * B − premium; capital = (stock ask − premium) × 100 when buying, 0 when the shares are already held.
 * POP = P(S_T > B − premium) on the smile at the breakeven (`smileAt`: the puts' IVs there, else the calls'; 0
 * when the max profit is not positive).
 */
import { probAboveSmile } from '../quant/smileProbability.js';
import { assembleTrade, expectedPnlPerShare, optionLeg, sigmaDistance, stockLeg } from './buildTrade.js';
import { type ChainScan, type ExpiryView, SKIP, smileAt, smileSlope } from './chainView.js';
import { economicsRuleCode, popRuleCode, R_QUOTE_AGE } from './hardRules.js';
import type { ScanSink } from './scanSink.js';
import type { GenerationParams } from './types.js';

export function scanCoveredCalls(
  scan: ChainScan,
  view: ExpiryView,
  params: GenerationParams,
  sink: ScanSink,
): void {
  const { strikes, T, calls } = view;
  const { bid, iv } = calls.cols;
  const { limits, S, drift } = scan;
  const u = scan.ctx.underlying;
  const stockBid = u ? u.bid : S;
  const stockAsk = u ? u.ask : S;
  const stockTime = u ? u.time : scan.chain.asOf;
  if (!(stockAsk > 0)) return;
  const owned = params.assumeStockOwned;
  const basis = owned ? 0.5 * ((stockBid > 0 ? stockBid : stockAsk) + stockAsk) : stockAsk;
  const stockCode =
    (scan.ctx.quotesJudgedAt ?? scan.ctx.asOf) - stockTime <= limits.maxQuoteAgeMs ? 0 : R_QUOTE_AGE;
  const mult = 100 * sink.contracts;
  const counts = sink.counts;
  let evaluated = 0;
  for (let i = 0; i < strikes.length; i++) {
    const d = calls.absDelta[i];
    if (calls.code[i] === SKIP || !(bid[i] > 0) || !(d >= params.shortDeltaMin && d <= params.shortDeltaMax))
      continue;
    evaluated++;
    let code = view.exitCode || stockCode || calls.code[i];
    if (code === 0) {
      const premium = bid[i];
      const netCredit = owned ? premium : premium - stockAsk;
      const maxLoss = (basis - premium) * mult;
      const capital = owned ? 0 : (stockAsk - premium) * mult;
      const ratio = (netCredit * mult) / maxLoss;
      code = economicsRuleCode(owned, netCredit, ratio, maxLoss, capital, limits);
      if (code === 0) {
        const k = strikes[i];
        const be = basis - premium;
        const maxProfit = (k - basis + premium) * mult;
        // the smile at the breakeven, below the spot where the out-of-the-money puts quote it; the short call's
        // own IV and slope, 10–25 % above, put POP 1–4 points off either way
        const at = smileAt(view.puts, strikes, be) ??
          smileAt(calls, strikes, be) ?? { iv: iv[i], slope: smileSlope(calls, strikes, i) };
        const pop = maxProfit > 0 ? probAboveSmile(S, be, T, at.iv, at.slope, drift) : 0;
        code = popRuleCode(pop, limits);
        if (code === 0) {
          const stock = stockLeg(scan, 'BUY', view.expiry);
          const call = optionLeg(scan, view, calls, i, 'SELL');
          // E[min(S_T, K)] − B + premium = E[S_T] − E[(S_T − K)⁺] − B + premium
          const evShare = expectedPnlPerShare([stock, call], S, T, drift) + (owned ? stock.ask - basis : 0);
          sink.trades.push(
            assembleTrade(
              scan,
              {
                strategy: 'covered_call',
                isCredit: owned,
                legs: [stock, call],
                view,
                netCredit,
                maxProfit,
                maxLoss,
                capital,
                creditRatio: ratio,
                breakevens: [be],
                breakevenSigmas: [sigmaDistance(be, S, at.iv, T)],
                pop,
                expectedValue: evShare * mult,
                netCreditMid: owned ? call.mid : call.mid - stock.mid,
              },
              sink.contracts,
            ),
          );
        }
      }
    }
    counts[code]++;
  }
  sink.evaluated.covered_call += evaluated;
}
