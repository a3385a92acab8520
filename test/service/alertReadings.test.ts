import { describe, expect, it } from 'vitest';
import { type AlertReadingSources, alertReader, ScanHealthTracker } from '../../src/service/alertReadings.js';
import type { ScanOutcome } from '../../src/service/scanJob.js';

const outcome = (status: ScanOutcome['status'], contracts?: ScanOutcome['contracts']): ScanOutcome => ({
  id: 'x',
  trigger: 'service',
  status,
  startedAt: 0,
  finishedAt: 0,
  durationMs: 0,
  tradeCount: 0,
  result: null,
  message: '',
  saved: true,
  table: null,
  tickers: 1,
  ...(contracts ? { contracts } : {}),
});

const M = 60_000;

function sources(over: Partial<AlertReadingSources> = {}): AlertReadingSources {
  return {
    metrics: () => ({
      error_rate: 7.5,
      avg_response_time: 250,
      database: { queries: 10, errors: 1, avg_ms: 3, p95_ms: 1500 },
      providers: { calls: 4, failures: 2, circuits: { tradier: 'open', fred: 'closed', quiver: 'open' } },
    }),
    connectionErrors: () => 12,
    disk: () => 42.5,
    lastScanAt: () => null,
    expectScans: () => true,
    intervalMs: () => 15 * M,
    startedAt: 0,
    ...over,
  };
}

describe('alert readings', () => {
  it('count consecutive failed scans and reset on a completed one; cancelled scans do not count', () => {
    const t = new ScanHealthTracker();
    t.record(outcome('failed'));
    t.record(outcome('timeout'));
    t.record(outcome('cancelled'));
    expect(t.consecutiveFailures()).toBe(2);
    t.record(outcome('completed', { checked: 200, rejected: 160, stale: 30 }));
    expect(t.consecutiveFailures()).toBe(0);
    expect(t.quality()).toEqual({ rejected: 80, stale: 15 });
  });

  it('read every metric in the rule units (seconds, %, counts)', () => {
    const t = new ScanHealthTracker();
    t.record(outcome('failed'));
    const r = alertReader(sources(), t)(10 * M);
    expect(r).toMatchObject({
      error_rate: 7.5,
      response_time: 0.25,
      query_time: 1.5,
      connection_errors: 12,
      disk_usage: 42.5,
      circuit_open: 2,
      scan_failures: 1,
      data_rejection_rate: null,
      stale_data: null,
    });
    expect(r.memory_usage).toBeGreaterThan(0);
    expect(r.memory_usage).toBeLessThanOrEqual(100);
    expect(r.cpu_usage).toBeGreaterThanOrEqual(0);
  });

  it('count missed scan intervals from the last success, the market open or the start, only while scans are expected', () => {
    let open = false;
    let last: number | null = 5 * M;
    const read = alertReader(
      sources({ expectScans: () => open, lastScanAt: () => last, startedAt: 0 }),
      new ScanHealthTracker(),
    );
    expect(read(200 * M).missed_scans).toBe(0); // market closed
    open = true;
    expect(read(300 * M).missed_scans).toBe(0); // the session starts now, not at the last scan
    expect(read(344 * M).missed_scans).toBe(2); // 44 min into the session, 15-min interval
    last = 340 * M;
    expect(read(344 * M).missed_scans).toBe(0);
    expect(read(400 * M).missed_scans).toBe(4);
    open = false;
    expect(read(500 * M).missed_scans).toBe(0);
  });

  it('across a restart: the missed-scan count runs from the last stored scan, not from the start (it resolved a firing alert)', () => {
    // scans always expected; the last success 100 min before a restart at 1000 min, 15-min interval
    const read = alertReader(
      sources({
        lastScanAt: () => 900 * M,
        startedAt: 1000 * M,
        expectedSince: () => Number.NEGATIVE_INFINITY,
      }),
      new ScanHealthTracker(),
    );
    expect(read(1001 * M).missed_scans).toBe(6); // 101 min since the last success: still missed
    // never a scan stored: counted from the start, so a fresh install does not page at once
    const fresh = alertReader(
      sources({ lastScanAt: () => null, startedAt: 1000 * M, expectedSince: () => Number.NEGATIVE_INFINITY }),
      new ScanHealthTracker(),
    );
    expect(fresh(1001 * M).missed_scans).toBe(0);
    // market hours only: from the session's open, also when the service started after it
    const session = alertReader(
      sources({ lastScanAt: () => 100 * M, startedAt: 1000 * M, expectedSince: () => 970 * M }),
      new ScanHealthTracker(),
    );
    expect(session(1001 * M).missed_scans).toBe(2);
  });

  it('across a restart: the failure streak is seeded from the stored scans, newest first', () => {
    const t = new ScanHealthTracker();
    t.seed(['failed', 'timeout', 'cancelled', 'failed', 'completed', 'failed']);
    expect(t.consecutiveFailures()).toBe(3);
    t.record(outcome('failed'));
    expect(t.consecutiveFailures()).toBe(4);
    t.seed([]);
    expect(t.consecutiveFailures()).toBe(0);
  });

  it("counts only the circuits of the providers in use (a provider switched away by a reload kept 'open')", () => {
    const r = alertReader(
      sources({ circuits: () => ({ simulated: 'closed' }) }),
      new ScanHealthTracker(),
    )(10 * M);
    expect(r.circuit_open).toBe(0);
  });
});
