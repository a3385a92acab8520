/**
 * Basket greeks and limits. A basket's greeks are Σ trade greeks (per share of one contract set) ×
 * contracts, in market units (DESIGN.md); the limits scale with NAV: delta ∈ [delta_min, delta_max] ×
 * NAV/100k, vega ≥ vega_min × NAV/100k.
 */
import type { Settings } from '../config/schema.js';
import type { TradeGreeks } from '../strategies/types.js';
import { REFERENCE_NAV } from './constraints.js';

export interface PortfolioLimits {
  deltaMin: number;
  deltaMax: number;
  vegaMin: number;
}

/** What a basket needs of a trade. */
export interface BasketTrade {
  ticker: string;
  /**
   * The company behind the ticker (`UniverseMember.issuer`): share classes such as GOOGL and GOOG share one, and
   * "one trade per ticker" holds per issuer. Absent: the ticker.
   */
  issuer?: string;
  sector: string;
  contracts: number;
  greeks: Pick<TradeGreeks, 'delta' | 'vega'> & Partial<TradeGreeks>;
  /** $ for the position. */
  capitalRequired: number;
}

export interface PortfolioSummary {
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  /** Σ capital required, $. */
  capital: number;
  /** Trades per sector. */
  sectors: Record<string, number>;
}

/** The configured limits scaled by NAV / 100k. */
export function portfolioLimits(
  portfolio: Settings['constraints']['portfolio'],
  nav: number,
): PortfolioLimits {
  const f = nav / REFERENCE_NAV;
  return {
    deltaMin: portfolio.delta_min * f,
    deltaMax: portfolio.delta_max * f,
    vegaMin: portfolio.vega_min * f,
  };
}

export function basketGreeks(trades: readonly BasketTrade[]): PortfolioSummary {
  const out: PortfolioSummary = { delta: 0, gamma: 0, theta: 0, vega: 0, capital: 0, sectors: {} };
  for (const t of trades) {
    const n = t.contracts;
    out.delta += t.greeks.delta * n;
    out.gamma += (t.greeks.gamma ?? 0) * n;
    out.theta += (t.greeks.theta ?? 0) * n;
    out.vega += t.greeks.vega * n;
    out.capital += t.capitalRequired;
    out.sectors[t.sector] = (out.sectors[t.sector] ?? 0) + 1;
  }
  return out;
}

/** The basket-level rules a selection must respect. */
export interface BasketRules {
  maxTrades: number;
  maxPerSector: number;
  oneTradePerTicker: boolean;
  limits: PortfolioLimits;
  /** `basket`: Σ capital ≤ availableCapital; `per_trade`: each trade alone (checked by the constraints). */
  capitalScope: 'per_trade' | 'basket';
  availableCapital: number;
}

/** Basket rules from the settings sections. */
export function basketRules(
  trading: Pick<
    Settings['trading'],
    'max_trades' | 'one_trade_per_ticker' | 'nav' | 'capital_scope' | 'available_capital'
  >,
  constraints: Settings['constraints'],
): BasketRules {
  return {
    maxTrades: trading.max_trades,
    maxPerSector: constraints.max_trades_per_sector,
    oneTradePerTicker: trading.one_trade_per_ticker,
    limits: portfolioLimits(constraints.portfolio, trading.nav),
    capitalScope: trading.capital_scope,
    availableCapital: trading.available_capital,
  };
}

/** What "one trade per ticker" compares: the issuer, so that two share classes of a company count as one. */
export function issuerKey(t: Pick<BasketTrade, 'ticker' | 'issuer'>): string {
  return t.issuer ?? t.ticker;
}

/** Slack on the greek limits, absorbing rounding of sums (market units). */
export const LIMIT_EPSILON = 1e-9;

/** Every basket rule `trades` breaks, as plain sentences (empty when the basket is admissible). */
export function basketViolations(trades: readonly BasketTrade[], rules: BasketRules): string[] {
  const out: string[] = [];
  const p = basketGreeks(trades);
  if (trades.length > rules.maxTrades) out.push(`${trades.length} trades > max ${rules.maxTrades}`);
  // negated comparisons: a NaN greek or capital breaks its rule (it cannot be shown to hold)
  if (!(p.delta >= rules.limits.deltaMin - LIMIT_EPSILON))
    out.push(`delta ${p.delta} < ${rules.limits.deltaMin}`);
  if (!(p.delta <= rules.limits.deltaMax + LIMIT_EPSILON))
    out.push(`delta ${p.delta} > ${rules.limits.deltaMax}`);
  if (!(p.vega >= rules.limits.vegaMin - LIMIT_EPSILON)) out.push(`vega ${p.vega} < ${rules.limits.vegaMin}`);
  for (const [sector, n] of Object.entries(p.sectors))
    if (n > rules.maxPerSector) out.push(`${n} trades in ${sector} > ${rules.maxPerSector}`);
  if (rules.oneTradePerTicker) {
    const seen = new Map<string, string>();
    for (const t of trades) {
      const prev = seen.get(issuerKey(t));
      if (prev === t.ticker) out.push(`two trades on ${t.ticker}`);
      else if (prev !== undefined) out.push(`two trades on ${prev} and ${t.ticker}, one issuer`);
      else seen.set(issuerKey(t), t.ticker);
    }
  }
  if (rules.capitalScope === 'basket' && !(p.capital <= rules.availableCapital + 1e-6))
    out.push(`capital ${p.capital} > ${rules.availableCapital}`);
  return out;
}
