/**
 * `ops cache-maintenance`: what the guide's `redis-cli FLUSHEXPIRED` (not a Redis command) and
 * `redis-cli MEMORY USAGE options_engine:*` (MEMORY USAGE takes one key, not a pattern) meant to
 * do. Redis removes expired keys itself (lazily on access and by its active expiry cycle; the SCAN
 * below also touches every key of ours, which expires the stale ones). What can pile up are keys
 * WITHOUT a TTL: those of our prefix are removed (UNLINK), unless `dryRun`. Keys are walked with
 * SCAN — never KEYS, which blocks the server — and sized with MEMORY USAGE one key at a time,
 * pipelined per SCAN batch.
 */
import { RedisCache } from '../store/cache/redisCache.js';
import { fmtBytes, fmtPct, section, textTable } from './text.js';

export interface KeyGroup {
  /** First segment after the prefix, e.g. `chain` of `options_engine:chain:AAPL`. */
  group: string;
  keys: number;
  bytes: number;
  withoutTtl: number;
}

export interface CacheMaintenanceReport {
  backend: 'redis' | 'memory';
  /** Redis URL without password. */
  location: string | null;
  prefix: string;
  server: {
    keyspaceHits: number;
    keyspaceMisses: number;
    /** hits / (hits + misses); null before any read. */
    hitRate: number | null;
    expiredKeys: number;
    evictedKeys: number;
    usedMemoryBytes: number;
    /** All keys of the selected Redis database (not only ours). */
    dbKeys: number;
  } | null;
  keys: number;
  bytes: number;
  withoutTtl: number;
  removed: number;
  dryRun: boolean;
  groups: KeyGroup[];
  note: string | null;
}

/** `INFO` text → field map. */
export function parseRedisInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export interface CacheMaintenanceOptions {
  redisUrl: string | null;
  prefix: string;
  dryRun?: boolean;
}

export async function cacheMaintenance(o: CacheMaintenanceOptions): Promise<CacheMaintenanceReport> {
  if (!o.redisUrl) {
    return {
      backend: 'memory',
      location: null,
      prefix: o.prefix,
      server: null,
      keys: 0,
      bytes: 0,
      withoutTtl: 0,
      removed: 0,
      dryRun: o.dryRun ?? false,
      groups: [],
      note: 'no REDIS_URL: the cache is the in-memory LRU inside the service process (bounded by CACHE_THRESHOLD, entries expire by TTL); see cache_hit_rate in /metrics',
    };
  }
  if (!o.prefix) throw new Error('cache-maintenance: refusing to work on a Redis cache without a key prefix');
  const redis = new RedisCache({ url: o.redisUrl, prefix: o.prefix, defaultTtlSeconds: 300 });
  try {
    if (!(await redis.waitReady(3000)))
      throw new Error(`cannot reach Redis at ${redis.location}: ${redis.lastConnectionError ?? 'timeout'}`);
    const c = redis.client;
    const info = parseRedisInfo(await c.info());
    const hits = Number(info.keyspace_hits ?? 0);
    const misses = Number(info.keyspace_misses ?? 0);
    const groups = new Map<string, KeyGroup>();
    const pattern = `${o.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    let keys = 0;
    let bytes = 0;
    let withoutTtl = 0;
    let removed = 0;
    do {
      const [next, batch] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (batch.length === 0) continue;
      const p = c.pipeline();
      for (const k of batch) {
        p.call('MEMORY', 'USAGE', k);
        p.pttl(k);
      }
      const res = (await p.exec()) ?? [];
      const noTtl: string[] = [];
      batch.forEach((k, i) => {
        const size = Number(res[2 * i]?.[1] ?? 0);
        const ttl = Number(res[2 * i + 1]?.[1] ?? -2);
        if (ttl === -2) return; // expired or deleted between SCAN and now
        const name = k.slice(o.prefix.length).split(':')[0] || '(root)';
        const g = groups.get(name) ?? { group: name, keys: 0, bytes: 0, withoutTtl: 0 };
        g.keys++;
        g.bytes += size;
        keys++;
        bytes += size;
        if (ttl === -1) {
          g.withoutTtl++;
          withoutTtl++;
          noTtl.push(k);
        }
        groups.set(name, g);
      });
      if (!o.dryRun && noTtl.length) removed += await c.unlink(...noTtl);
    } while (cursor !== '0');
    const dbKeys = Object.entries(info)
      .filter(([k]) => /^db\d+$/.test(k))
      .reduce((a, [, v]) => a + Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), 0);
    return {
      backend: 'redis',
      location: redis.location,
      prefix: o.prefix,
      server: {
        keyspaceHits: hits,
        keyspaceMisses: misses,
        hitRate: hits + misses > 0 ? hits / (hits + misses) : null,
        expiredKeys: Number(info.expired_keys ?? 0),
        evictedKeys: Number(info.evicted_keys ?? 0),
        usedMemoryBytes: Number(info.used_memory ?? 0),
        dbKeys,
      },
      keys,
      bytes,
      withoutTtl,
      removed,
      dryRun: o.dryRun ?? false,
      groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes),
      note: null,
    };
  } finally {
    await redis.close();
  }
}

export function renderCacheMaintenance(r: CacheMaintenanceReport): string {
  if (r.backend === 'memory') return `Cache: in-memory\n${r.note}\n`;
  const s = r.server;
  return [
    `Cache: Redis ${r.location}, prefix ${r.prefix}\n`,
    section(
      'Server',
      s
        ? [
            `keyspace_hits ${s.keyspaceHits}, keyspace_misses ${s.keyspaceMisses} (hit rate ${fmtPct(s.hitRate)})`,
            `expired_keys ${s.expiredKeys}, evicted_keys ${s.evictedKeys}, used_memory ${fmtBytes(s.usedMemoryBytes)}, keys in all databases ${s.dbKeys}`,
          ].join('\n')
        : '-',
    ),
    section(
      `Keys of ${r.prefix}*`,
      r.groups.length
        ? textTable(
            ['Group', 'Keys', 'Memory', 'Without TTL'],
            r.groups.map((g) => [g.group, g.keys, fmtBytes(g.bytes), g.withoutTtl]),
          )
        : '(none)',
    ),
    `Total: ${r.keys} keys, ${fmtBytes(r.bytes)}; without TTL: ${r.withoutTtl}; ${r.dryRun ? 'dry run, nothing removed' : `removed ${r.removed}`}\n`,
  ].join('\n');
}
