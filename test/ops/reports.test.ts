import { describe, expect, it } from 'vitest';
import { businessMetrics, pnlAtExpiry, renderBusinessMetrics } from '../../src/ops/businessMetrics.js';
import { capacityPlanning, renderCapacity } from '../../src/ops/capacityPlanning.js';
import { dbMaintenance, renderDbMaintenance } from '../../src/ops/dbMaintenance.js';
import { performanceReport, renderPerformanceReport } from '../../src/ops/performanceReport.js';
import { renderResourceReport, resourceUtilizationReport } from '../../src/ops/resourceUtilizationReport.js';
import {
  renderBaselineUpdate,
  updatePerformanceBaselines,
} from '../../src/ops/updatePerformanceBaselines.js';
import { upsertBars } from '../../src/store/marketDataRepo.js';
import { tempDir } from '../helpers/tmp.js';
import { ENGINES, engineUnavailable, useTestDatabase } from '../store/helpers/testDatabase.js';
import { type FilledDatabase, fillWithScans } from './helpers/scannedDatabase.js';

const DAY = 86_400_000;

describe.each(ENGINES)('ops reports on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);
    const now = Date.now();
    let filled: FilledDatabase;

    it('performance-report: scans, success rate, stage percentiles and provider latency from real scans', async () => {
      filled = await fillWithScans(t().db, now);
      const r = await performanceReport(t().db, { days: 7, now });
      expect(r.scans.total).toBe(4);
      expect(r.scans.byStatus).toEqual({ completed: 3, timeout: 1 });
      expect(r.scans.successRate).toBeCloseTo(0.75);
      const total = r.stages.find((s) => s.stage === 'total');
      expect(total?.n).toBe(3);
      expect(total?.p95).toBeGreaterThan(0);
      expect(r.stages.map((s) => s.stage)).toContain('collect');
      const sim = r.providers.find((p) => p.provider === 'simulated');
      expect(sim?.calls).toBeGreaterThan(10);
      expect(sim?.errorRate).toBe(0);
      expect(r.samples.count).toBe(5);
      expect(r.samples.cacheHitRate.avg).toBeCloseTo(93);
      expect(r.trend.every((x) => x.verdict === 'no baseline')).toBe(true);
      const text = renderPerformanceReport(r);
      expect(text).toContain('success rate 75.0 %');
      expect(text).toMatch(/simulated\s+\d+\s+0/);
    });

    it('update-performance-baselines stores every metric, then the report compares against them', async () => {
      const dry = await updatePerformanceBaselines(t().db, { now, dryRun: true });
      expect(dry.saved).toBe(false);
      expect((await t().db.query('SELECT 1 FROM performance_baselines')).rowCount).toBe(0);
      const u = await updatePerformanceBaselines(t().db, { now });
      expect(u.changes.length).toBeGreaterThan(5);
      expect(u.changes.every((c) => c.previous === null)).toBe(true);
      expect(renderBaselineUpdate(u)).toContain(`Saved ${u.changes.length} baseline(s)`);
      const r = await performanceReport(t().db, { days: 30, now });
      expect(r.trend.find((x) => x.metric === 'scans.success_rate')?.verdict).toBe('same');
      // A slower week: double every stored duration → the stage percentiles regress.
      await t().db.query(
        `UPDATE scans SET timings = (SELECT jsonb_object_agg(key, value::float8 * 3) FROM jsonb_each_text(timings))`,
      );
      const slow = await performanceReport(t().db, { days: 30, now });
      expect(slow.trend.find((x) => x.metric === 'scan.total.p95_ms')?.verdict).toBe('worse');
      expect(slow.regressions).toBeGreaterThan(0);
      const again = await updatePerformanceBaselines(t().db, { now: now + 1000 });
      const total = again.changes.find((c) => c.metric === 'scan.total.p95_ms');
      expect(total?.change).toBeCloseTo(2, 5);
    });

    it('business-metrics: per-day recommendations, "Fewer than" scans, mix, and realized outcomes once expired', async () => {
      const r = await businessMetrics(t().db, { days: 7, now });
      const trades = filled.results.reduce((a, x) => a + x.trades.length, 0);
      expect(r.totals.recommendations).toBe(trades);
      expect(r.totals.scans).toBe(3);
      expect(r.totals.insufficientScans).toBe(
        filled.results.filter((x) => x.status === 'insufficient').length,
      );
      expect(r.strategies.reduce((a, s) => a + s.trades, 0)).toBe(trades);
      expect(r.sectors.every((s) => s.name !== '(unknown)')).toBe(true);
      expect(r.averages.pop).toBeGreaterThanOrEqual(0.65);
      expect(r.outcomes.expired).toBe(0);
      // Store closes at the expirations and look back from after them.
      const rows = await t().db.query<{ ticker: string; expiration: string }>(
        'SELECT DISTINCT ticker, expiration FROM trades',
      );
      for (const x of rows.rows)
        await upsertBars(
          t().db,
          x.ticker,
          [{ date: x.expiration, open: 1, high: 1, low: 1, close: 1e-6, volume: 1 }],
          'test',
        );
      const later =
        Date.parse(
          `${rows.rows
            .map((x) => x.expiration)
            .sort()
            .at(-1)}T23:00:00Z`,
        ) +
        2 * DAY;
      const after = await businessMetrics(t().db, { days: (later - now) / DAY + 8, now: later });
      expect(after.outcomes.expired).toBe(trades);
      expect(after.outcomes.evaluated + after.outcomes.pending).toBe(trades);
      expect(after.outcomes.realizedWinRate).not.toBeNull();
      expect(renderBusinessMetrics(after)).toContain('Realized win rate');
    });

    it('pnlAtExpiry: a put credit spread keeps its credit above the short strike and loses the width below', () => {
      const legs = [
        { action: 'SELL', type: 'put', strike: 100, quantity: 1, mid: 2 },
        { action: 'BUY', type: 'put', strike: 95, quantity: 1, mid: 1 },
      ];
      expect(pnlAtExpiry(legs, 110)).toBeCloseTo(1);
      expect(pnlAtExpiry(legs, 90)).toBeCloseTo(-4);
    });

    it('resource-utilization-report: min/avg/max, growth per day and days until the disk threshold', async () => {
      const r = await resourceUtilizationReport(t().db, { days: 30, thresholds: { disk_usage: 85 }, now });
      const disk = r.metrics.find((m) => m.metric === 'disk_usage');
      expect(disk?.samples).toBe(5);
      expect(disk?.growthPerDay).toBeCloseTo(2, 6);
      expect(disk?.last).toBe(68);
      expect(disk?.daysToThreshold).toBeCloseTo(8.5, 6);
      expect(r.atRisk).toContain('disk_usage@test:8080');
      expect(r.metrics.find((m) => m.metric === 'memory_usage')?.max).toBeGreaterThan(0);
      expect(renderResourceReport(r)).toMatch(/disk_usage\s+5/);
    });

    it('capacity-planning: directory and table sizes, and a recorded reading', async () => {
      const dirs = tempDir('oe-cap-');
      dirs.write('app.log', 'x'.repeat(5000));
      const r = await capacityPlanning(t().db, {
        logDir: dirs.dir,
        dataDir: dirs.dir,
        backupDir: `${dirs.dir}/none`,
        record: true,
        diskThreshold: 85,
        now,
      });
      expect(r.dirs.find((d) => d.name === 'logs')?.bytes).toBeGreaterThanOrEqual(5000);
      expect(r.dirs.find((d) => d.name === 'backups')?.bytes).toBeNull();
      expect(r.tables.map((x) => x.table)).toContain('trades');
      expect(r.database.sizeBytes).toBeGreaterThan(0);
      const n = await t().db.query("SELECT 1 FROM metrics_samples WHERE instance = 'ops'");
      expect(n.rowCount).toBe(1);
      expect(renderCapacity(r)).toContain('Tables (largest first)');
    });

    it('db-maintenance: ANALYZE, VACUUM, REINDEX with table statistics before and after', async () => {
      await t().db.query("DELETE FROM api_calls WHERE endpoint = 'history'");
      const r = await dbMaintenance(t().db);
      expect(r.steps.map((s) => s.step)).toEqual(['analyze', 'vacuum', 'reindex']);
      expect(r.after.find((x) => x.table === 'trades')?.lastAnalyze).not.toBeNull();
      expect(r.after.length).toBeGreaterThan(0);
      expect(renderDbMaintenance(r)).toContain('REINDEX SCHEMA');
    });
  });
});
