/**
 * FRED (St. Louis Fed) series observations and the macro snapshot built from them:
 * risk-free rate from DGS3MO (3-month Treasury), else DGS10; CPI (CPIAUCSL), unemployment (UNRATE),
 * GDP. FRED sends every value as a string, `"."` when missing (holidays, the Oct-2025 gap), and
 * answers errors with HTTP 400 + `{"error_code":400,"error_message":…}`. The key travels as the
 * `api_key` query parameter, so it is redacted from every error by the HttpClient.
 */
import { z } from 'zod';
import { newYorkDate } from '../../exchangeCalendar.js';
import {
  describeErrorBody,
  HttpStatusError,
  NotFoundError,
  ProviderError,
  ResponseValidationError,
} from '../../http/errors.js';
import { HttpClient } from '../../http/httpClient.js';
import { httpKnobs, type ProviderHttpOptions } from '../../http/providerHttp.js';
import { validateBody } from '../../http/validateBody.js';
import type { MarketDataProvider, RequestContext } from '../../provider.js';
import type { DataKind, MacroObservation, MacroSnapshot } from '../../types.js';

export const FRED_URL = 'https://api.stlouisfed.org/fred/';

export interface FredProviderOptions {
  apiKey: string;
  baseUrl?: string;
  /** FRED allows 120 requests/minute per key. */
  rateLimitPerMinute?: number;
  /** Requests that may go at once, default 5: one macro snapshot (five series) without waiting. */
  rateLimitBurst?: number;
  http?: ProviderHttpOptions;
}

export interface SeriesQuery {
  /** `YYYY-MM-DD` bounds (inclusive). */
  start?: string;
  end?: string;
  /** Newest first with a limit: the cheap way to get the latest values. */
  sortOrder?: 'asc' | 'desc';
  limit?: number;
}

const observationsResponse = z.object({
  observations: z.array(
    z.object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date'),
      value: z.string(),
    }),
  ),
});

/** FRED's string value → number; `"."` (no observation) → NaN. A value that is neither is invalid. */
export function parseFredValue(v: string): number {
  if (v === '.') return Number.NaN;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : Number.NaN;
}

/**
 * Treasury constant-maturity yields (DGS*) are bond-equivalent yields in percent (semiannual
 * compounding). Pricing wants a continuously compounded fraction: r = 2·ln(1 + y/2), y = percent/100.
 */
export function continuousFromBondEquivalent(percent: number): number {
  return 2 * Math.log1p(percent / 200);
}

/**
 * Treasury yields the engine will price with, percent: beyond these no US bill or note has traded (the 3-month
 * bill's range since 1934 is −0.1 … 17 %), so a value outside is a corrupted observation (e.g. a basis-point or
 * per-mille scale slip), not a market.
 */
export const PLAUSIBLE_YIELD_PERCENT = { min: -5, max: 50 } as const;

/** Why a yield observation cannot be a rate (percent), or null when it can. */
export function implausibleYield(percent: number): string | null {
  return percent >= PLAUSIBLE_YIELD_PERCENT.min && percent <= PLAUSIBLE_YIELD_PERCENT.max
    ? null
    : `${percent} % is outside the plausible ${PLAUSIBLE_YIELD_PERCENT.min} … ${PLAUSIBLE_YIELD_PERCENT.max} %`;
}

/** Latest observation with a value, or null. */
export function latestValue(obs: readonly MacroObservation[]): MacroObservation | null {
  let best: MacroObservation | null = null;
  for (const o of obs) if (!Number.isNaN(o.value) && (best === null || o.date > best.date)) best = o;
  return best;
}

const CAPABILITIES: ReadonlySet<DataKind> = new Set<DataKind>(['macro']);
const DAY_MS = 86_400_000;

export class FredProvider implements MarketDataProvider {
  readonly name = 'fred';
  readonly capabilities = CAPABILITIES;
  readonly http: HttpClient;
  private readonly apiKey: string;

  constructor(opts: FredProviderOptions) {
    this.apiKey = opts.apiKey;
    this.http = new HttpClient({
      provider: 'fred',
      baseUrl: opts.baseUrl ?? FRED_URL,
      secrets: [opts.apiKey],
      rateLimit: {
        limit: opts.rateLimitPerMinute ?? 120,
        intervalMs: 60_000,
        burst: opts.rateLimitBurst ?? 5,
      },
      ...httpKnobs(opts.http),
    });
  }

  /** Observations of one series, ascending by date; missing values NaN. */
  async getSeries(seriesId: string, q: SeriesQuery, ctx: RequestContext): Promise<MacroObservation[]> {
    const endpoint = 'series/observations';
    let parsed: z.output<typeof observationsResponse> | undefined;
    await this.http.requestJson(
      {
        endpoint,
        path: endpoint,
        query: {
          series_id: seriesId,
          api_key: this.apiKey,
          file_type: 'json',
          observation_start: q.start,
          observation_end: q.end,
          sort_order: q.sortOrder,
          limit: q.limit,
        },
        signal: ctx.signal,
      },
      // judged before the call is recorded: a bad key reads 'auth', an unknown series 'not_found', a body that
      // fails validation 'invalid' in the metrics and api_calls (all three were recorded as the status's)
      (res) => {
        const init = { provider: 'fred', endpoint, status: res.status };
        if (res.status !== 200) {
          const message = describeErrorBody(res.body);
          if (res.status === 400 && /series does not exist/i.test(message)) {
            throw new NotFoundError(init, `series ${seriesId}: ${message}`);
          }
          const kind = res.status === 400 && /api_key/i.test(message) ? 'auth' : undefined;
          throw new HttpStatusError(
            { ...init, status: res.status, kind },
            this.http.redact(`series ${seriesId}: HTTP ${res.status}: ${message}`),
          );
        }
        const b = validateBody(observationsResponse, res.json, init);
        b.observations.forEach((o, i) => {
          if (Number.isNaN(parseFredValue(o.value)) && o.value !== '.') {
            throw new ProviderError(
              'invalid',
              init,
              `invalid response: field observations[${i}].value: "${o.value.slice(0, 20)}" is not a number`,
            );
          }
        });
        parsed = b;
      },
    );
    const body = parsed as z.output<typeof observationsResponse>;
    const out: MacroObservation[] = [];
    for (const o of body.observations) {
      const value = parseFredValue(o.value);
      if ((q.start === undefined || o.date >= q.start) && (q.end === undefined || o.date <= q.end)) {
        out.push({ date: o.date, value });
      }
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** The latest value of a series on or before `end`, looking back `lookbackDays`. */
  async latest(seriesId: string, end: string, lookbackDays: number, ctx: RequestContext) {
    const start = newYorkDate(Date.parse(`${end}T12:00:00Z`) - lookbackDays * DAY_MS);
    return latestValue(await this.getSeries(seriesId, { start, end, sortOrder: 'desc', limit: 100 }, ctx));
  }

  /**
   * Rates and macro as known at `ctx.asOf` (observations dated on or before the as-of's New York
   * date). The rate must come from DGS3MO or DGS10 or the call fails; CPI, unemployment and GDP are
   * null when FRED has none.
   */
  async getMacro(ctx: RequestContext): Promise<MacroSnapshot> {
    const end = newYorkDate(ctx.asOf);
    const settle = <T>(p: Promise<T>) =>
      p.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    const [m3, y10, cpi, unrate, gdp] = await Promise.all([
      settle(this.latest('DGS3MO', end, 30, ctx)),
      settle(this.latest('DGS10', end, 30, ctx)),
      settle(this.latest('CPIAUCSL', end, 400, ctx)),
      settle(this.latest('UNRATE', end, 400, ctx)),
      settle(this.latest('GDP', end, 800, ctx)),
    ]);
    const value = (r: typeof m3) => (r.ok ? r.value : null);
    // A yield outside the plausible range is reported, never priced with (the next series or the caller's
    // fallback rate takes over).
    const why = (o: MacroObservation | null) => {
      const reason = o ? implausibleYield(o.value) : null;
      return o && reason ? `${o.date}: ${reason}` : null;
    };
    const raw3m = value(m3);
    const raw10 = value(y10);
    const why3m = why(raw3m);
    const why10 = why(raw10);
    const rate3m = why3m ? null : raw3m;
    const rate10 = why10 ? null : raw10;
    const implausible = [why3m && `DGS3MO ${why3m}`, why10 && `DGS10 ${why10}`].filter((w) => w !== null);
    const pick = rate3m ? { series: 'DGS3MO', o: rate3m } : rate10 ? { series: 'DGS10', o: rate10 } : null;
    if (!pick && implausible.length > 0) {
      throw new ResponseValidationError(
        { provider: 'fred', endpoint: 'series/observations' },
        'observations.value',
        `no usable risk-free rate: ${implausible.join('; ')}`,
      );
    }
    if (!pick) {
      // A real failure (bad key, outage) beats "no value": report it as it is.
      for (const r of [y10, m3]) {
        if (!r.ok && r.error instanceof ProviderError && r.error.kind !== 'not_found') throw r.error;
      }
      const why = [m3, y10].map((r) =>
        r.ok ? 'has no value in the last 30 days' : (r.error as Error).message,
      );
      throw new NotFoundError(
        { provider: 'fred', endpoint: 'series/observations' },
        `no risk-free rate: DGS3MO ${why[0]}; DGS10 ${why[1]}`,
      );
    }
    const unemployment = value(unrate);
    return {
      riskFreeRate: continuousFromBondEquivalent(pick.o.value),
      riskFreeSource: `${pick.series} ${pick.o.date}${pick.series === 'DGS10' ? ` (DGS3MO ${why3m ?? 'unavailable'})` : ''}`,
      dgs3mo: rate3m ? rate3m.value / 100 : null,
      dgs10: rate10 ? rate10.value / 100 : null,
      /** CPI-U index level (1982–84 = 100). */
      cpi: value(cpi)?.value ?? null,
      /** Unemployment rate, fraction. */
      unemployment: unemployment ? unemployment.value / 100 : null,
      /** Nominal GDP, billions of dollars (SAAR). */
      gdp: value(gdp)?.value ?? null,
    };
  }

  async close(): Promise<void> {}
}
