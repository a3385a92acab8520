/**
 * /status `.cache`: `entries` are the active cache's. With Redis serving it read the memory LRU's 0 while
 * Redis held the entries; now null (not counted), with the key pattern to count them by.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { type StatusInput, statusDocument } from '../../src/service/routes/status.js';
import type { CacheStats } from '../../src/store/cache.js';

const { settings } = loadConfig({ env: {} });

function input(cache: Partial<CacheStats>): StatusInput {
  const now = Date.UTC(2026, 10, 25, 15, 0);
  return {
    version: '0.0.0-test',
    instance: 'test',
    pid: 1,
    startedAt: now - 60_000,
    now,
    settings,
    files: [],
    scheduler: {
      running: null,
      last: null,
      lastSkipped: null,
      nextRunAt: null,
      lastCompletedAt: null,
      stopped: false,
    },
    gateShared: false,
    database: { engine: 'pglite', location: 'pglite:memory', migration: 1, embeddedUrl: null },
    cache: {
      configured: 'memory',
      active: 'memory',
      hits: 0,
      misses: 0,
      sets: 0,
      errors: 0,
      fallbacks: 0,
      hitRate: null,
      memoryEntries: 0,
      ...cache,
    },
    providers: {
      choice: { primary: 'simulated', fallback: null, macro: null, flowNeutral: true, notes: [] },
      circuits: {},
    },
    reload: null,
  } as StatusInput;
}

describe('/status cache', () => {
  const prefix = settings.cache.key_prefix;

  it('does not report the memory LRU as the entries while Redis holds them', () => {
    const c = statusDocument(
      input({ configured: 'redis', active: 'redis', sets: 57, memoryEntries: 0 }),
    ).cache;
    expect(c).toEqual({
      configured: 'redis',
      active: 'redis',
      entries: null,
      memoryEntries: 0,
      redisKeys: `${prefix}*`,
    });
  });

  it('counts the memory LRU when memory serves (no Redis, or Redis down)', () => {
    expect(statusDocument(input({ memoryEntries: 12 })).cache).toEqual({
      configured: 'memory',
      active: 'memory',
      entries: 12,
      memoryEntries: 12,
      redisKeys: null,
    });
    const down = statusDocument(input({ configured: 'redis', active: 'memory', memoryEntries: 3 })).cache;
    expect(down).toMatchObject({ active: 'memory', entries: 3, redisKeys: `${prefix}*` });
  });
});
