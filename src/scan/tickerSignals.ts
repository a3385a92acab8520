/**
 * Per-ticker analysis: the signals scoring and the thesis read (IV rank on a 30-day constant-maturity
 * IV, 20-day momentum z over 252 days, flow z, realized-vol percentile for the regime, GICS sector), and the IV
 * percentile reported beside the IV rank.
 */
import type { TickerMarketData } from '../market/collector.js';
import { yearsToExpiry } from '../market/expiry.js';
import { MAX_IV, MIN_IV } from '../market/quality.js';
import type { ExpiryChain } from '../market/types.js';
import { findUniverseMember, issuerOf } from '../market/universe.js';
import { constantMaturityIv, ivPercentile, ivRank } from '../quant/stats.js';
import { momentumZScore, realizedVolPercentile } from '../quant/technicals.js';
import type { TickerSignals } from '../selection/scoring.js';

/** Momentum horizon for the z-score, trading days. */
export const MOMENTUM_LOOKBACK = 20;

export interface TickerAnalysis extends TickerSignals {
  /** Today's 30-day constant-maturity ATM IV, fraction; NaN when the chain gives none. */
  iv30: number;
}

/** ATM IV of one expiry: mean of call and put IV at the strike nearest spot (either alone if one is missing). */
function atmIv(e: ExpiryChain, spot: number): number {
  let best = -1;
  let dist = Number.POSITIVE_INFINITY;
  for (let i = 0; i < e.strikes.length; i++) {
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
  const okC = c >= MIN_IV && c < MAX_IV;
  const okP = p >= MIN_IV && p < MAX_IV;
  return okC && okP ? (c + p) / 2 : okC ? c : okP ? p : Number.NaN;
}

/** The 30-day IVs of the days before `asOf`'s (UTC) day: the IV percentile compares today with the past year. */
function priorDays(history: readonly { date: string; iv30: number }[], asOf: number): number[] {
  const today = new Date(asOf).toISOString().slice(0, 10);
  return history.filter((p) => p.date < today).map((p) => p.iv30);
}

const last = (a: Float64Array) => (a.length > 0 ? a[a.length - 1] : Number.NaN);

export function analyzeTicker(data: TickerMarketData, asOf: number): TickerAnalysis {
  const spot = data.chain.spot;
  const ts = data.chain.expirations.map((e) => yearsToExpiry(e.expiryTime, asOf));
  const ivs = data.chain.expirations.map((e) => atmIv(e, spot));
  let iv30 = constantMaturityIv(ts, ivs);
  const history = data.ivHistory?.map((p) => p.iv30) ?? [];
  if (!Number.isFinite(iv30) && history.length > 0) iv30 = history[history.length - 1];
  const closes = data.history?.map((b) => b.close) ?? [];
  const sector = data.fundamentals?.sector ?? findUniverseMember(data.symbol)?.sector ?? 'Unknown';
  return {
    sector,
    issuer: issuerOf(data.symbol),
    iv30,
    ivRank: Number.isFinite(iv30) && history.length > 0 ? ivRank(iv30, history) : Number.NaN,
    ivPercentile: Number.isFinite(iv30)
      ? ivPercentile(iv30, priorDays(data.ivHistory ?? [], asOf))
      : Number.NaN,
    momentumZ:
      closes.length > MOMENTUM_LOOKBACK ? last(momentumZScore(closes, MOMENTUM_LOOKBACK)) : Number.NaN,
    flowZ: data.flow && !data.flow.neutral ? data.flow.flowZ : 0,
    rvPercentile: closes.length > 0 ? last(realizedVolPercentile(closes)) : Number.NaN,
  };
}
