/**
 * yahoo-finance2 results → market domain types (pure). Yahoo quirks handled here: option contracts
 * carry an implied vol but no greeks and no quote timestamps, and omit `volume` when it is zero;
 * chart rows may be all-null; sectors use Yahoo's names, not GICS's; ETFs have no sector.
 */

import { americanImpliedVol } from '../../../quant/americanImpliedVol.js';
import { bsGreeks } from '../../../quant/bsGreeks.js';
import { newYorkDate } from '../../exchangeCalendar.js';
import { yearsToExpiry } from '../../expiry.js';
import { MAX_IV, MIN_IV } from '../../quality.js';
import type { DailyBar, Fundamentals, OptionQuote, UnderlyingQuote } from '../../types.js';

/** Yahoo (Morningstar) sector name → GICS sector name. */
const GICS_SECTOR: Readonly<Record<string, string>> = {
  Technology: 'Information Technology',
  'Financial Services': 'Financials',
  Healthcare: 'Health Care',
  'Consumer Cyclical': 'Consumer Discretionary',
  'Consumer Defensive': 'Consumer Staples',
  'Communication Services': 'Communication Services',
  'Basic Materials': 'Materials',
  Energy: 'Energy',
  Industrials: 'Industrials',
  'Real Estate': 'Real Estate',
  Utilities: 'Utilities',
};

export function gicsSector(yahooSector: string | undefined): string | null {
  if (!yahooSector) return null;
  return GICS_SECTOR[yahooSector] ?? null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN);
const orNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const ms = (d: unknown): number => (d instanceof Date ? d.getTime() : Number.NaN);

/**
 * yahoo-finance2's `Quote` (a union over quote types, read by field name: regularMarketPrice,
 * regularMarketPreviousClose, regularMarketVolume, regularMarketTime, bid, ask, trailingAnnualDividendYield).
 */
export type YahooQuoteLike = Readonly<Record<string, unknown>>;

export function toUnderlyingQuote(q: YahooQuoteLike): UnderlyingQuote {
  const bid = num(q.bid);
  const ask = num(q.ask);
  return {
    symbol: typeof q.symbol === 'string' ? q.symbol : '',
    last: num(q.regularMarketPrice),
    // Yahoo shows 0/0 outside hours: no quote, not a zero price.
    bid: bid > 0 ? bid : Number.NaN,
    ask: ask > 0 ? ask : Number.NaN,
    prevClose: num(q.regularMarketPreviousClose),
    volume: orNull(q.regularMarketVolume) ?? 0,
    time: ms(q.regularMarketTime),
    dividendYield: orNull(q.trailingAnnualDividendYield) ?? 0,
  };
}

/** The subset of yahoo-finance2's `CallOrPut` we read. */
export interface YahooContractLike {
  contractSymbol: string;
  strike: number;
  lastPrice?: number;
  volume?: number;
  openInterest?: number;
  bid?: number;
  ask?: number;
  impliedVolatility?: number;
}

/**
 * The first impossible value of a contract, as `[field, reason]`, or null: the strike must be a positive
 * number, and prices, counts and the implied vol, where present, must not be negative (yahoo-finance2
 * checks only the types). Tradier's adapter rejects the same values in its response schema.
 */
export function contractProblem(c: YahooContractLike): [string, string] | null {
  if (!(c.strike > 0) || !Number.isFinite(c.strike))
    return ['strike', `must be a positive number, got ${c.strike}`];
  for (const f of ['bid', 'ask', 'lastPrice', 'volume', 'openInterest', 'impliedVolatility'] as const) {
    const v = c[f];
    if (typeof v === 'number' && v < 0) return [f, `must be ≥ 0, got ${v}`];
  }
  return null;
}

export interface PricingInputs {
  underlying: string;
  expiration: string;
  /** Expiry instant, epoch ms. */
  expiryTime: number;
  spot: number;
  /** The scan's now, epoch ms. */
  asOf: number;
  /** Continuously compounded, fraction. */
  rate: number;
  dividendYield: number;
  /** Time the chain was quoted (Yahoo gives no per-contract quote time), epoch ms. */
  quoteTime: number;
}

/**
 * One contract, with its implied vol solved from the quote's mid and BSM greeks from that vol (Yahoo sends none),
 * in market units: theta per calendar day, vega per vol point. The vol is the American one (Barone-Adesi-Whaley:
 * US equity options are American) at the engine's rate, yield and time to expiry, so that POP, expected value
 * and the deltas agree with the prices traded. Yahoo's own `impliedVolatility` did not: it is computed when Yahoo
 * answers, on its own clock to expiry (SPY 2020-08-21 340 call on 2020-08-18: 12.2 % where its 1.16 / 1.17 quote
 * implies 14.0 %; on a Sunday it read above the Friday quotes' vols), and without a two-sided quote it is a
 * placeholder its solver never converged on (0.00001, 1/128, 1/64, 1/32…, which had made AAPL's at-the-money IV
 * 0.39 % and its IV rank 0). So a contract without a two-sided quote has no IV and NaN greeks, and 0/0 is no quote
 * at all (NaN, as for the underlying).
 */
export function toOptionQuote(c: YahooContractLike, type: 'call' | 'put', p: PricingInputs): OptionQuote {
  const bid = num(c.bid);
  const ask = num(c.ask);
  const quoted = bid > 0 || ask > 0;
  const T = yearsToExpiry(p.expiryTime, p.asOf);
  const mid = bid > 0 && ask >= bid ? 0.5 * (bid + ask) : Number.NaN;
  const solved =
    mid > 0 && T > 0 && p.spot > 0
      ? americanImpliedVol(type, mid, p.spot, c.strike, T, p.rate, p.dividendYield, 'baw')
      : Number.NaN;
  const iv = solved >= MIN_IV && solved < MAX_IV ? solved : Number.NaN;
  const g =
    iv > 0 && T > 0 && p.spot > 0 ? bsGreeks(type, p.spot, c.strike, T, p.rate, p.dividendYield, iv) : null;
  return {
    symbol: c.contractSymbol,
    underlying: p.underlying,
    type,
    strike: c.strike,
    expiration: p.expiration,
    bid: quoted ? bid : Number.NaN,
    ask: quoted ? ask : Number.NaN,
    last: c.lastPrice !== undefined && c.lastPrice > 0 ? c.lastPrice : Number.NaN,
    volume: orNull(c.volume) ?? 0,
    openInterest: orNull(c.openInterest) ?? 0,
    iv,
    delta: g ? g.delta : Number.NaN,
    gamma: g ? g.gamma : Number.NaN,
    theta: g ? g.theta / 365 : Number.NaN,
    vega: g ? g.vega / 100 : Number.NaN,
    quoteTime: p.quoteTime,
  };
}

export interface YahooChartRowLike {
  date: Date;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
}

/** Chart rows → daily bars dated by the New York session; rows without a close are dropped. */
export function toDailyBars(rows: readonly YahooChartRowLike[]): DailyBar[] {
  const bars: DailyBar[] = [];
  for (const r of rows) {
    if (typeof r.close !== 'number' || !Number.isFinite(r.close)) continue;
    const c = r.close;
    bars.push({
      date: newYorkDate(r.date.getTime()),
      open: r.open ?? c,
      high: r.high ?? c,
      low: r.low ?? c,
      close: c,
      volume: r.volume ?? 0,
    });
  }
  return bars;
}

/** The quoteSummary modules we read (each optional: ETFs lack most). */
export interface YahooSummaryLike {
  price?: { longName?: string | null; shortName?: string | null; marketCap?: number; quoteType?: string };
  quoteType?: { quoteType?: string; longName?: string | null; shortName?: string | null };
  assetProfile?: { sector?: string; industry?: string };
  /** Funds report `yield` and `totalAssets` instead of `dividendYield` and `marketCap`. */
  summaryDetail?: {
    trailingPE?: number;
    dividendYield?: number;
    yield?: number;
    marketCap?: number;
    totalAssets?: number;
  };
  defaultKeyStatistics?: { pegRatio?: number; trailingPegRatio?: number | null };
  financialData?: { grossMargins?: number; operatingMargins?: number; freeCashflow?: number };
  calendarEvents?: { earnings?: { earningsDate?: Date[] } };
}

export function toFundamentals(symbol: string, s: YahooSummaryLike, asOf: number): Fundamentals {
  const type = s.quoteType?.quoteType ?? s.price?.quoteType;
  // A fund: says so, or has no sector but net assets (quoteSummary of an ETF without quoteType).
  const isFund =
    type === 'ETF' ||
    type === 'MUTUALFUND' ||
    (!s.assetProfile?.sector && typeof s.summaryDetail?.totalAssets === 'number');
  const sector = isFund ? 'ETF' : (gicsSector(s.assetProfile?.sector) ?? s.assetProfile?.sector ?? 'Unknown');
  const asOfDate = newYorkDate(asOf);
  const next = (s.calendarEvents?.earnings?.earningsDate ?? [])
    .map((d) => newYorkDate(d.getTime()))
    .filter((d) => d >= asOfDate)
    .sort()[0];
  return {
    symbol,
    name:
      s.price?.longName ?? s.quoteType?.longName ?? s.price?.shortName ?? s.quoteType?.shortName ?? symbol,
    sector,
    industry: isFund ? 'ETF' : (s.assetProfile?.industry ?? 'Unknown'),
    marketCap: orNull(s.price?.marketCap) ?? orNull(s.summaryDetail?.marketCap),
    pe: orNull(s.summaryDetail?.trailingPE),
    peg: orNull(s.defaultKeyStatistics?.pegRatio) ?? orNull(s.defaultKeyStatistics?.trailingPegRatio),
    grossMargin: orNull(s.financialData?.grossMargins),
    operatingMargin: orNull(s.financialData?.operatingMargins),
    freeCashFlow: orNull(s.financialData?.freeCashflow),
    dividendYield: orNull(s.summaryDetail?.dividendYield) ?? orNull(s.summaryDetail?.yield),
    nextEarningsDate: next ?? null,
  };
}
