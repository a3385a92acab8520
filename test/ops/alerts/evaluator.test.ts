import { describe, expect, it } from 'vitest';
import { monitoringSchema } from '../../../src/config/monitoringSchema.js';
import { AlertEvaluator, type AlertEvent } from '../../../src/ops/alerts/evaluator.js';
import { alertRules } from '../../../src/ops/alerts/rules.js';

const rules = alertRules(
  monitoringSchema.parse({
    evaluation_interval: '15s',
    alerts: {
      system: { cpu_usage: { threshold: 80, duration: '5m', severity: 'warning' } },
      database: { connection_errors: { threshold: 5, duration: '1m', severity: 'critical' } },
      engine: {
        missed_scans: { threshold: 3, duration: '0s', severity: 'critical' },
        free_disk: {
          metric: 'disk_usage',
          comparison: 'below',
          threshold: 5,
          duration: '30s',
          severity: 'warning',
        },
      },
    },
  }),
);
const S = 1000;
const M = 60_000;
const types = (events: AlertEvent[]) => events.map((e) => `${e.type}:${e.alert.rule.name}`);

/** Feeds cpu readings every 15 s from t0; returns the events per step. */
function run(ev: AlertEvaluator, values: number[], t0 = 0): string[][] {
  return values.map((v, i) => types(ev.evaluate(t0 + i * 15 * S, { cpu_usage: v })));
}

describe('alert evaluator', () => {
  it('does not fire on a spike shorter than the duration', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    // 4m45s above 80 (20 samples), then below: never 5 minutes
    const steps = run(ev, [...Array(20).fill(95), 50, 50]);
    expect(steps.flat()).toEqual([]);
    expect(ev.activeAlerts()).toEqual([]);
  });

  it('fires once a breach has held for the whole duration, then resolves once', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    const values = [...Array(21).fill(90), 99, 85, 40, 40];
    const steps = run(ev, values);
    const fired = steps.findIndex((s) => s.includes('fired:system.cpu_usage'));
    expect(fired).toBe(20); // 20 × 15 s = 5 min after the first breached sample
    expect(steps.flat().filter((x) => x === 'fired:system.cpu_usage')).toHaveLength(1);
    expect(steps[21]).toEqual(['updated:system.cpu_usage']);
    expect(steps[23]).toEqual(['resolved:system.cpu_usage']);
    expect(steps.flat().filter((x) => x.startsWith('resolved'))).toHaveLength(1);
    expect(steps[24]).toEqual([]);
  });

  it('keeps the breach start, the peak and the last value', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    let last: AlertEvent[] = [];
    [85, 97, 90, ...Array(18).fill(88), 20].forEach((v, i) => {
      last = ev.evaluate(1_000_000 + i * 15 * S, { cpu_usage: v });
    });
    expect(last).toHaveLength(1);
    const a = last[0].alert;
    expect(last[0].type).toBe('resolved');
    expect(a.since).toBe(1_000_000);
    expect(a.firedAt).toBe(1_000_000 + 20 * 15 * S);
    expect(a.peak).toBe(97);
    expect(a.value).toBe(20);
  });

  it('repeats a firing alert no more often than the cooldown', () => {
    const ev = new AlertEvaluator(rules, 2 * M);
    const steps = run(ev, Array(41).fill(95)); // 10 minutes of breach
    const flat = steps
      .flat()
      .filter((x) => x === 'fired:system.cpu_usage' || x === 'repeat:system.cpu_usage');
    expect(flat[0]).toBe('fired:system.cpu_usage');
    // fired at 5:00, repeats at 7:00 and 9:00 (not at every 15 s sample)
    expect(
      steps.map((s, i) => (s.includes('repeat:system.cpu_usage') ? i : -1)).filter((i) => i >= 0),
    ).toEqual([28, 36]);
    const none = new AlertEvaluator(rules, 0);
    expect(
      run(none, Array(41).fill(95))
        .flat()
        .filter((x) => x.startsWith('repeat')),
    ).toEqual([]);
  });

  it('counts connection errors within the trailing window and fires at once', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    const at = (s: number, total: number) => types(ev.evaluate(s * S, { connection_errors: total }));
    expect(at(0, 0)).toEqual([]);
    expect(at(15, 3)).toEqual([]);
    expect(at(30, 4)).toEqual([]); // 4 in the last minute
    expect(at(45, 5)).toEqual(['fired:database.connection_errors']); // the fifth within 1m
    expect(at(60, 5)).toEqual(['updated:database.connection_errors']); // (0 s, 60 s] holds 5
    // at 75 s the window (15 s, 75 s] holds 5 − 3 = 2 errors
    expect(at(75, 5)).toEqual(['resolved:database.connection_errors']);
    expect(at(90, 5)).toEqual([]);
    // slow errors, 1 every 15 s, 4 per minute: never 5 within 1m
    const slow = new AlertEvaluator(rules, 30 * M);
    const events = Array.from({ length: 20 }, (_, i) => slow.evaluate(i * 15 * S, { connection_errors: i }));
    expect(events.flat()).toHaveLength(0);
  });

  it('fires a zero-duration rule on the first breach; honours comparison below', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    expect(types(ev.evaluate(0, { missed_scans: 2 }))).toEqual([]);
    expect(types(ev.evaluate(15 * S, { missed_scans: 3 }))).toEqual(['fired:engine.missed_scans']);
    expect(types(ev.evaluate(30 * S, { disk_usage: 4 }))).toEqual([]);
    expect(types(ev.evaluate(60 * S, { disk_usage: 3 }))).toEqual(['fired:engine.free_disk']);
    expect(ev.activeAlerts().find((a) => a.rule.name === 'engine.free_disk')?.peak).toBe(3);
  });

  it('changes nothing on a missing reading', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    run(ev, Array(21).fill(90));
    expect(ev.activeAlerts()[0].state).toBe('firing');
    expect(types(ev.evaluate(400 * S, { cpu_usage: null }))).toEqual([]);
    expect(ev.activeAlerts()[0].state).toBe('firing');
    const p = new AlertEvaluator(rules, 30 * M);
    p.evaluate(0, { cpu_usage: 90 });
    expect(types(p.evaluate(400 * S, {}))).toEqual([]); // a gap does not count as 5 minutes held
    expect(p.activeAlerts()[0].state).toBe('pending');
  });

  it('resolves the alerts of a rule removed on reload, keeps the others', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    ev.evaluate(0, { missed_scans: 5, cpu_usage: 90 });
    const events = ev.configure(
      rules.filter((r) => r.name !== 'engine.missed_scans'),
      30 * M,
      1000,
    );
    expect(types(events)).toEqual(['resolved:engine.missed_scans']);
    expect(ev.activeAlerts().map((a) => `${a.state}:${a.rule.name}`)).toEqual(['pending:system.cpu_usage']);
  });

  it('continues an alert restored from the database and resolves it when it clears', () => {
    const ev = new AlertEvaluator(rules, 30 * M);
    ev.restore([
      {
        rule: 'system.cpu_usage',
        since: 0,
        firedAt: 300 * S,
        value: 91,
        peak: 99,
        lastNotifiedAt: 300 * S,
        alertId: 7,
      },
    ]);
    expect(types(ev.evaluate(400 * S, { cpu_usage: 95 }))).toEqual(['updated:system.cpu_usage']);
    const [r] = ev.evaluate(415 * S, { cpu_usage: 10 });
    expect(r.type).toBe('resolved');
    expect(r.alert.alertId).toBe(7);
    expect(r.alert.peak).toBe(99);
    expect(ev.unknownRules([{ rule: 'gone.rule' }, { rule: 'system.cpu_usage' }])).toEqual(['gone.rule']);
  });
});

describe('monitoring.yaml rules', () => {
  it('name an unknown metric and accept the shipped file', () => {
    const bad = monitoringSchema.safeParse({
      evaluation_interval: '15s',
      alerts: { system: { cpu_usgae: { threshold: 1, duration: '1m', severity: 'warning' } } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['alerts', 'system', 'cpu_usgae']);
    expect(bad.error?.issues[0].message).toMatch(/unknown metric "cpu_usgae"/);
    const fast = monitoringSchema.safeParse({ evaluation_interval: '100ms', alerts: {} });
    expect(fast.error?.issues[0].path).toEqual(['evaluation_interval']);
  });
});
