/**
 * Domain types of candidate trades.
 *
 * Units (DESIGN.md "Units"): leg prices and `netCredit` per share of underlying; leg greeks in market units
 * (delta per share, gamma per $1, theta per calendar day, vega per 1 volatility point); money amounts of a
 * position (`maxProfit`, `maxLoss`, `capitalRequired`, `expectedValue`) in dollars for `contracts` contract
 * sets (× 100 multiplier × contracts); probabilities as fractions; times as epoch ms (UTC).
 */
import type { Settings, StrategyName } from '../config/schema.js';
import type { HardLimits } from './hardRules.js';

export type { StrategyName } from '../config/schema.js';

export type LegAction = 'BUY' | 'SELL';
export type LegType = 'call' | 'put' | 'stock';

/** One leg of a trade, per one contract set. */
export interface Leg {
  action: LegAction;
  type: LegType;
  /** Strike, $; 0 for a stock leg. */
  strike: number;
  /** Expiration `YYYY-MM-DD`; for a stock leg, the expiration of the option it covers. */
  expiration: string;
  /**
   * Expiry instant, epoch ms: the chain's for that expiration — 16:00 New York, 13:00 on an early close, 09:30 for
   * AM-settled index roots (`market/settlement.ts`); for a stock leg, that of the option it covers.
   */
  expiryTime: number;
  /**
   * Units per contract set: option contracts, or for stock round lots of 100 shares (a covered call is
   * 1 lot + 1 short call), so that `Σ ±quantity × greek` is per share for every leg kind.
   */
  quantity: number;
  /** Quote, $ per share. */
  bid: number;
  ask: number;
  mid: number;
  /** Implied vol, fraction (NaN for stock or when the source has none). */
  iv: number;
  /** Market-unit greeks per share (stock: delta 1, others 0). */
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  /** Open interest and today's volume, contracts (NaN for stock). */
  openInterest: number;
  volume: number;
  /** Time of the quote, epoch ms. */
  quoteTime: number;
}

/** Trade greeks: Σ (+1 BUY / −1 SELL) × quantity × leg greek, per share of one contract set. */
export interface TradeGreeks {
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
}

/** Output label of a strategy, e.g. `PUT_CREDIT_SPREAD`. */
export type StrategyLabel = Uppercase<StrategyName>;

export function strategyLabel(name: StrategyName): StrategyLabel {
  return name.toUpperCase() as StrategyLabel;
}

/** A candidate trade with its economics. */
export interface Trade {
  /** Deterministic key: ticker, strategy and legs, e.g. `AAPL put_credit_spread -P215/+P210 2026-12-18`. */
  id: string;
  ticker: string;
  strategy: StrategyName;
  label: StrategyLabel;
  /** Spot the chain was quoted against, $. */
  underlyingPrice: number;
  legs: Leg[];
  /** Number of contract sets; the money amounts below are for all of them. */
  contracts: number;
  /** True when the strategy collects a premium (the credit-ratio rule applies). */
  isCredit: boolean;
  /** Net credit per share at the natural price (sell at bid, buy at ask); negative for a debit. */
  netCredit: number;
  /** Net credit per share at mid prices. */
  netCreditMid: number;
  /** Best P&L at expiry, $ for the position. */
  maxProfit: number;
  /** Worst loss at expiry as a positive number, $ for the position. */
  maxLoss: number;
  /** Buying power the position ties up, $. */
  capitalRequired: number;
  /** Underlying prices at (front) expiry where P&L crosses zero, ascending. */
  breakevens: number[];
  /** Each breakeven's distance from spot in standard deviations, ln(be/S)/(σ√T), σ the POP vol there. */
  breakevenSigmas: number[];
  /** Probability of profit at (front) expiry, fraction (risk-neutral lognormal, see generate.ts). */
  pop: number;
  /** Expected P&L at (front) expiry under the risk-neutral drift, $ for the position (undiscounted). */
  expectedValue: number;
  /** maxProfit / maxLoss. */
  returnOnRisk: number;
  /** netCredit × 100 × contracts / maxLoss (negative for a debit). */
  creditToMaxLoss: number;
  greeks: TradeGreeks;
  /** Calendar days from the as-of New York date to the (front) expiration date. */
  dte: number;
  /** Years from the as-of instant to the (front) expiry instant. */
  yearsToExpiry: number;
  /** Front (first) expiration `YYYY-MM-DD`: the trade's planned exit. */
  expiration: string;
  /** Every distinct expiration of the legs, ascending. */
  expirations: string[];
  /** The scan's now, epoch ms. */
  asOf: number;
}

/**
 * Per-contract validity, one byte per strike: 1 = usable, 0 = rejected (never used as a leg).
 * A missing array means "all usable". Arrays are aligned with `ExpiryChain.strikes`.
 * Note: `market/quality.ts` codes are the other way round (0 = usable, else a reason code); convert with
 * `codes[i] === 0 ? 1 : 0`.
 */
export interface ExpiryMask {
  calls?: Uint8Array;
  puts?: Uint8Array;
}

/** Masks aligned with `OptionChain.expirations` (index i ↔ expirations[i]); undefined entries = all usable. */
export type ChainMask = readonly (ExpiryMask | undefined)[];

/** Per-ticker inputs of generation besides the chain. */
export interface GenerationContext {
  /** The scan's now, epoch ms. */
  asOf: number;
  /** The instant quote ages are measured at, epoch ms (default `asOf`; a live scan passes the end of its collection). */
  quotesJudgedAt?: number;
  /** Risk-free rate r, continuously compounded per year. */
  riskFreeRate: number;
  /** Dividend yield q, continuous per year. */
  dividendYield: number;
  /** Underlying quote for stock legs (covered calls); defaults to the chain's spot at the chain's asOf. */
  underlying?: { bid: number; ask: number; time: number };
  /** Next earnings date `YYYY-MM-DD` (null / absent = none scheduled). */
  nextEarningsDate?: string | null;
  /**
   * False when the ticker's earnings calendar is unknown (no fundamentals from any source): with
   * `min_days_to_earnings` on, its candidates then fail the earnings rule. Default true.
   */
  earningsKnown?: boolean;
  /** Validity masks from the data-quality filter (1 = usable, 0 = rejected); rejected contracts are skipped. */
  masks?: ChainMask;
}

/** What to generate; resolved from settings by `generationParams`. */
export interface GenerationParams {
  strategies: readonly StrategyName[];
  /** DTE window of the (front) expiration, calendar days, inclusive. */
  minDte: number;
  maxDte: number;
  /** |delta| range of short legs (credit spreads, condors, cash-secured puts, covered calls). */
  shortDeltaMin: number;
  shortDeltaMax: number;
  /** Distances between short and long strikes, $. */
  spreadWidths: readonly number[];
  /** Calendar back expiry: front DTE + [min, max] days. */
  calendarBackDteMin: number;
  calendarBackDteMax: number;
  /** Covered calls: shares already held (no stock cost in capital; the basis is today's mid). */
  assumeStockOwned: boolean;
  /** Contract sets per candidate. */
  contracts: number;
  /**
   * Hard limits applied while scanning: when set, only candidates passing every rule are built and
   * each rejection is counted by reason; when absent, every structurally valid candidate is built.
   */
  limits?: HardLimits;
}

/** Resolves generation parameters from the settings sections (plain values). */
export function generationParams(
  trading: Pick<Settings['trading'], 'strategies' | 'assume_stock_owned' | 'contracts_per_trade'>,
  constraints: Pick<Settings['constraints'], 'min_dte' | 'max_dte'>,
  strategyParams: Settings['strategy_params'],
  limits?: HardLimits,
): GenerationParams {
  return {
    strategies: trading.strategies,
    minDte: constraints.min_dte,
    maxDte: constraints.max_dte,
    shortDeltaMin: strategyParams.short_delta_min,
    shortDeltaMax: strategyParams.short_delta_max,
    spreadWidths: strategyParams.spread_widths,
    calendarBackDteMin: strategyParams.calendar_back_dte_min,
    calendarBackDteMax: strategyParams.calendar_back_dte_max,
    assumeStockOwned: trading.assume_stock_owned,
    contracts: trading.contracts_per_trade,
    limits,
  };
}
