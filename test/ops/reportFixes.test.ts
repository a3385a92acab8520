/**
 * Ops report fixes: business-metrics' expiry close in UTC whatever the session TimeZone and its entry
 * at the natural fill; performance-report's provider error rate with telemetry's definition of a
 * failed call; `ops alerts` resolved list by resolution time; a zero baseline judged by direction.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { type ApiCall, type ApiCallOutcome, apiCallFailed } from '../../src/market/http/apiCall.js';
import { alertsReport, renderAlerts } from '../../src/ops/alerts/alertsReport.js';
import { businessMetrics, entryPrice, pnlAtExpiry } from '../../src/ops/businessMetrics.js';
import { compareWithBaselines, performanceReport } from '../../src/ops/performanceReport.js';
import { updatePerformanceBaselines } from '../../src/ops/updatePerformanceBaselines.js';
import { MetricsSampler } from '../../src/service/metricsSampler.js';
import { Telemetry } from '../../src/service/telemetry.js';
import { recordApiCalls } from '../../src/store/apiCallsRepo.js';
import { upsertBars } from '../../src/store/marketDataRepo.js';
import { ENGINES, engineUnavailable, useTestDatabase } from '../store/helpers/testDatabase.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');

/** Every outcome a provider call can have (a new kind fails to compile here until listed). */
const OUTCOMES: Record<ApiCallOutcome, true> = {
  ok: true,
  aborted: true,
  http: true,
  auth: true,
  rate_limited: true,
  timeout: true,
  network: true,
  malformed: true,
  invalid: true,
  circuit_open: true,
  not_found: true,
  not_entitled: true,
};

/** Cash-secured put K=100, bid 1.00 / ask 1.40 (mid 1.20): natural credit 1.00, breakeven 99.00. */
const CSP_LEGS = [
  {
    action: 'SELL',
    type: 'put',
    strike: 100,
    expiration: '2026-11-18',
    quantity: 1,
    bid: 1.0,
    ask: 1.4,
    mid: 1.2,
  },
];

function apiCall(outcome: ApiCallOutcome, i: number): ApiCall {
  return {
    provider: 'quiver',
    endpoint: 'flow',
    method: 'GET',
    status: outcome === 'ok' ? 200 : outcome === 'not_found' ? 404 : null,
    outcome,
    latencyMs: 10 * (i + 1),
    attemptMs: 10,
    retries: 0,
    startedAt: NOW - 3_600_000,
  };
}

describe('pnlAtExpiry / entryPrice: the natural fill, like netCredit, maxProfit and the breakeven', () => {
  it('a short put is entered at the bid: realized P/L never exceeds the max profit', () => {
    expect(entryPrice(CSP_LEGS[0])).toBe(1.0);
    // Above the strike the position keeps its natural credit (the trade's maxProfit / 100), not the mid.
    expect(pnlAtExpiry(CSP_LEGS, 110)).toBeCloseTo(1.0, 10);
  });

  it('a close below the natural breakeven (99.00) is a loss, even above the mid breakeven (98.80)', () => {
    expect(pnlAtExpiry(CSP_LEGS, 98.9)).toBeCloseTo(-0.1, 10);
    expect(pnlAtExpiry(CSP_LEGS, 99.1)).toBeCloseTo(0.1, 10);
  });

  it('a bought leg is entered at the ask (put credit spread: credit 2.00 − 1.20 = 0.80)', () => {
    const legs = [
      { action: 'SELL', type: 'put', strike: 100, quantity: 1, bid: 2.0, ask: 2.2, mid: 2.1 },
      { action: 'BUY', type: 'put', strike: 95, quantity: 1, bid: 0.9, ask: 1.2, mid: 1.05 },
    ];
    expect(pnlAtExpiry(legs, 110)).toBeCloseTo(0.8, 10);
    expect(pnlAtExpiry(legs, 90)).toBeCloseTo(-4.2, 10);
  });

  it('falls back to the mid only when the side of the quote is missing', () => {
    expect(entryPrice({ action: 'SELL', bid: null, ask: 1.4, mid: 1.2 })).toBe(1.2);
    expect(entryPrice({ action: 'BUY', bid: 1.0, mid: 1.2 })).toBe(1.2);
    expect(entryPrice({ action: 'BUY', bid: 1.0, ask: 1.4 })).toBe(1.4);
    expect(entryPrice({ action: 'SELL', ask: 1.4 })).toBeNull();
  });

  it('a covered call on held shares takes the stock at mid (its basis), the call at the bid', () => {
    const legs = [
      { action: 'BUY', type: 'stock', strike: 0, quantity: 1, bid: 99.9, ask: 100.1, mid: 100 },
      { action: 'SELL', type: 'call', strike: 105, quantity: 1, bid: 1.5, ask: 1.7, mid: 1.6 },
    ];
    expect(pnlAtExpiry(legs, 110, { heldStock: true })).toBeCloseTo(105 - 100 + 1.5, 10);
    // A buy-write pays the ask for the shares.
    expect(pnlAtExpiry(legs, 110)).toBeCloseTo(105 - 100.1 + 1.5, 10);
  });
});

describe('compareWithBaselines: a zero baseline', () => {
  it('an improvement from zero is "better", a deterioration "worse", no move "same"', () => {
    const zero = (...metrics: string[]) => new Map(metrics.map((m) => [m, { value: 0 }]));
    const r = compareWithBaselines(
      {
        'scans.success_rate': 1,
        'cache_hit_rate.avg': 93,
        'provider.tradier.error_rate': 0.001,
        'error_rate.avg': 0,
      },
      zero('scans.success_rate', 'cache_hit_rate.avg', 'provider.tradier.error_rate', 'error_rate.avg'),
    );
    const verdict = Object.fromEntries(r.map((x) => [x.metric, x.verdict]));
    expect(verdict).toEqual({
      'scans.success_rate': 'better',
      'cache_hit_rate.avg': 'better',
      'provider.tradier.error_rate': 'worse',
      'error_rate.avg': 'same',
    });
    expect(r.find((x) => x.metric === 'scans.success_rate')?.change).toBeNull();
    expect(r.find((x) => x.metric === 'error_rate.avg')?.change).toBe(0);
  });

  it('a non-zero baseline keeps the 20 % rule', () => {
    const r = compareWithBaselines(
      { 'scans.success_rate': 0.7, 'scan.total.p95_ms': 1100 },
      new Map([
        ['scans.success_rate', { value: 1 }],
        ['scan.total.p95_ms', { value: 1000 }],
      ]),
    );
    expect(r.map((x) => x.verdict)).toEqual(['worse', 'same']);
  });
});

describe('apiCallFailed: the same failed call as telemetry (error_rate, /metrics)', () => {
  it.each(Object.keys(OUTCOMES) as ApiCallOutcome[])('outcome %s', (outcome) => {
    const tel = new Telemetry({ windowSeconds: 300, version: 't', defaultMetrics: false, now: () => NOW });
    try {
      tel.onApiCall(apiCall(outcome, 0));
      expect(apiCallFailed(outcome)).toBe(tel.snapshot().providers.failures === 1);
    } finally {
      tel.close();
    }
  });

  it('not_found and aborted are not failures', () => {
    expect(apiCallFailed('not_found')).toBe(false);
    expect(apiCallFailed('aborted')).toBe(false);
    expect(apiCallFailed('ok')).toBe(false);
    expect(apiCallFailed('timeout')).toBe(true);
  });
});

describe.each(ENGINES)('report fixes on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    async function cspOnExpiry(closeOnExpiry: number): Promise<void> {
      const db = t().db;
      await db.query('DELETE FROM trades');
      await db.query('DELETE FROM scans');
      await db.query('DELETE FROM market_data');
      const sid = '00000000-0000-4000-8000-000000000001';
      await db.query(
        `INSERT INTO scans (id, started_at, finished_at, status, trade_count, counts)
         VALUES ($1, '2026-11-16T15:30:00Z', '2026-11-16T15:31:00Z', 'completed', 1, '{"result":"ok"}')`,
        [sid],
      );
      await db.query(
        `INSERT INTO trades (scan_id, rank, ticker, strategy, legs, expiration, pop, net_premium, max_profit,
                             max_loss, metrics, thesis)
         VALUES ($1, 1, 'SPY', 'cash_secured_put', $2::jsonb, '2026-11-18', 0.7, 1.0, 100, 9900,
                 '{"contracts":1}', 'x')`,
        [sid, JSON.stringify(CSP_LEGS)],
      );
      await upsertBars(
        db,
        'SPY',
        [
          { date: '2026-11-17', open: 1, high: 1, low: 1, close: 120, volume: 1 },
          { date: '2026-11-18', open: 1, high: 1, low: 1, close: closeOnExpiry, volume: 1 },
          { date: '2026-11-19', open: 1, high: 1, low: 1, close: 110, volume: 1 },
        ],
        'test',
      );
    }

    /** business-metrics read with the session TimeZone set to `tz` (for this transaction only). */
    const metricsIn = (tz: string) =>
      t().db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('TimeZone', $1, true)`, [tz]);
        return businessMetrics(tx, { days: 10, now: Date.parse('2026-11-21T12:00:00Z') });
      });

    it.each(['UTC', 'America/New_York', 'Asia/Tokyo'])(
      'business-metrics scores a put with the close of its expiration day (UTC date), session TimeZone %s',
      async (tz) => {
        await cspOnExpiry(90);
        const o = (await metricsIn(tz)).outcomes;
        // 11-18's close (90): a loss. 11-19's (110) would make it a winner.
        expect(o).toMatchObject({ expired: 1, evaluated: 1, winners: 0, pending: 0, realizedWinRate: 0 });
        expect(o.realizedPnl).toBeCloseTo(pnlAtExpiry(CSP_LEGS, 90)! * 100, 6);
      },
    );

    it('business-metrics: realized P/L and wins at the natural fill (never above max profit; below breakeven loses)', async () => {
      await cspOnExpiry(120);
      const above = (await metricsIn('UTC')).outcomes;
      expect(above.winners).toBe(1);
      expect(above.realizedPnl).toBeCloseTo(100, 6); // the trade's max_profit, not the mid's 120
      await cspOnExpiry(98.9); // below the breakeven 99.00 (natural), above 98.80 (mid)
      const below = (await metricsIn('UTC')).outcomes;
      expect(below.winners).toBe(0);
      expect(below.realizedWinRate).toBe(0);
      expect(below.realizedPnl).toBeCloseTo(-10, 6);
    });

    it('performance-report and its baseline count failed provider calls as telemetry does (not_found, aborted are answers)', async () => {
      const db = t().db;
      await db.query('DELETE FROM api_calls');
      await db.query('DELETE FROM performance_baselines');
      const tel = new Telemetry({ windowSeconds: 300, version: 't', defaultMetrics: false, now: () => NOW });
      const sampler = new MetricsSampler({
        db,
        telemetry: tel,
        instance: 'h:1',
        intervalSeconds: () => 60,
        logger: pino({ level: 'silent' }),
        now: () => NOW,
      });
      const outcomes: ApiCallOutcome[] = [
        'ok',
        'ok',
        'not_found',
        'ok',
        'aborted',
        'ok',
        'not_found',
        'ok',
        'timeout',
        'ok',
      ];
      outcomes.forEach((o, i) => {
        const call = apiCall(o, i);
        tel.onApiCall(call);
        sampler.recordApiCall(call, null);
      });
      await sampler.sample();
      const failures = tel.snapshot().providers.failures;
      tel.close();
      expect(failures).toBe(1);
      const stored = await db.query<{ ok: boolean; error: string | null }>(
        'SELECT ok, error FROM api_calls ORDER BY latency_ms',
      );
      expect(stored.rows.filter((r) => !r.ok).map((r) => r.error)).toEqual(['timeout']);
      expect(stored.rows.filter((r) => r.error === 'not_found').every((r) => r.ok)).toBe(true);

      const r = await performanceReport(db, { days: 1, now: NOW + 1 });
      const quiver = r.providers.find((p) => p.provider === 'quiver');
      expect(quiver).toMatchObject({ calls: 10, errors: failures, errorRate: 0.1 });
      const u = await updatePerformanceBaselines(db, { days: 1, now: NOW + 1, dryRun: true });
      expect(u.changes.find((c) => c.metric === 'provider.quiver.error_rate')?.current).toBeCloseTo(0.1, 10);
    });

    it('performance-report: rows stored with ok = false for not_found / aborted (before the fix) are not errors', async () => {
      const db = t().db;
      await db.query('DELETE FROM api_calls');
      const at = NOW - 3_600_000;
      const row = (ok: boolean, error: string | null, status: number | null) => ({
        calledAt: at,
        provider: 'fred',
        endpoint: 'series/observations',
        status,
        ok,
        latencyMs: 50,
        retries: 0,
        error,
      });
      await recordApiCalls(db, [
        row(true, null, 200),
        row(false, 'not_found', 404),
        row(false, 'aborted', null),
        row(false, 'http', 502),
      ]);
      const r = await performanceReport(db, { days: 1, now: NOW });
      expect(r.providers.find((p) => p.provider === 'fred')).toMatchObject({ calls: 4, errors: 1 });
      expect(r.metrics['provider.fred.error_rate']).toBeCloseTo(0.25, 10);
    });

    it('ops alerts: "Resolved in the last N day(s)" lists what was resolved then, whenever it fired', async () => {
      const db = t().db;
      await db.query('DELETE FROM alerts');
      const ins = (rule: string, fired: number, resolved: number | null) =>
        db.query(
          `INSERT INTO alerts (rule, severity, message, value, threshold, fired_at, last_seen_at, resolved_at,
                              started_at, instance)
           VALUES ($1, 'warning', 'm', 90, 85, $2, $2, $3, $2, 'h:8080')`,
          [rule, new Date(fired), resolved === null ? null : new Date(resolved)],
        );
      await ins('system.disk_usage', NOW - 10 * DAY, NOW - 1 * DAY); // fired 10 days ago, resolved yesterday
      await ins('application.error_rate', NOW - 2 * DAY, NOW - 2 * DAY + 600_000);
      await ins('system.memory_usage', NOW - 20 * DAY, NOW - 9 * DAY); // resolved before the window
      await ins('system.cpu_usage', NOW - 30 * DAY, null); // firing since long ago
      const cfg = loadConfig({ env: {} });
      const r = await alertsReport(db, cfg, { days: 7, limit: 100, now: new Date(NOW) });
      expect(r.resolved.map((a) => a.rule)).toEqual(['system.disk_usage', 'application.error_rate']);
      expect(r.firing.map((a) => a.rule)).toEqual(['system.cpu_usage']);
      const text = renderAlerts(r);
      expect(text).toContain('Resolved in the last 7 day(s): 2');
      expect(text).toContain('system.disk_usage');
    });
  });
});
