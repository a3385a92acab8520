import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheMaintenance, parseRedisInfo, renderCacheMaintenance } from '../../src/ops/cacheMaintenance.js';

const REDIS_URL = process.env.REDIS_URL ?? null;
if (!REDIS_URL)
  console.info('REDIS_URL is not set: the Redis variant of the cache-maintenance test is skipped');

describe('cache-maintenance', () => {
  it('on the in-memory cache says where to look instead', async () => {
    const r = await cacheMaintenance({ redisUrl: null, prefix: 'options_engine:' });
    expect(r.backend).toBe('memory');
    expect(renderCacheMaintenance(r)).toContain('in-memory LRU');
  });

  it('parses INFO output', () => {
    expect(parseRedisInfo('# Stats\r\nkeyspace_hits:12\r\nkeyspace_misses:3\r\n')).toEqual({
      keyspace_hits: '12',
      keyspace_misses: '3',
    });
  });
});

describe.skipIf(!REDIS_URL)('cache-maintenance on Redis', () => {
  // A prefix of our own so that parallel test files and the real cache are untouched.
  const prefix = `options_engine_test_${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL as string);
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  it('counts and sizes our keys with SCAN + MEMORY USAGE, and removes only those without a TTL', async () => {
    for (let i = 0; i < 30; i++) await redis.set(`${prefix}chain:T${i}`, 'x'.repeat(200), 'EX', 300);
    for (let i = 0; i < 4; i++) await redis.set(`${prefix}quote:Q${i}`, 'y'.repeat(50)); // no TTL
    await redis.set(`other_app:${prefix}keep`, 'z');
    await redis.get(`${prefix}chain:T1`);
    const dry = await cacheMaintenance({ redisUrl: REDIS_URL, prefix, dryRun: true });
    expect(dry).toMatchObject({ backend: 'redis', keys: 34, withoutTtl: 4, removed: 0 });
    expect(dry.groups.map((g) => [g.group, g.keys, g.withoutTtl])).toEqual([
      ['chain', 30, 0],
      ['quote', 4, 4],
    ]);
    expect(dry.bytes).toBeGreaterThan(34 * 50);
    expect(dry.server?.keyspaceHits).toBeGreaterThan(0);
    const r = await cacheMaintenance({ redisUrl: REDIS_URL, prefix });
    expect(r.removed).toBe(4);
    expect(await redis.exists(`${prefix}quote:Q0`)).toBe(0);
    expect(await redis.exists(`${prefix}chain:T0`)).toBe(1);
    expect(await redis.get(`other_app:${prefix}keep`)).toBe('z');
    await redis.del(`other_app:${prefix}keep`);
    expect(renderCacheMaintenance(r)).toMatch(/chain\s+30/);
  });
});
