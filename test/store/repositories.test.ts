import { describe, expect, it } from 'vitest';
import { tryAdvisoryLock } from '../../src/store/advisoryLock.js';
import {
  alertHistory,
  fireAlert,
  markAlertNotified,
  openAlerts,
  resolveAlert,
} from '../../src/store/alertsRepo.js';
import { apiCallSummary, recordApiCalls } from '../../src/store/apiCallsRepo.js';
import { baselineHistory, latestBaselines, saveBaseline } from '../../src/store/baselinesRepo.js';
import { databaseInfo, tableStats, vacuumAnalyze } from '../../src/store/maintenance.js';
import { barsBetween, latestQuote, upsertBars, upsertQuotes } from '../../src/store/marketDataRepo.js';
import { insertMetricsSample, metricsSamplesBetween } from '../../src/store/metricsSamplesRepo.js';
import { saveScan } from '../../src/store/saveScan.js';
import { lastCompletedScanAt, listScans, upsertScan } from '../../src/store/scansRepo.js';
import { recentTrades } from '../../src/store/tradesRepo.js';
import { makeScan, makeTrades } from './helpers/fixtures.js';
import { ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const T0 = Date.parse('2026-11-25T14:30:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe.each(ENGINES)('repositories on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('list scans newest first, filtered by status and time', async () => {
      const old = makeScan({ startedAt: at(-600), status: 'failed' });
      const mid = makeScan({ startedAt: at(-60) });
      const neu = makeScan({ startedAt: at(0), status: 'running', finishedAt: null });
      for (const s of [old, mid, neu]) await upsertScan(t().db, s);
      expect((await listScans(t().db)).map((s) => s.id)).toEqual([neu.id, mid.id, old.id]);
      expect((await listScans(t().db, { status: 'failed' })).map((s) => s.id)).toEqual([old.id]);
      expect((await listScans(t().db, { since: at(-120), limit: 1 })).map((s) => s.id)).toEqual([neu.id]);
    });

    it('give the newest completed live scan: a replay (fixed as_of) is no fresh data', async () => {
      const live = makeScan({ startedAt: at(-30), finishedAt: at(-29), asOf: null });
      const replay = makeScan({ startedAt: at(-5), finishedAt: at(-4), asOf: at(-7 * 24 * 60) });
      for (const s of [live, replay]) await upsertScan(t().db, s);
      expect(await lastCompletedScanAt(t().db)).toEqual(at(-29)); // it was the replay's end: ready, fresh
    });

    it('find recent trades by ticker', async () => {
      const scan = makeScan();
      await saveScan(t().db, scan, makeTrades(5));
      const aapl = await recentTrades(t().db, { ticker: 'AAPL' });
      expect(aapl.map((x) => [x.scanId, x.rank])).toEqual([[scan.id, 1]]);
      expect(
        (await recentTrades(t().db, { since: new Date(Date.now() - 60_000) })).length,
      ).toBeGreaterThanOrEqual(5);
    });

    it('upsert underlying quotes and daily bars, and read them back', async () => {
      const q = {
        symbol: 'AAPL',
        last: 190.5,
        bid: 190.4,
        ask: 190.6,
        prevClose: 188,
        volume: 1e6,
        time: T0,
        dividendYield: 0.005,
      };
      expect(await upsertQuotes(t().db, [q, { ...q, symbol: 'MSFT', last: Number.NaN }], 'tradier')).toBe(2);
      await upsertQuotes(t().db, [{ ...q, last: 191 }], 'tradier');
      expect(await latestQuote(t().db, 'AAPL')).toEqual({ ...q, last: 191 });
      expect((await latestQuote(t().db, 'MSFT'))?.last).toBeNaN();
      expect(await latestQuote(t().db, 'NONE')).toBeNull();
      const bars = [
        { date: '2026-11-20', open: 1, high: 2, low: 0.5, close: 1.5, volume: 100 },
        { date: '2026-11-21', open: 1.5, high: 2.5, low: 1, close: 2, volume: 200 },
        { date: '2026-11-24', open: 2, high: 3, low: 1.5, close: 2.5, volume: 300 },
      ];
      expect(await upsertBars(t().db, 'AAPL', bars, 'yahoo')).toBe(3);
      await upsertBars(t().db, 'AAPL', [{ ...bars[2], close: 2.75 }], 'yahoo');
      expect(await barsBetween(t().db, 'AAPL', '2026-11-21', '2026-11-24')).toEqual([
        bars[1],
        { ...bars[2], close: 2.75 },
      ]);
    });

    it('record provider calls without their secrets and summarise them', async () => {
      const calls = [0, 1, 2, 3].map((i) => ({
        calledAt: T0 + i * 1000,
        provider: 'fred',
        endpoint: '/fred/series/observations?series_id=DGS3MO&api_key=abcdef123456',
        status: i === 3 ? 500 : 200,
        ok: i !== 3,
        latencyMs: 100 * (i + 1),
        retries: i === 3 ? 2 : 0,
        error: i === 3 ? 'GET https://api.stlouisfed.org/fred?api_key=abcdef123456 failed: 500' : null,
      }));
      expect(await recordApiCalls(t().db, calls)).toBe(4);
      const text = await t().db.query<{ e: string }>(
        `SELECT string_agg(endpoint || ' ' || coalesce(error, ''), ' ') AS e FROM api_calls`,
      );
      expect(text.rows[0].e).not.toContain('abcdef123456');
      const [s] = await apiCallSummary(t().db, new Date(T0), new Date(T0 + 60_000));
      expect(s).toMatchObject({
        provider: 'fred',
        endpoint: '/fred/series/observations',
        calls: 4,
        errors: 1,
        errorRate: 0.25,
        retries: 2,
      });
      expect(s.avgLatencyMs).toBeCloseTo(250);
      expect(s.p95LatencyMs).toBeCloseTo(385);
    });

    it('store metric samples and read a window', async () => {
      await insertMetricsSample(t().db, {
        sampledAt: at(0),
        instance: 'h:8080',
        metrics: { cache_hit_rate: 93.5, cpu: Number.NaN },
      });
      await insertMetricsSample(t().db, {
        sampledAt: at(1),
        instance: 'h:8081',
        metrics: { cache_hit_rate: 90 },
      });
      const all = await metricsSamplesBetween(t().db, at(0), at(2));
      expect(all.map((s) => s.metrics)).toEqual([
        { cache_hit_rate: 93.5, cpu: null },
        { cache_hit_rate: 90 },
      ]);
      expect(await metricsSamplesBetween(t().db, at(0), at(2), { instance: 'h:8081' })).toHaveLength(1);
    });

    it('keep baseline history and give the latest per metric', async () => {
      await saveBaseline(t().db, { metric: 'scan_ms', value: 9000, computedAt: at(-100) });
      await saveBaseline(t().db, { metric: 'scan_ms', value: 8000, stats: { p95: 9500 }, computedAt: at(0) });
      await saveBaseline(t().db, { metric: 'api_ms', value: 120 });
      const latest = await latestBaselines(t().db);
      expect(latest.get('scan_ms')).toMatchObject({ value: 8000, stats: { p95: 9500 } });
      expect(latest.get('api_ms')?.value).toBe(120);
      expect((await baselineHistory(t().db, 'scan_ms')).map((b) => b.value)).toEqual([8000, 9000]);
    });

    it('keep one open alert per rule, resolve it, and fire anew afterwards', async () => {
      const fire = (m: number, value: number) =>
        fireAlert(t().db, {
          rule: 'cpu_usage',
          severity: 'warning',
          message: `CPU ${value}%`,
          value,
          threshold: 80,
          at: at(m),
        });
      const first = await fire(0, 85);
      expect(first.isNew).toBe(true);
      const again = await fire(1, 90);
      expect(again).toEqual({ id: first.id, isNew: false, occurrences: 2 });
      await markAlertNotified(t().db, first.id, { channels: ['email'], countMessage: true });
      await markAlertNotified(t().db, first.id, { channels: ['slack', 'email'] });
      const [open] = await openAlerts(t().db);
      expect(open).toMatchObject({
        rule: 'cpu_usage',
        message: 'CPU 90%',
        occurrences: 2,
        lastSeenAt: at(1),
      });
      expect(open.notifiedChannels.sort()).toEqual(['email', 'slack']);
      expect(open.notifications).toBe(1); // one message, delivered on two channels
      expect(await resolveAlert(t().db, 'cpu_usage', at(2))).toBe(first.id);
      expect(await resolveAlert(t().db, 'cpu_usage', at(2))).toBeNull();
      expect((await fire(3, 95)).isNew).toBe(true);
      const hist = await alertHistory(t().db, at(-1), at(10));
      expect(hist.map((a) => a.resolvedAt)).toEqual([null, at(2)]);
    });

    it('describe the database, report table statistics and vacuum', async () => {
      const info = await databaseInfo(t().db);
      expect(info).toMatchObject({
        engine: t().db.engine,
        location: t().db.location,
        schema: t().schema ?? 'public',
      });
      expect(info.serverVersion).toMatch(/^PostgreSQL \d+/);
      expect(info.sizeBytes).toBeGreaterThan(0);
      await vacuumAnalyze(t().db);
      const stats = await tableStats(t().db);
      const names = stats.map((s) => s.table);
      for (const n of ['scans', 'trades', 'market_data', 'api_calls']) expect(names).toContain(n);
      expect(stats.find((s) => s.table === 'scans')?.totalBytes).toBeGreaterThan(0);
    });

    it('let one holder at a time take a named lock, and the next one after release', async () => {
      const name = `scheduler-${process.pid}-${engine}`;
      const first = await tryAdvisoryLock(t().db, name);
      expect(first?.held).toBe(true);
      expect(await tryAdvisoryLock(t().db, name)).toBeNull();
      const other = await tryAdvisoryLock(t().db, `${name}-other`);
      expect(other).not.toBeNull();
      await first!.release();
      expect(first!.held).toBe(false);
      const again = await tryAdvisoryLock(t().db, name);
      expect(again).not.toBeNull();
      await again!.release();
      await other!.release();
    });
  });
});
