/**
 * Tradier records → market domain types (pure). Tradier's greeks come from ORATS and are already
 * in market units (delta per share, gamma per $1, theta per calendar day, vega per vol point), so
 * they pass through; missing values become NaN, never 0.
 */
import type { DailyBar, OptionQuote, UnderlyingQuote } from '../../types.js';
import type { TradierOption, TradierQuote } from './schemas.js';

const nan = (v: number | null | undefined): number => (typeof v === 'number' ? v : Number.NaN);
const zero = (v: number | null | undefined): number => (typeof v === 'number' ? v : 0);
/** Epoch-ms field; Tradier sends 0 when never traded/quoted. */
const when = (v: number | null | undefined): number => (typeof v === 'number' && v > 0 ? v : Number.NaN);

/** Latest of the given epoch-ms times, NaN when none is known. */
function latest(...ts: number[]): number {
  let out = Number.NaN;
  for (const t of ts) if (t > 0 && !(t <= out)) out = t;
  return out;
}

/** Tradier's `expiration_type` → our label: `weeklys` → `weekly`, others as sent (`standard`, `eom`, `quarterlys`). */
export function expirationLabel(type: string | null | undefined): string {
  if (!type) return 'standard';
  return type === 'weeklys' ? 'weekly' : type;
}

/**
 * The contracts on the underlying's standard deliverable (100 shares). After a corporate action Tradier's chain
 * also carries adjusted contracts — root `XYZ1`, a deliverable of other than 100 plain shares, sometimes a
 * `contract_size` other than 100 — at the same strikes; priced as standard contracts they are wrong prices, so they
 * are left out. An index can list a second root for the same date: where both quote a type and strike, the
 * underlying's own root is kept (roots of another settlement, SPXW beside SPX's AM-settled monthlies, are dropped
 * before by `oneSettlement`).
 */
export function standardContracts(options: readonly TradierOption[], symbol: string): TradierOption[] {
  const own = (o: TradierOption) => !o.root_symbol || o.root_symbol === symbol;
  const adjustedRoot = (root: string) => root.startsWith(symbol) && /^\d+$/.test(root.slice(symbol.length));
  const adjusted = (o: TradierOption) =>
    (o.contract_size != null && o.contract_size !== 100) || (!!o.root_symbol && adjustedRoot(o.root_symbol));
  const kept = options.filter((o) => !adjusted(o));
  const ownKeys = new Set(kept.filter(own).map((o) => `${o.option_type} ${o.strike}`));
  return kept.filter((o) => own(o) || !ownKeys.has(`${o.option_type} ${o.strike}`));
}

export function toOptionQuote(o: TradierOption): OptionQuote {
  const g = o.greeks ?? null;
  const midIv = g?.mid_iv;
  return {
    symbol: o.symbol,
    underlying: o.underlying,
    type: o.option_type,
    strike: o.strike,
    expiration: o.expiration_date,
    bid: nan(o.bid),
    ask: nan(o.ask),
    last: nan(o.last),
    volume: zero(o.volume),
    openInterest: zero(o.open_interest),
    // ORATS reports 0 when it could not solve the IV (e.g. no bid): that is "no IV", not 0 %.
    iv: typeof midIv === 'number' && midIv > 0 ? midIv : Number.NaN,
    delta: nan(g?.delta),
    gamma: nan(g?.gamma),
    theta: nan(g?.theta),
    vega: nan(g?.vega),
    quoteTime: latest(when(o.bid_date), when(o.ask_date)),
  };
}

export function toUnderlyingQuote(q: TradierQuote): UnderlyingQuote {
  const bid = nan(q.bid);
  const ask = nan(q.ask);
  const mid = bid > 0 && ask >= bid ? (bid + ask) / 2 : Number.NaN;
  const prevClose = nan(q.prevclose);
  const last = typeof q.last === 'number' && q.last > 0 ? q.last : !Number.isNaN(mid) ? mid : prevClose;
  return {
    symbol: q.symbol,
    last,
    bid,
    ask,
    prevClose,
    volume: zero(q.volume),
    time: latest(when(q.trade_date), when(q.bid_date), when(q.ask_date)),
    // Tradier quotes carry no dividend data.
    dividendYield: 0,
  };
}

/** A history day, or null when it has no close (nothing to use). */
export function toDailyBar(d: {
  date: string;
  open?: number | null;
  high?: number | null;
  low?: number | null;
  close?: number | null;
  volume?: number | null;
}): DailyBar | null {
  if (typeof d.close !== 'number') return null;
  const close = d.close;
  return {
    date: d.date,
    open: typeof d.open === 'number' ? d.open : close,
    high: typeof d.high === 'number' ? d.high : close,
    low: typeof d.low === 'number' ? d.low : close,
    close,
    volume: zero(d.volume),
  };
}
