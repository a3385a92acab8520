/** GET /api/alerts over the real alerts table (PGlite, migrated), in process (app.inject). */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveAlert } from '../../src/ops/alerts/evaluator.js';
import type { AlertRuleDef } from '../../src/ops/alerts/rules.js';
import { alertRoutes } from '../../src/service/routes/alerts.js';
import { fireAlert, resolveAlert } from '../../src/store/alertsRepo.js';
import type { Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';

let db: PgliteDatabase;
let app: FastifyInstance;

const at = (s: string) => new Date(s);

beforeAll(async () => {
  db = await PgliteDatabase.open({ dir: null });
  await migrate(db);
  const fire = (rule: string, firedAt: string) =>
    fireAlert(db, { rule, severity: 'warning', message: `${rule} breached`, value: 1, at: at(firedAt) });
  // fired long ago, resolved yesterday; fired and resolved long ago; fired yesterday, still firing
  await fire('database.query_time', '2026-11-01T10:00:00Z');
  await resolveAlert(db, 'database.query_time', at('2026-12-06T15:00:00Z'));
  await fire('system.cpu_usage', '2026-11-02T10:00:00Z');
  await resolveAlert(db, 'system.cpu_usage', at('2026-11-02T11:00:00Z'));
  await fire('application.error_rate', '2026-12-06T12:00:00Z');
  app = Fastify();
  alertRoutes(app, { db, active: () => [], readGuard: async (_req, _reply, payload) => payload });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const rules = async (query: string): Promise<string[]> => {
  const r = await app.inject({ method: 'GET', url: `/api/alerts?${query}` });
  expect(r.statusCode).toBe(200);
  return (r.json() as { alerts: { rule: string }[] }).alerts.map((a) => a.rule);
};

describe('GET /api/alerts', () => {
  it('state=resolved&since= lists what was resolved since then, newest resolved first (as ops alerts does)', async () => {
    // an alert fired in November and resolved yesterday was resolved "since yesterday"
    expect(await rules('state=resolved&since=2026-12-06T00:00:00Z')).toEqual(['database.query_time']);
    expect(await rules('state=resolved&since=2026-11-01T00:00:00Z')).toEqual([
      'database.query_time',
      'system.cpu_usage',
    ]);
  });

  it('firing and all filter on the fire time', async () => {
    expect(await rules('state=firing&since=2026-12-06T00:00:00Z')).toEqual(['application.error_rate']);
    expect(await rules('state=all&since=2026-12-06T00:00:00Z')).toEqual(['application.error_rate']);
    expect(await rules('state=all')).toEqual([
      'application.error_rate',
      'system.cpu_usage',
      'database.query_time',
    ]);
  });
});

describe('GET /api/alerts while the database is unreachable', () => {
  it("lists this instance's firing alerts from its evaluator, saying so (it was a 500)", async () => {
    const down = {
      query: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
    } as unknown as Queryable;
    const rule = {
      name: 'database.connection_errors',
      group: 'database',
      metric: 'connection_errors',
      kind: 'count',
      threshold: 5,
      comparison: 'above',
      durationMs: 300_000,
      severity: 'critical',
      unit: 'count',
      description: 'connection errors',
    } as AlertRuleDef;
    const since = Date.parse('2026-12-07T09:00:00Z');
    const active: ActiveAlert[] = [
      {
        rule,
        state: 'firing',
        since,
        firedAt: since + 300_000,
        value: 12,
        peak: 12,
        lastNotifiedAt: null,
        alertId: 7,
        notifications: 1,
        notifiedChannels: ['email', 'slack'],
      },
      {
        rule: { ...rule, name: 'system.cpu_usage' },
        state: 'pending',
        since,
        firedAt: null,
        value: 1,
        peak: 1,
        lastNotifiedAt: null,
        alertId: null,
        notifications: 0,
        notifiedChannels: [],
      },
    ];
    const a = Fastify();
    alertRoutes(a, {
      db: down,
      active: () => active,
      instance: 'h:8080',
      readGuard: async (_r, _p, payload) => payload,
    });
    await a.ready();
    try {
      const r = await a.inject({ method: 'GET', url: '/api/alerts' });
      expect(r.statusCode).toBe(200);
      const body = r.json() as { degraded: string; alerts: Record<string, unknown>[] };
      expect(body.degraded).toMatch(/^database unreachable/);
      expect(body.alerts).toEqual([
        expect.objectContaining({
          id: 7,
          rule: 'database.connection_errors',
          state: 'firing',
          value: 12,
          fired_at: '2026-12-07T09:05:00.000Z',
          instance: 'h:8080',
          // "was I notified?" is answered during the outage too (it read 0 and [] while the page went out)
          notifications: 1,
          notified_channels: ['email', 'slack'],
        }),
      ]);
      expect((await a.inject({ method: 'GET', url: '/api/alerts?state=resolved' })).statusCode).toBe(500);
    } finally {
      await a.close();
    }
  });
});
