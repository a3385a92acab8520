/**
 * Paging the scans newest first (`scansBefore`, `GET /api/scans`): scans that share a `started_at` are
 * neither lost nor repeated across pages, and `?before=<ISO time>` alone still means "started before".
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { HealthMonitor } from '../../src/service/healthChecks.js';
import type { StatusInput } from '../../src/service/routes/status.js';
import { buildServer } from '../../src/service/server.js';
import { Telemetry } from '../../src/service/telemetry.js';
import type { Database } from '../../src/store/db.js';
import { StoreInputError } from '../../src/store/errors.js';
import { scansBefore, upsertScan } from '../../src/store/scansRepo.js';
import { testHealthSources } from '../service/helpers/healthSources.js';
import { makeScan } from './helpers/fixtures.js';
import { ENGINES, engineUnavailable, useTestDatabase } from './helpers/testDatabase.js';

const TIE = new Date('2026-11-25T15:30:00.000Z');
const EARLIER = new Date('2026-11-25T15:00:00.000Z');
/** Three scans at one instant, ids in the order the page shows them (`id DESC`), then an earlier one. */
const IDS = [
  'c0000000-0000-4000-8000-000000000003',
  'b0000000-0000-4000-8000-000000000002',
  'a0000000-0000-4000-8000-000000000001',
  'd0000000-0000-4000-8000-000000000004',
];

async function seed(db: Database): Promise<void> {
  // inserted in an order that is neither the page order nor its reverse
  for (const i of [1, 3, 0, 2]) {
    await upsertScan(db, makeScan({ id: IDS[i], startedAt: i < 3 ? TIE : EARLIER }));
  }
}

async function testServer(db: Database) {
  const settings = loadConfig({ env: {} }).settings;
  const telemetry = new Telemetry({ windowSeconds: 60, version: '0.0.0-test', defaultMetrics: false });
  const health = new HealthMonitor(testHealthSources(db, { dbLocation: db.location }));
  const app = await buildServer({
    logger: pino({ enabled: false }),
    telemetry,
    health,
    version: '0.0.0-test',
    settings: () => settings,
    status: () => ({}) as StatusInput,
    api: { db, trigger: () => '00000000-0000-4000-8000-000000000001' },
  });
  return {
    app,
    async close() {
      await app.close();
      telemetry.close();
    },
  };
}

interface Page {
  scans: { id: string; startedAt: string }[];
  next_before: string | null;
  next_before_id: string | null;
}

describe.each(ENGINES)('scan paging on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);
    let server: Awaited<ReturnType<typeof testServer>>;
    beforeAll(async () => {
      await seed(t().db);
      server = await testServer(t().db);
    });
    afterAll(async () => {
      await server?.close();
    });

    const get = async (url: string) => {
      const r = await server.app.inject({ method: 'GET', url });
      return { status: r.statusCode, body: r.json() };
    };

    it('scansBefore pages through scans sharing a started_at without loss or duplicates', async () => {
      const db = t().db;
      const p1 = await scansBefore(db, null, 2);
      expect(p1.map((s) => s.id)).toEqual(IDS.slice(0, 2));
      const last = p1[1];
      const p2 = await scansBefore(db, last.startedAt, 2, last.id);
      expect(p2.map((s) => s.id)).toEqual(IDS.slice(2, 4));
      const p3 = await scansBefore(db, p2[1].startedAt, 2, p2[1].id);
      expect(p3).toEqual([]);
      // a timestamp alone: started strictly before it
      expect((await scansBefore(db, TIE, 10)).map((s) => s.id)).toEqual([IDS[3]]);
      await expect(scansBefore(db, null, 2, IDS[0])).rejects.toBeInstanceOf(StoreInputError);
    });

    it('GET /api/scans returns every scan once when following next_before and next_before_id', async () => {
      const seen: string[] = [];
      let url = '/api/scans?limit=2';
      for (let pages = 0; pages < 5; pages++) {
        const { status, body } = await get(url);
        expect(status).toBe(200);
        const page = body as Page;
        seen.push(...page.scans.map((s) => s.id));
        if (page.next_before === null) break;
        expect(page.next_before).toBe(page.scans.at(-1)?.startedAt);
        expect(page.next_before_id).toBe(page.scans.at(-1)?.id);
        url = `/api/scans?limit=2&before=${encodeURIComponent(page.next_before)}&before_id=${page.next_before_id}`;
      }
      expect(seen).toEqual(IDS);
    });

    it('GET /api/scans?before=<ISO time> alone still lists the scans started before that instant', async () => {
      const { status, body } = await get(`/api/scans?before=${encodeURIComponent(TIE.toISOString())}`);
      expect(status).toBe(200);
      expect((body as Page).scans.map((s) => s.id)).toEqual([IDS[3]]);
      expect((body as Page).next_before).toBeNull();
      const offset = await get('/api/scans?before=2026-11-25T16:30:00%2B01:00&limit=2');
      expect((offset.body as Page).scans.map((s) => s.id)).toEqual([IDS[3]]);
    });

    it.each([
      ['before_id=not-a-uuid&before=2026-11-25T15:30:00Z', 'before_id'],
      [`before_id=${IDS[0]}`, 'before_id'],
      [`before=2026-12-31T23:59:60Z&before_id=${IDS[0]}`, 'before'],
      ['before=yesterday', 'before'],
    ])('GET /api/scans?%s → 400 naming %s', async (query, field) => {
      const { status, body } = await get(`/api/scans?${query}`);
      expect(status).toBe(400);
      expect((body as { field: string }).field).toBe(field);
    });
  });
});
