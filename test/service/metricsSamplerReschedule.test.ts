/**
 * One sampling loop, whatever the reloads: a SIGHUP (`reschedule()`) while a sample is being written
 * must not start a second timer chain, and nothing is written by the timer after `stop()`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetricsSampler } from '../../src/service/metricsSampler.js';
import type { Telemetry } from '../../src/service/telemetry.js';
import type { Database } from '../../src/store/db.js';

const WRITE_MS = 400;

function harness(intervalSeconds: () => number = () => 1) {
  const writes: number[] = [];
  const errors: string[] = [];
  let closed = false;
  /** A database whose insert takes 400 ms, and that refuses writes once closed (the pool at stop). */
  const db = {
    async query() {
      if (closed) throw new Error('pool is closed');
      writes.push(Date.now());
      await new Promise((r) => setTimeout(r, WRITE_MS));
      return { rows: [{ id: writes.length }], rowCount: 1 };
    },
  } as unknown as Database;
  const log = (into: string[]) => (_: object, msg?: string) => into.push(msg ?? '');
  const sampler = new MetricsSampler({
    db,
    telemetry: { sampleRow: () => ({ cpu_usage: 1 }) } as unknown as Telemetry,
    instance: 'test-host:8080',
    intervalSeconds,
    logger: { info() {}, warn() {}, debug() {}, error: log(errors) } as never,
  });
  return {
    sampler,
    writes,
    errors,
    close: () => {
      closed = true;
    },
  };
}

describe('metrics sampler rescheduling', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps one loop when both reloads land during a write (each write, then a 1 s wait), none after stop()', async () => {
    const h = harness();
    h.sampler.start();
    await vi.advanceTimersByTimeAsync(1200); // the first write (1.0–1.4 s) is in flight
    h.sampler.reschedule();
    await vi.advanceTimersByTimeAsync(2600 - 1200); // the second write (2.4–2.8 s) is in flight
    h.sampler.reschedule();
    await vi.advanceTimersByTimeAsync(7000 - 2600);
    // one write, then the next a second after it ends: 1.0, 2.4, 3.8, 5.2, 6.6 s
    expect(h.writes).toEqual([1000, 2400, 3800, 5200, 6600]);
    h.sampler.reschedule(); // while waiting: the wait restarts, still one loop
    await vi.advanceTimersByTimeAsync(1300);
    expect(h.writes).toEqual([1000, 2400, 3800, 5200, 6600, 8000]);
    h.sampler.stop();
    await vi.advanceTimersByTimeAsync(400); // the write in flight at stop() ends
    h.close(); // the service closes its pool after stop()
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.writes).toHaveLength(6);
    expect(h.errors).toEqual([]);
  });

  it("the audit's repro: reloads at 1.2 s and 3.25 s give one chain (a wait ≥ 1 s after each write), none after stop()", async () => {
    const h = harness();
    h.sampler.start();
    await vi.advanceTimersByTimeAsync(1200);
    h.sampler.reschedule();
    await vi.advanceTimersByTimeAsync(3250 - 1200);
    h.sampler.reschedule();
    await vi.advanceTimersByTimeAsync(7000 - 3250);
    // 1.0 s; 2.4 s; the wait from 2.8 s restarted at 3.25 s: 4.25 s; 5.65 s (it was 7 writes in two chains)
    expect(h.writes).toEqual([1000, 2400, 4250, 5650]);
    for (let i = 1; i < h.writes.length; i++)
      expect(h.writes[i] - h.writes[i - 1]).toBeGreaterThanOrEqual(1000 + WRITE_MS);
    h.sampler.stop();
    h.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.writes).toHaveLength(4);
    expect(h.errors).toEqual([]);
  });

  it('takes a new interval at once while the timer waits, and after the write in flight otherwise', async () => {
    let seconds = 1;
    const h = harness(() => seconds);
    const sampler = h.sampler;
    sampler.start();
    await vi.advanceTimersByTimeAsync(500);
    seconds = 2;
    sampler.reschedule(); // waiting: restarts the wait with 2 s
    await vi.advanceTimersByTimeAsync(2000); // write at 2.5 s
    seconds = 3;
    await vi.advanceTimersByTimeAsync(100);
    sampler.reschedule(); // in flight: the next wait, after the write, is 3 s
    await vi.advanceTimersByTimeAsync(10_000 - 2600);
    expect(h.writes).toEqual([2500, 5900, 9300]);
    sampler.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.writes).toHaveLength(3);
  });

  it('does not start a loop on reschedule() before start() or after stop()', async () => {
    const h = harness();
    h.sampler.reschedule();
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.writes).toEqual([]);
    h.sampler.start();
    await vi.advanceTimersByTimeAsync(1200);
    h.sampler.stop();
    h.sampler.reschedule();
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.writes).toEqual([6000]);
  });
});
