/**
 * A transient database error while the alert manager stores a transition: the write is retried at the
 * next evaluations (without notifying again), so the `alerts` table ends up agreeing with the evaluator.
 */
import { describe, expect, it } from 'vitest';
import { monitoringSchema } from '../../src/config/monitoringSchema.js';
import { AlertManager } from '../../src/ops/alerts/alertManager.js';
import type { AlertReadings } from '../../src/ops/alerts/evaluator.js';
import type { AlertNotification } from '../../src/ops/alerts/notification.js';
import { alertRules } from '../../src/ops/alerts/rules.js';
import { fireAlert, listAlerts, type StoredAlert } from '../../src/store/alertsRepo.js';
import type { Database, Queryable } from '../../src/store/db.js';
import { ENGINES, engineUnavailable, useTestDatabase } from '../store/helpers/testDatabase.js';

const RULES = alertRules(
  monitoringSchema.parse({
    evaluation_interval: '15s',
    alerts: { system: { memory_usage: { threshold: 90, duration: '0s', severity: 'critical' } } },
  }),
);
const RULE = 'system.memory_usage';
const STEP = 15_000;

/** The database, except that the next `n` queries matching `pattern` fail. */
function flaky(db: Database) {
  let pattern = /$^/;
  let left = 0;
  let failed = 0;
  const q: Queryable = {
    query(sql, params) {
      if (left > 0 && pattern.test(sql)) {
        left--;
        failed++;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return db.query(sql, params);
    },
    exec: (sql) => db.exec(sql),
    copyFrom: (table, columns, chunks, format) => db.copyFrom(table, columns, chunks, format),
  };
  return {
    q,
    failNext(kind: RegExp, n: number) {
      pattern = kind;
      left = n;
    },
    failed: () => failed,
  };
}

function harness(db: Database, instance: string, start: number) {
  const f = flaky(db);
  let now = start;
  let readings: AlertReadings = {};
  const sent: AlertNotification[] = [];
  const warned: string[] = [];
  const m = new AlertManager({
    db: f.q,
    read: () => readings,
    rules: RULES,
    intervalMs: STEP,
    cooldownMs: 0,
    notify: (n) => {
      sent.push(n);
      // delivered at once on one channel, as a dispatcher would report it
      void m.delivered(n, 'email', true);
    },
    instance,
    logger: { info() {}, warn: (_o, msg) => warned.push(msg ?? ''), error() {} },
    now: () => now,
  });
  return {
    m,
    f,
    sent,
    warned,
    subjects: () => sent.map((n) => n.subject),
    /** Sets the reading, evaluates, then moves the clock one interval on. */
    async step(memory: number) {
      readings = { memory_usage: memory };
      await m.tick();
      now += STEP;
    },
    rows: async (): Promise<StoredAlert[]> =>
      (await listAlerts(db, { state: 'all', since: new Date(start - 86_400_000), limit: 500 })).filter(
        (a) => a.instance === instance,
      ),
  };
}

const FIRED = `Options Engine Alert: ${RULE} [CRITICAL]`;
const RESOLVED = `Options Engine Alert: ${RULE} resolved`;

describe.each(ENGINES)('alert writes retried after a database error, on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('retries a failed resolution until stored, without a second "resolved" notification', async () => {
      const t0 = Date.parse('2026-12-01T15:00:00Z');
      const h = harness(t().db, 'retry-resolve:8080', t0);
      await h.m.start(false);
      await h.step(97);
      expect(h.subjects()).toEqual([FIRED]);

      h.f.failNext(/^UPDATE alerts SET resolved_at/, 2);
      await h.step(40); // resolved at t0 + STEP: the update fails
      await h.step(41); // retried: fails again
      expect(h.f.failed()).toBe(2);
      expect(h.warned).toContain('alert state not stored');
      expect((await h.rows()).map((a) => a.resolvedAt)).toEqual([null]);
      // the resolution, and the record of its message (delivered, sent off) queued behind it
      expect(h.m.unstored()).toBe(3);

      await h.step(42); // retried: stored
      const [row] = await h.rows();
      expect(row.resolvedAt?.getTime()).toBe(t0 + STEP);
      expect(row.value).toBe(40);
      expect(row.peakValue).toBe(97);
      expect(row.notifications).toBe(2); // the firing and the one resolution message
      expect(h.m.unstored()).toBe(0);
      expect(h.subjects()).toEqual([FIRED, RESOLVED]);
      await h.m.stop();
    });

    it("warns once that a firing alert's value is not stored, not at every evaluation of the outage", async () => {
      const t0 = Date.parse('2026-12-05T15:00:00Z');
      const h = harness(t().db, 'retry-touch:8080', t0);
      await h.m.start(false);
      await h.step(97);
      expect(h.subjects()).toEqual([FIRED]);
      h.f.failNext(/^UPDATE alerts SET value/, 4);
      for (const v of [98, 96, 99, 95]) await h.step(v); // each evaluation's newer value replaces the queued one
      expect(h.f.failed()).toBe(4);
      expect(h.warned.filter((w) => w === 'alert state not stored')).toHaveLength(1);
      await h.step(94); // stored
      const [row] = await h.rows();
      expect(row.value).toBe(94);
      expect(row.peakValue).toBe(99);
      await h.m.stop();
    });

    it('retries a failed firing until stored, with its times, peak and one notification', async () => {
      const t0 = Date.parse('2026-12-02T15:00:00Z');
      const h = harness(t().db, 'retry-fire:8080', t0);
      await h.m.start(false);
      h.f.failNext(/^INSERT INTO alerts/, 2);
      await h.step(95); // fires at t0: insert fails
      expect(h.subjects()).toEqual([FIRED]);
      expect(h.sent[0].alertId).toBeNull();
      await h.step(99); // retry fails
      expect(await h.rows()).toEqual([]);

      await h.step(96); // retry ok
      const [row] = await h.rows();
      expect(row).toMatchObject({ rule: RULE, resolvedAt: null, occurrences: 1, notifications: 1 });
      expect(row.startedAt.getTime()).toBe(t0);
      expect(row.firedAt.getTime()).toBe(t0);
      expect(row.lastSeenAt.getTime()).toBe(t0 + 2 * STEP);
      expect(row.value).toBe(96);
      expect(row.peakValue).toBe(99);
      expect(h.m.active().map((a) => a.alertId)).toEqual([row.id]);
      expect(h.subjects()).toEqual([FIRED]);

      await h.step(30);
      const [closed] = await h.rows();
      expect(closed.id).toBe(row.id);
      expect(closed.resolvedAt?.getTime()).toBe(t0 + 3 * STEP);
      expect(h.subjects()).toEqual([FIRED, RESOLVED]);
      await h.m.stop();
    });

    it('stores a firing and its resolution in order when both happened while the database was down', async () => {
      const t0 = Date.parse('2026-12-03T15:00:00Z');
      const h = harness(t().db, 'retry-both:8080', t0);
      await h.m.start(false);
      h.f.failNext(/^INSERT INTO alerts/, 3);
      await h.step(93); // fired at t0
      await h.step(20); // resolved at t0 + STEP
      await h.step(20);
      expect(await h.rows()).toEqual([]);
      await h.step(20); // stored now
      const rows = await h.rows();
      expect(rows).toHaveLength(1);
      expect(rows[0].firedAt.getTime()).toBe(t0);
      expect(rows[0].resolvedAt?.getTime()).toBe(t0 + STEP);
      expect(rows[0].peakValue).toBe(93);
      expect(rows[0].value).toBe(20);
      expect(h.subjects()).toEqual([FIRED, RESOLVED]);

      // the next breach is a new row, not a bump of the old one
      await h.step(98);
      const again = await h.rows();
      expect(again).toHaveLength(2);
      expect(again.filter((a) => a.resolvedAt === null).map((a) => a.occurrences)).toEqual([1]);
      await h.m.stop();
    });

    /** The last run's open alert of RULE, fired a minute before `t0` under `instance`. */
    const lastRunsAlert = (instance: string, t0: number) =>
      fireAlert(t().db, {
        rule: RULE,
        severity: 'critical',
        message: 'memory',
        value: 97,
        at: new Date(t0 - 60_000),
        instance,
      });

    it('does not announce again, once the read-back succeeds, an undelivered alert this run has announced already', async () => {
      const t0 = Date.parse('2026-12-05T15:00:00Z');
      const instance = 'retry-owed:8080';
      // the last run's alert, whose message no channel delivered (notifications 0)
      await lastRunsAlert(instance, t0);
      const h = harness(t().db, instance, t0);
      // the database away for the start and the first evaluation: the read-back fails, the alert fires anew in
      // memory, its message goes out and is delivered, and the records of both wait in the queue
      h.f.failNext(/^/, 1_000);
      await h.m.start(false);
      await h.step(97);
      h.f.failNext(/$^/, 0);
      await h.step(97); // the read-back succeeds here, before the queued records: the row still reads notifications 0
      await h.step(97);
      expect(h.subjects()).toEqual([FIRED]);
      const [row] = await h.rows();
      expect(row.notifications).toBe(1);
      await h.m.stop();
    });

    it('reads the open alerts back at a later evaluation when the start could not', async () => {
      const t0 = Date.parse('2026-12-04T15:00:00Z');
      const instance = 'retry-readback:8080';
      await lastRunsAlert(instance, t0);
      const h = harness(t().db, instance, t0);
      h.f.failNext(/^SELECT \* FROM alerts WHERE resolved_at IS NULL/, 1);
      await h.m.start(false);
      expect(h.m.active()).toEqual([]);
      await h.step(40);
      const [row] = await h.rows();
      expect(row.resolvedAt?.getTime()).toBe(t0);
      expect(h.subjects()).toEqual([RESOLVED]);
      await h.m.stop();
    });
  });
});
