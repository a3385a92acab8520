/**
 * The `redis:responseTime` health check's probe: a round trip to a real Redis (REDIS_URL), and an error that says
 * what happened when Redis is away — ioredis' own text was "Stream isn't writeable and enableOfflineQueue options
 * is false".
 */
import { describe, expect, it } from 'vitest';
import { createRedisProbe } from '../../src/service/redisProbe.js';

describe('createRedisProbe', () => {
  it.skipIf(!process.env.REDIS_URL)('times a PING to a running Redis, two probes at once alike', async () => {
    const probe = createRedisProbe(process.env.REDIS_URL as string);
    try {
      // the second, while the first connects, waits for that connection (it failed at once: "connecting")
      const [ms, other] = await Promise.all([probe.ping(), probe.ping()]);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(2000);
      expect(other).toBeGreaterThanOrEqual(0);
    } finally {
      await probe.close();
    }
  });

  it('says Redis is not connected while its client reconnects to a Redis that is away', async () => {
    const probe = createRedisProbe('redis://127.0.0.1:1', 200); // nothing listens on port 1
    try {
      for (let i = 0; i < 2; i++) {
        const message = await probe.ping().then(
          () => null,
          (e: Error) => e.message,
        );
        expect(message).toMatch(/^Redis not connected \(\w+: connect ECONNREFUSED 127\.0\.0\.1:1\)$/);
      }
    } finally {
      await probe.close();
    }
  });
});
