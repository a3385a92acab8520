import { Gauge } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyReservoir, quantileSorted } from '../../src/service/latencyReservoir.js';
import { RollingWindow } from '../../src/service/rollingWindow.js';
import { wantsPrometheus } from '../../src/service/routes/metrics.js';
import { Telemetry } from '../../src/service/telemetry.js';
import type { CacheStats } from '../../src/store/cache.js';

describe('RollingWindow', () => {
  it('sums the events of the last N seconds only', () => {
    let now = 1_000_000;
    const w = new RollingWindow(60, () => now);
    w.record(10, false);
    w.record(30, true);
    now += 30_000;
    w.record(20, false);
    expect(w.totals()).toEqual({ count: 3, sum: 60, errors: 1 });
    now += 45_000; // the first two are now 75 s old
    expect(w.totals()).toEqual({ count: 1, sum: 20, errors: 0 });
    now += 3600_000;
    expect(w.totals()).toEqual({ count: 0, sum: 0, errors: 0 });
  });
});

describe('LatencyReservoir', () => {
  it('gives nearest-rank percentiles of the recent values and lifetime counts', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantileSorted([], 0.99)).toBe(0);
    const r = new LatencyReservoir(100);
    for (let i = 1; i <= 200; i++) r.record(i, i % 50 === 0);
    expect(r.summary()).toEqual({ count: 200, errors: 4, p50_ms: 150, p95_ms: 195, p99_ms: 199 });
  });
});

describe('wantsPrometheus', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['text/plain', true],
    ['text/plain;version=0.0.4', true],
    ['application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', true],
    ['application/json, text/plain;q=0.5', false],
    ['text/plain;q=0', false],
  ])('Accept %s → %s', (accept, expected) => {
    expect(wantsPrometheus(accept)).toBe(expected);
  });
});

describe('Telemetry', () => {
  const cache: CacheStats = {
    configured: 'memory',
    active: 'memory',
    hits: 30,
    misses: 10,
    sets: 10,
    errors: 0,
    fallbacks: 0,
    hitRate: 75,
    memoryEntries: 10,
  };

  it("computes the guide's KPIs as defined: window averages, error rate over HTTP + provider calls", () => {
    const t = new Telemetry({ windowSeconds: 300, version: '9.9.9', defaultMetrics: false });
    t.watchCache(() => cache);
    t.recordHttp('GET', '/status', 200, 2);
    t.recordHttp('GET', '/api/trades/latest', 200, 4);
    t.recordHttp('GET', '/api/scans', 500, 12);
    t.recordProviderCall('tradier', 'markets/quotes', 100, 'ok');
    t.recordProviderCall('tradier', 'markets/quotes', 300, 'timeout');
    t.recordProviderCall('tradier', 'markets/options/chains', 50, 'not_found');
    t.recordProviderCall('tradier', 'markets/options/chains', 50, 'aborted');
    t.connectionOpened();
    t.connectionOpened();
    t.connectionClosed();
    const s = t.snapshot();
    expect(s.avg_response_time).toBe(6);
    // 1 HTTP 5xx + 1 failed provider call (timeout; not_found and aborted are not failures) of 7.
    expect(s.error_rate).toBeCloseTo((100 * 2) / 7, 2);
    expect(s.cache_hit_rate).toBe(75);
    expect(s.active_connections).toBe(1);
    expect(s.api_response_times.tradier['markets/quotes']).toMatchObject({
      count: 2,
      errors: 1,
      p99_ms: 300,
    });
    expect(s.api_response_times.tradier['markets/options/chains'].errors).toBe(0);
    t.close();
  });

  it('leaves the health probes out of error_rate and avg_response_time; Prometheus keeps them', async () => {
    // A 503 from /health is a verdict (a critical alert firing, a failing check), not a failed request:
    // polled by a load balancer or the daily checks it drove application.error_rate to 66 %.
    const t = new Telemetry({ windowSeconds: 300, version: '9.9.9', defaultMetrics: false });
    for (let i = 0; i < 4; i++) {
      t.recordHttp('GET', '/health', 503, 1);
      t.recordHttp('GET', '/health/ready', 503, 1);
      t.recordHttp('GET', '/health/live', 200, 1);
    }
    t.recordHttp('GET', '/status', 200, 20);
    t.recordHttp('POST', '/api/scans', 500, 40);
    const s = t.snapshot();
    expect(s.error_rate).toBe(50);
    expect(s.avg_response_time).toBe(30);
    expect(s.http).toEqual({ requests: 2, errors_5xx: 1, avg_response_time_ms: 30 });
    expect(t.sampleRow()).toMatchObject({ error_rate: 50, http_errors: 1, response_time: 0.03 });
    expect(await t.prometheus()).toContain(
      'options_engine_http_request_duration_seconds_count{method="GET",route="/health",status_code="503"} 4',
    );
    t.close();
  });

  it('spells a NaN sample NaN in the Prometheus exposition (prom-client writes Nan)', async () => {
    // The default event-loop lag gauges read NaN until their histogram has a sample; seen in CI.
    const t = new Telemetry({ windowSeconds: 300, version: '9.9.9', defaultMetrics: false });
    new Gauge({
      name: 'test_not_yet_sampled',
      help: 'a gauge without a value yet',
      registers: [t.registry],
      collect() {
        this.set(Number.NaN);
      },
    });
    const text = await t.prometheus();
    expect(text).toMatch(/^test_not_yet_sampled NaN$/m);
    expect(text).not.toMatch(/ Nan$/m);
    t.close();
  });

  it('keeps scan timings by stage with percentiles, and throughput of the last scan', () => {
    const t = new Telemetry({ windowSeconds: 300, version: '9.9.9', defaultMetrics: false });
    t.seedScanHistory([
      {
        status: 'completed',
        timingsMs: { collect: 100, total: 400 },
        tickersScanned: 4,
        candidatesEvaluated: 40,
      },
    ]);
    t.recordScan({
      status: 'completed',
      timingsMs: { collect: 300, total: 1000 },
      tickersScanned: 10,
      candidatesEvaluated: 500,
    });
    t.recordScan({ status: 'failed', timingsMs: { total: 5 }, tickersScanned: 0, candidatesEvaluated: 0 });
    const p = t.snapshot().performance;
    expect(p.scan_duration_ms.last).toEqual({ collect: 300, total: 1000 });
    expect(p.scan_duration_ms.p50.total).toBe(400);
    expect(p.scan_duration_ms.p95.total).toBe(1000);
    expect(p.tickers_per_second).toBe(10);
    expect(p.candidates_per_second).toBe(500);
    expect(p.scans).toEqual({ completed: 1, failed: 1 });
    t.close();
  });

  it('exposes Prometheus metrics named by convention, and a flat sample row', async () => {
    const t = new Telemetry({ windowSeconds: 300, version: '9.9.9', defaultMetrics: false });
    t.watchCache(() => cache);
    t.recordHttp('GET', '/health', 200, 2);
    t.recordHttp('GET', '/metrics', 200, 2);
    t.recordDbQuery('query', 3, true);
    t.recordDbQuery('query', 5, false); // a statement the server refused
    t.recordDbQuery('transaction', 7, false, true); // a call that could not reach the database
    t.watchProviders(['tradier', 'fred']);
    t.setCircuit('tradier', 'open');
    t.watchProviders(['tradier']); // a reload: an open circuit stays open
    const text = await t.prometheus();
    expect(t.prometheusContentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('options_engine_info{version="9.9.9"} 1');
    expect(text).toContain(
      'options_engine_http_request_duration_seconds_count{method="GET",route="/health",status_code="200"} 1',
    );
    expect(text).toContain('options_engine_cache_hits_total 30');
    expect(text).toContain('options_engine_provider_circuit_state{provider="tradier"} 2');
    expect(text).toContain('options_engine_provider_circuit_state{provider="fred"} 0'); // closed has its series too
    expect(text).toContain('options_engine_db_query_errors_total{operation="query"} 1');
    expect(text).toContain('options_engine_db_query_errors_total{operation="transaction"} 1');
    expect(text).toContain('options_engine_db_connection_errors_total 1');
    expect(t.connectionErrors()).toBe(1); // the connection_errors alert's running total: not the refused statement
    const row = t.sampleRow({ disk_usage: 40 });
    expect(row).toMatchObject({
      avg_response_time: 2,
      cache_hit_rate: 75,
      connection_errors: 1,
      disk_usage: 40,
    });
    for (const key of ['cpu_usage', 'memory_usage', 'error_rate', 'response_time', 'query_time']) {
      expect(typeof row[key], key).toBe('number');
    }
    expect(t.sampleRow().connection_errors).toBe(0);
    t.close();
  });
});
