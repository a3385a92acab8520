/**
 * The service's telemetry: HTTP latency and errors, open connections, event-loop lag, provider call
 * stats, cache hits, database query time and scan timings. Everything is recorded twice, cheaply:
 * into prom-client metrics (the Prometheus exposition of /metrics) and into rolling windows and
 * reservoirs (the JSON document of /metrics, the guide's keys, and the per-minute samples).
 *
 * Definitions (README "Metrics"):
 * - `avg_response_time`: mean duration of the HTTP requests answered in the last window, ms.
 * - `error_rate`: (HTTP 5xx answers + failed provider calls) / (HTTP answers + provider calls) in
 *   the last window, percent. A provider call fails when its outcome is neither `ok`, `aborted`
 *   nor `not_found` (a symbol the provider does not know is an answer, not an outage).
 * - `cache_hit_rate`: cache hits / (hits + misses) since start, percent.
 * - `active_connections`: TCP connections open to the HTTP server now.
 * The window is settings `monitoring.metrics_window_seconds` (300 s by default).
 * The HTTP answers there are all but the health probes' (/health, /health/live, /health/ready: see recordHttp).
 */
import { freemem, totalmem } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { type ApiCall, apiCallFailed, type CircuitStateName } from '../market/http/apiCall.js';
import { SCAN_STAGES } from '../scan/types.js';
import type { CacheStats } from '../store/cache.js';
import { CpuMeter, HostCpuMeter } from './cpuMeters.js';
import { LatencyReservoir, type LatencySummary, quantileSorted } from './latencyReservoir.js';
import { type AlertsView, type PromMetrics, registerPromMetrics } from './promMetrics.js';
import { RollingWindow } from './rollingWindow.js';

/** The health probe routes (routes/health.ts), not counted in the HTTP window (see recordHttp). */
const HEALTH_ROUTES: ReadonlySet<string> = new Set(['/health', '/health/live', '/health/ready']);

/** The timings of one finished scan, as telemetry keeps them. */
export interface ScanTimingRecord {
  status: string;
  /** Milliseconds per stage and `total`. */
  timingsMs: Record<string, number>;
  tickersScanned: number;
  candidatesEvaluated: number;
}

export interface TelemetryOptions {
  /** Window of `avg_response_time` and `error_rate`, seconds. */
  windowSeconds: number;
  version: string;
  /** Collect prom-client's default process metrics (off in unit tests that build many instances). */
  defaultMetrics?: boolean;
  now?: () => number;
}

export interface TimedScans {
  /** Last scan's ms per stage (and `total`); empty before the first scan. */
  last: Record<string, number>;
  p50: Record<string, number>;
  p95: Record<string, number>;
  samples: number;
}

/** The guide's keys of the JSON /metrics document, and more. */
export interface MetricsSnapshot {
  timestamp: string;
  window_seconds: number;
  performance: {
    scan_duration_ms: TimedScans;
    tickers_per_second: number;
    candidates_per_second: number;
    scans: Record<string, number>;
    event_loop_lag_ms: { mean: number; p50: number; p99: number; max: number };
    memory_mb: { rss: number; heap_used: number; heap_total: number; external: number };
    cpu_percent: number;
    uptime_seconds: number;
  };
  api_response_times: Record<string, Record<string, LatencySummary>>;
  avg_response_time: number;
  error_rate: number;
  cache_hit_rate: number;
  active_connections: number;
  http: { requests: number; errors_5xx: number; avg_response_time_ms: number };
  providers: { calls: number; failures: number; circuits: Record<string, CircuitStateName> };
  database: { queries: number; errors: number; avg_ms: number; p95_ms: number };
  cache: {
    backend: string;
    hits: number;
    misses: number;
    hit_rate: number;
  };
  /** Present when the alert manager runs (the service). */
  alerts?: AlertsView;
}

const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  return Number.isFinite(x) ? Math.round(x * f) / f : 0;
};
const nsToMs = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);

export class Telemetry {
  readonly registry = new Registry();
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly windowSeconds: number;
  private readonly httpWindow: RollingWindow;
  private readonly providerWindow: RollingWindow;
  private readonly api = new Map<string, Map<string, LatencyReservoir>>();
  private readonly db = new LatencyReservoir(2000);
  private dbSumMs = 0;
  private dbConnectionErrorsSinceSample = 0;
  private dbConnectionErrorsTotal = 0;
  private connections = 0;
  private readonly scanHistory: ScanTimingRecord[] = [];
  private readonly scanCounts: Record<string, number> = {};
  private readonly circuits = new Map<string, CircuitStateName>();
  private cacheSource: (() => CacheStats) | null = null;
  private alertsSource: (() => AlertsView) | null = null;
  private schedulerSource: (() => { lastScanAt: number | null; nextScanAt: number | null }) | null = null;
  private readonly loop: IntervalHistogram;
  private readonly cpu = new CpuMeter();
  private readonly hostCpu = new HostCpuMeter();
  private cachedTimedScans: TimedScans | null = null;

  private readonly prom: PromMetrics;

  constructor(opts: TelemetryOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.windowSeconds = opts.windowSeconds;
    this.httpWindow = new RollingWindow(opts.windowSeconds, this.now);
    this.providerWindow = new RollingWindow(opts.windowSeconds, this.now);
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.prom = registerPromMetrics(
      this.registry,
      opts.version,
      {
        connections: () => this.connections,
        circuits: () => this.circuits,
        cache: () => this.cacheSource?.() ?? null,
        scheduler: () => this.schedulerSource?.() ?? null,
        alerts: () => this.alertsSource?.() ?? null,
      },
      opts.defaultMetrics !== false,
    );
  }

  /**
   * One HTTP answer. `route` is the route pattern (`/api/scans/:id`), never the raw URL. The health probes
   * are left out of the window (`avg_response_time`, `error_rate`, `http`): their 503 is a verdict on the
   * service, not a failed request, and load balancers polling them would drown the requests served in
   * cheap answers from memory. The Prometheus histogram keeps them, with their status.
   */
  recordHttp(method: string, route: string, status: number, ms: number): void {
    if (!HEALTH_ROUTES.has(route)) this.httpWindow.record(ms, status >= 500);
    this.prom.http.observe(method, route, status, ms / 1000);
  }

  connectionOpened(): void {
    this.connections++;
  }

  connectionClosed(): void {
    this.connections = Math.max(0, this.connections - 1);
  }

  /** One market-data provider call (HTTP providers report through `onApiCall`). */
  recordProviderCall(provider: string, endpoint: string, ms: number, outcome: string): void {
    const failed = apiCallFailed(outcome);
    this.providerWindow.record(ms, failed);
    let byEndpoint = this.api.get(provider);
    if (!byEndpoint) {
      byEndpoint = new Map();
      this.api.set(provider, byEndpoint);
    }
    let r = byEndpoint.get(endpoint);
    if (!r) {
      r = new LatencyReservoir();
      byEndpoint.set(endpoint, r);
    }
    r.record(ms, failed);
    this.prom.providerDuration.observe({ provider, endpoint, outcome }, ms / 1000);
  }

  /** The HTTP client's observer (market/http `onCall`). */
  readonly onApiCall = (call: ApiCall): void => {
    this.recordProviderCall(call.provider, call.endpoint, call.latencyMs, call.outcome);
  };

  setCircuit(provider: string, state: CircuitStateName): void {
    this.circuits.set(provider, state);
  }

  /**
   * The HTTP providers in use, closed until a call says otherwise: their circuit-state series exist from the start
   * (only an opened circuit had one, so `== 0` and absent-series alerts could not tell "closed" from "not scraped").
   */
  watchProviders(providers: readonly string[]): void {
    for (const p of providers) if (!this.circuits.has(p)) this.circuits.set(p, 'closed');
  }

  circuitStates(): Record<string, CircuitStateName> {
    return Object.fromEntries(this.circuits);
  }

  /** `connection`: the call failed to reach the database (see isConnectionError), not a refused statement. */
  recordDbQuery(operation: string, ms: number, ok: boolean, connection = false): void {
    this.db.record(ms, !ok);
    this.dbSumMs += ms;
    this.prom.dbDuration.observe({ operation }, ms / 1000);
    if (!ok) this.prom.dbErrors.inc({ operation });
    if (!ok && connection) {
      this.prom.dbConnectionErrors.inc();
      this.dbConnectionErrorsSinceSample++;
      this.dbConnectionErrorsTotal++;
    }
  }

  /**
   * Database calls that failed to reach the database since start (a running total, for the
   * `connection_errors` alert window). A statement the server refused is not one: it is in
   * `options_engine_db_query_errors_total` and the ERROR log.
   */
  connectionErrors(): number {
    return this.dbConnectionErrorsTotal;
  }

  recordScan(scan: ScanTimingRecord): void {
    this.scanCounts[scan.status] = (this.scanCounts[scan.status] ?? 0) + 1;
    this.prom.scansTotal.inc({ status: scan.status });
    if (scan.status !== 'completed') return;
    this.scanHistory.push(scan);
    if (this.scanHistory.length > 100) this.scanHistory.shift();
    this.cachedTimedScans = null;
    for (const [stage, ms] of Object.entries(scan.timingsMs))
      this.prom.scanDuration.observe({ stage }, ms / 1000);
    this.prom.tickersTotal.inc(scan.tickersScanned);
    this.prom.candidatesTotal.inc(scan.candidatesEvaluated);
  }

  /** Seeds the scan-duration history from stored scans (oldest first), e.g. after a restart. */
  seedScanHistory(scans: readonly ScanTimingRecord[]): void {
    for (const s of scans) {
      if (s.status !== 'completed') continue;
      this.scanHistory.push(s);
      if (this.scanHistory.length > 100) this.scanHistory.shift();
    }
    this.cachedTimedScans = null;
  }

  watchCache(source: () => CacheStats): void {
    this.cacheSource = source;
  }

  watchAlerts(source: () => AlertsView): void {
    this.alertsSource = source;
  }

  watchScheduler(source: () => { lastScanAt: number | null; nextScanAt: number | null }): void {
    this.schedulerSource = source;
  }

  private timedScans(): TimedScans {
    if (this.cachedTimedScans) return this.cachedTimedScans;
    const h = this.scanHistory;
    const stages = [...SCAN_STAGES, 'total'];
    const p50: Record<string, number> = {};
    const p95: Record<string, number> = {};
    for (const stage of stages) {
      const values = h.map((s) => s.timingsMs[stage]).filter((v): v is number => Number.isFinite(v));
      if (values.length === 0) continue;
      values.sort((a, b) => a - b);
      p50[stage] = round(quantileSorted(values, 0.5), 1);
      p95[stage] = round(quantileSorted(values, 0.95), 1);
    }
    const last: Record<string, number> = {};
    const lastScan = h[h.length - 1];
    if (lastScan) for (const [k, v] of Object.entries(lastScan.timingsMs)) last[k] = round(v, 1);
    this.cachedTimedScans = { last, p50, p95, samples: h.length };
    return this.cachedTimedScans;
  }

  /** The JSON document of /metrics. */
  snapshot(): MetricsSnapshot {
    const http = this.httpWindow.totals();
    const prov = this.providerWindow.totals();
    const calls = http.count + prov.count;
    const cache = this.cacheSource?.();
    const reads = cache ? cache.hits + cache.misses : 0;
    const mem = process.memoryUsage();
    const mb = (b: number) => round(b / 1048576, 1);
    const lastScan = this.scanHistory[this.scanHistory.length - 1];
    const seconds = lastScan ? lastScan.timingsMs.total / 1000 : 0;
    const api: Record<string, Record<string, LatencySummary>> = {};
    for (const [provider, endpoints] of this.api) {
      api[provider] = {};
      for (const [endpoint, r] of endpoints) api[provider][endpoint] = r.summary();
    }
    const db = this.db.summary();
    return {
      timestamp: new Date(this.now()).toISOString(),
      window_seconds: this.windowSeconds,
      performance: {
        scan_duration_ms: this.timedScans(),
        tickers_per_second: seconds > 0 ? round(lastScan.tickersScanned / seconds) : 0,
        candidates_per_second: seconds > 0 ? round(lastScan.candidatesEvaluated / seconds) : 0,
        scans: { ...this.scanCounts },
        event_loop_lag_ms: {
          mean: round(nsToMs(this.loop.mean)),
          p50: round(nsToMs(this.loop.percentile(50))),
          p99: round(nsToMs(this.loop.percentile(99))),
          max: round(nsToMs(this.loop.max)),
        },
        memory_mb: {
          rss: mb(mem.rss),
          heap_used: mb(mem.heapUsed),
          heap_total: mb(mem.heapTotal),
          external: mb(mem.external),
        },
        cpu_percent: this.cpu.read(),
        uptime_seconds: round((this.now() - this.startedAt) / 1000, 0),
      },
      api_response_times: api,
      avg_response_time: http.count ? round(http.sum / http.count) : 0,
      error_rate: calls ? round((100 * (http.errors + prov.errors)) / calls) : 0,
      cache_hit_rate: reads ? round((100 * cache!.hits) / reads) : 0,
      active_connections: this.connections,
      http: {
        requests: http.count,
        errors_5xx: http.errors,
        avg_response_time_ms: http.count ? round(http.sum / http.count) : 0,
      },
      providers: { calls: prov.count, failures: prov.errors, circuits: this.circuitStates() },
      database: {
        queries: db.count,
        errors: db.errors,
        avg_ms: db.count ? round(this.dbSumMs / db.count) : 0,
        p95_ms: db.p95_ms,
      },
      cache: {
        backend: cache?.active ?? 'none',
        hits: cache?.hits ?? 0,
        misses: cache?.misses ?? 0,
        hit_rate: reads ? round((100 * cache!.hits) / reads) : 0,
      },
      ...(this.alertsSource ? { alerts: this.alertsSource() } : {}),
    };
  }

  /**
   * The flat row stored in `metrics_samples` each minute. Besides the guide's keys it carries the
   * names of the monitoring.yaml rules: `cpu_usage`, `memory_usage` (host, %), `error_rate` (%),
   * `response_time` (mean HTTP response time, s), `query_time` (p95 database call, s),
   * `connection_errors` (database calls that could not reach the database since the previous sample). Resets the event-loop
   * lag histogram, so each sample covers its own minute.
   */
  sampleRow(extra: Record<string, number | null> = {}): Record<string, number | null> {
    const s = this.snapshot();
    const row: Record<string, number | null> = {
      avg_response_time: s.avg_response_time,
      error_rate: s.error_rate,
      cache_hit_rate: s.cache_hit_rate,
      active_connections: s.active_connections,
      http_requests: s.http.requests,
      http_errors: s.http.errors_5xx,
      provider_calls: s.providers.calls,
      provider_failures: s.providers.failures,
      event_loop_lag_ms: s.performance.event_loop_lag_ms.mean,
      event_loop_lag_p99_ms: s.performance.event_loop_lag_ms.p99,
      heap_used_mb: s.performance.memory_mb.heap_used,
      rss_mb: s.performance.memory_mb.rss,
      process_cpu_percent: s.performance.cpu_percent,
      db_query_avg_ms: s.database.avg_ms,
      db_query_p95_ms: s.database.p95_ms,
      scan_duration_ms: s.performance.scan_duration_ms.last.total ?? null,
      tickers_per_second: s.performance.tickers_per_second,
      candidates_per_second: s.performance.candidates_per_second,
      cpu_usage: this.hostCpu.read(),
      memory_usage: round((100 * (totalmem() - freemem())) / totalmem(), 1),
      response_time: round(s.avg_response_time / 1000, 4),
      query_time: round(s.database.p95_ms / 1000, 4),
      connection_errors: this.dbConnectionErrorsSinceSample,
      ...extra,
    };
    this.dbConnectionErrorsSinceSample = 0;
    this.loop.reset();
    return row;
  }

  /** Forgets the event-loop delays seen so far (the start-up's are not the service's). */
  resetLoopLag(): void {
    this.loop.reset();
  }

  /**
   * The Prometheus text exposition (format 0.0.4). prom-client writes a NaN sample (e.g. the default event-loop
   * lag gauges before their first sample) as `Nan`; the format spells it `NaN`, which strict parsers require.
   */
  async prometheus(): Promise<string> {
    return (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
  }

  get prometheusContentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.loop.disable();
    this.registry.clear();
  }
}
