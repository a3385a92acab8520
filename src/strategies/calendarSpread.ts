/**
 * Calendar spreads (call and put): sell the front-expiry option at K, buy the back-expiry option at the
 * same K, for a net debit D = back ask − front bid. The trade is closed at the front expiry, where the
 * back leg still has τ = T_back − T_front to run and is priced with Black-Scholes-Merton at the forward vol
 * `forwardVol(σ_F, T_front, σ_B, T_back)` the two legs' IVs imply for [T_front, T_back], floored at intrinsic
 * (an American holder can always exercise). Why not the back leg's own IV: it carries the front period's
 * variance too — an earnings move before the front expiry lifts both IVs and is over by then, and priced at σ_B
 * the back leg kept it (PLTR: max profit $1,012 and POP 0.55 at σ_B 0.607, $876 and 0.48 at σ_fwd 0.563).
 * Per share at the front expiry:
 *   P&L(S) = max(BSM_back(S, τ), intrinsic(S)) − intrinsic(S) − D = (time value of the back leg) − D,
 * which peaks at S = K: max profit = BSM_back(K, τ) − D, max loss = D (the back leg's time value
 * vanishing far from K), capital = D × 100. Breakevens are the roots of P&L(S) = 0 around K (regula falsi) —
 * one only where a deep in-the-money back leg keeps more time value than the debit (see FAR);
 * POP = P(lo < S_T < hi) at the front expiry with the front leg's IV.
 * Strikes: front |delta| from the configured short minimum up to 0.50 (at the money), where a calendar's
 * profit zone sits; back expiry: front DTE + [calendarBackDteMin, calendarBackDteMax] days.
 */
import { bsPrice } from '../quant/bsPrice.js';
import { probBetween } from '../quant/probability.js';
import { assembleTrade, optionLeg, sigmaDistance } from './buildTrade.js';
import { type ChainScan, type ExpiryView, findStrike, firstCode, SKIP } from './chainView.js';
import { forwardVol } from './forwardVol.js';
import { economicsRuleCode, popRuleCode } from './hardRules.js';
import type { ScanSink } from './scanSink.js';
import type { GenerationParams } from './types.js';

/** [inside, outside] of the last bracketBreakeven (a scratch pair: nothing allocated per candidate). */
const BRACKET = new Float64Array(2);

/**
 * How far out (|ln(x/K)|) a breakeven is looked for before that side counts as unbounded. Why so far: the
 * time value of a deep in-the-money leg need not fall below the debit at all — a call's tends to
 * K(1 − e^{−rτ}) as S → ∞ when q = 0 (a put's likewise as S → 0 when r < 0) — while with a large q or r it
 * does, but beyond the usual 10σ√τ (a put calendar at q = 15 % had its root at ~0.96× the reported one).
 */
const FAR = 20;

/**
 * Brackets the breakeven on one side of K: tries just past the modelled root |ln(x/K)| = `root`, then steps
 * ln(x/K) outward from there (or from `m0`) by ×1.3 until the time value
 * falls below the debit, leaving in BRACKET the last point inside the profit zone (or K) and the first one
 * outside. Past `limit` (signed like m0) the outside point is exact but far; past ln-distance FAR the side is
 * unbounded: the outside point is +∞ (above K) or 0 (below K), where the profit zone then ends.
 */
function bracketBreakeven(
  isCall: boolean,
  k: number,
  m0: number,
  root: number,
  limit: number,
  tau: number,
  r: number,
  q: number,
  vol: number,
  debit: number,
): void {
  let inside = k;
  const far = Math.max(FAR, Math.abs(limit));
  // Start just past the modelled root (`modelRoot`): one price settles most sides, where stepping from m0 took
  // ~2.5. Past it (value below the debit) it is the outside point, with K inside; short of it, step on from there.
  const guess = (m0 > 0 ? 1.03 : -1.03) * root;
  let m = Math.abs(guess) > Math.abs(m0) && Math.abs(guess) < far ? guess : m0;
  while (Math.abs(m) < far) {
    const x = k * Math.exp(m);
    if (!(timeValue(isCall, x, k, tau, r, q, vol) >= debit)) {
      BRACKET[0] = inside;
      BRACKET[1] = x;
      return;
    }
    inside = x;
    m *= 1.3;
  }
  BRACKET[0] = inside;
  BRACKET[1] = m0 > 0 ? Number.POSITIVE_INFINITY : 0;
}

/**
 * |ln(x/K)| where the back leg's time value falls to the debit, in a model: time value ≈ peak·h(z)/h(0), z =
 * ln(x/K)/(σ√τ), with h(z) = φ(z) − |z|·N(−|z|) the at-the-money-normal (Bachelier) time value, and
 * ln(h(z)/h(0)) ≈ −1.238·z − 0.328·z² (within ~2 % of z for z ≤ 2). Only a starting point for the bracket: the
 * prices decide. `peak` is the time value at K (above the debit), `sd` = σ√τ.
 */
function modelRoot(peak: number, debit: number, sd: number): number {
  const L = Math.log(peak / debit);
  return ((Math.sqrt(MODEL_A * MODEL_A + 4 * MODEL_B * L) - MODEL_A) / (2 * MODEL_B)) * sd;
}
const MODEL_A = 1.238;
const MODEL_B = 0.328;

/** A breakeven that exists: not the 0 or +∞ end of an unbounded side. */
const finiteLevel = (x: number): boolean => x > 0 && x < Number.POSITIVE_INFINITY;

/** Highest front-leg |delta| of a calendar: at the money. */
export const CALENDAR_MAX_ABS_DELTA = 0.5;

/** Time value per share of the back leg at spot x, τ years left: max(BSM − intrinsic, 0). */
function timeValue(
  isCall: boolean,
  x: number,
  k: number,
  tau: number,
  r: number,
  q: number,
  vol: number,
): number {
  const intrinsic = isCall ? (x > k ? x - k : 0) : k > x ? k - x : 0;
  const v = bsPrice(isCall ? 'call' : 'put', x, k, tau, r, q, vol) - intrinsic;
  return Math.max(v, 0) || 0; // NaN (no vol) → 0
}

/**
 * Root of timeValue(x) = debit between `inside` (value above the debit) and `outside` (below it), by the
 * Illinois variant of regula falsi (superlinear, bracketing: the root never leaves [inside, outside]).
 */
function solveBreakeven(
  isCall: boolean,
  inside: number,
  outside: number,
  k: number,
  tau: number,
  r: number,
  q: number,
  vol: number,
  debit: number,
): number {
  let a = inside;
  let fa = timeValue(isCall, a, k, tau, r, q, vol) - debit;
  let b = outside;
  let fb = timeValue(isCall, b, k, tau, r, q, vol) - debit;
  if (!(fb < 0)) return b;
  let side = 0;
  for (let it = 0; it < 100; it++) {
    const x = (a * fb - b * fa) / (fb - fa);
    const fx = timeValue(isCall, x, k, tau, r, q, vol) - debit;
    if (Math.abs(fx) < 1e-13 * k || Math.abs(b - a) < 1e-13 * k) return x;
    if (fx > 0) {
      a = x;
      fa = fx;
      if (side === 1) fb *= 0.5;
      side = 1;
    } else {
      b = x;
      fb = fx;
      if (side === -1) fa *= 0.5;
      side = -1;
    }
  }
  return (a * fb - b * fa) / (fb - fa);
}

/** Evaluates calendars with front expiry `front` and back expiry `back` for one option type. */
export function scanCalendars(
  scan: ChainScan,
  front: ExpiryView,
  back: ExpiryView,
  type: 'call' | 'put',
  params: GenerationParams,
  sink: ScanSink,
): void {
  const isCall = type === 'call';
  const strategy = isCall ? 'call_calendar' : 'put_calendar';
  const fs = isCall ? front.calls : front.puts;
  const bs = isCall ? back.calls : back.puts;
  const { limits, S, r, q, drift } = scan;
  const T1 = front.T;
  const tau = back.T - front.T;
  if (!(tau > 0)) return;
  const mult = 100 * sink.contracts;
  const counts = sink.counts;
  let evaluated = 0;
  for (let i = 0; i < front.strikes.length; i++) {
    const d = fs.absDelta[i];
    if (fs.code[i] === SKIP || !(fs.cols.bid[i] > 0)) continue;
    if (!(d >= params.shortDeltaMin && d <= CALENDAR_MAX_ABS_DELTA)) continue;
    const k = front.strikes[i];
    const j = findStrike(back.strikes, k);
    if (j < 0 || bs.code[j] === SKIP || !(bs.cols.ask[j] > 0)) continue;
    evaluated++;
    let code = firstCode(front.exitCode, firstCode(fs.code[i], bs.code[j]));
    if (code === 0) {
      const debit = bs.cols.ask[j] - fs.cols.bid[i];
      const maxLoss = debit * mult;
      const ratio = (-debit * mult) / maxLoss;
      code = economicsRuleCode(false, -debit, ratio, maxLoss, maxLoss, limits);
      if (code === 0) {
        const volF = fs.cols.iv[i];
        const volB = forwardVol(volF, T1, bs.cols.iv[j], back.T);
        const peak = timeValue(isCall, k, k, tau, r, q, volB);
        let pop = 0;
        let lo = Number.NaN;
        let hi = Number.NaN;
        if (peak > debit && volB > 0) {
          // Most calendars fall far short of min POP: first bracket each breakeven within 30 % in ln(x/K)
          // (a few prices), bound the POP from above with the outer ends, and solve exactly only when that
          // bound passes.
          const m0 = Math.max((peak - debit) / (0.5 * k), 1e-4); // the time value falls ~K/2 per unit of ln(x/K) near K
          const limit = 10 * volB * Math.sqrt(tau) + 0.1;
          const root = modelRoot(peak, debit, volB * Math.sqrt(tau));
          bracketBreakeven(isCall, k, -m0, root, -limit, tau, r, q, volB, debit);
          const loIn = BRACKET[0];
          const loOut = BRACKET[1];
          bracketBreakeven(isCall, k, m0, root, limit, tau, r, q, volB, debit);
          const hiIn = BRACKET[0];
          const hiOut = BRACKET[1];
          pop = probBetween(S, loOut, hiOut, T1, volF, drift);
          if (pop >= limits.minPop) {
            // an unbounded side keeps its end (0 or +∞): no breakeven there
            lo = loOut === 0 ? 0 : solveBreakeven(isCall, loIn, loOut, k, tau, r, q, volB, debit);
            hi =
              hiOut === Number.POSITIVE_INFINITY
                ? hiOut
                : solveBreakeven(isCall, hiIn, hiOut, k, tau, r, q, volB, debit);
            pop = probBetween(S, lo, hi, T1, volF, drift);
          }
        }
        code = popRuleCode(pop, limits);
        if (code === 0) {
          const short = optionLeg(scan, front, fs, i, 'SELL');
          const long = optionLeg(scan, back, bs, j, 'BUY');
          // E[back value at T1] = forward value of today's BSM price; E[front payoff] at zero rate on the forward.
          const evShare =
            bsPrice(type, S, k, back.T, r, q, bs.cols.iv[j]) * Math.exp(r * T1) -
            long.ask -
            (bsPrice(type, S, k, T1, 0, -drift, volF) - short.bid);
          sink.trades.push(
            assembleTrade(
              scan,
              {
                strategy,
                isCredit: false,
                legs: [short, long],
                view: front,
                netCredit: -debit,
                maxProfit: (peak - debit) * mult,
                maxLoss,
                capital: maxLoss,
                creditRatio: ratio,
                breakevens: Number.isNaN(lo) ? [] : [lo, hi].filter(finiteLevel),
                breakevenSigmas: Number.isNaN(lo)
                  ? []
                  : [lo, hi].filter(finiteLevel).map((b) => sigmaDistance(b, S, volF, T1)),
                pop,
                expectedValue: evShare * mult,
              },
              sink.contracts,
            ),
          );
        }
      }
    }
    counts[code]++;
  }
  sink.evaluated[strategy] += evaluated;
}
