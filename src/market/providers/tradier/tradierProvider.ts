/**
 * Tradier market data (`https://api.tradier.com/v1/`, sandbox `https://sandbox.tradier.com/v1/`,
 * bearer token): quotes (batched), option expirations (weeklies included), chains with ORATS
 * greeks, daily history, market clock and calendar. Every call goes through the resilient
 * HttpClient (120 requests/min by default, Tradier's production market-data quota).
 */
import { buildExpiryChain } from '../../chainBuilder.js';
import { allOrAbort } from '../../http/allOrAbort.js';
import { NotFoundError, ResponseValidationError } from '../../http/errors.js';
import { HttpClient } from '../../http/httpClient.js';
import type { ProviderHttpOptions } from '../../http/providerHttp.js';
import { httpKnobs } from '../../http/providerHttp.js';
import type { MarketDataProvider, RequestContext } from '../../provider.js';
import { occRoot, oneSettlement, type Settlement } from '../../settlement.js';
import type {
  DailyBar,
  DataKind,
  ExpiryChain,
  OptionChain,
  OptionQuote,
  UnderlyingQuote,
} from '../../types.js';
import {
  expirationLabel,
  standardContracts,
  toDailyBar,
  toOptionQuote,
  toUnderlyingQuote,
} from './mapTradier.js';
import {
  calendarResponse,
  chainResponse,
  clockResponse,
  expirationsResponse,
  historyResponse,
  quotesResponse,
} from './schemas.js';

export const TRADIER_PRODUCTION_URL = 'https://api.tradier.com/v1/';
export const TRADIER_SANDBOX_URL = 'https://sandbox.tradier.com/v1/';

export interface TradierProviderOptions {
  /** Bearer token (settings `providers.tradier.api_key`). Never logged. */
  apiKey: string;
  /** Default production; the sandbox (15-min delayed) or a proxy otherwise. */
  baseUrl?: string;
  /** Client-side limit, requests per minute (production market data: 120, sandbox: 60). */
  rateLimitPerMinute?: number;
  /** Symbols per `/markets/quotes` request (settings `api.batch_size`). */
  batchSize?: number;
  http?: ProviderHttpOptions;
}

/** `GET /markets/clock`: the market state now. */
export interface MarketClock {
  date: string;
  /** `open`, `closed`, `premarket`, `postmarket`. */
  state: string;
  description: string;
  /** Server time, epoch ms. */
  time: number;
  nextChange: string | null;
  nextState: string | null;
}

/** One day of `GET /markets/calendar`; `open` is null on closed days. */
export interface MarketDay {
  date: string;
  /** `open` | `closed`. */
  status: string;
  /** Regular session, New York wall clock `HH:MM`. */
  open: { start: string; end: string } | null;
}

const CAPABILITIES: ReadonlySet<DataKind> = new Set<DataKind>(['quote', 'expirations', 'chain', 'history']);

export class TradierProvider implements MarketDataProvider {
  readonly name = 'tradier';
  readonly capabilities = CAPABILITIES;
  readonly http: HttpClient;
  private readonly batchSize: number;

  constructor(opts: TradierProviderOptions) {
    this.batchSize = Math.max(1, opts.batchSize ?? 100);
    this.http = new HttpClient({
      provider: 'tradier',
      baseUrl: opts.baseUrl ?? TRADIER_PRODUCTION_URL,
      headers: { Authorization: `Bearer ${opts.apiKey}`, Accept: 'application/json' },
      secrets: [opts.apiKey],
      rateLimit: { limit: opts.rateLimitPerMinute ?? 120, intervalMs: 60_000 },
      ...httpKnobs(opts.http),
    });
  }

  async getQuotes(symbols: string[], ctx: RequestContext): Promise<UnderlyingQuote[]> {
    const wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()).filter((s) => s !== ''))];
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += this.batchSize) batches.push(wanted.slice(i, i + this.batchSize));
    const results = await allOrAbort(
      ctx.signal,
      batches.map(
        (batch) => (signal: AbortSignal) =>
          this.http.getJson(
            {
              endpoint: 'markets/quotes',
              path: 'markets/quotes',
              query: { symbols: batch.join(','), greeks: false },
              signal,
            },
            quotesResponse,
          ),
      ),
    );
    const out: UnderlyingQuote[] = [];
    for (const r of results) for (const q of r.quotes?.quote ?? []) out.push(toUnderlyingQuote(q));
    return out;
  }

  /**
   * The expiration dates of every root of the underlying. Why `includeAllRoots`: without it Tradier lists only the
   * underlying's own root — SPX's AM-settled monthlies but none of SPXW's weeklies and dailies (RUT/RUTW likewise),
   * as its documentation warns. The dates of adjusted roots (AAPL1) come too; their contracts are left out of the
   * chain (`standardContracts`), and a date holding only those is dropped.
   */
  async getExpirations(symbol: string, ctx: RequestContext): Promise<string[]> {
    const r = await this.http.getJson(
      {
        endpoint: 'markets/options/expirations',
        path: 'markets/options/expirations',
        query: { symbol: symbol.toUpperCase(), includeAllRoots: true, strikes: false },
        signal: ctx.signal,
      },
      expirationsResponse,
    );
    const e = r.expirations;
    if (!e) return [];
    const dates = e.date ?? (e.expiration ?? []).map((x) => x.date);
    return [...new Set(dates)].sort();
  }

  /**
   * One expiration's contracts as rows, with Tradier's expiration type (`weekly`, `standard`, `eom`…) and their
   * settlement (AM for SPX's monthlies: see `oneSettlement`).
   */
  async getExpiryQuotes(
    symbol: string,
    expiration: string,
    ctx: RequestContext,
  ): Promise<{ quotes: OptionQuote[]; expirationType: string; settlement: Settlement }> {
    const endpoint = 'markets/options/chains';
    const r = await this.http.getJson(
      {
        endpoint,
        path: endpoint,
        query: { symbol: symbol.toUpperCase(), expiration, greeks: true },
        signal: ctx.signal,
      },
      chainResponse,
    );
    const options = r.options?.option ?? [];
    options.forEach((o, i) => {
      if (o.expiration_date !== expiration) {
        throw new ResponseValidationError(
          { provider: 'tradier', endpoint, status: 200 },
          `options.option[${i}].expiration_date`,
          `is ${o.expiration_date}, asked for ${expiration}`,
        );
      }
    });
    // one settlement per expiration: SPX's AM-settled monthlies, not beside SPXW's PM-settled contracts
    const { kept, settlement } = oneSettlement(
      standardContracts(options, symbol.toUpperCase()),
      (o) => o.root_symbol ?? occRoot(o.symbol),
      symbol,
    );
    return {
      quotes: kept.map(toOptionQuote),
      expirationType: expirationLabel(kept[0]?.expiration_type),
      settlement,
    };
  }

  /**
   * The chain for the given expirations (one request each, greeks included) priced against the
   * underlying's quote. An expiration Tradier returns empty (`{"options":null}`) is left out.
   */
  async getChain(symbol: string, expirations: string[], ctx: RequestContext): Promise<OptionChain> {
    const sym = symbol.toUpperCase();
    // One request per expiry plus the quote; the first failure cancels the rest.
    type ExpiryQuotes = { quotes: OptionQuote[]; expirationType: string; settlement: Settlement };
    type Part = UnderlyingQuote[] | ExpiryQuotes;
    const parts = await allOrAbort<Part>(ctx.signal, [
      (signal) => this.getQuotes([sym], { ...ctx, signal }),
      ...expirations.map((e) => (signal: AbortSignal) => this.getExpiryQuotes(sym, e, { ...ctx, signal })),
    ]);
    const quotes = parts[0] as UnderlyingQuote[];
    const perExpiry = parts.slice(1) as ExpiryQuotes[];
    const spot = quotes.find((q) => q.symbol === sym);
    if (!spot || !(spot.last > 0)) {
      throw new NotFoundError({ provider: 'tradier', endpoint: 'markets/quotes' }, `no price for ${sym}`);
    }
    const chains: ExpiryChain[] = [];
    expirations.forEach((expiration, i) => {
      const e = perExpiry[i];
      if (e.quotes.length > 0)
        chains.push(buildExpiryChain(expiration, e.quotes, e.expirationType, e.settlement));
    });
    chains.sort((a, b) => (a.expiration < b.expiration ? -1 : 1));
    return { underlying: sym, spot: spot.last, asOf: ctx.asOf, expirations: chains };
  }

  async getHistory(symbol: string, from: string, to: string, ctx: RequestContext): Promise<DailyBar[]> {
    const r = await this.http.getJson(
      {
        endpoint: 'markets/history',
        path: 'markets/history',
        query: { symbol: symbol.toUpperCase(), interval: 'daily', start: from, end: to },
        signal: ctx.signal,
      },
      historyResponse,
    );
    const bars: DailyBar[] = [];
    for (const d of r.history?.day ?? []) {
      const bar = toDailyBar(d);
      if (bar && bar.date >= from && bar.date <= to) bars.push(bar);
    }
    return bars.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  async getClock(ctx: RequestContext): Promise<MarketClock> {
    const r = await this.http.getJson(
      { endpoint: 'markets/clock', path: 'markets/clock', signal: ctx.signal },
      clockResponse,
    );
    const c = r.clock;
    return {
      date: c.date,
      state: c.state,
      description: c.description,
      time: c.timestamp * 1000,
      nextChange: c.next_change ?? null,
      nextState: c.next_state ?? null,
    };
  }

  /** Trading calendar of one month (`month` 1–12). */
  async getCalendar(year: number, month: number, ctx: RequestContext): Promise<MarketDay[]> {
    const r = await this.http.getJson(
      {
        endpoint: 'markets/calendar',
        path: 'markets/calendar',
        query: { year, month: String(month).padStart(2, '0') },
        signal: ctx.signal,
      },
      calendarResponse,
    );
    return r.calendar.days.day.map((d) => ({
      date: d.date,
      status: d.status,
      open: d.open ? { start: d.open.start, end: d.open.end } : null,
    }));
  }

  async close(): Promise<void> {
    // Sockets belong to Node's global fetch dispatcher; nothing of ours to release.
  }
}
