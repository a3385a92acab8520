/**
 * The real service on the embedded defaults (simulated market, PGlite in a temp DATA_DIR, memory
 * cache), started once for the file; the operations guide's curl | jq commands run as written
 * (host and port aside) and must yield real values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { type ServiceProcess, sh, startServiceProcess, TEST_TOKEN } from './helpers/serviceProcess.js';

let svc: ServiceProcess;
let base: string;

beforeAll(async () => {
  svc = await startServiceProcess();
  base = `localhost:${svc.port}`;
});
afterAll(async () => {
  await svc?.dispose();
});

const curlJson = async (args: string) => JSON.parse(await sh(`curl -s ${args}`)) as Record<string, unknown>;
const statusOf = (args: string) => sh(`curl -s -o /dev/null -w '%{http_code}' ${args}`);

describe("the guide's health and metrics commands", () => {
  it("curl -s …/health | jq '.' prints an IETF health document with real observations", async () => {
    const doc = JSON.parse(await sh(`curl -s http://${base}/health | jq '.'`)) as {
      status: string;
      version: string;
      releaseId: string;
      serviceId: string;
      checks: Record<
        string,
        { componentType: string; observedValue: unknown; status: string; time: string }[]
      >;
    };
    expect(['pass', 'warn']).toContain(doc.status);
    expect(doc.releaseId).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.serviceId).toContain(String(svc.port));
    for (const key of [
      'postgres:responseTime',
      'scheduler:lastScanAge',
      'disk:utilization',
      'memory:utilization',
    ]) {
      const [check] = doc.checks[key];
      expect(check.observedValue, key).not.toBeNull();
      expect(['pass', 'warn', 'fail']).toContain(check.status);
      expect(Date.parse(check.time)).not.toBeNaN();
    }
    expect(doc.checks['postgres:responseTime'][0].status).toBe('pass');
    expect(doc.checks['postgres:responseTime'][0].componentType).toBe('datastore');
    const headers = await sh(`curl -s -D - -o /dev/null http://${base}/health`);
    expect(headers).toMatch(/content-type: application\/health\+json/i);
    expect(headers).toMatch(/x-content-type-options: nosniff/i);
  });

  it('answers liveness and readiness for orchestrators', async () => {
    expect(await statusOf(`http://${base}/health/live`)).toBe('200');
    expect(await statusOf(`http://${base}/health/ready`)).toBe('200');
  });

  it("curl -s …/metrics | jq '.performance' shows scan timings, throughput, lag and memory", async () => {
    const perf = JSON.parse(await sh(`curl -s http://${base}/metrics | jq '.performance'`)) as {
      scan_duration_ms: {
        last: Record<string, number>;
        p50: Record<string, number>;
        p95: Record<string, number>;
      };
      tickers_per_second: number;
      candidates_per_second: number;
      event_loop_lag_ms: { mean: number; p99: number };
      memory_mb: { rss: number; heap_used: number };
    };
    expect(perf.scan_duration_ms.last.total).toBeGreaterThan(0);
    expect(perf.scan_duration_ms.last.collect).toBeGreaterThan(0);
    expect(perf.scan_duration_ms.p95.total).toBeGreaterThanOrEqual(perf.scan_duration_ms.p50.total);
    expect(perf.tickers_per_second).toBeGreaterThan(0);
    expect(perf.candidates_per_second).toBeGreaterThan(0);
    expect(perf.event_loop_lag_ms.p99).toBeGreaterThanOrEqual(0);
    expect(perf.memory_mb.rss).toBeGreaterThan(perf.memory_mb.heap_used);
  });

  it("curl -s …/metrics | jq '.api_response_times' shows per-provider, per-endpoint latencies", async () => {
    const api = JSON.parse(await sh(`curl -s http://${base}/metrics | jq '.api_response_times'`)) as Record<
      string,
      Record<string, { count: number; errors: number; p50_ms: number; p95_ms: number; p99_ms: number }>
    >;
    const chain = api.simulated.getChain;
    expect(chain.count).toBeGreaterThanOrEqual(3);
    expect(chain.errors).toBe(0);
    expect(chain.p99_ms).toBeGreaterThanOrEqual(chain.p50_ms);
  });

  it('the KPI jq -r template prints four real numbers', async () => {
    const out = await sh(`curl -s http://${base}/metrics | jq -r '
  "  Average Response Time: \\(.avg_response_time)ms",
  "  Error Rate: \\(.error_rate)%",
  "  Cache Hit Rate: \\(.cache_hit_rate)%",
  "  Active Connections: \\(.active_connections)"
'`);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(out).not.toContain('null');
    expect(lines[0]).toMatch(/^ {2}Average Response Time: \d+(\.\d+)?ms$/);
    expect(lines[1]).toMatch(/^ {2}Error Rate: \d+(\.\d+)?%$/);
    expect(lines[2]).toMatch(/^ {2}Cache Hit Rate: \d+(\.\d+)?%$/);
    expect(lines[3]).toMatch(/^ {2}Active Connections: [1-9]\d*$/);
    expect(Number(/([\d.]+)ms/.exec(lines[0])![1])).toBeGreaterThan(0);
  });

  it("serves the Prometheus exposition to Prometheus' Accept header", async () => {
    const accept = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const headers = await sh(`curl -s -D - -o /dev/null -H 'Accept: ${accept}' http://${base}/metrics`);
    expect(headers).toMatch(/content-type: text\/plain; version=0\.0\.4/i);
    const text = await sh(`curl -s -H 'Accept: ${accept}' http://${base}/metrics`);
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.]+(e[+-]?\d+)?|NaN|[+-]Inf)$/;
    const comment = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;
    for (const line of text.split('\n').filter((l) => l !== '')) {
      expect(sample.test(line) || comment.test(line), line).toBe(true);
    }
    expect(text).toContain('# TYPE options_engine_http_request_duration_seconds histogram');
    expect(text).toMatch(/^options_engine_scans_total\{status="completed"\} [1-9]/m);
    expect(text).toMatch(/^options_engine_scan_duration_seconds_count\{stage="total"\} [1-9]/m);
    expect(text).toMatch(/^options_engine_http_active_connections [1-9]/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // curl's default Accept (*/*) gets JSON.
    expect(await curlJson(`http://${base}/metrics`)).toHaveProperty('cache_hit_rate');
  });
});

describe('/status', () => {
  it('shows the version, the last scan, the next one and a masked configuration summary', async () => {
    const body = await sh(`curl -s http://${base}/status`);
    expect(body).not.toContain(TEST_TOKEN);
    const s = JSON.parse(body) as {
      version: string;
      startedAt: string;
      lastScan: { id: string; status: string; durationMs: number; tradeCount: number; startedAt: string };
      nextScan: { at: string | null; intervalMinutes: number };
      providers: { primary: string };
      config: { secrets: { apiToken: string }; trading: { watchlist: string[] } };
      database: { engine: string };
    };
    expect(s.lastScan.status).toBe('completed');
    expect(s.lastScan.durationMs).toBeGreaterThan(0);
    expect(s.lastScan.tradeCount).toBeGreaterThanOrEqual(0);
    expect(Date.parse(s.nextScan.at ?? '')).toBeGreaterThan(Date.parse(s.lastScan.startedAt));
    expect(s.nextScan.intervalMinutes).toBe(15);
    expect(s.providers.primary).toBe('simulated');
    expect(s.config.secrets.apiToken).toBe('set');
    expect(s.config.trading.watchlist).toEqual(['SPY', 'AAPL', 'MSFT']);
    expect(s.database.engine).toBe('pglite');
  });

  it('db status beside the running service joins its socket and still names the database PGlite', async () => {
    const r = await cli(['db', 'status', '--json'], {
      OPTIONS_ENGINE_CONFIG_DIR: svc.configDir,
      DATA_DIR: svc.dataDir,
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { engine: string; location: string };
    expect(doc.engine).toBe('pglite (served by the running service)'); // it read "postgres"
    expect(doc.location).toMatch(/^postgres:\/\/127\.0\.0\.1:\d+\/postgres$/);
  });
});

describe('REST API', () => {
  it('returns the latest trades, the scans and one scan with its trades', async () => {
    const status = (await curlJson(`http://${base}/status`)) as {
      lastScan: { id: string; tradeCount: number };
    };
    const latest = (await curlJson(`http://${base}/api/trades/latest`)) as {
      scan: { id: string };
      trades: { rank: number; ticker: string; legs: unknown[]; pop: number; thesis: string }[];
    };
    expect(latest.scan.id).toBe(status.lastScan.id);
    expect(latest.trades).toHaveLength(status.lastScan.tradeCount);
    for (const t of latest.trades) {
      expect(t.legs.length).toBeGreaterThan(0);
      expect(t.pop).toBeGreaterThanOrEqual(0.65);
      // the trade as `scan --format json` prints it (it showed the row: lower-case strategy, netPremium, raw floats)
      const doc = t as unknown as Record<string, unknown>;
      expect(doc.strategy).toMatch(/^[A-Z_]+$/);
      expect(typeof doc.netCredit).toBe('number');
      expect(doc).not.toHaveProperty('netPremium');
      expect(doc).not.toHaveProperty('metrics');
      expect(Math.round(t.pop * 1e6) / 1e6).toBe(t.pop);
      expect(doc).toHaveProperty('expectedValue');
    }
    const list = (await curlJson(`'http://${base}/api/scans?limit=5'`)) as { scans: { id: string }[] };
    expect(list.scans.map((s) => s.id)).toContain(status.lastScan.id);
    const one = (await curlJson(`http://${base}/api/scans/${status.lastScan.id}`)) as {
      scan: { status: string; timings: Record<string, number> };
      trades: unknown[];
    };
    expect(one.scan.status).toBe('completed');
    expect(one.scan.timings.total).toBeGreaterThan(0);
    expect(one.trades).toHaveLength(status.lastScan.tradeCount);
  });

  it('returns the latest stored chain of a symbol, optionally one expiration', async () => {
    const chain = (await curlJson(`http://${base}/api/chains/spy`)) as {
      underlying: string;
      expirations: { expiration: string; calls: { strike: number }[]; puts: unknown[] }[];
    };
    expect(chain.underlying).toBe('SPY');
    expect(chain.expirations.length).toBeGreaterThan(0);
    const first = chain.expirations[0];
    expect(first.calls.length).toBeGreaterThan(10);
    const only = (await curlJson(`'http://${base}/api/chains/SPY?expiration=${first.expiration}'`)) as {
      expirations: { expiration: string }[];
    };
    expect(only.expirations.map((e) => e.expiration)).toEqual([first.expiration]);
    expect(await statusOf(`http://${base}/api/chains/ZZZZ`)).toBe('404');
  });

  it.each([
    ['/api/scans?limit=0', 'limit'],
    ['/api/scans?limit=abc', 'limit'],
    ['/api/scans?before=yesterday', 'before'],
    // a leap second passes the date-time format but is no Date: it reached the database (500, a database error)
    ['/api/scans?before=2026-12-31T23:59:60Z', 'before'],
    ['/api/alerts?since=2026-12-31T23:59:60Z', 'since'],
    // passed the route formats, then the database (year 0000: a 500 and a failed database call) or the store
    // (urn:uuid:) refused them
    ['/api/chains/SPY?expiration=0000-01-01', 'expiration'],
    ['/api/scans/urn:uuid:00000000-0000-0000-0000-000000000000', 'id'],
    [
      '/api/scans?before=2026-12-31T00:00:00Z&before_id=urn:uuid:7d5046cb-d660-480b-b46c-75b48ae66eec',
      'before_id',
    ],
    ['/api/scans?colour=red', 'colour'],
    ['/api/scans/not-a-uuid', 'id'],
    ['/api/chains/SPY?expiration=2026-13-01', 'expiration'],
    ['/api/chains/bad%20symbol', 'symbol'],
  ])('GET %s → 400 naming %s', async (path, field) => {
    const r = await curlJson(`-w '' 'http://${base}${path}'`);
    expect(r.statusCode).toBe(400);
    expect(r.field).toBe(field);
    expect(String(r.message)).toContain(field);
  });

  it('refuses POST /api/scans without the right bearer token (401)', async () => {
    expect(await statusOf(`-X POST http://${base}/api/scans`)).toBe('401');
    expect(await statusOf(`-X POST -H 'Authorization: Bearer wrong' http://${base}/api/scans`)).toBe('401');
    const headers = await sh(`curl -s -D - -o /dev/null -X POST http://${base}/api/scans`);
    expect(headers).toMatch(/www-authenticate: Bearer/i);
  });

  it('rejects bad scan parameters with a 400 naming the field', async () => {
    const post = (body: string) =>
      curlJson(
        `-X POST -H 'Authorization: Bearer ${TEST_TOKEN}' -H 'content-type: application/json' -d '${body}' http://${base}/api/scans`,
      );
    const cross = await post('{"min_dte": 60}');
    expect(cross).toMatchObject({ statusCode: 400, field: 'min_dte' });
    const unknown = await post('{"colour": "red"}');
    expect(unknown).toMatchObject({ statusCode: 400, field: 'colour' });
    const strategy = await post('{"strategies": ["naked_call"]}');
    expect(strategy).toMatchObject({ statusCode: 400, field: 'strategies[0]' });
    const huge = await post('{"nav": 1e308}');
    expect(huge).toMatchObject({ statusCode: 400, field: 'nav' });
    // accepted with 202 before, then the scan failed and was lost ("Invalid time value")
    const leap = await post('{"as_of": "2026-12-31T23:59:60Z"}');
    expect(leap).toMatchObject({ statusCode: 400, field: 'as_of' });
  });

  it('starts a scan (202 + id), refuses a second one while it runs (409), and stores it', async () => {
    const auth = `-H 'Authorization: Bearer ${TEST_TOKEN}' -H 'content-type: application/json'`;
    const tickers = JSON.stringify({
      tickers: [
        'QQQ',
        'IWM',
        'NVDA',
        'JPM',
        'XOM',
        'UNH',
        'KO',
        'CAT',
        'NEE',
        'HD',
        'AMZN',
        'PG',
        'META',
        'GOOGL',
      ],
      max_trades: 3,
    });
    const [first, second] = await Promise.all([
      sh(`curl -s -w '\\n%{http_code}' -X POST ${auth} -d '${tickers}' http://${base}/api/scans`),
      new Promise((r) => setTimeout(r, 40)).then(() =>
        sh(`curl -s -w '\\n%{http_code}' -X POST ${auth} -d '{}' http://${base}/api/scans`),
      ),
    ]);
    const [body, code] = first.trimEnd().split('\n');
    expect(code).toBe('202');
    const { id } = JSON.parse(body) as { id: string };
    expect(second.trimEnd().split('\n')[1]).toBe('409');
    let scan: { status?: string; source?: string; tradeCount?: number } = {};
    for (let i = 0; i < 120 && scan.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const r = await curlJson(`http://${base}/api/scans/${id}`);
      if (r.scan) scan = r.scan as typeof scan;
    }
    expect(scan).toMatchObject({ status: 'completed', source: 'api' });
    expect(scan.tradeCount).toBeLessThanOrEqual(3);
  });

  it('keeps a replay (POST as_of) out of /api/trades/latest: its quotes are from another day', async () => {
    const auth = `-H 'Authorization: Bearer ${TEST_TOKEN}' -H 'content-type: application/json'`;
    const before = (await curlJson(`http://${base}/api/trades/latest`)) as {
      scan: { id: string; asOf: unknown };
    };
    expect(before.scan.asOf).toBeNull();
    const body = JSON.stringify({ tickers: ['SPY', 'IWM'], as_of: '2026-11-20T15:30:00Z' });
    const posted = await sh(`curl -s -X POST ${auth} -d '${body}' http://${base}/api/scans`);
    const { id } = JSON.parse(posted) as { id: string };
    let scan: { status?: string; asOf?: string } = {};
    for (let i = 0; i < 120 && scan.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const r = await curlJson(`http://${base}/api/scans/${id}`);
      if (r.scan) scan = r.scan as typeof scan;
    }
    expect(scan).toMatchObject({ status: 'completed', asOf: '2026-11-20T15:30:00.000Z' });
    const after = (await curlJson(`http://${base}/api/trades/latest`)) as { scan: { id: string } };
    expect(after.scan.id).toBe(before.scan.id);
  });

  it('publishes an OpenAPI document at /docs and answers unknown routes with JSON 404', async () => {
    expect(await statusOf(`http://${base}/docs`)).toMatch(/^(200|302)$/);
    const doc = (await curlJson(`http://${base}/docs/json`)) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/metrics', '/status', '/api/scans']),
    );
    expect(await curlJson(`http://${base}/nope`)).toMatchObject({ statusCode: 404 });
  });
});

describe('logs and stdout', () => {
  it("prints the first scan's table to stdout and logs in the guide's format without the token", () => {
    expect(svc.stdout()).toMatch(/^(Ticker \| Strategy|Fewer than 5 trades meet criteria, do not execute\.)/);
    const app = readFileSync(join(svc.logDir, 'app.log'), 'utf8');
    expect(app).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \[INFO\] options_engine\.scan: scan finished scanId=\S+ status=completed/m,
    );
    expect(app).toContain('[INFO] options_engine.service: service started');
    expect(app).not.toContain(TEST_TOKEN);
    // the refused tokens of the REST API tests, as ops security-audit counts them (it had nothing to count)
    expect(app).toMatch(
      /\[WARNING\] options_engine\.http: API token refused method=POST route=\/api\/scans status=401/,
    );
    expect(app).not.toContain('Bearer wrong');
  });
});
