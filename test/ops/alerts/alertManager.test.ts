import { describe, expect, it } from 'vitest';
import { monitoringSchema } from '../../../src/config/monitoringSchema.js';
import { AlertManager, type AlertManagerOptions } from '../../../src/ops/alerts/alertManager.js';
import type { AlertReadings } from '../../../src/ops/alerts/evaluator.js';
import type { AlertNotification } from '../../../src/ops/alerts/notification.js';
import { alertRules } from '../../../src/ops/alerts/rules.js';
import { listAlerts } from '../../../src/store/alertsRepo.js';
import { ENGINES, engineUnavailable, useTestDatabase } from '../../store/helpers/testDatabase.js';

const rules = (cpuThreshold = 80) =>
  alertRules(
    monitoringSchema.parse({
      evaluation_interval: '15s',
      alerts: {
        system: {
          cpu_usage: { threshold: cpuThreshold, duration: '1m', severity: 'warning' },
          memory_usage: { threshold: 90, duration: '0s', severity: 'critical' },
        },
      },
    }),
  );

interface Logged {
  level: string;
  msg: string;
}

function harness(
  db: () => import('../../../src/store/db.js').Database,
  start = Date.parse('2026-11-25T15:00:00Z'),
) {
  let now = start;
  let readings: AlertReadings = {};
  const sent: AlertNotification[] = [];
  const logs: Logged[] = [];
  const log = (level: string) => (_: object, msg?: string) => logs.push({ level, msg: msg ?? '' });
  const make = (r = rules(), over: Partial<AlertManagerOptions> = {}) =>
    new AlertManager({
      db: db(),
      read: () => readings,
      rules: r,
      intervalMs: 15_000,
      cooldownMs: 30 * 60_000,
      notify: (n) => {
        sent.push(n);
      },
      instance: 'test-host:8080',
      logger: { info: log('info'), warn: log('warn'), error: log('error') },
      now: () => now,
      ...over,
    });
  return {
    make,
    sent,
    logs,
    set: (r: AlertReadings) => {
      readings = r;
    },
    advance: (ms: number) => {
      now += ms;
    },
    at: () => now,
  };
}

describe.each(ENGINES)('alert manager on %s', (engine) => {
  describe.skipIf(engineUnavailable(engine))('', () => {
    const t = useTestDatabase(engine);

    it('stores a sustained breach once with start, peak and end, and notifies fired then resolved', async () => {
      const h = harness(() => t().db);
      const m = h.make();
      await m.start(false);
      const t0 = h.at();
      for (const v of [85, 95, 88, 90, 86]) {
        h.set({ cpu_usage: v, memory_usage: 50 });
        await m.tick();
        h.advance(15_000);
      }
      // fired at the 5th sample (1 minute after the first breach)
      expect(h.sent.map((n) => n.subject)).toEqual(['Options Engine Alert: system.cpu_usage [WARNING]']);
      expect(h.sent[0].details).toMatch(/FIRING \[warning\] system\.cpu_usage on test-host:8080/);
      expect(h.sent[0].details).toMatch(/value 86 % .*peak 95 %/);
      const [firing] = await listAlerts(t().db, { state: 'firing' });
      expect(firing.rule).toBe('system.cpu_usage');
      expect(firing.startedAt.getTime()).toBe(t0);
      expect(firing.firedAt.getTime()).toBe(t0 + 60_000);
      expect(firing.peakValue).toBe(95);
      expect(firing.notifications).toBe(0); // sent off, not delivered yet
      expect(firing.lastNotifiedAt?.getTime()).toBe(t0 + 60_000); // the cooldown starts when it goes out
      // delivered on both channels (the dispatcher reports each; the first counts the message)
      await m.delivered(h.sent[0], 'slack', true);
      await m.delivered(h.sent[0], 'email', false);
      const [delivered] = await listAlerts(t().db, { state: 'firing' });
      expect(delivered.notifications).toBe(1);
      expect(delivered.notifiedChannels.sort()).toEqual(['email', 'slack']);
      expect(m.counts().firing).toEqual({ warning: 1, critical: 0 });

      h.set({ cpu_usage: 20, memory_usage: 50 });
      await m.tick();
      await m.delivered(h.sent[1], 'email', true);
      expect(h.sent.map((n) => n.subject).at(-1)).toBe('Options Engine Alert: system.cpu_usage resolved');
      expect(await listAlerts(t().db, { state: 'firing' })).toEqual([]);
      const [resolved] = await listAlerts(t().db, { state: 'resolved' });
      expect(resolved.id).toBe(firing.id);
      expect(resolved.notifications).toBe(2); // the firing and the resolution message (it stayed 1)
      expect(resolved.resolvedAt?.getTime()).toBe(h.at());
      expect(resolved.value).toBe(20);
      expect(resolved.peakValue).toBe(95);
      expect(h.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toContain(
        'Options Engine Alert: system.cpu_usage [WARNING]',
      );
      await m.stop();
    });

    it('counts no notification that no channel delivered (none configured, or all failing), yet keeps the cooldown start', async () => {
      const h = harness(() => t().db);
      const m = h.make();
      await m.start(false);
      h.set({ memory_usage: 97 });
      await m.tick();
      expect(h.sent.map((n) => n.subject)).toEqual(['Options Engine Alert: system.memory_usage [CRITICAL]']);
      const [firing] = await listAlerts(t().db, { state: 'firing' });
      expect(firing.notifications).toBe(0);
      expect(firing.lastNotifiedAt?.getTime()).toBe(h.at());
      h.set({ memory_usage: 40 });
      await m.tick();
      const resolved = (await listAlerts(t().db, { state: 'resolved' })).find((x) => x.id === firing.id);
      expect(resolved?.notifications).toBe(0);
      await m.stop();
    });

    it('carries an open alert across a restart and resolves it there', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-26T15:00:00Z'));
      const first = h.make();
      await first.start(false);
      h.set({ memory_usage: 97 });
      await first.tick();
      expect(h.sent.at(-1)?.subject).toBe('Options Engine Alert: system.memory_usage [CRITICAL]');
      await first.delivered(h.sent[0], 'email', true);
      await first.stop();

      const second = h.make();
      await second.start(false);
      expect(second.active().map((a) => `${a.state}:${a.rule.name}`)).toEqual(['firing:system.memory_usage']);
      h.advance(15_000);
      await second.tick();
      expect(h.sent).toHaveLength(1); // still firing, and announced: no second "fired"
      h.set({ memory_usage: 40 });
      h.advance(15_000);
      await second.tick();
      expect(h.sent.at(-1)?.subject).toBe('Options Engine Alert: system.memory_usage resolved');
      const open = await listAlerts(t().db, { state: 'firing' });
      expect(open.filter((a) => a.rule === 'system.memory_usage')).toEqual([]);
      await second.stop();
    });

    it('sends again after a restart the message of an open alert that no channel had delivered', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-27T15:00:00Z'));
      const first = h.make();
      await first.start(false);
      h.set({ memory_usage: 97 });
      await first.tick();
      // every channel down: the message is still retrying in memory when the service stops
      await first.stop();
      const firedAt = h.at();
      h.advance(120_000);

      const second = h.make();
      await second.start(false);
      expect(h.sent).toHaveLength(1); // not before an evaluation shows it still firing
      await second.tick();
      expect(h.sent.map((n) => n.subject)).toEqual([
        'Options Engine Alert: system.memory_usage [CRITICAL]',
        'Options Engine Alert: system.memory_usage [CRITICAL]',
      ]);
      const again = h.sent[1];
      expect(again.kind).toBe('firing');
      expect(again.alertId).toBe(h.sent[0].alertId);
      expect(again.details).toContain(`fired ${new Date(firedAt).toISOString()}`);
      expect(h.logs.map((l) => l.msg)).toContain(
        'alert message not delivered before the restart; sending it again',
      );
      let [open] = await listAlerts(t().db, { state: 'firing' });
      expect(open.lastNotifiedAt?.getTime()).toBe(h.at()); // its cooldown starts again
      await second.delivered(again, 'slack', true);
      [open] = await listAlerts(t().db, { state: 'firing' });
      expect(open.notifications).toBe(1);
      h.advance(15_000);
      await second.tick();
      expect(h.sent).toHaveLength(2); // once, and no repeat inside its cooldown
      await second.stop();

      // delivered now: a third run does not send it again
      const third = h.make();
      await third.start(false);
      await third.tick();
      expect(h.sent).toHaveLength(2);
      h.set({ memory_usage: 40 });
      await third.tick();
      expect(h.sent.at(-1)?.subject).toBe('Options Engine Alert: system.memory_usage resolved');
      await third.stop();
    });

    it('announces an undelivered alert that ended while the service was down by its resolution alone', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-28T09:00:00Z'));
      const first = h.make();
      await first.start(false);
      h.set({ memory_usage: 97 });
      await first.tick();
      await first.stop();
      h.set({ memory_usage: 40 });
      const second = h.make();
      await second.start(false);
      await second.tick();
      expect(h.sent.map((n) => n.subject)).toEqual([
        'Options Engine Alert: system.memory_usage [CRITICAL]',
        'Options Engine Alert: system.memory_usage resolved',
      ]);
      await second.stop();
    });

    it('owes an undelivered alert nothing once a reload removed its rule, and waits for a reading to confirm it', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-28T11:00:00Z'));
      const first = h.make();
      await first.start(false);
      h.set({ memory_usage: 97 });
      await first.tick();
      await first.stop();
      // no memory reading at the next run's first evaluation: nothing confirms the alert, nothing is sent yet
      const second = h.make();
      await second.start(false);
      h.set({ cpu_usage: 10 });
      h.advance(15_000);
      await second.tick();
      expect(h.sent).toHaveLength(1);
      await second.stop();
      // a reload drops the rule before any reading: its "resolved" is the last word, no "firing" after it
      const third = h.make();
      await third.start(false);
      await third.reconfigure(
        rules().filter((r) => r.name !== 'system.memory_usage'),
        15_000,
        30 * 60_000,
      );
      h.set({ memory_usage: 97, cpu_usage: 10 });
      h.advance(15_000);
      await third.tick();
      expect(h.sent.map((n) => n.subject)).toEqual([
        'Options Engine Alert: system.memory_usage [CRITICAL]',
        'Options Engine Alert: system.memory_usage resolved',
      ]);
      await third.stop();
    });

    it('keeps the alerts of two instances sharing the database apart', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-29T15:00:00Z'));
      const a = h.make(rules(), { instance: 'host-a:8080' });
      const b = h.make(rules(), { instance: 'host-b:8080' });
      await a.start(false);
      await b.start(false);
      h.set({ memory_usage: 99 });
      await a.tick();
      await b.tick();
      const open = (await listAlerts(t().db, { state: 'firing' })).filter(
        (x) => x.rule === 'system.memory_usage',
      );
      expect(open.map((x) => x.instance).sort()).toEqual(['host-a:8080', 'host-b:8080']);
      h.set({ memory_usage: 10 });
      h.advance(15_000);
      await a.tick(); // only host a recovers
      const still = (await listAlerts(t().db, { state: 'firing' })).filter(
        (x) => x.rule === 'system.memory_usage',
      );
      expect(still.map((x) => x.instance)).toEqual(['host-b:8080']);
      // a restart of host a does not pick up host b's alert
      const a2 = h.make(rules(), { instance: 'host-a:8080' });
      await a2.start(false);
      expect(a2.active()).toEqual([]);
      h.advance(15_000);
      await b.tick();
      const left = await listAlerts(t().db, { state: 'firing' });
      expect(left.filter((x) => x.rule === 'system.memory_usage')).toEqual([]);
    });

    it('resolves the open alert of a rule removed on reload', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-27T15:00:00Z'));
      const m = h.make();
      await m.start(false);
      h.set({ memory_usage: 99 });
      await m.tick();
      await m.reconfigure(
        rules().filter((r) => r.name !== 'system.memory_usage'),
        15_000,
        0,
      );
      expect(h.sent.at(-1)?.subject).toBe('Options Engine Alert: system.memory_usage resolved');
      expect((await listAlerts(t().db, { state: 'firing' })).map((a) => a.rule)).not.toContain(
        'system.memory_usage',
      );
      await m.stop();
    });

    it('skips an evaluation whose readings fail, and keeps notifying when the database fails', async () => {
      const h = harness(() => t().db, Date.parse('2026-11-28T15:00:00Z'));
      const down = {
        query: () => Promise.reject(new Error('connection refused')),
        exec: async () => {},
        copyFrom: async () => 0,
      };
      const failing = h.make(rules(), {
        db: down,
        read: () => {
          throw new Error('sensor gone');
        },
      });
      await failing.start(false);
      expect(await failing.tick()).toEqual([]);
      expect(failing.counts().evaluation_errors).toBe(1);
      expect(h.logs.map((l) => l.msg)).toContain('alert metrics not read; evaluation skipped');
      const noDb = h.make(rules(), { db: down, read: () => ({ memory_usage: 99 }) });
      await noDb.tick();
      expect(h.sent.at(-1)).toMatchObject({
        subject: 'Options Engine Alert: system.memory_usage [CRITICAL]',
        alertId: null,
      });
      expect(h.logs.map((l) => l.msg)).toContain('alert state not stored');
      // delivered during the outage: the alert this instance holds says so (/api/alerts' degraded answer)
      await noDb.delivered(h.sent.at(-1) as AlertNotification, 'email', true);
      await noDb.delivered(h.sent.at(-1) as AlertNotification, 'slack', false);
      const [held] = noDb.active();
      expect(held).toMatchObject({ state: 'firing', alertId: null, notifications: 1 });
      expect([...held.notifiedChannels].sort()).toEqual(['email', 'slack']);
    });
  });
});
