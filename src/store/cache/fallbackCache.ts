/**
 * Redis first, memory while Redis is unreachable. A failed or impossible Redis command is served
 * by the memory LRU instead (the caller never sees the error); the switch is logged once, counted,
 * and reported through `onBackendChange`. As soon as the Redis client is connected again, reads
 * and writes go back to Redis and the memory LRU is emptied (so that a later outage does not
 * serve values older than what Redis held meanwhile) — once a command there has succeeded.
 *
 * A Redis that stalls (connection up, no replies) fails each command only at the 1 s command timeout while the
 * client still reads as connected: the cache then stays on memory for `stallRetryMs` (30 s) before it tries Redis
 * again, with one warning. It switched back on the next call, which waited its second too: a scan ran 56 times
 * slower, and the log got a pair of "unavailable" / "back" lines per call.
 */
import type { CacheBackend, CacheStats, EngineCache } from '../cache.js';
import { type StoreLogger, silentLogger } from '../db.js';
import type { MemoryCache } from './memoryCache.js';
import type { RedisCache } from './redisCache.js';

export interface FallbackCacheOptions {
  logger?: StoreLogger;
  onBackendChange?: (active: CacheBackend) => void;
  /** After a command failed on a connected client (a stall), how long memory serves before Redis is tried, ms. */
  stallRetryMs?: number;
}

/** Default of `stallRetryMs`. */
const STALL_RETRY_MS = 30_000;

export class FallbackCache implements EngineCache {
  private active: CacheBackend = 'redis';
  private hits = 0;
  private misses = 0;
  private sets = 0;
  private errors = 0;
  private fallbacks = 0;
  /** Epoch ms before which a connected client is not used again (after a stall). */
  private retryAt = 0;
  private readonly logger: StoreLogger;

  constructor(
    private readonly redis: RedisCache,
    private readonly memory: MemoryCache,
    private readonly opts: FallbackCacheOptions = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** Waits for the first connection; starts on memory (with the warning) when it does not come. */
  async waitForRedis(timeoutMs: number): Promise<void> {
    if (!(await this.redis.waitReady(timeoutMs)))
      this.toMemory(this.redis.lastConnectionError ?? 'not connected');
  }

  private toMemory(reason: string): void {
    if (this.active === 'memory') return;
    this.active = 'memory';
    this.fallbacks++;
    this.logger.warn(
      { redis: this.redis.location, err: reason },
      'Redis unavailable: caching in memory until it is back',
    );
    this.opts.onBackendChange?.('memory');
  }

  private toRedis(): void {
    this.active = 'redis';
    this.memory.reset();
    this.logger.info({ redis: this.redis.location }, 'Redis is back: caching in Redis again');
    this.opts.onBackendChange?.('redis');
  }

  /** Runs `onRedis` when Redis can take it, else (or on its failure) `onMemory`. */
  private async route<T>(onRedis: () => Promise<T>, onMemory: () => T): Promise<T> {
    if (this.redis.ready && (this.active === 'redis' || Date.now() >= this.retryAt)) {
      try {
        const v = await onRedis();
        if (this.active === 'memory') this.toRedis();
        return v;
      } catch (e) {
        this.errors++;
        // A reply error (Redis answered, e.g. WRONGTYPE) says nothing about the connection: serve
        // this call from memory without switching.
        if (!(e instanceof Error && e.name === 'ReplyError')) {
          // a command timeout on a connected client is a stall: memory serves for a while before Redis is tried
          // again; a closed connection comes back as soon as the client has reconnected
          const message = e instanceof Error ? e.message : String(e);
          this.retryAt = /timed out/i.test(message)
            ? Date.now() + (this.opts.stallRetryMs ?? STALL_RETRY_MS)
            : 0;
          this.toMemory(message);
        }
      }
    } else if (this.active === 'redis' && !this.redis.ready) {
      this.retryAt = 0; // a lost connection: back to Redis as soon as the client has reconnected
      this.toMemory(this.redis.lastConnectionError ?? 'connection lost');
    }
    return onMemory();
  }

  async get(key: string): Promise<string | null> {
    const v = await this.route(
      () => this.redis.get(key),
      () => this.memory.peek(key),
    );
    if (v === null) this.misses++;
    else this.hits++;
    return v;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.sets++;
    await this.route(
      () => this.redis.set(key, value, ttlSeconds),
      () => this.memory.put(key, value, ttlSeconds),
    );
  }

  async delete(key: string): Promise<void> {
    // Delete from both: memory may hold a copy written during an outage.
    await this.memory.delete(key);
    await this.route(
      () => this.redis.delete(key),
      () => undefined,
    );
  }

  async clear(): Promise<number> {
    const inMemory = await this.memory.clear();
    return this.route(
      async () => (await this.redis.clear()) + inMemory,
      () => inMemory,
    );
  }

  stats(): CacheStats {
    const reads = this.hits + this.misses;
    return {
      configured: 'redis',
      active: this.active,
      hits: this.hits,
      misses: this.misses,
      sets: this.sets,
      errors: this.errors,
      fallbacks: this.fallbacks,
      hitRate: reads ? (100 * this.hits) / reads : null,
      memoryEntries: this.memory.size,
    };
  }

  async close(): Promise<void> {
    await this.redis.close();
    await this.memory.close();
  }
}
