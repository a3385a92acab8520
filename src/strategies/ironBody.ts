/**
 * The shared core of the iron condor and the iron butterfly: a short put (strike Kp) and a short call
 * (Kc ≥ Kp) with long wings wp below and wc above. Per share at expiry the loss is capped at the wider
 * wing minus the credit; capital = max loss (one side can lose at a time). Breakevens Kp − credit and
 * Kc + credit, but only on a side whose wing is at least the credit: with unequal wings the credit can exceed
 * the narrow one, and that side then never loses (its worst is credit − wing ≥ 0) — one breakeven, and POP
 * takes that whole tail. POP = P(S_T > Kp − credit) − P(S_T > Kc + credit) (each term 1 resp. 0 on a side
 * that cannot lose), each tail with the IV read between that side's legs (lognormal, quant/probability.ts).
 */
import { probAbove } from '../quant/probability.js';
import { probAboveSmile, smileTermBound } from '../quant/smileProbability.js';
import { assembleTrade, legForwardValue, optionLeg, sigmaDistance } from './buildTrade.js';
import { type ChainScan, type ExpiryView, ivBetween, type SideView, slopeBetweenLegs } from './chainView.js';
import { economicsRuleCode, type HardLimits, popRuleCode } from './hardRules.js';
import type { ScanSink } from './scanSink.js';

/**
 * Checks one iron trade against the hard rules and, when it passes, adds it to the sink.
 * `lp, sp, sc, lc`: indices into the view's strikes of the long put, short put, short call, long call
 * (plain numbers, not an object: this runs for every put × call pair of a chain). `credit` per share
 * (natural price), `wp` and `wc` the put and call wing widths in price units.
 * Returns the first failing rule's code, 0 when the trade was added.
 */
/**
 * The money rules of an iron trade (see `economicsRuleCode`) before any probability: most candidates stop here,
 * so the scan loops call this first and `evaluateIronBody` only for the rest. Small enough to be inlined into
 * the loops, so its doubles are never boxed for a call (a call per candidate allocated ~150 bytes).
 */
export function ironEconomicsCode(
  credit: number,
  wp: number,
  wc: number,
  contracts: number,
  limits: HardLimits,
): number {
  const mult = 100 * contracts;
  const maxLoss = (Math.max(wp, wc) - credit) * mult;
  return economicsRuleCode(true, credit, (credit * mult) / maxLoss, maxLoss, maxLoss, limits);
}

export function evaluateIronBody(
  scan: ChainScan,
  view: ExpiryView,
  sink: ScanSink,
  strategy: 'iron_condor' | 'iron_butterfly',
  puts: SideView,
  calls: SideView,
  lp: number,
  sp: number,
  sc: number,
  lc: number,
  credit: number,
  wp: number,
  wc: number,
): number {
  const { limits, S, drift } = scan;
  const { strikes, T } = view;
  const mult = 100 * sink.contracts;
  const maxLoss = (Math.max(wp, wc) - credit) * mult;
  const ratio = (credit * mult) / maxLoss;
  let code = economicsRuleCode(true, credit, ratio, maxLoss, maxLoss, limits);
  if (code !== 0) return code; // the loops have checked this already (`ironEconomicsCode`); kept for direct callers
  // a side whose wing is narrower than the credit cannot lose: no breakeven there (maxLoss > 0 keeps one side)
  const hasLo = credit <= wp;
  const hasHi = credit <= wc;
  const beLo = strikes[sp] - credit;
  const beHi = strikes[sc] + credit;
  const volLo = hasLo ? ivBetween(beLo, strikes[sp], puts.cols.iv[sp], strikes[lp], puts.cols.iv[lp]) : 0;
  const volHi = hasHi ? ivBetween(beHi, strikes[sc], calls.cols.iv[sc], strikes[lc], calls.cols.iv[lc]) : 0;
  const slopeLo = hasLo ? slopeBetweenLegs(puts, strikes, beLo, sp, lp) : 0;
  const slopeHi = hasHi ? slopeBetweenLegs(calls, strikes, beHi, sc, lc) : 0;
  // the flat probability first: with the smile terms' bounds it settles most candidates (they fail the POP rule)
  // without the terms' exponentials (see verticalSpread.ts)
  const flat =
    (hasLo ? probAbove(S, beLo, T, volLo, drift) : 1) - (hasHi ? probAbove(S, beHi, T, volHi, drift) : 0);
  const reach =
    (hasLo ? smileTermBound(beLo, T, slopeLo) : 0) + (hasHi ? smileTermBound(beHi, T, slopeHi) : 0);
  let pop = !(flat + reach >= limits.minPop)
    ? flat
    : (hasLo ? probAboveSmile(S, beLo, T, volLo, slopeLo, drift) : 1) -
      (hasHi ? probAboveSmile(S, beHi, T, volHi, slopeHi, drift) : 0);
  if (pop < 0) pop = 0;
  code = popRuleCode(pop, limits);
  if (code !== 0) return code;
  // per share at the natural price (buy at ask, sell at bid), the terms in `expectedPnlPerShare`'s order
  const pc = puts.cols;
  const cc = calls.cols;
  const evShare =
    legForwardValue(scan, view, puts, lp) -
    pc.ask[lp] -
    (legForwardValue(scan, view, puts, sp) - pc.bid[sp]) -
    (legForwardValue(scan, view, calls, sc) - cc.bid[sc]) +
    (legForwardValue(scan, view, calls, lc) - cc.ask[lc]);
  sink.trades.push(
    assembleTrade(
      scan,
      {
        strategy,
        isCredit: true,
        legs: [
          optionLeg(scan, view, puts, lp, 'BUY'),
          optionLeg(scan, view, puts, sp, 'SELL'),
          optionLeg(scan, view, calls, sc, 'SELL'),
          optionLeg(scan, view, calls, lc, 'BUY'),
        ],
        view,
        netCredit: credit,
        maxProfit: credit * mult,
        maxLoss,
        capital: maxLoss,
        creditRatio: ratio,
        breakevens: hasLo && hasHi ? [beLo, beHi] : hasLo ? [beLo] : [beHi],
        breakevenSigmas:
          hasLo && hasHi
            ? [sigmaDistance(beLo, S, volLo, T), sigmaDistance(beHi, S, volHi, T)]
            : hasLo
              ? [sigmaDistance(beLo, S, volLo, T)]
              : [sigmaDistance(beHi, S, volHi, T)],
        pop,
        expectedValue: evShare * 100 * sink.contracts,
      },
      sink.contracts,
    ),
  );
  return 0;
}
