/**
 * Market data types shared by every provider and by the layers above.
 *
 * Units: prices in dollars per share; rates and vols as fractions (0.25 = 25 %); times as epoch
 * milliseconds (UTC); dates as `YYYY-MM-DD` (exchange calendar date). Option greeks inside a chain
 * are in market units, as brokers quote them: delta per share, gamma per $1, theta per calendar day,
 * vega per 1 volatility point (0.01), rho per 1 rate point.
 */

/** A kind of data a provider can serve (its capabilities). */
export type DataKind =
  | 'quote'
  | 'expirations'
  | 'chain'
  | 'history'
  | 'fundamentals'
  | 'macro'
  | 'flow'
  | 'ivHistory';

export interface UnderlyingQuote {
  symbol: string;
  /** Last trade (or mark when no trade), $. */
  last: number;
  bid: number;
  ask: number;
  prevClose: number;
  volume: number;
  /** Quote time, epoch ms. */
  time: number;
  /** Annual continuous dividend yield, fraction (0 when unknown). */
  dividendYield: number;
}

/** One option contract's quote (row form, as adapters parse it before building a chain). */
export interface OptionQuote {
  /** OCC symbol, e.g. `PLTR251107P00095000`. */
  symbol: string;
  underlying: string;
  type: 'call' | 'put';
  strike: number;
  expiration: string;
  bid: number;
  ask: number;
  /** NaN when there was no trade. */
  last: number;
  volume: number;
  openInterest: number;
  /** Implied vol, fraction; NaN when the source gives none. */
  iv: number;
  /** Market-unit greeks (see module doc); NaN when the source gives none. */
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  /** Time of the quote (latest of bid/ask time), epoch ms. */
  quoteTime: number;
}

/** One side (calls or puts) of an expiry, column-wise; index i is strike i of the expiry. NaN = missing. */
export interface OptionColumns {
  symbols: string[];
  bid: Float64Array;
  ask: Float64Array;
  last: Float64Array;
  volume: Float64Array;
  openInterest: Float64Array;
  iv: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  theta: Float64Array;
  vega: Float64Array;
  quoteTime: Float64Array;
}

/** All strikes of one expiration, columnar, strikes ascending, calls and puts aligned by strike. */
export interface ExpiryChain {
  expiration: string;
  /**
   * Expiry instant, epoch ms: 16:00 America/New_York on the expiration date (13:00 on an early-close day), 09:30 for
   * AM-settled contracts (`settlement.ts`).
   */
  expiryTime: number;
  /** `weekly` | `standard` (monthly) | other vendor labels. */
  expirationType: string;
  strikes: Float64Array;
  calls: OptionColumns;
  puts: OptionColumns;
}

export interface OptionChain {
  underlying: string;
  /** Underlying price the chain was quoted against, $. */
  spot: number;
  /** When the chain was taken, epoch ms. */
  asOf: number;
  expirations: ExpiryChain[];
}

/** Daily OHLCV bar; `date` is the session date. */
export interface DailyBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface Fundamentals {
  symbol: string;
  name: string;
  /** GICS sector, e.g. `Information Technology`; `ETF` for funds. */
  sector: string;
  industry: string;
  marketCap: number | null;
  pe: number | null;
  peg: number | null;
  grossMargin: number | null;
  operatingMargin: number | null;
  freeCashFlow: number | null;
  dividendYield: number | null;
  /** Next earnings date `YYYY-MM-DD`, null when none is known. */
  nextEarningsDate: string | null;
}

/** A macro series value; `value` NaN where the source had no observation (FRED's "."). */
export interface MacroObservation {
  date: string;
  value: number;
}

export interface MacroSnapshot {
  /** Risk-free rate used for pricing, continuously compounded fraction (from DGS3MO, else DGS10). */
  riskFreeRate: number;
  /** Which series and date the rate came from, e.g. `DGS3MO 2026-11-24`. */
  riskFreeSource: string;
  dgs3mo: number | null;
  dgs10: number | null;
  cpi: number | null;
  unemployment: number | null;
  gdp: number | null;
}

/** Flow / sentiment for a ticker. `neutral` = no source (e.g. no QuiverQuant key): flowZ is 0. */
export interface FlowSignals {
  symbol: string;
  /** Standardised flow score (z units); 0 when neutral. */
  flowZ: number;
  neutral: boolean;
  /** What the score was built from, for the output. */
  detail: string;
}

/** Daily 30-day constant-maturity implied vol history, for IV rank / percentile. */
export interface IvPoint {
  date: string;
  iv30: number;
}

/** One ticker's 30-day IV on one New York trading day, read from one provider's chain (stored in `iv_history`). */
export interface IvObservation {
  symbol: string;
  /** `YYYY-MM-DD`. */
  day: string;
  /** Fraction, > 0. */
  iv30: number;
  /** Provider of the chain (tradier, yahoo). */
  source: string;
}
