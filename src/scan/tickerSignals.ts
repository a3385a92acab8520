/**
 * Per-ticker analysis: the signals scoring and the thesis read (IV rank on a 30-day constant-maturity
 * IV, 20-day momentum z over 252 days, flow z, realized-vol percentile for the regime, GICS sector), and the IV
 * percentile reported beside the IV rank.
 */
import type { TickerMarketData } from '../market/collector.js';
import { dateOfDay, newYorkClock } from '../market/exchangeCalendar.js';
import { yearsToExpiry } from '../market/expiry.js';
import { MAX_IV, MIN_IV } from '../market/quality.js';
import type { ExpiryChain, IvPoint, OptionChain } from '../market/types.js';
import { findUniverseMember, issuerOf } from '../market/universe.js';
import { constantMaturityIv, IV_LOOKBACK_DAYS, ivPercentile, ivRank } from '../quant/stats.js';
import { momentumZScore, realizedVolPercentile } from '../quant/technicals.js';
import type { TickerSignals } from '../selection/scoring.js';
import type { ChainMask, ExpiryMask } from '../strategies/types.js';

/** Momentum horizon for the z-score, trading days. */
export const MOMENTUM_LOOKBACK = 20;

export interface TickerAnalysis extends TickerSignals {
  /**
   * Today's 30-day constant-maturity ATM IV, fraction: from the chain, else the IV history's value of the last week
   * (a chain without two-sided at-the-money quotes); NaN without either.
   */
  iv30: number;
}

/** Whether contract i passed the quality stage (a missing mask: all did). */
const passed = (mask: Uint8Array | undefined, i: number) => mask === undefined || mask[i] === 1;

/**
 * ATM IV of one expiry: mean of call and put IV at the strike nearest spot (either alone if one is missing). With
 * `usable` (the quality stage's masks, 1 = passed) only quotes that passed count: the strike nearest spot with one.
 */
function atmIv(e: ExpiryChain, spot: number, usable?: ExpiryMask): number {
  let best = -1;
  let dist = Number.POSITIVE_INFINITY;
  for (let i = 0; i < e.strikes.length; i++) {
    if (!passed(usable?.calls, i) && !passed(usable?.puts, i)) continue;
    const d = Math.abs(e.strikes[i] - spot);
    if (d < dist) {
      dist = d;
      best = i;
    }
  }
  if (best < 0) return Number.NaN;
  const c = e.calls.iv[best];
  const p = e.puts.iv[best];
  // a placeholder IV (Yahoo's 0.00001 before the open) is none: it made IV30 0.39 % and IV rank 0
  const okC = c >= MIN_IV && c < MAX_IV && passed(usable?.calls, best);
  const okP = p >= MIN_IV && p < MAX_IV && passed(usable?.puts, best);
  return okC && okP ? (c + p) / 2 : okC ? c : okP ? p : Number.NaN;
}

/**
 * The 30-day constant-maturity ATM IV of a chain at `asOf` (fraction; NaN when it gives none). With `masks` (the
 * quality stage's, per expiration) only quotes that passed it count: what a live scan records as the day's IV, so
 * that stale quotes never enter the history.
 */
export function chainIv30(chain: OptionChain, asOf: number, masks?: ChainMask): number {
  const ts = chain.expirations.map((e) => yearsToExpiry(e.expiryTime, asOf));
  const ivs = chain.expirations.map((e, k) => atmIv(e, chain.spot, masks?.[k]));
  return constantMaturityIv(ts, ivs);
}

/**
 * Fewest days of IV history, in the 52-week window, for an IV rank or percentile: half a year, as the realized-vol
 * percentile asks of its window. With two days of history every IV ranked 0 or 100 and took the score's full weight.
 */
export const IV_MIN_HISTORY_DAYS = 126;

/**
 * The usable 30-day IVs of the 52 weeks before `asOf`'s New York day, oldest first. Today's own row (written by an
 * earlier scan, or today's close after the bell) and any later one are left out: IV rank and IV percentile
 * compare today with the past year, and a row after `asOf` would be look-ahead in a replay.
 */
function priorYear(history: readonly IvPoint[], asOf: number): number[] {
  const day = newYorkClock(asOf).day;
  const today = dateOfDay(day);
  const first = dateOfDay(day - 364);
  return history
    .filter((p) => p.date < today && p.date >= first && p.iv30 >= MIN_IV && p.iv30 < MAX_IV)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .map((p) => p.iv30);
}

/** Calendar days back the IV history may stand in for a chain without an at-the-money IV (a long weekend). */
const LATEST_IV_MAX_AGE_DAYS = 7;

/**
 * The latest usable 30-day IV of the history in the week up to `asOf`'s New York day (today's row included); NaN
 * without one — a months-old IV read as today's ranked 100.
 */
function latestIv(history: readonly IvPoint[], asOf: number): number {
  const day = newYorkClock(asOf).day;
  const today = dateOfDay(day);
  let date = dateOfDay(day - LATEST_IV_MAX_AGE_DAYS);
  let iv = Number.NaN;
  for (const p of history) {
    if (p.date <= today && p.date >= date && p.iv30 >= MIN_IV && p.iv30 < MAX_IV) {
      date = p.date;
      iv = p.iv30;
    }
  }
  return iv;
}

const last = (a: Float64Array) => (a.length > 0 ? a[a.length - 1] : Number.NaN);

export function analyzeTicker(data: TickerMarketData, asOf: number): TickerAnalysis {
  let iv30 = chainIv30(data.chain, asOf);
  if (!Number.isFinite(iv30)) iv30 = latestIv(data.ivHistory ?? [], asOf);
  const past = priorYear(data.ivHistory ?? [], asOf);
  const closes = data.history?.map((b) => b.close) ?? [];
  const sector = data.fundamentals?.sector ?? findUniverseMember(data.symbol)?.sector ?? 'Unknown';
  return {
    sector,
    issuer: issuerOf(data.symbol),
    iv30,
    ivRank: ivRank(iv30, past, IV_LOOKBACK_DAYS, IV_MIN_HISTORY_DAYS),
    ivPercentile: ivPercentile(iv30, past, IV_LOOKBACK_DAYS, IV_MIN_HISTORY_DAYS),
    momentumZ:
      closes.length > MOMENTUM_LOOKBACK ? last(momentumZScore(closes, MOMENTUM_LOOKBACK)) : Number.NaN,
    flowZ: data.flow && !data.flow.neutral ? data.flow.flowZ : 0,
    rvPercentile: closes.length > 0 ? last(realizedVolPercentile(closes)) : Number.NaN,
  };
}
