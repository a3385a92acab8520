/**
 * Redis access for the cache (ioredis). Keys get the configured prefix (`options_engine:`), values
 * are stored as given with `SET … EX ttl`. Commands fail fast while disconnected (no offline
 * queue, no per-command retries, 1 s command timeout) so that FallbackCache can serve from memory
 * at once; the client keeps reconnecting in the background.
 */
import { Redis } from 'ioredis';
import { StoreError } from '../errors.js';
import { redactUrl } from '../redactUrl.js';

export interface RedisCacheOptions {
  url: string;
  /** Prepended to every key, e.g. `options_engine:`. */
  prefix: string;
  defaultTtlSeconds: number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export class RedisCache {
  readonly client: Redis;
  readonly prefix: string;
  /** The URL without password, safe to log. */
  readonly location: string;
  private readonly defaultTtlSeconds: number;
  private lastError: string | null = null;

  constructor(opts: RedisCacheOptions) {
    this.prefix = opts.prefix;
    this.defaultTtlSeconds = opts.defaultTtlSeconds;
    this.location = redactUrl(opts.url);
    this.client = new Redis(opts.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 1000,
      connectTimeout: opts.connectTimeoutMs ?? 2000,
      // Reconnect forever: 100 ms, 200 ms, … capped at 2 s.
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    // Without a listener ioredis prints every connection error; FallbackCache reports state changes.
    this.client.on('error', (e: Error) => {
      this.lastError = e.message;
    });
  }

  /** Whether commands can be sent now. */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /** The last connection error seen, for the fallback warning. */
  get lastConnectionError(): string | null {
    return this.lastError;
  }

  /** Resolves true once connected, false after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.once('ready', onReady);
    });
  }

  get(key: string): Promise<string | null> {
    return this.client.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds ?? this.defaultTtlSeconds));
    await this.client.set(this.prefix + key, value, 'EX', ttl);
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  /** Deletes every key under the prefix (SCAN + UNLINK, never FLUSHALL); returns how many. */
  async clear(): Promise<number> {
    if (!this.prefix) throw new StoreError('refusing to clear a Redis cache without a key prefix');
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length) n += await this.client.unlink(...keys);
    } while (cursor !== '0');
    return n;
  }

  async close(): Promise<void> {
    try {
      if (this.ready) await this.client.quit();
      else this.client.disconnect();
    } catch {
      this.client.disconnect();
    }
  }
}
