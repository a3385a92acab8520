/**
 * A PING to Redis on a connection of its own, for the `redis:responseTime` health check. The
 * cache's own client is not used: a probe must not count as a cache read (it would skew
 * `cache_hit_rate`), and the cache hides Redis failures behind its memory fallback on purpose.
 */
import { Redis } from 'ioredis';

export interface RedisProbe {
  /** Round-trip time of a PING, ms; rejects when Redis does not answer within the timeout. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

export function createRedisProbe(url: string, timeoutMs = 2000): RedisProbe {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (times) => Math.min(200 * times, 5000),
  });
  // Errors surface through ping(); without a listener ioredis would print each one.
  client.on('error', () => {});
  let connecting: Promise<void> | null = null;
  return {
    async ping() {
      if (client.status === 'wait' || client.status === 'end') {
        connecting ??= client.connect().finally(() => {
          connecting = null;
        });
        await connecting;
      }
      const t0 = performance.now();
      await client.ping();
      return performance.now() - t0;
    },
    async close() {
      try {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      } catch {
        client.disconnect();
      }
    },
  };
}
