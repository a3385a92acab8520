/**
 * /status `.cache`: `entries` are the active cache's. With Redis serving it read the memory LRU's 0 while
 * Redis held the entries; now null (not counted), with the key pattern to count them by.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { type StatusInput, statusDocument } from '../../src/service/routes/status.js';
import type { CacheStats } from '../../src/store/cache.js';
import { IDLE_MEMORY_CACHE } from './helpers/healthSources.js';
import { idleStatusInput } from './helpers/statusInput.js';

const { settings } = loadConfig({ env: {} });

const input = (cache: Partial<CacheStats>): StatusInput =>
  idleStatusInput(settings, { cache: { ...IDLE_MEMORY_CACHE, ...cache } });

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
