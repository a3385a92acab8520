/**
 * The engine's Prometheus metrics, named by Prometheus conventions (`options_engine_` prefix, base
 * units, `_total` counters), plus prom-client's default process metrics. Gauges of state owned
 * elsewhere (connections, circuits, cache, scheduler) are read at scrape time through `src`.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitStateName } from '../market/http/apiCall.js';
import type { AlertCounts } from '../ops/alerts/alertManager.js';
import type { CacheStats } from '../store/cache.js';
import { RequestHistogram } from './requestHistogram.js';

const CIRCUIT_VALUE: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2, isolated: 3 };

/** Read at scrape time. */
export interface PromSources {
  connections(): number;
  circuits(): ReadonlyMap<string, CircuitStateName>;
  cache(): CacheStats | null;
  scheduler(): { lastScanAt: number | null; nextScanAt: number | null } | null;
  alerts(): AlertsView | null;
}

/** Alert state for /metrics (JSON `alerts`) and Prometheus. */
export interface AlertsView extends AlertCounts {
  /** Per configured channel: notifications delivered, given up, retried, in flight. */
  notifications: Partial<Record<string, { sent: number; failed: number; retries: number; pending: number }>>;
}

/** The metrics written as events happen. */
export interface PromMetrics {
  http: RequestHistogram;
  providerDuration: Histogram<'provider' | 'endpoint' | 'outcome'>;
  dbDuration: Histogram<'operation'>;
  dbErrors: Counter<'operation'>;
  dbConnectionErrors: Counter;
  scanDuration: Histogram<'stage'>;
  scansTotal: Counter<'status'>;
  tickersTotal: Counter;
  candidatesTotal: Counter;
}

export function registerPromMetrics(
  registry: Registry,
  version: string,
  src: PromSources,
  defaultMetrics: boolean,
): PromMetrics {
  const registers = [registry];
  if (defaultMetrics) collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'options_engine_info',
    help: 'Constant 1, labelled with the running version',
    labelNames: ['version'],
    registers,
  }).set({ version: version }, 1);
  const http = new RequestHistogram(
    'options_engine_http_request_duration_seconds',
    'Duration of HTTP requests answered by the service',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  http.register(registry);
  new Gauge({
    name: 'options_engine_http_active_connections',
    help: 'TCP connections open to the HTTP server',
    registers,
    collect() {
      this.set(src.connections());
    },
  });
  const providerDuration = new Histogram({
    name: 'options_engine_provider_request_duration_seconds',
    help: 'Duration of market-data provider calls (retries included), by outcome',
    labelNames: ['provider', 'endpoint', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: 'options_engine_provider_circuit_state',
    help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['provider'],
    registers,
    collect() {
      for (const [provider, state] of src.circuits()) this.set({ provider }, CIRCUIT_VALUE[state]);
    },
  });
  let lastHits = 0;
  let lastMisses = 0;
  new Counter({
    name: 'options_engine_cache_hits_total',
    help: 'Cache reads that found a value',
    registers,
    collect() {
      const s = src.cache();
      if (s && s.hits >= lastHits) {
        this.inc(s.hits - lastHits);
        lastHits = s.hits;
      }
    },
  });
  new Counter({
    name: 'options_engine_cache_misses_total',
    help: 'Cache reads that found nothing',
    registers,
    collect() {
      const s = src.cache();
      if (s && s.misses >= lastMisses) {
        this.inc(s.misses - lastMisses);
        lastMisses = s.misses;
      }
    },
  });
  new Gauge({
    name: 'options_engine_cache_redis_active',
    help: '1 while Redis serves the cache, 0 while the in-memory fallback (or the memory cache) does',
    registers,
    collect() {
      this.set(src.cache()?.active === 'redis' ? 1 : 0);
    },
  });
  const dbDuration = new Histogram({
    name: 'options_engine_db_query_duration_seconds',
    help: 'Duration of database calls, by operation (query, exec, copy, transaction)',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const dbErrors = new Counter({
    name: 'options_engine_db_query_errors_total',
    help: 'Database calls that failed',
    labelNames: ['operation'],
    registers,
  });
  const dbConnectionErrors = new Counter({
    name: 'options_engine_db_connection_errors_total',
    help: 'Database calls that failed to reach the database (refused, reset, lost, timed out, too many connections, authentication)',
    registers,
  });
  const scanDuration = new Histogram({
    name: 'options_engine_scan_duration_seconds',
    help: 'Duration of scans by pipeline stage (stage="total" for the whole scan)',
    labelNames: ['stage'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const scansTotal = new Counter({
    name: 'options_engine_scans_total',
    help: 'Scans finished, by status (completed, failed, timeout, cancelled, skipped)',
    labelNames: ['status'],
    registers,
  });
  const tickersTotal = new Counter({
    name: 'options_engine_scan_tickers_total',
    help: 'Tickers scanned',
    registers,
  });
  const candidatesTotal = new Counter({
    name: 'options_engine_scan_candidates_total',
    help: 'Candidate trades evaluated',
    registers,
  });
  new Gauge({
    name: 'options_engine_last_scan_timestamp_seconds',
    help: 'When the last scan finished, Unix time',
    registers,
    collect() {
      const at = src.scheduler()?.lastScanAt;
      if (at != null) this.set(at / 1000);
    },
  });
  new Gauge({
    name: 'options_engine_next_scan_timestamp_seconds',
    help: 'When the next scheduled scan is due, Unix time',
    registers,
    collect() {
      const at = src.scheduler()?.nextScanAt;
      if (at != null) this.set(at / 1000);
    },
  });
  new Gauge({
    name: 'options_engine_alerts_firing',
    help: 'Alerts firing now, by severity',
    labelNames: ['severity'],
    registers,
    collect() {
      const a = src.alerts();
      if (!a) return;
      this.set({ severity: 'warning' }, a.firing.warning);
      this.set({ severity: 'critical' }, a.firing.critical);
    },
  });
  new Gauge({
    name: 'options_engine_alerts_pending',
    help: 'Alert rules breached but not yet for their whole duration',
    registers,
    collect() {
      const a = src.alerts();
      if (a) this.set(a.pending);
    },
  });
  const published = new Map<string, number>();
  new Counter({
    name: 'options_engine_alert_notifications_total',
    help: 'Alert notifications by channel and outcome (sent, failed after retries)',
    labelNames: ['channel', 'outcome'],
    registers,
    collect() {
      const a = src.alerts();
      if (!a) return;
      for (const [channel, st] of Object.entries(a.notifications)) {
        if (!st) continue;
        for (const outcome of ['sent', 'failed'] as const) {
          const key = `${channel}:${outcome}`;
          const delta = st[outcome] - (published.get(key) ?? 0);
          if (delta > 0) this.inc({ channel, outcome }, delta);
          published.set(key, st[outcome]);
        }
      }
    },
  });
  return {
    http,
    providerDuration,
    dbDuration,
    dbErrors,
    dbConnectionErrors,
    scanDuration,
    scansTotal,
    tickersTotal,
    candidatesTotal,
  };
}
