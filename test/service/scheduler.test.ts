import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { Settings } from '../../src/config/schema.js';
import { applyScanRequest } from '../../src/service/routes/api.js';
import type { ScanGate } from '../../src/service/scanGate.js';
import type { ScanOutcome, ScanRun } from '../../src/service/scanJob.js';
import { isProductionScan, ScanBusyError, Scheduler } from '../../src/service/scheduler.js';
import type { Queryable } from '../../src/store/db.js';

const MIN = 60_000;
const logger = pino({ enabled: false });
const openGate: ScanGate = {
  shared: false,
  exclusive: async (fn) => ({ acquired: true, value: await fn({} as Queryable) }),
};

/** A fake scan job: each run takes `durationMs` of (fake) time; records starts and overlap. */
function fakeJob(durationMs: () => number) {
  const starts: { at: number; trigger: string; run: ScanRun }[] = [];
  let active = 0;
  let maxActive = 0;
  const runScan = async (run: ScanRun): Promise<ScanOutcome> => {
    const startedAt = Date.now();
    starts.push({ at: startedAt, trigger: run.trigger, run });
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, durationMs());
      run.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    active--;
    const finishedAt = Date.now();
    return {
      id: run.id,
      trigger: run.trigger,
      status: run.signal.aborted ? 'cancelled' : 'completed',
      startedAt,
      finishedAt,
      durationMs: finishedAt - startedAt,
      tradeCount: 0,
      result: 'insufficient',
      message: '',
      saved: true,
      table: null,
      tickers: 3,
    };
  };
  return { starts, runScan, maxActive: () => maxActive };
}

function scheduler(
  execution: Partial<Settings['execution']>,
  job: ReturnType<typeof fakeJob>,
  gate: ScanGate = openGate,
): Scheduler {
  const ex = { interval_minutes: 15, market_hours_only: true, scan_timeout_seconds: 300, ...execution };
  return new Scheduler({ execution: () => ex, runScan: job.runScan, gate, logger });
}

beforeEach(() => {
  // Wednesday 2026-11-25 10:00 New York: the market is open.
  vi.useFakeTimers({ now: Date.parse('2026-11-25T15:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('on stop waits for a scan that is being saved, up to the saving grace (a 5 s grace threw the scan away)', async () => {
    const outcomes: ScanOutcome[] = [];
    const job = fakeJob(() => MIN);
    const saving = async (run: ScanRun): Promise<ScanOutcome> => {
      run.onStage?.('saving'); // an abort does not stop a save
      await new Promise((r) => setTimeout(r, 8000));
      return {
        ...(await job.runScan({ ...run, signal: new AbortController().signal })),
        status: 'completed',
      };
    };
    const ex = { interval_minutes: 15, market_hours_only: true, scan_timeout_seconds: 300 };
    const s = new Scheduler({
      execution: () => ex,
      runScan: saving,
      gate: openGate,
      logger,
      onOutcome: (o) => outcomes.push(o),
    });
    s.start(true);
    await vi.advanceTimersByTimeAsync(1000);
    let extended = 0;
    const stopped = s.stop(5000, 120_000, (more) => {
      extended = more;
    });
    await vi.advanceTimersByTimeAsync(8000 + MIN);
    await stopped;
    expect(extended).toBe(115_000);
    expect(outcomes.map((o) => o.status)).toEqual(['completed']);
  });

  it("keeps a scan's outcome when only its lock's transaction fails to end (a database blip): it was reported as 'could not start'", async () => {
    const job = fakeJob(() => MIN);
    const brokenCommit: ScanGate = {
      shared: true,
      exclusive: async (fn) => {
        await fn({} as Queryable);
        throw new Error('Client has encountered a connection error and is not queryable');
      },
    };
    const outcomes: ScanOutcome[] = [];
    const ex = { interval_minutes: 15, market_hours_only: true, scan_timeout_seconds: 300 };
    const s = new Scheduler({
      execution: () => ex,
      runScan: job.runScan,
      gate: brokenCommit,
      logger,
      onOutcome: (o) => outcomes.push(o),
    });
    s.start(true);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(outcomes.map((o) => o.status)).toEqual(['completed']);
    expect(s.state().lastCompletedAt).toBe(Date.parse('2026-11-25T15:01:00Z'));
    // a lock that fails before the scan ran is still a scan that could not start
    const noLock: ScanGate = {
      shared: true,
      exclusive: async () => {
        throw new Error('connection refused');
      },
    };
    const s2 = new Scheduler({
      execution: () => ex,
      runScan: job.runScan,
      gate: noLock,
      logger,
      onOutcome: (o) => outcomes.push(o),
    });
    s2.start(true);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'failed']);
    await s.stop(1000);
    await s2.stop(1000);
  });

  it("hands each outcome to onOutcome with its request; only scheduled-like scans are production scans (the alerts' input)", async () => {
    const job = fakeJob(() => MIN);
    const seen: [string, boolean][] = [];
    const ex = { interval_minutes: 15, market_hours_only: true, scan_timeout_seconds: 300 };
    const s = new Scheduler({
      execution: () => ex,
      runScan: job.runScan,
      gate: openGate,
      logger,
      onOutcome: (o, params) => seen.push([o.trigger, isProductionScan(params)]),
    });
    const { settings } = loadConfig({ env: {} });
    s.start(true);
    await vi.advanceTimersByTimeAsync(MIN);
    // an operator's replay, a few tickers, or other settings: not what the alerts watch; a plain "scan now" is
    for (const body of [{ as_of: '2026-11-20T15:00:00Z' }, { tickers: ['PEG'] }, { min_pop: 0.5 }, {}]) {
      s.trigger(applyScanRequest(settings, body as never, Date.now()));
      await vi.advanceTimersByTimeAsync(MIN);
    }
    expect(seen.map(([, p]) => p)).toEqual([true, false, false, false, true]);
    await s.stop(1000);
  });

  it('a replay (fixed as_of) is not a fresh scan: lastCompletedAt stays with the live scans', async () => {
    const job = fakeJob(() => MIN);
    const s = scheduler({}, job);
    s.start(true);
    await vi.advanceTimersByTimeAsync(MIN);
    const live = s.state().lastCompletedAt;
    expect(live).toBe(Date.parse('2026-11-25T15:01:00Z'));
    s.trigger({ asOf: Date.parse('2026-11-20T15:00:00Z') });
    await vi.advanceTimersByTimeAsync(MIN);
    expect(s.state().last?.status).toBe('completed');
    expect(s.state().lastCompletedAt).toBe(live); // it moved to the replay's end, keeping readiness green
    s.trigger({ tickers: ['SPY'] }); // a live ad-hoc scan is fresh data
    await vi.advanceTimersByTimeAsync(MIN);
    expect(s.state().lastCompletedAt).toBe(Date.parse('2026-11-25T15:03:00Z'));
    await s.stop(1000);
  });
  it('scans at once, then every interval from the last start', async () => {
    const job = fakeJob(() => 2 * MIN);
    const s = scheduler({}, job);
    s.start(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(job.starts).toHaveLength(1);
    expect(s.state().running?.trigger).toBe('service');
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(s.state().nextRunAt).toBe(Date.parse('2026-11-25T15:15:00Z'));
    expect(s.state().last?.status).toBe('completed');
    await vi.advanceTimersByTimeAsync(13 * MIN);
    expect(job.starts.map((x) => new Date(x.at).toISOString())).toEqual([
      '2026-11-25T15:00:00.000Z',
      '2026-11-25T15:15:00.000Z',
    ]);
    await s.stop(1000);
  });

  it('never overlaps: a scan that overruns delays the next one until it ends', async () => {
    const job = fakeJob(() => 20 * MIN);
    const s = scheduler({}, job);
    s.start(true);
    await vi.advanceTimersByTimeAsync(45 * MIN);
    expect(job.maxActive()).toBe(1);
    expect(job.starts.map((x) => Math.round((x.at - job.starts[0].at) / MIN))).toEqual([0, 20, 40]);
    await s.stop(1000);
  });

  it('refuses an API scan while one runs, and accepts it afterwards', async () => {
    const job = fakeJob(() => MIN);
    const s = scheduler({}, job);
    s.start(true);
    await vi.advanceTimersByTimeAsync(0);
    const running = s.state().running!.id;
    expect(() => s.trigger()).toThrow(ScanBusyError);
    try {
      s.trigger();
    } catch (e) {
      expect((e as ScanBusyError).runningId).toBe(running);
    }
    await vi.advanceTimersByTimeAsync(MIN);
    const id = s.trigger({ tickers: ['SPY'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(job.starts[1]).toMatchObject({ trigger: 'api' });
    expect(job.starts[1].run.id).toBe(id);
    expect(job.starts[1].run.params).toEqual({ tickers: ['SPY'] });
    await s.stop(1000);
  });

  it('waits for the next session outside market hours (early close included)', async () => {
    vi.setSystemTime(Date.parse('2026-11-27T17:50:00Z')); // 12:50 New York, early close at 13:00
    const job = fakeJob(() => MIN);
    const s = scheduler({}, job);
    s.start(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(job.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(s.state().nextRunAt).toBe(Date.parse('2026-11-30T14:30:00Z'));
    await vi.advanceTimersByTimeAsync(Date.parse('2026-11-30T14:31:00Z') - Date.now());
    expect(job.starts.map((x) => new Date(x.at).toISOString())).toEqual([
      '2026-11-27T17:50:00.000Z',
      '2026-11-30T14:30:00.000Z',
    ]);
    await s.stop(1000);
  });

  it('stops: aborts the running scan, waits for it, and schedules nothing more', async () => {
    const job = fakeJob(() => 10 * MIN);
    const s = scheduler({}, job);
    s.start(true);
    await vi.advanceTimersByTimeAsync(MIN);
    const stopped = s.stop(5000);
    await vi.advanceTimersByTimeAsync(0);
    await stopped;
    expect(job.starts[0].run.signal.aborted).toBe(true);
    expect(s.state()).toMatchObject({ running: null, nextRunAt: null, stopped: true });
    expect(s.state().last?.status).toBe('cancelled');
    expect(() => s.trigger()).toThrow(/shutting down/);
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(job.starts).toHaveLength(1);
  });

  it('skips a tick when another instance holds the lock or scanned moments ago', async () => {
    const job = fakeJob(() => MIN);
    let lockFree = false;
    const recent = { at: null as Date | null };
    const q = { query: async () => ({ rows: [{ at: recent.at }], rowCount: 1 }) } as unknown as Queryable;
    const gate: ScanGate = {
      shared: true,
      exclusive: async (fn) => (lockFree ? { acquired: true, value: await fn(q) } : { acquired: false }),
    };
    const s = scheduler({}, job, gate);
    s.start(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(job.starts).toHaveLength(0);
    expect(s.state().lastSkipped?.message).toMatch(/holds the scan lock/);
    expect(s.state().last).toBeNull();
    lockFree = true;
    recent.at = new Date(Date.now() + 14 * MIN); // another instance started one 1 min before our tick
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(job.starts).toHaveLength(0);
    expect(s.state().lastSkipped?.message).toMatch(/another instance started one/);
    recent.at = null;
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(job.starts).toHaveLength(1);
    await s.stop(1000);
  });
});
