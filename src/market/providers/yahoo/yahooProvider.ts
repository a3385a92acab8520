/**
 * Yahoo Finance through yahoo-finance2 v3 (v4 needs Node 22): fundamentals, GICS sector, next
 * earnings date, daily history, quotes, and option chains as a fallback source. The library does
 * its own requests (cookie + crumb handshake included); it is given a `fetch` that runs each one
 * through our HttpClient (rate limit ~2000/h, timeout, retries, breaker, metrics), over a
 * transport tests point at a local server (the library has no base-URL option).
 */
import YahooFinance from 'yahoo-finance2';
import { buildExpiryChain } from '../../chainBuilder.js';
import { expiryTime, isMonthlyExpiration } from '../../expiry.js';
import { allOrAbort } from '../../http/allOrAbort.js';
import {
  describeErrorBody,
  NotFoundError,
  ProviderError,
  ResponseValidationError,
} from '../../http/errors.js';
import { HttpClient } from '../../http/httpClient.js';
import { httpKnobs, type ProviderHttpOptions } from '../../http/providerHttp.js';
import type { MarketDataProvider, RequestContext } from '../../provider.js';
import { FALLBACK_RISK_FREE_RATE } from '../../riskFreeRate.js';
import { occRoot, oneSettlement } from '../../settlement.js';
import type {
  DailyBar,
  DataKind,
  ExpiryChain,
  Fundamentals,
  OptionChain,
  UnderlyingQuote,
} from '../../types.js';
import { normalizeSymbol } from '../../universe.js';
import {
  contractProblem,
  type PricingInputs,
  toDailyBars,
  toFundamentals,
  toOptionQuote,
  toUnderlyingQuote,
  type YahooSummaryLike,
} from './mapYahoo.js';

export interface YahooProviderOptions {
  /** Client-side limit, requests per hour (settings `providers.yahoo.rate_limit_per_hour`). */
  rateLimitPerHour?: number;
  /**
   * Requests that may go at once (bucket size), default 10: the cookie + crumb handshake and a
   * first call should not wait 1.8 s each; the hourly average still holds.
   */
  rateLimitBurst?: number;
  /** Symbols per quote request. */
  batchSize?: number;
  /**
   * Rate (continuous fraction) for the vols and greeks solved from Yahoo's quotes when the request carries no
   * `riskFreeRate` (a scan's does); default FALLBACK_RISK_FREE_RATE.
   */
  riskFreeRate?: number;
  /** Receives the library's warnings (default: dropped). */
  onWarning?: (message: string) => void;
  http?: ProviderHttpOptions;
}

/** Cboe index option roots, written bare as Tradier does (`SPX`), which Yahoo knows with a caret (`^SPX`). */
const YAHOO_INDICES = new Set(['SPX', 'XSP', 'NDX', 'RUT', 'VIX', 'DJX', 'OEX']);

/**
 * Yahoo's symbol for a ticker: share classes take a hyphen (`BRK-B`), since a dot names an exchange there
 * (`VOD.L`), and the option indices a caret (Yahoo lists the S&P 500 index as `^SPX`); the engine writes them
 * as Tradier does (`BRK.B`, `SPX`; see `normalizeSymbol`), and gets them back so.
 */
export function toYahooSymbol(symbol: string): string {
  const s = symbol.trim().toUpperCase().replace(/\./g, '-');
  return YAHOO_INDICES.has(s) ? `^${s}` : s;
}

/** `/options/0/calls/3/strike` (a JSON pointer of the library's schema errors) → `options[0].calls[3].strike`. */
function fieldOfPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Endpoint label of a Yahoo URL (no symbol, no crumb) for metrics and errors. */
export function yahooEndpoint(url: URL): string {
  const m = url.pathname.match(/^\/(v\d+\/finance\/[A-Za-z]+)/);
  if (m) return m[1];
  if (url.pathname.startsWith('/v1/test/getcrumb')) return 'getcrumb';
  if (url.hostname.startsWith('guce.')) return 'consent';
  return 'cookie';
}

const SUMMARY_MODULES = [
  'price',
  'quoteType',
  'assetProfile',
  'summaryDetail',
  'defaultKeyStatistics',
  'financialData',
  'calendarEvents',
] as const;

const CAPABILITIES: ReadonlySet<DataKind> = new Set<DataKind>([
  'quote',
  'expirations',
  'chain',
  'history',
  'fundamentals',
]);

const dateOf = (d: Date) => d.toISOString().slice(0, 10);
const utcMidnight = (date: string) => new Date(`${date}T00:00:00Z`);

export class YahooProvider implements MarketDataProvider {
  readonly name = 'yahoo';
  readonly capabilities = CAPABILITIES;
  readonly http: HttpClient;
  private readonly yf: InstanceType<typeof YahooFinance>;
  private readonly batchSize: number;
  private readonly rate: number;

  constructor(opts: YahooProviderOptions = {}) {
    this.batchSize = Math.max(1, opts.batchSize ?? 100);
    this.rate = opts.riskFreeRate ?? FALLBACK_RISK_FREE_RATE;
    this.http = new HttpClient({
      provider: 'yahoo',
      baseUrl: 'https://query2.finance.yahoo.com/',
      rateLimit: {
        limit: opts.rateLimitPerHour ?? 2000,
        intervalMs: 3_600_000,
        burst: opts.rateLimitBurst ?? 10,
      },
      ...httpKnobs(opts.http),
    });
    const warn = opts.onWarning ?? (() => {});
    const drop = () => {};
    this.yf = new YahooFinance({
      fetch: this.http.asFetch(yahooEndpoint),
      versionCheck: false,
      // No cookieJar of our own: yahoo-finance2 keeps the crumb in a module-global variable, so
      // every instance must share the library's default jar or later instances send a crumb
      // without its cookie (Yahoo answers "Invalid Crumb").
      suppressNotices: ['yahooSurvey', 'ripHistorical'],
      validation: { logErrors: false, logOptionsErrors: false },
      logger: {
        info: drop,
        debug: drop,
        dir: drop,
        // "Unsupported environment: Requires Node >= 22" is expected for v3 on Node 20.
        warn: (...args: unknown[]) => {
          const text = args.map(String).join(' ');
          if (!text.includes('Unsupported environment')) warn(this.http.redact(text));
        },
        error: (...args: unknown[]) => warn(this.http.redact(args.map(String).join(' '))),
      },
    });
  }

  /** Library errors → typed ProviderErrors; ours (HTTP, timeout, breaker) pass through. */
  private async call<T>(endpoint: string, ctx: RequestContext, fn: () => Promise<T>): Promise<T> {
    ctx.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ProviderError || ctx.signal?.aborted) throw e;
      const err = e as Error & { code?: unknown };
      const text = this.http.redact(describeErrorBody(err.message ?? String(e)));
      const init = { provider: 'yahoo', endpoint, status: typeof err.code === 'number' ? err.code : null };
      if (err.name === 'FailedYahooValidationError') {
        // the library's schema errors say where: name the first field, as the other adapters do
        const issues = (e as { errors?: { instancePath?: string; message?: string }[] }).errors ?? [];
        if (issues.length > 0)
          throw new ResponseValidationError(
            init,
            fieldOfPath(issues[0].instancePath ?? ''),
            issues[0].message ?? 'invalid',
            issues.length - 1,
          );
        throw new ProviderError('invalid', init, `invalid response: ${text}`);
      }
      if (init.status === 404 || /not found|no data found|no fundamentals data/i.test(text)) {
        throw new NotFoundError(init, text);
      }
      if (init.status === 401 || /unauthorized|invalid crumb/i.test(text))
        throw new ProviderError('auth', init, text);
      throw new ProviderError('http', init, text);
    }
  }

  async getQuotes(symbols: string[], ctx: RequestContext): Promise<UnderlyingQuote[]> {
    const wanted = [...new Set(symbols.map(toYahooSymbol).filter((s) => s !== ''))];
    const out: UnderlyingQuote[] = [];
    for (let i = 0; i < wanted.length; i += this.batchSize) {
      const batch = wanted.slice(i, i + this.batchSize);
      const quotes = await this.call('v7/finance/quote', ctx, () =>
        this.yf.quote(batch, { return: 'array' }),
      );
      for (const q of quotes) {
        const u = toUnderlyingQuote(q);
        if (u.symbol !== '') out.push({ ...u, symbol: normalizeSymbol(u.symbol) });
      }
    }
    return out;
  }

  async getExpirations(symbol: string, ctx: RequestContext): Promise<string[]> {
    const r = await this.call('v7/finance/options', ctx, () => this.yf.options(toYahooSymbol(symbol)));
    return [...new Set(r.expirationDates.map(dateOf))].sort();
  }

  /**
   * The chain for the given expirations (one request each). Yahoo has no greeks: each contract's vol is
   * solved from its mid and the greeks computed from it (`toOptionQuote`), at the request's `riskFreeRate`
   * (else the provider's) and the quote's trailing dividend yield. An expiration Yahoo returns empty
   * (expired, unknown) is left out.
   */
  async getChain(symbol: string, expirations: string[], ctx: RequestContext): Promise<OptionChain> {
    const sym = normalizeSymbol(symbol);
    const ySym = toYahooSymbol(symbol);
    const results = await allOrAbort(
      ctx.signal,
      expirations.map((exp) => async (signal: AbortSignal) => ({
        exp,
        r: await this.call('v7/finance/options', { ...ctx, signal }, () =>
          this.yf.options(ySym, { date: utcMidnight(exp) }, { fetchOptions: { signal } }),
        ),
      })),
    );
    let spot = Number.NaN;
    const chains: ExpiryChain[] = [];
    for (const { exp, r } of results) {
      const q = r.quote;
      if (q.regularMarketPrice !== undefined) spot = q.regularMarketPrice;
      const k = r.options.findIndex((o) => dateOf(o.expirationDate) === exp);
      const block = r.options[k];
      if (!block || block.calls.length + block.puts.length === 0) continue;
      for (const side of ['calls', 'puts'] as const) {
        block[side].forEach((c, i) => {
          const bad = contractProblem(c);
          if (bad) {
            const field = `optionChain.result[0].options[${k}].${side}[${i}].${bad[0]}`;
            throw new ResponseValidationError(
              { provider: 'yahoo', endpoint: 'v7/finance/options' },
              field,
              bad[1],
            );
          }
        });
      }
      // one settlement per expiration: ^SPX lists SPX's AM-settled monthlies beside SPXW's PM-settled contracts
      const { kept, settlement } = oneSettlement(
        [
          ...block.calls.map((c) => ({ c, type: 'call' as const })),
          ...block.puts.map((c) => ({ c, type: 'put' as const })),
        ],
        (x) => occRoot(x.c.contractSymbol),
        sym,
      );
      const p: PricingInputs = {
        underlying: sym,
        expiration: exp,
        expiryTime: expiryTime(exp, settlement),
        spot: q.regularMarketPrice ?? Number.NaN,
        asOf: ctx.asOf,
        rate: ctx.riskFreeRate ?? this.rate,
        dividendYield: q.trailingAnnualDividendYield ?? 0,
        // no time is no time (stale), not "now": Friday's close read on Monday morning would pass as fresh
        quoteTime: q.regularMarketTime?.getTime() ?? Number.NaN,
      };
      const rows = kept.map((x) => toOptionQuote(x.c, x.type, p));
      // Yahoo does not label expirations: third Fridays are the monthlies.
      chains.push(buildExpiryChain(exp, rows, isMonthlyExpiration(exp) ? 'standard' : 'weekly', settlement));
    }
    if (!(spot > 0) && expirations.length > 0) {
      throw new NotFoundError({ provider: 'yahoo', endpoint: 'v7/finance/options' }, `no price for ${sym}`);
    }
    chains.sort((a, b) => (a.expiration < b.expiration ? -1 : 1));
    return { underlying: sym, spot, asOf: ctx.asOf, expirations: chains };
  }

  async getHistory(symbol: string, from: string, to: string, ctx: RequestContext): Promise<DailyBar[]> {
    const end = new Date(utcMidnight(to).getTime() + 86_400_000);
    const r = await this.call('v8/finance/chart', ctx, () =>
      this.yf.chart(toYahooSymbol(symbol), { period1: utcMidnight(from), period2: end, interval: '1d' }),
    );
    return toDailyBars(r.quotes).filter((b) => b.date >= from && b.date <= to);
  }

  async getFundamentals(symbol: string, ctx: RequestContext): Promise<Fundamentals> {
    const s = await this.call('v10/finance/quoteSummary', ctx, () =>
      this.yf.quoteSummary(toYahooSymbol(symbol), { modules: [...SUMMARY_MODULES] }),
    );
    return toFundamentals(normalizeSymbol(symbol), s as YahooSummaryLike, ctx.asOf);
  }

  async close(): Promise<void> {}
}
