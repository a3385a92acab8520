import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { HttpClient } from '../../../src/market/http/httpClient.js';
import { parseRateLimitHeaders, retryAfterMs } from '../../../src/market/http/rateLimitHeaders.js';
import { TokenBucket } from '../../../src/market/http/tokenBucket.js';
import { type LocalServer, sendJson, startServer } from './localServer.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
});
afterAll(() => server.close());

/** Largest number of arrivals inside any half-open window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (t[i] - t[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('rate limiter measured on a local server', () => {
  it('never lets more than 20 requests out, nor arrive, in any 1 s window at 20/s when 30 are fired at once', async () => {
    const dispatched: number[] = [];
    const http = new HttpClient({
      provider: 'limited',
      baseUrl: server.origin,
      rateLimit: { limit: 20, intervalMs: 1000 },
      fetch: (input, init) => {
        dispatched.push(performance.now());
        return fetch(input, init);
      },
    });
    const schema = z.object({ ok: z.boolean() });
    await http.getJson({ endpoint: 'warm-up', path: 'x' }, schema); // opens the keep-alive connection
    server.hits.length = 0;
    dispatched.length = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 30 }, () => http.getJson({ endpoint: 'x', path: 'x' }, schema)));
    const elapsed = performance.now() - t0;
    const arrived = server.hits.map((h) => h.at);
    expect(arrived).toHaveLength(30);
    // What the limiter lets out: slots 50 ms apart (2 ms allowed for timer rounding).
    expect(maxInWindow(dispatched, 998)).toBeLessThanOrEqual(20);
    // What the server sees: loopback and event-loop jitter on this shared 2-core machine moves single
    // arrivals by up to ~40 ms, so the window is shortened by one slot (50 ms).
    expect(maxInWindow(arrived, 950)).toBeLessThanOrEqual(20);
    // Mean rate over the batch: 29 spacings of 50 ms at least (the warm-up took the first slot).
    expect(elapsed).toBeGreaterThanOrEqual(29 * 50 - 5);
    expect(29 / ((arrived[29] - arrived[0]) / 1000)).toBeLessThanOrEqual(20 * 1.05);
  });
});

describe('TokenBucket on real timers', () => {
  it('waits (one long timer, not a 1 ms loop) when the rate is so low that the next token is years away', async () => {
    const b = new TokenBucket({ limit: 1e-12, intervalMs: 60_000, now: () => Date.now() });
    await b.acquire(); // the burst token
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const ac = new AbortController();
      const next = b.acquire(ac.signal).catch(() => 'aborted');
      await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      expect(await next).toBe('aborted');
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('TokenBucket on fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Fires n acquires at once and returns their release times relative to the start. */
  async function releases(b: TokenBucket, n: number, runMs: number): Promise<number[]> {
    const t0 = Date.now();
    const out: number[] = [];
    for (let i = 0; i < n; i++) void b.acquire().then(() => out.push(Date.now() - t0));
    await vi.advanceTimersByTimeAsync(runMs);
    return out;
  }

  it('spaces requests by interval/limit when burst is 1, and credit does not pile up while idle', async () => {
    const b = new TokenBucket({ limit: 120, intervalMs: 60_000, now: () => Date.now() });
    expect(await releases(b, 3, 2_000)).toEqual([0, 500, 1000]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await releases(b, 2, 1_000)).toEqual([0, 500]);
  });

  it('lets a burst through after idling, then the steady rate, never more than burst−1+limit per window', async () => {
    const b = new TokenBucket({ limit: 10, intervalMs: 1000, burst: 4, now: () => Date.now() });
    const times = await releases(b, 40, 5_000);
    expect(times).toHaveLength(40);
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 100]);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(4 - 1 + 10);
  });

  it('pauseUntil holds every request until the given time', async () => {
    const b = new TokenBucket({ limit: 100, intervalMs: 1000, burst: 5, now: () => Date.now() });
    b.pauseUntil(Date.now() + 750);
    const times = await releases(b, 3, 1_000);
    expect(times).toEqual([750, 750, 750]);
  });

  it('drops a waiter whose signal aborts, without spending its token', async () => {
    const b = new TokenBucket({ limit: 1, intervalMs: 1000, now: () => Date.now() });
    await b.acquire();
    const ac = new AbortController();
    const aborted = b.acquire(ac.signal);
    const next = b.acquire();
    ac.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    expect(b.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBeUndefined();
  });

  it('keeps one abort listener per signal however many requests wait under it, and removes it once they are served', async () => {
    const b = new TokenBucket({ limit: 100, intervalMs: 1000, now: () => Date.now() });
    const scan = new AbortController();
    const other = new AbortController();
    const mine = Array.from({ length: 40 }, () => b.acquire(scan.signal));
    const theirs = Array.from({ length: 5 }, () => b.acquire(other.signal));
    expect(getEventListeners(scan.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200); // the bucket's one token at once, then one per 10 ms
    scan.abort(new Error('scan cancelled'));
    const outcomes = await Promise.allSettled(mine);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(21);
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(19);
    expect(b.waiting).toBe(5);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(theirs);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(scan.signal, 'abort')).toHaveLength(0);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket({ limit: 0, intervalMs: 1000 })).toThrow(RangeError);
  });
});

describe('rate-limit headers', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it("reads Tradier's quota headers (expiry in epoch ms)", () => {
    const snap = parseRateLimitHeaders(
      h({
        'X-Ratelimit-Allowed': '200',
        'X-Ratelimit-Available': '197',
        'X-Ratelimit-Expiry': '1719590820000',
        'X-Ratelimit-Used': '3',
      }),
      1719590800000,
    );
    expect(snap).toEqual({
      allowed: 200,
      used: 3,
      available: 197,
      resetAt: 1719590820000,
      observedAt: 1719590800000,
    });
    expect(parseRateLimitHeaders(h({}), 0)).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date, else falls back to the quota expiry', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(retryAfterMs(h({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(h({ 'retry-after': 'Wed, 25 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(h({ 'x-ratelimit-expiry': String(now + 1234) }), now)).toBe(1234);
    expect(retryAfterMs(h({ 'x-ratelimit-expiry': String(now - 50) }), now)).toBe(0);
    expect(retryAfterMs(h({}), now)).toBeNull();
  });
});
