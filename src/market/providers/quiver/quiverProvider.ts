/**
 * QuiverQuant flow/sentiment (optional). Without a key every ticker's flow is neutral (flowZ 0) and
 * the detail says why; with one, the dark-pool and congress-trading histories of the ticker feed
 * `flowScore.ts`. Quiver quirks: bodies are top-level JSON arrays, dates are `2025-01-08` or ISO
 * datetimes, live arrays may hold plain strings, and a key without the dataset in its plan gets a
 * bare JSON string ("Upgrade your subscription plan…") with a 200 or a 4xx.
 */
import { z } from 'zod';
import { newYorkDate } from '../../exchangeCalendar.js';
import { NotEntitledError } from '../../http/errors.js';
import { HttpClient } from '../../http/httpClient.js';
import { httpKnobs, type ProviderHttpOptions } from '../../http/providerHttp.js';
import { validateBody } from '../../http/validateBody.js';
import type { MarketDataProvider, RequestContext } from '../../provider.js';
import type { DataKind, FlowSignals } from '../../types.js';
import {
  type Component,
  type CongressTrade,
  combineFlow,
  congressComponent,
  type DpiPoint,
  darkPoolComponent,
} from './flowScore.js';

export const QUIVER_URL = 'https://api.quiverquant.com/beta/';

export interface QuiverProviderOptions {
  /** null / empty: no key — every ticker's flow is neutral. */
  apiKey: string | null;
  baseUrl?: string;
  /** `Token` (official client) or `Bearer` (OpenAPI spec); both are accepted by Quiver. */
  authScheme?: 'Token' | 'Bearer';
  rateLimitPerMinute?: number;
  http?: ProviderHttpOptions;
}

/** Drops the plain strings Quiver mixes into some arrays, then validates the records. */
const records = <T extends z.ZodType>(rec: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v.filter((x) => typeof x !== 'string') : v), z.array(rec));

/** `2025-01-08` or a datetime (`…T…`, `… …`) → the date; anything else is invalid (it would sort as some other day). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}($|[T ])/, 'expected a YYYY-MM-DD date or datetime')
  .transform((s) => s.slice(0, 10));
/** DPI is a share of volume (OTC_Short / OTC_Total): never negative. */
const dpResponse = records(z.object({ Date: day, DPI: z.number().nonnegative().nullish() }));
const congressResponse = records(
  z.object({
    TransactionDate: day.nullish(),
    Transaction: z.string().nullish(),
    Ticker: z.string().nullish(),
  }),
);

const CAPABILITIES: ReadonlySet<DataKind> = new Set<DataKind>(['flow']);

export function neutralFlow(symbol: string, detail: string): FlowSignals {
  return { symbol, flowZ: 0, neutral: true, detail };
}

export class QuiverProvider implements MarketDataProvider {
  readonly name = 'quiver';
  readonly capabilities = CAPABILITIES;
  /** null without a key. */
  readonly http: HttpClient | null;

  constructor(opts: QuiverProviderOptions) {
    const key = opts.apiKey?.trim() ?? '';
    this.http =
      key === ''
        ? null
        : new HttpClient({
            provider: 'quiver',
            baseUrl: opts.baseUrl ?? QUIVER_URL,
            headers: { Authorization: `${opts.authScheme ?? 'Token'} ${key}`, Accept: 'application/json' },
            secrets: [key],
            rateLimit: { limit: opts.rateLimitPerMinute ?? 300, intervalMs: 60_000 },
            ...httpKnobs(opts.http),
          });
  }

  get configured(): boolean {
    return this.http !== null;
  }

  /**
   * A JSON array from Quiver, or null when the dataset is not in the key's plan (a JSON string
   * body) or the ticker is unknown (404). Other failures throw typed errors.
   */
  async fetchList<S extends z.ZodType>(endpoint: string, path: string, schema: S, ctx: RequestContext) {
    const http = this.http as HttpClient;
    let result: { list: z.output<S> | null; why: string } = { list: null, why: '' };
    // judged before the call is recorded, so that a body failing validation counts as a failed call
    await http.requestJson({ endpoint, path, signal: ctx.signal }, (res) => {
      const init = { provider: 'quiver', endpoint, status: res.status };
      if (typeof res.json === 'string') {
        if (res.status === 401) throw http.statusError(endpoint, res);
        result = { list: null, why: new NotEntitledError(init, http.redact(res.json.slice(0, 120))).message };
      } else if (res.status === 404) result = { list: null, why: `${endpoint}: no data for this ticker` };
      else if (res.status < 200 || res.status > 299) throw http.statusError(endpoint, res);
      else result = { list: validateBody(schema, res.json, init) as z.output<S>, why: '' };
    });
    return result;
  }

  async getFlow(symbol: string, ctx: RequestContext): Promise<FlowSignals> {
    const sym = symbol.toUpperCase();
    if (!this.http) return neutralFlow(sym, 'flow neutral: no QuiverQuant key (QUIVER_API_KEY not set)');
    const asOfDate = newYorkDate(ctx.asOf);
    const ticker = encodeURIComponent(sym);
    const [dp, congress] = await Promise.all([
      this.fetchList('historical/offexchange', `historical/offexchange/${ticker}`, dpResponse, ctx),
      this.fetchList(
        'historical/congresstrading',
        `historical/congresstrading/${ticker}`,
        congressResponse,
        ctx,
      ),
    ]);
    const components: Component[] = [];
    if (dp.list) {
      const points: DpiPoint[] = dp.list.map((r) => ({
        date: r.Date,
        dpi: typeof r.DPI === 'number' ? r.DPI : Number.NaN,
      }));
      components.push(darkPoolComponent(points, asOfDate));
    } else components.push({ z: null, note: `dark pool unavailable (${dp.why})` });
    if (congress.list) {
      const trades: CongressTrade[] = [];
      for (const r of congress.list) {
        if (r.TransactionDate && r.Transaction && (!r.Ticker || r.Ticker.toUpperCase() === sym)) {
          trades.push({ date: r.TransactionDate, transaction: r.Transaction });
        }
      }
      components.push(congressComponent(trades, asOfDate));
    } else components.push({ z: null, note: `congress unavailable (${congress.why})` });
    const flowZ = combineFlow(components);
    const detail = `QuiverQuant: ${components.map((c) => c.note).join('; ')}`;
    if (flowZ === null) return neutralFlow(sym, `flow neutral: ${detail}`);
    return { symbol: sym, flowZ, neutral: false, detail };
  }

  async close(): Promise<void> {}
}
