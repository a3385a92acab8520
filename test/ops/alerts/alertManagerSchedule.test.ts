/**
 * One evaluation loop, whatever the reloads: a SIGHUP that changes `evaluation_interval` while an
 * evaluation runs must not start a second timer chain, and nothing is evaluated by the timer after stop().
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { monitoringSchema } from '../../../src/config/monitoringSchema.js';
import { AlertManager } from '../../../src/ops/alerts/alertManager.js';
import { alertRules } from '../../../src/ops/alerts/rules.js';
import type { Queryable } from '../../../src/store/db.js';

const READ_MS = 400;
const rules = alertRules(
  monitoringSchema.parse({
    evaluation_interval: '1s',
    alerts: { system: { cpu_usage: { threshold: 80, duration: '1m', severity: 'warning' } } },
  }),
);

function harness() {
  const reads: number[] = [];
  const warnings: string[] = [];
  /** No open alert to read back, and no transition to store (the readings never breach). */
  const db = { query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Queryable;
  const manager = new AlertManager({
    db,
    /** A reading that takes 400 ms (the evaluation in flight a reload lands in). */
    read: async (now) => {
      reads.push(now);
      await new Promise((r) => setTimeout(r, READ_MS));
      return { cpu_usage: 10 };
    },
    rules,
    intervalMs: 1000,
    cooldownMs: 0,
    notify: () => 0,
    instance: 'test-host:8080',
    logger: { info() {}, warn: (_: object, msg?: string) => warnings.push(msg ?? ''), error() {} },
  });
  return { manager, reads, warnings };
}

describe('alert manager scheduling', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps one loop when evaluation_interval changes during an evaluation, and evaluates nothing after stop()', async () => {
    const h = harness();
    await h.manager.start();
    await vi.advanceTimersByTimeAsync(1200); // the evaluation of 1.0–1.4 s is in flight
    await h.manager.reconfigure(rules, 2000, 0);
    await vi.advanceTimersByTimeAsync(3600 - 1200); // next at 1.4 + 2 = 3.4 s, in flight at 3.6 s
    await h.manager.reconfigure(rules, 1000, 0);
    await vi.advanceTimersByTimeAsync(8000 - 3600);
    // after each evaluation one wait of the interval current then: 1.0; 3.4; 4.8; 6.2; 7.6 s
    expect(h.reads).toEqual([1000, 3400, 4800, 6200, 7600]);
    await h.manager.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.reads).toHaveLength(5);
  });

  it('restarts a pending wait with the new interval, and leaves an unchanged one alone', async () => {
    const h = harness();
    await h.manager.start();
    await vi.advanceTimersByTimeAsync(500);
    await h.manager.reconfigure(rules, 3000, 0); // waiting: the wait restarts at 0.5 s with 3 s
    await vi.advanceTimersByTimeAsync(3000);
    await h.manager.reconfigure(rules, 3000, 0); // same interval: no change
    await vi.advanceTimersByTimeAsync(10_000 - 3500);
    expect(h.reads).toEqual([3500, 6900]);
    await h.manager.stop();
  });

  it('never starts the timer on reconfigure() of a manager started without one', async () => {
    const h = harness();
    await h.manager.start(false);
    await h.manager.reconfigure(rules, 2000, 0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.reads).toEqual([]);
    await h.manager.stop();
  });
});
