/**
 * The engine's cache: Redis (ioredis) when `cache.redis_url` (REDIS_URL) is set — keys prefixed
 * `options_engine:`, each entry with its TTL (chains `cache.default_timeout`, CACHE_DEFAULT_TIMEOUT, 300 s; see
 * scan/runScan.ts `cacheTtls`; entries set without one get that too) — otherwise an
 * in-memory LRU of `cache.threshold` (CACHE_THRESHOLD) entries. With Redis, the memory LRU is the
 * fallback while Redis is unreachable, with a warning and automatic return when it is back.
 * Hit/miss counters feed the `cache_hit_rate` metric.
 */
import type { MarketCache } from '../market/provider.js';
import { FallbackCache } from './cache/fallbackCache.js';
import { MemoryCache } from './cache/memoryCache.js';
import { RedisCache } from './cache/redisCache.js';
import type { StoreLogger } from './db.js';

export type CacheBackend = 'redis' | 'memory';

export interface CacheStats {
  /** What was configured. */
  configured: CacheBackend;
  /** What serves right now (memory while Redis is down). */
  active: CacheBackend;
  hits: number;
  misses: number;
  sets: number;
  /** Redis commands that failed (each one was served by memory instead). */
  errors: number;
  /** Times the cache fell back from Redis to memory. */
  fallbacks: number;
  /** hits / (hits + misses) in percent (the guide's `cache_hit_rate`); null before any read. */
  hitRate: number | null;
  /** Entries held in the memory LRU. */
  memoryEntries: number;
}

/** The stats of a cache on `backend` that has served nothing yet. */
export function idleCacheStats(backend: CacheBackend): CacheStats {
  return {
    configured: backend,
    active: backend,
    hits: 0,
    misses: 0,
    sets: 0,
    errors: 0,
    fallbacks: 0,
    hitRate: null,
    memoryEntries: 0,
  };
}

/** A string cache with TTL. `set` without a TTL uses the configured default. */
export interface EngineCache extends MarketCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key of this cache (only keys under its prefix on Redis); returns how many. */
  clear(): Promise<number>;
  stats(): CacheStats;
  close(): Promise<void>;
}

/** The `cache` section of the settings. */
export interface CacheSettings {
  redis_url: string | null;
  /** Default TTL, seconds. */
  default_timeout: number;
  /** Maximum entries of the memory LRU. */
  threshold: number;
  key_prefix: string;
}

export interface OpenCacheOptions {
  logger?: StoreLogger;
  /** Called when the active backend changes (for a gauge or an alert). */
  onBackendChange?: (active: CacheBackend) => void;
  /** How long to wait for Redis at start before serving from memory, ms (default 2000). */
  connectTimeoutMs?: number;
  /** After Redis stalled, how long memory serves before Redis is tried again, ms (default 30 s). */
  stallRetryMs?: number;
}

export async function openCache(settings: CacheSettings, opts: OpenCacheOptions = {}): Promise<EngineCache> {
  const memory = new MemoryCache({
    maxEntries: settings.threshold,
    defaultTtlSeconds: settings.default_timeout,
  });
  if (!settings.redis_url) return memory;
  const redis = new RedisCache({
    url: settings.redis_url,
    prefix: settings.key_prefix,
    defaultTtlSeconds: settings.default_timeout,
    connectTimeoutMs: opts.connectTimeoutMs ?? 2000,
  });
  const cache = new FallbackCache(redis, memory, {
    logger: opts.logger,
    onBackendChange: opts.onBackendChange,
    stallRetryMs: opts.stallRetryMs,
  });
  await cache.waitForRedis(opts.connectTimeoutMs ?? 2000);
  return cache;
}

/** Reads a JSON value written by setJson; null when absent or unparsable. */
export async function getJson<T>(cache: MarketCache, key: string): Promise<T | null> {
  const raw = await cache.get(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

/** Writes a value as compact JSON (no indentation). */
export function setJson(cache: MarketCache, key: string, value: unknown, ttlSeconds: number): Promise<void> {
  return cache.set(key, JSON.stringify(value), ttlSeconds);
}
