/**
 * GET /api/scans keyset paging ends on the last page: when it is exactly full, `next_before` and
 * `next_before_id` are null (they pointed at an empty page).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { HealthMonitor } from '../../src/service/healthChecks.js';
import type { StatusInput } from '../../src/service/routes/status.js';
import { buildServer } from '../../src/service/server.js';
import { Telemetry } from '../../src/service/telemetry.js';
import { recordScanStart } from '../../src/store/scanStarts.js';
import { upsertScan } from '../../src/store/scansRepo.js';
import { makeScan } from '../store/helpers/fixtures.js';
import { useTestDatabase } from '../store/helpers/testDatabase.js';
import { testHealthSources } from './helpers/healthSources.js';

interface Page {
  scans: { id: string; startedAt: string }[];
  next_before: string | null;
  next_before_id: string | null;
}

/** Four scans, newest first. */
const IDS = [
  'd0000000-0000-4000-8000-000000000004',
  'c0000000-0000-4000-8000-000000000003',
  'b0000000-0000-4000-8000-000000000002',
  'a0000000-0000-4000-8000-000000000001',
];

/** The scan running in the instance: its row is written only when it ends. */
const RUNNING = {
  id: '00000000-0000-4000-8000-000000000001',
  trigger: 'api' as const,
  startedAt: Date.UTC(2026, 10, 25, 15, 31),
  stage: 'collect' as const,
};

describe('GET /api/scans paging', () => {
  const t = useTestDatabase('pglite');
  const telemetry = new Telemetry({ windowSeconds: 60, version: '0.0.0-test', defaultMetrics: false });
  let app: Awaited<ReturnType<typeof buildServer>>;

  beforeAll(async () => {
    const db = t().db;
    for (const [i, id] of IDS.entries()) {
      await upsertScan(db, makeScan({ id, startedAt: new Date(Date.UTC(2026, 10, 25, 15, 30 - i)) }));
    }
    const settings = loadConfig({ env: {} }).settings;
    app = await buildServer({
      logger: pino({ enabled: false }),
      telemetry,
      health: new HealthMonitor(testHealthSources(db, { dbLocation: db.location })),
      version: '0.0.0-test',
      settings: () => settings,
      status: () => ({}) as StatusInput,
      api: {
        db,
        trigger: () => RUNNING.id,
        running: () => RUNNING,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    telemetry.close();
  });

  const page = async (url: string): Promise<Page> => {
    const r = await app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    return r.json() as Page;
  };
  const next = (p: Page, limit: number) =>
    `/api/scans?limit=${limit}&before=${encodeURIComponent(p.next_before!)}&before_id=${p.next_before_id}`;

  it('gives no next page after an exactly full last page', async () => {
    const p1 = await page('/api/scans?limit=2');
    expect(p1.scans.map((s) => s.id)).toEqual(IDS.slice(0, 2));
    expect(p1).toMatchObject({ next_before: p1.scans[1].startedAt, next_before_id: IDS[1] });
    const p2 = await page(next(p1, 2));
    expect(p2.scans.map((s) => s.id)).toEqual(IDS.slice(2, 4));
    expect(p2).toMatchObject({ next_before: null, next_before_id: null });

    const all = await page('/api/scans?limit=4');
    expect(all.scans).toHaveLength(4);
    expect(all).toMatchObject({ next_before: null, next_before_id: null });
  });

  it('still gives the next page when there is one, and null on a short last page', async () => {
    const p1 = await page('/api/scans?limit=3');
    expect(p1.scans.map((s) => s.id)).toEqual(IDS.slice(0, 3));
    expect(p1.next_before_id).toBe(IDS[2]);
    const p2 = await page(next(p1, 3));
    expect(p2.scans.map((s) => s.id)).toEqual([IDS[3]]);
    expect(p2).toMatchObject({ next_before: null, next_before_id: null });
  });

  it('answers the Location of a running scan with 202 and its stage (it was 404 until the scan was saved)', async () => {
    const r = await app.inject({ method: 'GET', url: `/api/scans/${RUNNING.id}` });
    expect(r.statusCode).toBe(202);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toEqual({
      scan: {
        id: RUNNING.id,
        status: 'running',
        stage: 'collect',
        trigger: 'api',
        startedAt: '2026-11-25T15:31:00.000Z',
      },
    });
    expect((await app.inject({ method: 'GET', url: `/api/scans/${IDS[0]}` })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/scans/e0000000-0000-4000-8000-000000000009' }))
        .statusCode,
    ).toBe(404);
  });

  it('answers 202 too for a scan running in another instance (its running row), not 200 with no trades', async () => {
    const other = 'e0000000-0000-4000-8000-00000000000a';
    await recordScanStart(t().db, {
      id: other,
      startedAt: new Date('2026-11-25T15:40:00Z'),
      source: 'service',
      asOf: null,
      tickers: ['SPY'],
      instance: 'other-host:8080',
    });
    const r = await app.inject({ method: 'GET', url: `/api/scans/${other}` });
    expect(r.statusCode).toBe(202);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toEqual({
      scan: {
        id: other,
        status: 'running',
        stage: null,
        trigger: 'service',
        startedAt: '2026-11-25T15:40:00.000Z',
      },
    });
  });
});
