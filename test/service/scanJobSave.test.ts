/**
 * A scan whose save to the database fails is a failed scan — not `completed` with `saved: false`, which
 * counted it in scans.completed, kept engine.scan_failures quiet and left its 202 Location a 404 — and its
 * duration includes the save.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ScanHealthTracker } from '../../src/service/alertReadings.js';
import { runScanJob } from '../../src/service/scanJob.js';
import { buildServiceProviders } from '../../src/service/serviceProviders.js';
import { Telemetry } from '../../src/service/telemetry.js';
import type { Database, Queryable, SqlParam } from '../../src/store/db.js';
import { getScan } from '../../src/store/scansRepo.js';
import { tradesOfScan } from '../../src/store/tradesRepo.js';
import { useTestDatabase } from '../store/helpers/testDatabase.js';
import { quiet, scanJobDeps } from './helpers/scanJobDeps.js';

const events = { apiCall() {}, providerCall() {}, circuit() {} };
const TICKERS = ['SPY', 'QQQ', 'IWM', 'AAPL', 'MSFT', 'JPM', 'XOM', 'KO', 'NEE', 'UNH'];

/** `db`, but every statement matching `refused` inside a transaction fails (after 50 ms); `failedAt` is when. */
function refusing(db: Database, refused: RegExp): { db: Database; failedAt: number[] } {
  const failedAt: number[] = [];
  const wrap = (tx: Queryable): Queryable => ({
    query: async <R extends object = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]) => {
      if (refused.test(sql)) {
        await sleep(50);
        failedAt.push(Date.now());
        throw new Error('simulated: statement refused');
      }
      return tx.query<R>(sql, params);
    },
    exec: (sql) => tx.exec(sql),
    copyFrom: (table, columns, chunks, format) => tx.copyFrom(table, columns, chunks, format),
  });
  return {
    failedAt,
    db: {
      ...wrap(db),
      engine: db.engine,
      location: db.location,
      transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
      close: () => db.close(),
    },
  };
}

describe('runScanJob: a save that fails', () => {
  const t = useTestDatabase('pglite');
  const { settings } = loadConfig({ env: {} });
  settings.trading.watchlist = TICKERS;
  const providers = buildServiceProviders(settings, events, quiet);
  const run = (id: string, db: Database) =>
    runScanJob(
      { id, trigger: 'api', signal: new AbortController().signal },
      scanJobDeps(db, providers, settings),
    );

  it('makes the scan failed with the error, counted as failed, its duration including the save', async () => {
    const { db, failedAt } = refusing(t().db, /^\s*INSERT INTO scans\b/);
    const id = randomUUID();
    const { outcome, timing } = await run(id, db);
    expect(failedAt).toHaveLength(3); // its running row, the scan, then its failure: none could be stored
    expect(outcome).toMatchObject({
      status: 'failed',
      saved: false,
      result: null,
      table: null,
      tradeCount: 0,
      message: 'scan could not be saved to the database: simulated: statement refused',
    });
    expect(outcome.finishedAt).toBeGreaterThanOrEqual(failedAt[2]);
    expect(outcome.durationMs).toBe(outcome.finishedAt - outcome.startedAt);
    expect(await getScan(t().db, id)).toBeNull();

    // what the service does with it: /metrics scans, scans_total{status}, engine.scan_failures
    const telemetry = new Telemetry({ windowSeconds: 300, version: '9.9.9', defaultMetrics: false });
    telemetry.recordScan(timing);
    expect(telemetry.snapshot().performance.scans).toEqual({ failed: 1 });
    expect(await telemetry.prometheus()).toContain('options_engine_scans_total{status="failed"} 1');
    telemetry.close();
    const scans = new ScanHealthTracker();
    scans.record(outcome);
    expect(scans.consecutiveFailures()).toBe(1);

    // the database is back: the next scan first stores that failure (it was dropped: 404 for good)
    const next = await run(randomUUID(), t().db);
    expect(next.outcome.status).toBe('completed');
    expect(await getScan(t().db, id)).toMatchObject({
      status: 'failed',
      errors: [{ stage: 'saving', message: outcome.message }],
    });
  });

  it('stores the failure when the database takes it (GET /api/scans/<id> answers, not 404)', async () => {
    const { db, failedAt } = refusing(t().db, /^\s*INSERT INTO trades\b/);
    const id = randomUUID();
    const { outcome } = await run(id, db);
    expect(failedAt).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'failed', saved: true, tradeCount: 0 });
    const stored = await getScan(t().db, id);
    expect(stored).toMatchObject({
      status: 'failed',
      errors: [{ stage: 'saving', message: outcome.message }],
    });
    expect(await tradesOfScan(t().db, id)).toHaveLength(0);
  });

  it('keeps the outcome of a cancelled scan it could not store, and stores it when the next scan starts', async () => {
    // the database takes the running row but no transaction: the outcome's save fails
    const noTx: Database = {
      ...t().db,
      transaction: () => Promise.reject(new Error('simulated: no transaction')),
    };
    noTx.query = (sql, params) => t().db.query(sql, params);
    const id = randomUUID();
    const stop = new AbortController();
    stop.abort(new Error('service shutdown'));
    const { outcome } = await runScanJob(
      { id, trigger: 'service', signal: stop.signal },
      scanJobDeps(noTx, providers, settings),
    );
    expect(outcome).toMatchObject({ status: 'cancelled', saved: false });
    expect((await getScan(t().db, id))?.status).toBe('running'); // it stayed so, until a restart called it interrupted
    await run(randomUUID(), t().db);
    expect(await getScan(t().db, id)).toMatchObject({ status: 'cancelled' });
  });

  it('still completes and stores a scan whose save succeeds', async () => {
    const id = randomUUID();
    const { outcome } = await run(id, t().db);
    expect(outcome).toMatchObject({ status: 'completed', saved: true });
    expect(await getScan(t().db, id)).toMatchObject({ status: 'completed' });
  });
});
