/**
 * Credit verticals of one side of an expiry, as a columnar table: the shared building block of put and
 * call credit spreads and of iron condors (a condor is one put row and one call row).
 *
 * Put credit spread: sell put K1, buy put K2 = K1 − w. Call credit spread: sell call K1, buy call
 * K2 = K1 + w. Per share at expiry: credit − (short intrinsic) + (long intrinsic); max profit = credit,
 * max loss = w − credit, breakeven K1 ∓ credit; capital = max loss (DESIGN.md units: × 100 × contracts).
 */
import { probAbove, probBelow } from '../quant/probability.js';
import { probAboveSmile, probBelowSmile, smileTermBound } from '../quant/smileProbability.js';
import { assembleTrade, legForwardValue, optionLeg, sigmaDistance } from './buildTrade.js';
import {
  type ChainScan,
  type ExpiryView,
  findStrike,
  firstCode,
  ivBetween,
  type SideView,
  SKIP,
  slopeBetweenLegs,
} from './chainView.js';
import { economicsRuleCode, popRuleCode } from './hardRules.js';
import type { ScanSink } from './scanSink.js';
import type { GenerationParams } from './types.js';

/** Rows k = 0..n−1: short and long contract index, width $, natural credit $/share, first failing leg rule. */
export interface VerticalTable {
  side: SideView | null;
  n: number;
  short: Int32Array;
  long: Int32Array;
  width: Float64Array;
  credit: Float64Array;
  code: Uint8Array;
}

export function createVerticalTable(capacity = 256): VerticalTable {
  return {
    side: null,
    n: 0,
    short: new Int32Array(capacity),
    long: new Int32Array(capacity),
    width: new Float64Array(capacity),
    credit: new Float64Array(capacity),
    code: new Uint8Array(capacity),
  };
}

function grow(t: VerticalTable, need: number): void {
  if (t.short.length >= need) return;
  const cap = Math.max(need, 2 * t.short.length);
  const short = new Int32Array(cap);
  const long = new Int32Array(cap);
  const width = new Float64Array(cap);
  const credit = new Float64Array(cap);
  const code = new Uint8Array(cap);
  short.set(t.short);
  long.set(t.long);
  width.set(t.width);
  credit.set(t.credit);
  code.set(t.code);
  Object.assign(t, { short, long, width, credit, code });
}

/**
 * Fills `t` with every credit vertical of `side`: short legs with |delta| in the configured range and a
 * bid, long legs `width` further out of the money with an ask. Rows are ordered by short strike.
 */
export function fillVerticals(
  view: ExpiryView,
  side: SideView,
  params: GenerationParams,
  t: VerticalTable,
): void {
  const { strikes } = view;
  const { bid, ask } = side.cols;
  const widths = params.spreadWidths;
  const dir = side.type === 'put' ? -1 : 1;
  grow(t, strikes.length * widths.length);
  t.side = side;
  let n = 0;
  for (let i = 0; i < strikes.length; i++) {
    const ci = side.code[i];
    const d = side.absDelta[i];
    if (ci === SKIP || !(bid[i] > 0) || !(d >= params.shortDeltaMin && d <= params.shortDeltaMax)) continue;
    for (let w = 0; w < widths.length; w++) {
      const j = findStrike(strikes, strikes[i] + dir * widths[w]);
      if (j < 0 || side.code[j] === SKIP || !(ask[j] > 0)) continue;
      t.short[n] = i;
      t.long[n] = j;
      t.width[n] = widths[w];
      t.credit[n] = bid[i] - ask[j];
      t.code[n] = firstCode(ci, side.code[j]);
      n++;
    }
  }
  t.n = n;
}

/**
 * Evaluates every row of `t` as a credit spread (`put_credit_spread` for a put table, `call_credit_spread`
 * for a call table). POP = P(S_T beyond the breakeven) under the risk-neutral lognormal, with the IV read
 * between the two legs' IVs at the breakeven and the smile's slope there (`probAboveSmile`).
 */
export function scanCreditSpreads(scan: ChainScan, view: ExpiryView, t: VerticalTable, sink: ScanSink): void {
  const side = t.side;
  if (side === null) return;
  const isPut = side.type === 'put';
  const strategy = isPut ? 'put_credit_spread' : 'call_credit_spread';
  const { strikes, T } = view;
  const iv = side.cols.iv;
  const { limits, S, drift } = scan;
  const mult = 100 * sink.contracts;
  const counts = sink.counts;
  const exitCode = view.exitCode;
  for (let k = 0; k < t.n; k++) {
    let code = exitCode || t.code[k];
    if (code === 0) {
      const credit = t.credit[k];
      const maxLoss = (t.width[k] - credit) * mult;
      const ratio = (credit * mult) / maxLoss;
      code = economicsRuleCode(true, credit, ratio, maxLoss, maxLoss, limits);
      if (code === 0) {
        const i = t.short[k];
        const j = t.long[k];
        const k1 = strikes[i];
        const be = isPut ? k1 - credit : k1 + credit;
        const vol = ivBetween(be, k1, iv[i], strikes[j], iv[j]);
        const slope = slopeBetweenLegs(side, strikes, be, i, j);
        // most candidates here fail the POP rule: the flat probability and the smile term's bound settle those
        // without the term's exponential (the smile POP is within flat ± bound)
        const flat = isPut ? probAbove(S, be, T, vol, drift) : probBelow(S, be, T, vol, drift);
        const pop = !(flat + smileTermBound(be, T, slope) >= limits.minPop)
          ? flat
          : isPut
            ? probAboveSmile(S, be, T, vol, slope, drift)
            : probBelowSmile(S, be, T, vol, slope, drift);
        code = popRuleCode(pop, limits);
        if (code === 0) {
          // per share at the natural price, the terms in `expectedPnlPerShare`'s order (sell i, buy j)
          const evShare =
            -(legForwardValue(scan, view, side, i) - side.cols.bid[i]) +
            (legForwardValue(scan, view, side, j) - side.cols.ask[j]);
          sink.trades.push(
            assembleTrade(
              scan,
              {
                strategy,
                isCredit: true,
                legs: [optionLeg(scan, view, side, i, 'SELL'), optionLeg(scan, view, side, j, 'BUY')],
                view,
                netCredit: credit,
                maxProfit: credit * mult,
                maxLoss,
                capital: maxLoss,
                creditRatio: ratio,
                breakevens: [be],
                breakevenSigmas: [sigmaDistance(be, S, vol, T)],
                pop,
                expectedValue: evShare * 100 * sink.contracts,
              },
              sink.contracts,
            ),
          );
        }
      }
    }
    counts[code]++;
  }
  sink.evaluated[strategy] += t.n;
}
