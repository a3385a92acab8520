/**
 * `options-engine ops test-api-connections`: one cheap, real request per configured provider
 * (no retries, short timeout) reporting reachable or not, latency, whether the key was accepted,
 * and the rate-limit headroom — the server's own count where it sends one (Tradier's
 * X-Ratelimit-*), else the configured client-side limit. Keys never appear in the output: messages
 * come from ProviderErrors, which are redacted at the source.
 */
import { z } from 'zod';
import { ProviderError } from './http/errors.js';
import type { ProviderHttpOptions } from './http/providerHttp.js';
import { MarketInputError } from './inputError.js';
import {
  type ApiSettings,
  chooseProviders,
  httpFromApi,
  type ProviderChoice,
  type ProvidersSettings,
  tradierBaseUrl,
} from './providerFactory.js';
import { FredProvider } from './providers/fred/fredProvider.js';
import { QuiverProvider } from './providers/quiver/quiverProvider.js';
import { TradierProvider } from './providers/tradier/tradierProvider.js';
import { YahooProvider } from './providers/yahoo/yahooProvider.js';

export type CheckedProvider = 'tradier' | 'yahoo' | 'fred' | 'quiver' | 'simulated';

export interface RateLimitHeadroom {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** From the server's headers; null when it sends none. */
  used: number | null;
  available: number | null;
  /** End of the server's window, epoch ms; null when unknown. */
  resetAt: number | null;
  source: 'server' | 'configured';
}

export interface ConnectionReport {
  provider: CheckedProvider;
  /** `primary`, `fallback`, `macro`, `flow` — empty when configured but unused. */
  roles: string[];
  configured: boolean;
  /** null when not checked (not configured). */
  reachable: boolean | null;
  /** Whether the key was accepted; null when it could not be told (unreachable, no key needed). */
  authOk: boolean | null;
  /**
   * Whether the check request got a valid answer; false for an error status (a 503), a body that is not JSON or
   * not the expected shape: reachable, but not serving. null when not checked.
   */
  working: boolean | null;
  latencyMs: number | null;
  /** HTTP status of the check request, null when none arrived. */
  status: number | null;
  rateLimit: RateLimitHeadroom | null;
  message: string;
}

export interface CheckOptions {
  /** Transport / observers for the check requests. */
  http?: ProviderHttpOptions;
  /** Per-request timeout, ms; default min(api.timeout, 10 s). */
  timeoutMs?: number;
  /** The check's "now" (FRED observation bounds), epoch ms. */
  asOf?: number;
}

interface Probe {
  status: number | null;
  rateLimit: RateLimitHeadroom | null;
  message: string;
  /** Key accepted but the plan lacks the dataset (Quiver). */
  note?: string;
}

async function timed(
  run: () => Promise<Probe>,
): Promise<Omit<ConnectionReport, 'provider' | 'roles' | 'configured'>> {
  const t0 = performance.now();
  try {
    const p = await run();
    return {
      reachable: true,
      authOk: true,
      working: true,
      latencyMs: Math.round(performance.now() - t0),
      status: p.status,
      rateLimit: p.rateLimit,
      message: p.message,
    };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - t0);
    if (!(e instanceof ProviderError)) {
      return {
        reachable: false,
        authOk: null,
        working: false,
        latencyMs,
        status: null,
        rateLimit: null,
        message: 'check failed',
      };
    }
    const unreachable = e.kind === 'network' || e.kind === 'timeout' || e.kind === 'circuit_open';
    return {
      reachable: !unreachable,
      authOk: e.kind === 'auth' ? false : null,
      working: false,
      latencyMs: unreachable ? null : latencyMs,
      status: e.status,
      rateLimit: null,
      message: e.message,
    };
  }
}

const unknownList = z.array(z.unknown());

const configuredLimit = (limit: number, windowSeconds: number): RateLimitHeadroom => ({
  limit,
  windowSeconds,
  used: null,
  available: null,
  resetAt: null,
  source: 'configured',
});

/** Checks every provider the settings name; unconfigured ones are reported as such, not contacted. */
export async function checkConnections(
  p: ProvidersSettings,
  api: ApiSettings,
  opts: CheckOptions = {},
): Promise<ConnectionReport[]> {
  // A settings mistake (e.g. primary tradier without a key) is reported, not thrown: this is a health check.
  let choice: ProviderChoice;
  let configError: string | null = null;
  try {
    choice = chooseProviders(p);
  } catch (e) {
    if (!(e instanceof MarketInputError)) throw e;
    configError = e.message;
    const primary = p.primary === 'auto' ? 'simulated' : p.primary;
    choice = { primary, fallback: null, macro: null, flowNeutral: true, notes: [] };
  }
  // a simulated market keeps its own rate and flow whatever keys are set (ProviderSet.dedicated): FRED and Quiver
  // are then configured but unused, and their being unreachable fails no health check
  const real = choice.primary !== 'simulated';
  const roles = (name: CheckedProvider): string[] => {
    const r: string[] = [];
    if (choice.primary === name) r.push('primary');
    if (choice.fallback === name) r.push('fallback');
    if (name === 'fred' && choice.macro && real) r.push('macro');
    if (name === 'quiver' && real) r.push('flow');
    return r;
  };
  const http: ProviderHttpOptions = {
    ...httpFromApi(api, opts.http),
    retries: 0,
    timeoutMs: opts.timeoutMs ?? Math.min(api.timeout * 1000, 10_000),
  };
  const asOf = opts.asOf ?? Date.now();
  const ctx = { asOf };
  const has = (k: string | null) => k !== null && k.trim() !== '';

  const checks: Promise<ConnectionReport>[] = [];
  const add = (provider: CheckedProvider, configured: boolean, why: string, run: () => Promise<Probe>) => {
    if (!configured) {
      checks.push(
        Promise.resolve({
          provider,
          roles: roles(provider),
          configured,
          reachable: null,
          authOk: null,
          working: null,
          latencyMs: null,
          status: null,
          rateLimit: null,
          message: why,
        }),
      );
      return;
    }
    checks.push(timed(run).then((r) => ({ provider, roles: roles(provider), configured, ...r })));
  };

  const tradierMissing =
    configError && choice.primary === 'tradier'
      ? `not configured: ${configError}`
      : 'not configured (TRADIER_API_KEY not set)';
  add('tradier', has(p.tradier.api_key), tradierMissing, async () => {
    const t = new TradierProvider({
      apiKey: p.tradier.api_key ?? '',
      baseUrl: tradierBaseUrl(p),
      rateLimitPerMinute: p.tradier.rate_limit_per_minute,
      http,
    });
    const clock = await t.getClock(ctx);
    const q = t.http.rateLimit;
    return {
      status: 200,
      rateLimit: q
        ? {
            limit: q.allowed,
            windowSeconds: 60,
            used: Number.isNaN(q.used) ? null : q.used,
            available: Number.isNaN(q.available) ? null : q.available,
            resetAt: Number.isNaN(q.resetAt) ? null : q.resetAt,
            source: 'server',
          }
        : configuredLimit(p.tradier.rate_limit_per_minute, 60),
      message: `ok${p.tradier.sandbox ? ' (sandbox)' : ''}: market ${clock.state}`,
    };
  });

  add('yahoo', p.yahoo.enabled, 'disabled (providers.yahoo.enabled is false)', async () => {
    const y = new YahooProvider({ rateLimitPerHour: p.yahoo.rate_limit_per_hour, http });
    const [q] = await y.getQuotes(['SPY'], ctx);
    return {
      status: 200,
      rateLimit: configuredLimit(p.yahoo.rate_limit_per_hour, 3600),
      message: q
        ? `ok: cookie and crumb obtained, SPY ${q.last}`
        : 'ok: cookie and crumb obtained (SPY not returned)',
    };
  });

  add('fred', has(p.fred.api_key), 'not configured (FRED_API_KEY not set)', async () => {
    const f = new FredProvider({
      apiKey: p.fred.api_key ?? '',
      baseUrl: p.fred.base_url,
      rateLimitPerMinute: p.fred.rate_limit_per_minute,
      http,
    });
    const obs = await f.getSeries('DGS10', { sortOrder: 'desc', limit: 5 }, ctx);
    const last = obs.filter((o) => !Number.isNaN(o.value)).at(-1);
    return {
      status: 200,
      rateLimit: configuredLimit(p.fred.rate_limit_per_minute, 60),
      message: last ? `ok: DGS10 ${last.value} % on ${last.date}` : 'ok: DGS10 has no recent value',
    };
  });

  add(
    'quiver',
    has(p.quiver.api_key),
    'not configured (QUIVER_API_KEY not set): flow is neutral',
    async () => {
      const qv = new QuiverProvider({
        apiKey: p.quiver.api_key,
        baseUrl: p.quiver.base_url,
        rateLimitPerMinute: p.quiver.rate_limit_per_minute,
        http,
      });
      const r = await qv.fetchList('historical/offexchange', 'historical/offexchange/SPY', unknownList, ctx);
      return {
        status: 200,
        rateLimit: configuredLimit(p.quiver.rate_limit_per_minute, 60),
        message: r.list ? 'ok' : `key accepted, but ${r.why}`,
      };
    },
  );

  checks.push(
    Promise.resolve({
      provider: 'simulated' as const,
      roles: roles('simulated'),
      configured: true,
      reachable: true,
      authOk: null,
      working: true,
      latencyMs: 0,
      status: null,
      rateLimit: null,
      message: `offline, deterministic (seed ${p.simulated.seed})`,
    }),
  );
  return Promise.all(checks);
}

/**
 * True when every provider the engine uses works: primary, fallback and macro configured, reachable
 * and their keys accepted; Quiver likewise when it has a key (without one, flow is just neutral).
 * Providers configured but unused (Yahoo next to a simulated primary) do not count.
 */
export function connectionsHealthy(reports: readonly ConnectionReport[]): boolean {
  return reports.every((r) => {
    if (r.roles.length === 0) return true;
    if (!r.configured) return r.roles.every((role) => role === 'flow');
    return r.reachable === true && r.authOk !== false && r.working !== false;
  });
}

/** Fixed-width lines for the console. */
export function formatConnectionReport(reports: readonly ConnectionReport[]): string {
  const lines = ['Provider   Role              Status         Latency   Rate limit              Detail'];
  for (const r of reports) {
    const status = !r.configured
      ? 'not configured'
      : r.reachable === false
        ? 'UNREACHABLE'
        : r.authOk === false
          ? 'AUTH FAILED'
          : r.working === false
            ? 'FAILING'
            : 'ok';
    const latency = r.latencyMs === null ? '-' : `${r.latencyMs} ms`;
    const rl = r.rateLimit;
    const per = rl
      ? rl.windowSeconds === 3600
        ? 'h'
        : rl.windowSeconds === 60
          ? 'min'
          : `${rl.windowSeconds}s`
      : '';
    const limit = !rl
      ? '-'
      : rl.available !== null
        ? `${rl.available}/${rl.limit} left /${per}`
        : `${rl.limit}/${per} (configured)`;
    lines.push(
      `${r.provider.padEnd(10)} ${(r.roles.join(',') || '-').padEnd(17)} ${status.padEnd(14)} ${latency.padEnd(9)} ${limit.padEnd(23)} ${r.message}`,
    );
  }
  return lines.join('\n');
}
