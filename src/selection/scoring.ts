/**
 * model_score = 100 × Σ weight × component, every component on 0–1 and kept with the trade:
 *   pop        — the trade's POP.
 *   ivRank     — IV rank / 100 for a trade short vega (selling rich premium pays), 1 − IV rank / 100 for a
 *                trade long vega (calendars buy vol when it is cheap); 0.5 when IV rank is unknown.
 *   momentum   — Φ(momentum z) for a bullish trade, Φ(−z) for a bearish one, Φ(−|z|) for a neutral one
 *                (a range trade is at best indifferent to a trend: 0.5 with no trend, less in one).
 *   flow       — the same reading of the flow z.
 *   riskReward — maxProfit / (maxProfit + maxLoss), i.e. return on risk r as r / (1 + r).
 *   liquidity  — 0.7 × (1 − worst leg (ask − bid)/mid ÷ max_bid_ask_pct, floored at 0)
 *                + 0.3 × min(1, log10(1 + smallest leg open interest) / 4)   (10 000 contracts → 1).
 * Weights: `scoring.weights`, or `scoring.regime_weights.high|low` when the realized-vol percentile is
 * ≥ regime_high_percentile / ≤ regime_low_percentile — of the scan (`scanRegime`, the median ticker's), not of
 * each ticker: candidates are ranked against each other, and with one weight vector per ticker a trade better
 * in every component could score lower than another (40.1 vs 52.8 in one audit) because its ticker was calm.
 */
import type { ScoringWeights, Settings } from '../config/schema.js';
import { normCdf } from '../quant/normal.js';
import type { Trade } from '../strategies/types.js';
import { type Bias, tradeBias } from './direction.js';

/** Per-ticker signals used by scoring and the thesis. */
export interface TickerSignals {
  /** GICS sector (`ETF` for funds). */
  sector: string;
  /** The company behind the ticker (see `BasketTrade.issuer`); absent: the ticker. */
  issuer?: string;
  /** IV rank 0–100; NaN when unknown. */
  ivRank: number;
  /**
   * IV percentile 0–100 (share of the last 252 days' 30-day IVs below today's); reported beside IV rank, which
   * one spike in the year skews, and not scored. NaN when unknown.
   */
  ivPercentile: number;
  /** Momentum z-score (standard deviations); NaN = 0. */
  momentumZ: number;
  /** Flow z-score; 0 when neutral / unknown. */
  flowZ: number;
  /** Realized-vol percentile 0–100 for the regime; NaN = normal regime. */
  rvPercentile: number;
}

export type Regime = 'high' | 'normal' | 'low';

export interface ScoreComponents {
  pop: number;
  ivRank: number;
  momentum: number;
  flow: number;
  riskReward: number;
  liquidity: number;
  /** The weights applied (regime-adjusted). */
  weights: ScoringWeights;
  regime: Regime;
  bias: Bias;
}

/** A trade with its ticker's signals and its score. */
export interface ScoredTrade extends Trade {
  sector: string;
  /** The company behind the ticker: share classes (GOOGL, GOOG) share one; one trade per issuer. */
  issuer: string;
  ivRank: number;
  ivPercentile: number;
  momentumZ: number;
  flowZ: number;
  /** 0–100. */
  score: number;
  scoreComponents: ScoreComponents;
}

export interface ScoringParams {
  scoring: Settings['scoring'];
  /** constraints.max_bid_ask_pct: the width at which the liquidity spread term reaches 0. */
  maxBidAskPct: number;
  /** The scan's regime (`scanRegime`), for every trade; absent: the ticker's own (a lone trade scored alone). */
  regime?: Regime;
}

/** The regime of a realized-vol percentile: above `regime_high_percentile` high, below `regime_low_percentile` low. */
export function regimeOf(rvPercentile: number, scoring: Settings['scoring']): Regime {
  if (rvPercentile > scoring.regime_high_percentile) return 'high';
  if (rvPercentile < scoring.regime_low_percentile) return 'low';
  return 'normal';
}

/**
 * The realized-vol regime of a scan: `regimeOf` the median of its tickers' realized-vol percentiles (unknown ones
 * left out; none known: normal). On the built-in universe the median stock stands for the market's breadth.
 */
export function scanRegime(rvPercentiles: readonly number[], scoring: Settings['scoring']): Regime {
  const known = rvPercentiles.filter(Number.isFinite).sort((a, b) => a - b);
  if (known.length === 0) return 'normal';
  const m = known.length >> 1;
  return regimeOf(known.length % 2 ? known[m] : 0.5 * (known[m - 1] + known[m]), scoring);
}

export function weightsFor(regime: Regime, scoring: Settings['scoring']): ScoringWeights {
  return regime === 'normal' ? scoring.weights : scoring.regime_weights[regime];
}

/** Clamps to [0, 1]; NaN → 0. */
const clamp01 = (x: number) => Math.min(1, Math.max(0, x)) || 0;

/** Reading of a z-score against the trade's lean (see module doc). */
export function alignment(bias: Bias, z: number): number {
  const v = Number.isFinite(z) ? z : 0;
  return bias === 'bullish' ? normCdf(v) : bias === 'bearish' ? normCdf(-v) : normCdf(-Math.abs(v));
}

/** Liquidity component of a trade's option legs (see module doc); 1 for a trade without option legs. */
export function liquidityComponent(trade: Pick<Trade, 'legs'>, maxBidAskPct: number): number {
  const ref = Number.isFinite(maxBidAskPct) && maxBidAskPct > 0 ? maxBidAskPct : 0.5;
  let worst = 0;
  let minOi = Number.POSITIVE_INFINITY;
  let options = 0;
  for (const leg of trade.legs) {
    if (leg.type === 'stock') continue;
    options++;
    const bid = Math.max(leg.bid || 0, 0); // NaN = no bid
    const mid = 0.5 * (bid + leg.ask);
    const pct = mid > 0 ? (leg.ask - bid) / mid : 2;
    if (!(pct <= worst)) worst = pct;
    const oi = leg.openInterest || 0;
    if (oi < minOi) minOi = oi;
  }
  if (options === 0) return 1;
  const spread = clamp01(1 - worst / ref);
  const depth = clamp01(Math.log10(1 + minOi) / 4);
  return 0.7 * spread + 0.3 * depth;
}

export function scoreComponents(
  trade: Trade,
  signals: TickerSignals,
  params: ScoringParams,
): ScoreComponents {
  const regime = params.regime ?? regimeOf(signals.rvPercentile, params.scoring);
  const bias = tradeBias(trade);
  const ivr = signals.ivRank;
  const rich = Number.isFinite(ivr) ? clamp01(ivr / 100) : 0.5;
  const rr = trade.maxProfit / (trade.maxProfit + trade.maxLoss);
  return {
    pop: clamp01(trade.pop),
    ivRank: trade.greeks.vega > 0 ? 1 - rich : rich,
    momentum: alignment(bias, signals.momentumZ),
    flow: alignment(bias, signals.flowZ),
    riskReward: Number.isFinite(rr) ? clamp01(rr) : 0,
    liquidity: liquidityComponent(trade, params.maxBidAskPct),
    weights: weightsFor(regime, params.scoring),
    regime,
    bias,
  };
}

/** 100 × Σ weight × component. */
export function modelScore(c: ScoreComponents): number {
  const w = c.weights;
  return (
    100 *
    (w.pop * c.pop +
      w.iv_rank * c.ivRank +
      w.momentum * c.momentum +
      w.flow * c.flow +
      w.risk_reward * c.riskReward +
      w.liquidity * c.liquidity)
  );
}

export function scoreTrade(trade: Trade, signals: TickerSignals, params: ScoringParams): ScoredTrade {
  const components = scoreComponents(trade, signals, params);
  return {
    ...trade,
    sector: signals.sector,
    issuer: signals.issuer ?? trade.ticker,
    ivRank: signals.ivRank,
    ivPercentile: signals.ivPercentile,
    momentumZ: signals.momentumZ, // NaN (JSON null, thesis "n/a") without enough history, not a neutral 0
    flowZ: Number.isFinite(signals.flowZ) ? signals.flowZ : 0,
    score: modelScore(components),
    scoreComponents: components,
  };
}

/** What ranking needs of a trade. */
export interface Rankable {
  id: string;
  score: number;
  momentumZ: number;
  flowZ: number;
}

const orZero = (x: number) => (Number.isFinite(x) ? x : 0);

/**
 * Ranking order: score descending, ties broken by momentum z then flow z (both descending; an unknown one as 0),
 * then id.
 */
export function compareScored(a: Rankable, b: Rankable): number {
  return (
    b.score - a.score ||
    orZero(b.momentumZ) - orZero(a.momentumZ) ||
    b.flowZ - a.flowZ ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
