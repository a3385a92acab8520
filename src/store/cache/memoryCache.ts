/** The in-memory LRU cache (lru-cache): bounded by entries, each entry with its own TTL. */
import { LRUCache } from 'lru-cache';
import type { CacheStats, EngineCache } from '../cache.js';

export interface MemoryCacheOptions {
  maxEntries: number;
  /** TTL when `set` gets none, seconds. */
  defaultTtlSeconds: number;
  /** Clock in ms (tests); default performance.now. */
  now?: () => number;
}

export class MemoryCache implements EngineCache {
  private readonly lru: LRUCache<string, string>;
  private readonly defaultTtlMs: number;
  private hits = 0;
  private misses = 0;
  private sets = 0;

  constructor(opts: MemoryCacheOptions) {
    this.defaultTtlMs = opts.defaultTtlSeconds * 1000;
    this.lru = new LRUCache<string, string>({
      max: opts.maxEntries,
      ttl: this.defaultTtlMs,
      allowStale: false,
      ...(opts.now ? { perf: { now: opts.now }, ttlResolution: 0 } : {}),
    });
  }

  /** Raw read without counting (for FallbackCache, which counts itself). */
  peek(key: string): string | null {
    return this.lru.get(key) ?? null;
  }

  /** Raw write without counting. */
  put(key: string, value: string, ttlSeconds?: number): void {
    this.lru.set(key, value, { ttl: ttlSeconds !== undefined ? ttlSeconds * 1000 : this.defaultTtlMs });
  }

  async get(key: string): Promise<string | null> {
    const v = this.peek(key);
    if (v === null) this.misses++;
    else this.hits++;
    return v;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.sets++;
    this.put(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    this.lru.delete(key);
  }

  async clear(): Promise<number> {
    return this.reset();
  }

  /** Empties the cache at once; returns how many entries it held. */
  reset(): number {
    const n = this.lru.size;
    this.lru.clear();
    return n;
  }

  get size(): number {
    return this.lru.size;
  }

  stats(): CacheStats {
    const reads = this.hits + this.misses;
    return {
      configured: 'memory',
      active: 'memory',
      hits: this.hits,
      misses: this.misses,
      sets: this.sets,
      errors: 0,
      fallbacks: 0,
      hitRate: reads ? (100 * this.hits) / reads : null,
      memoryEntries: this.lru.size,
    };
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
