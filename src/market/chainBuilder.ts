/**
 * Turns option quotes in row form (as adapters parse them) into the columnar chain of types.ts:
 * one ExpiryChain per expiration, strikes ascending, calls and puts aligned by strike. A strike
 * quoted on one side only leaves the other side's row empty: symbol `''` and NaN in every column.
 */
import { dayNumber } from './exchangeCalendar.js';
import { expiryTime } from './expiry.js';
import { MarketInputError } from './inputError.js';
import type { Settlement } from './settlement.js';
import type { ExpiryChain, OptionChain, OptionColumns, OptionQuote } from './types.js';

/** Numeric columns of OptionColumns, in a fixed order (the codec and the builders iterate it). */
export const NUMERIC_COLUMNS = [
  'bid',
  'ask',
  'last',
  'volume',
  'openInterest',
  'iv',
  'delta',
  'gamma',
  'theta',
  'vega',
  'quoteTime',
] as const;
export type NumericColumn = (typeof NUMERIC_COLUMNS)[number];

/**
 * Columns for `n` strikes, every number NaN and every symbol `''` (an empty side). The 11 numeric
 * columns are views into one Float64Array (one allocation per side, not eleven).
 */
export function emptyColumns(n: number): OptionColumns {
  const cols = allocColumns(n);
  cols.symbols.fill('');
  for (const name of NUMERIC_COLUMNS) cols[name].fill(Number.NaN);
  return cols;
}

/**
 * Columns for `n` strikes with unset contents (zeros, holes): for builders that write every entry.
 * The numeric columns view `buf` (length ≥ 11·n) when given, else a new Float64Array.
 */
export function allocColumns(
  n: number,
  buf: Float64Array = new Float64Array(NUMERIC_COLUMNS.length * n),
): OptionColumns {
  let k = 0;
  const col = () => buf.subarray(n * k, n * ++k);
  return {
    symbols: new Array<string>(n),
    bid: col(),
    ask: col(),
    last: col(),
    volume: col(),
    openInterest: col(),
    iv: col(),
    delta: col(),
    gamma: col(),
    theta: col(),
    vega: col(),
    quoteTime: col(),
  };
}

function put(cols: OptionColumns, i: number, q: OptionQuote): void {
  cols.symbols[i] = q.symbol;
  cols.bid[i] = q.bid;
  cols.ask[i] = q.ask;
  cols.last[i] = q.last;
  cols.volume[i] = q.volume;
  cols.openInterest[i] = q.openInterest;
  cols.iv[i] = q.iv;
  cols.delta[i] = q.delta;
  cols.gamma[i] = q.gamma;
  cols.theta[i] = q.theta;
  cols.vega[i] = q.vega;
  cols.quoteTime[i] = q.quoteTime;
}

/**
 * One expiration's columnar chain from its quotes (any order). A duplicate (same type and strike)
 * keeps the quote with the latest `quoteTime`. A typed error names a quote with a non-positive or
 * non-finite strike or another expiration.
 */
export function buildExpiryChain(
  expiration: string,
  quotes: readonly OptionQuote[],
  expirationType = 'standard',
  settlement: Settlement = 'pm',
): ExpiryChain {
  dayNumber(expiration, 'expiration');
  const strikeSet = new Set<number>();
  for (const q of quotes) {
    if (!(q.strike > 0 && Number.isFinite(q.strike))) {
      throw new MarketInputError(`${q.symbol}.strike`, `must be a positive number, got ${q.strike}`);
    }
    if (q.expiration !== expiration) {
      throw new MarketInputError(`${q.symbol}.expiration`, `is ${q.expiration}, expected ${expiration}`);
    }
    strikeSet.add(q.strike);
  }
  const strikes = Float64Array.from(strikeSet).sort();
  const index = new Map<number, number>();
  for (let i = 0; i < strikes.length; i++) index.set(strikes[i], i);
  const calls = emptyColumns(strikes.length);
  const puts = emptyColumns(strikes.length);
  for (const q of quotes) {
    const i = index.get(q.strike) as number;
    const cols = q.type === 'call' ? calls : puts;
    if (cols.symbols[i] !== '' && !(q.quoteTime > cols.quoteTime[i])) continue;
    put(cols, i, q);
  }
  return { expiration, expiryTime: expiryTime(expiration, settlement), expirationType, strikes, calls, puts };
}

/**
 * A whole chain from quotes of several expirations; expirations ascending. `expirationTypes` maps an
 * expiration to its vendor label (default `standard`).
 */
export function buildOptionChain(
  underlying: string,
  spot: number,
  asOf: number,
  quotes: readonly OptionQuote[],
  expirationTypes: Readonly<Record<string, string>> = {},
): OptionChain {
  const byExpiration = new Map<string, OptionQuote[]>();
  for (const q of quotes) {
    let list = byExpiration.get(q.expiration);
    if (!list) {
      list = [];
      byExpiration.set(q.expiration, list);
    }
    list.push(q);
  }
  const expirations = [...byExpiration.keys()]
    .sort()
    .map((e) => buildExpiryChain(e, byExpiration.get(e) as OptionQuote[], expirationTypes[e] ?? 'standard'));
  return { underlying, spot, asOf, expirations };
}

/** Number of contracts present (non-empty symbol) in an expiry, both sides. */
export function contractCount(expiry: ExpiryChain): number {
  let n = 0;
  for (let i = 0; i < expiry.strikes.length; i++) {
    if (expiry.calls.symbols[i] !== '') n++;
    if (expiry.puts.symbols[i] !== '') n++;
  }
  return n;
}

/** OCC option symbol: root + YYMMDD + C/P + strike × 1000 on 8 digits, e.g. `PLTR251107P00095000`. */
export function occSymbol(root: string, expiration: string, type: 'call' | 'put', strike: number): string {
  const ymd = `${expiration.slice(2, 4)}${expiration.slice(5, 7)}${expiration.slice(8, 10)}`;
  return `${root}${ymd}${type === 'call' ? 'C' : 'P'}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}
