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
  // Errors surface through ping(); without a listener ioredis would print each one. The last one says why a ping
  // failed: ioredis' own errors there are "Connection is closed." and "Stream isn't writeable and
  // enableOfflineQueue options is false".
  let lastError = '';
  client.on('error', (e: Error) => {
    lastError = e.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  const notConnected = () =>
    new Error(`Redis not connected (${client.status}${lastError ? `: ${lastError}` : ''})`);
  let connecting: Promise<void> | null = null;
  return {
    async ping() {
      if (client.status === 'wait' || client.status === 'end') {
        connecting ??= client.connect().finally(() => {
          connecting = null;
        });
      }
      // a second probe while the first connects waits for that connection (it failed at once: "connecting")
      if (connecting) {
        try {
          await connecting;
        } catch {
          throw notConnected();
        }
      }
      if (client.status !== 'ready') throw notConnected();
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
