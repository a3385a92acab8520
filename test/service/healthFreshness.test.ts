/**
 * `scheduler:lastScanAge` and readiness at the market open: the age that makes a scan stale counts from
 * the later of the last completed scan and the moment scans became expected (session open, service
 * start), as the `missed_scans` alert reading does — not from Friday's last scan on a Monday morning.
 */
import { describe, expect, it } from 'vitest';
import { type AlertReadingSources, alertReader, ScanHealthTracker } from '../../src/service/alertReadings.js';
import { HealthMonitor, type HealthSources } from '../../src/service/healthChecks.js';
import { isMarketOpen } from '../../src/service/marketHours.js';
import type { Database } from '../../src/store/db.js';
import { IDLE_MEMORY_CACHE } from './helpers/healthSources.js';

const INTERVAL_MS = 15 * 60_000;
/** 2 intervals + the 300 s scan timeout: 2100 s. */
const MAX_AGE_MS = 2 * INTERVAL_MS + 300_000;
const expectScans = (now: number) => isMarketOpen(now);

function world(startedAt: number, lastScan: number | null) {
  let now = startedAt;
  let last = lastScan;
  /** The database answers with the same last completed scan as this process saw. */
  const db = {
    async query() {
      return { rows: [{ at: last === null ? null : new Date(last) }], rowCount: 1 };
    },
  } as unknown as Database;
  const src: HealthSources = {
    releaseId: '0.0.0-test',
    serviceId: 'test',
    startedAt,
    db,
    dbLocation: 'pglite:memory',
    redis: null,
    cache: () => IDLE_MEMORY_CACHE,
    circuits: () => ({}),
    diskPath: () => '.',
    limits: () => ({ diskPercent: 100, memoryPercent: 100, slowMs: 60_000 }),
    freshness: (t) => ({ expectScans: expectScans(t), maxAgeMs: MAX_AGE_MS }),
    localLastScanAt: () => last,
    now: () => now,
  };
  const health = new HealthMonitor(src);
  const readingSources: AlertReadingSources = {
    metrics: () => ({
      error_rate: 0,
      avg_response_time: 0,
      database: { queries: 0, errors: 0, avg_ms: 0, p95_ms: 0 },
      providers: { calls: 0, failures: 0, circuits: {} },
    }),
    connectionErrors: () => 0,
    disk: () => null,
    lastScanAt: () => health.lastScanAt(),
    expectScans,
    intervalMs: () => INTERVAL_MS,
    startedAt,
  };
  const read = alertReader(readingSources, new ScanHealthTracker());
  const scanAge = () => health.current().doc.checks['scheduler:lastScanAge'][0];
  return {
    health,
    read: () => read(now),
    scanAge,
    /** Moves the clock to `t`, running the 10 s background refresh and the 15 s alert evaluation on the way. */
    async until(t: number, step = 60_000) {
      while (now < t) {
        now = Math.min(t, now + step);
        await health.refresh();
        read(now);
      }
    },
    scanCompleted: (at: number) => {
      last = at;
    },
  };
}

const FRI_0900 = Date.parse('2026-12-04T09:00:00-05:00');
const FRI_1550 = Date.parse('2026-12-04T15:50:00-05:00');
const MON_0930 = Date.parse('2026-12-07T09:30:00-05:00');
const MON_0931 = Date.parse('2026-12-07T09:31:00-05:00');
const S = 1000;

describe('health freshness at the market open', () => {
  it('is ready on Monday 09:31 with Friday 15:50 as the last scan, as missed_scans reads 0', async () => {
    const w = world(FRI_0900, FRI_1550);
    await w.health.refresh();
    await w.until(MON_0931);
    expect(w.read().missed_scans).toBe(0);
    expect(w.health.readiness()).toEqual({ ready: true, reason: 'ready' });
    const c = w.scanAge();
    expect(c).toMatchObject({
      status: 'pass',
      output: 'none yet since the session open or the service start; stale after 2100 s',
    });
    // the observed value is still the age of the last completed scan
    expect(c.observedValue).toBe(Math.round((MON_0931 - FRI_1550) / 1000));
    expect(w.health.current().doc.status).toBe('pass');
  });

  it('goes stale once no scan completed within 2 intervals + the timeout of the session open, and recovers', async () => {
    const w = world(FRI_0900, FRI_1550);
    await w.until(MON_0930 + MAX_AGE_MS - 60 * S);
    expect(w.health.readiness().ready).toBe(true);
    expect(w.scanAge().status).toBe('pass');
    await w.until(MON_0930 + MAX_AGE_MS + 60 * S);
    expect(w.health.readiness()).toEqual({
      ready: false,
      reason: 'last completed scan is older than 2100 s',
    });
    expect(w.scanAge()).toMatchObject({ status: 'warn', output: 'older than 2100 s' });
    w.scanCompleted(MON_0930 + MAX_AGE_MS + 90 * S);
    await w.until(MON_0930 + MAX_AGE_MS + 120 * S);
    expect(w.health.readiness().ready).toBe(true);
    expect(w.scanAge().status).toBe('pass');
  });

  it('counts from the service start when it starts during the session (the monitor never saw the open)', async () => {
    const w = world(MON_0931, FRI_1550);
    await w.health.refresh();
    expect(w.health.readiness().ready).toBe(true);
    expect(w.scanAge().status).toBe('pass');
    await w.until(MON_0931 + MAX_AGE_MS + 60 * S);
    expect(w.health.readiness().ready).toBe(false);
    expect(w.scanAge().status).toBe('warn');
  });

  it('still counts from the last scan within a session (a scan at 10:00, stale at 10:35+)', async () => {
    const w = world(FRI_0900, FRI_1550);
    await w.until(MON_0930 + 30 * 60 * S);
    w.scanCompleted(MON_0930 + 30 * 60 * S);
    await w.until(MON_0930 + 30 * 60 * S + MAX_AGE_MS - 60 * S);
    expect(w.health.readiness().ready).toBe(true);
    await w.until(MON_0930 + 30 * 60 * S + MAX_AGE_MS + 60 * S);
    expect(w.health.readiness().ready).toBe(false);
    expect(w.scanAge().status).toBe('warn');
  });

  it('warns, and is not ready, before any completed scan whatever the session', async () => {
    const w = world(MON_0931, null);
    await w.health.refresh();
    expect(w.health.readiness()).toEqual({ ready: false, reason: 'no completed scan yet' });
    expect(w.scanAge()).toMatchObject({ status: 'warn', output: 'no completed scan yet' });
  });
});
