import { describe, expect, it } from 'vitest';
import { dataRetention, renderDataRetention } from '../../src/ops/dataRetention.js';
import { recordApiCalls } from '../../src/store/apiCallsRepo.js';
import { insertMetricsSample } from '../../src/store/metricsSamplesRepo.js';
import { ENGINES, engineUnavailable, useTestDatabase } from '../store/helpers/testDatabase.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = 86_400_000;

describe.each(ENGINES)('data retention on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('drops the option partitions older than the retention and keeps the rest (nothing dropped them)', async () => {
      const db = t().db;
      for (const day of ['2026-01-05', '2026-11-06', '2026-11-07', '2026-12-06']) {
        await db.query('SELECT options_ensure_partition($1::date)', [day]);
        await db.query(
          `INSERT INTO options (snapshot_at, symbol, underlying, option_type, expiration, strike, source)
           VALUES ($1::timestamptz, 'SPY261218P00400000', 'SPY', 'put', '2026-12-18', 400, 'test')`,
          [`${day}T15:00:00Z`],
        );
      }
      const r = await dataRetention(db, { optionsRetentionDays: 30, telemetryRetentionDays: 90, now: NOW });
      expect(r.keptFrom).toBe('2026-11-07');
      expect(r.droppedPartitions.sort()).toEqual(['options_p20260105', 'options_p20261106']);
      const days = await db.query<{ d: string }>(
        "SELECT to_char(snapshot_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d FROM options ORDER BY 1",
      );
      expect(days.rows.map((x) => x.d)).toEqual(['2026-11-07', '2026-12-06']);
      expect(renderDataRetention(r)).toContain('dropped 2 option partition(s)');
      const again = await dataRetention(db, {
        optionsRetentionDays: 30,
        telemetryRetentionDays: 90,
        now: NOW,
      });
      expect(again.droppedPartitions).toEqual([]);
    });

    it('deletes provider calls and metrics samples older than the telemetry retention (nothing deleted them)', async () => {
      const db = t().db;
      const daysAgo = [120, 91, 89, 1];
      await recordApiCalls(
        db,
        daysAgo.map((d) => ({
          calledAt: NOW - d * DAY,
          provider: 'tradier',
          endpoint: '/v1/markets/quotes',
          status: 200,
          ok: true,
          latencyMs: 50,
          retries: 0,
        })),
      );
      for (const d of daysAgo) {
        await insertMetricsSample(db, { sampledAt: NOW - d * DAY, instance: 'h:8080', metrics: { cpu: 1 } });
      }
      const r = await dataRetention(db, { optionsRetentionDays: 30, telemetryRetentionDays: 90, now: NOW });
      expect(r).toMatchObject({ apiCallsDeleted: 2, metricsSamplesDeleted: 2 });
      expect(r.telemetryKeptFrom).toBe('2026-09-08T12:00:00.000Z');
      const left = await db.query<{ a: number; m: number }>(
        'SELECT (SELECT count(*)::int FROM api_calls) AS a, (SELECT count(*)::int FROM metrics_samples) AS m',
      );
      expect(left.rows[0]).toEqual({ a: 2, m: 2 });
      expect(renderDataRetention(r)).toContain('deleted 2 provider call(s), 2 metrics sample(s)');
    });
  });
});
