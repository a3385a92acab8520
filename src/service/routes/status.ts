/**
 * GET /status: version, start time, a configuration summary (secrets masked), the last scan (id,
 * time, status, duration, trade count), the running one, the next scheduled scan, the market
 * session, and the providers with their circuit states.
 */
import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import type { Settings } from '../../config/schema.js';
import { maskUrlPassword } from '../../config/secrets.js';
import type { CircuitStateName } from '../../market/http/apiCall.js';
import type { ProviderChoice } from '../../market/providerFactory.js';
import type { CacheStats } from '../../store/cache.js';
import { marketStatus } from '../marketHours.js';
import type { ScanOutcome } from '../scanJob.js';
import type { SchedulerState } from '../scheduler.js';

export interface StatusInput {
  version: string;
  instance: string;
  pid: number;
  startedAt: number;
  now: number;
  settings: Settings;
  /** Configuration files read, in order. */
  files: string[];
  scheduler: SchedulerState;
  gateShared: boolean;
  database: { engine: string; location: string; migration: number | null; embeddedUrl: string | null };
  cache: CacheStats;
  providers: { choice: ProviderChoice; circuits: Record<string, CircuitStateName> };
  reload: { at: number; ok: boolean; error: string | null } | null;
  /** The alert manager's view (rule count, channels, what fires); absent outside the service. */
  alerts?: {
    rules: number;
    evaluationInterval: string;
    channels: string[];
    firing: { rule: string; severity: string; value: number; since: number; firedAt: number | null }[];
    pending: number;
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function scanView(o: ScanOutcome | null) {
  if (!o) return null;
  return {
    id: o.id,
    trigger: o.trigger,
    status: o.status,
    result: o.result,
    message: o.message,
    startedAt: iso(o.startedAt),
    finishedAt: iso(o.finishedAt),
    durationMs: Math.round(o.durationMs),
    tradeCount: o.tradeCount,
    tickers: o.tickers,
    saved: o.saved,
  };
}

/**
 * The cache: `entries` are those of the active cache — the memory LRU's count when memory serves; null when
 * Redis serves, as the engine does not count its keys there (only a SCAN of the whole keyspace could, and the
 * database may be shared): `redisKeys` is their pattern, to count with `redis-cli --scan --pattern`. It read
 * the memory LRU's 0 while Redis held the entries. `memoryEntries`: the LRU (fills while Redis is down).
 */
function cacheView(c: CacheStats, st: Settings) {
  return {
    configured: c.configured,
    active: c.active,
    entries: c.active === 'memory' ? c.memoryEntries : null,
    memoryEntries: c.memoryEntries,
    redisKeys: c.configured === 'redis' ? `${st.cache.key_prefix}*` : null,
  };
}

/** The /status document (pure). Secrets are masked: only whether a token/key is set is shown. */
export function statusDocument(s: StatusInput) {
  const st = s.settings;
  const market = marketStatus(s.now);
  const sched = s.scheduler;
  const keySet = (k: string | null) => k !== null && k !== '';
  return {
    service: 'options-engine',
    version: s.version,
    instance: s.instance,
    pid: s.pid,
    startedAt: iso(s.startedAt),
    uptimeSeconds: Math.round((s.now - s.startedAt) / 1000),
    lastScan: scanView(sched.last),
    runningScan: sched.running
      ? {
          id: sched.running.id,
          trigger: sched.running.trigger,
          startedAt: iso(sched.running.startedAt),
          stage: sched.running.stage,
          elapsedMs: s.now - sched.running.startedAt,
        }
      : null,
    nextScan: {
      at: iso(sched.nextRunAt),
      intervalMinutes: st.execution.interval_minutes,
      marketHoursOnly: st.execution.market_hours_only,
      scanLock: s.gateShared ? 'postgres advisory lock (shared database)' : 'not needed (embedded database)',
      lastSkipped: scanView(sched.lastSkipped),
    },
    market: {
      exchange: 'NYSE',
      open: market.open,
      session: {
        date: market.session.date,
        open: iso(market.session.openMs),
        close: iso(market.session.closeMs),
        earlyClose: market.session.earlyClose,
      },
    },
    providers: {
      primary: s.providers.choice.primary,
      fallback: s.providers.choice.fallback,
      notes: s.providers.choice.notes,
      circuits: s.providers.circuits,
    },
    database: {
      engine: s.database.engine,
      location: s.database.location,
      migration: s.database.migration,
      embeddedServer: s.database.embeddedUrl,
    },
    cache: cacheView(s.cache, st),
    config: {
      files: s.files,
      trading: {
        nav: st.trading.nav,
        availableCapital: st.trading.available_capital,
        maxTrades: st.trading.max_trades,
        universe: st.trading.watchlist.length ? 'watchlist' : st.trading.universe,
        watchlist: st.trading.watchlist,
        strategies: st.trading.strategies,
      },
      constraints: {
        minPop: st.constraints.min_pop,
        minCreditRatio: st.constraints.min_credit_ratio,
        maxLossPerTrade: st.constraints.max_loss_per_trade,
        minDte: st.constraints.min_dte,
        maxDte: st.constraints.max_dte,
      },
      execution: st.execution,
      monitoring: st.monitoring,
      logging: { level: st.logging.level, dir: st.logging.dir },
      database: {
        url: st.database.url ? maskUrlPassword(st.database.url) : null,
        dataDir: st.database.data_dir,
      },
      cache: { redisUrl: st.cache.redis_url ? maskUrlPassword(st.cache.redis_url) : null },
      secrets: {
        apiToken: keySet(st.api.token) ? 'set' : 'not set',
        tradierApiKey: keySet(st.providers.tradier.api_key) ? 'set' : 'not set',
        fredApiKey: keySet(st.providers.fred.api_key) ? 'set' : 'not set',
        quiverApiKey: keySet(st.providers.quiver.api_key) ? 'set' : 'not set',
        smtpPassword: keySet(st.alerts.email.smtp_password) ? 'set' : 'not set',
        slackWebhookUrl: keySet(st.alerts.slack.webhook_url) ? 'set' : 'not set',
      },
      requireTokenForReads: st.api.require_token_for_reads,
    },
    alerts: s.alerts
      ? {
          rules: s.alerts.rules,
          evaluationInterval: s.alerts.evaluationInterval,
          channels: s.alerts.channels,
          cooldownMinutes: st.alerts.cooldown_minutes,
          pending: s.alerts.pending,
          firing: s.alerts.firing.map((a) => ({ ...a, since: iso(a.since), firedAt: iso(a.firedAt) })),
        }
      : null,
    lastReload: s.reload ? { at: iso(s.reload.at), ok: s.reload.ok, error: s.reload.error } : null,
  };
}

export function statusRoutes(
  app: FastifyInstance,
  status: () => StatusInput,
  readGuard: preParsingHookHandler,
): void {
  app.get(
    '/status',
    {
      preParsing: readGuard,
      schema: {
        summary: 'Version, configuration summary (secrets masked), last and next scan, providers',
        tags: ['status'],
        // an unknown parameter is a 400 naming it, as on the API (the health probes stay lenient: a probe with a
        // cache-buster must not read as the service being down)
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    (_req, reply) => {
      reply.type('application/json; charset=utf-8').send(JSON.stringify(statusDocument(status())));
    },
  );
}
