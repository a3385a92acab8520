import { createServer, type Server, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/store/cache/memoryCache.js';
import { type CacheBackend, type EngineCache, getJson, openCache, setJson } from '../../src/store/cache.js';

const REDIS_URL = process.env.REDIS_URL ?? null;
if (!REDIS_URL) console.info('REDIS_URL is not set: Redis variants of the cache tests are skipped');
const runPrefix = `options_engine:test:${process.pid}:${Date.now()}:`;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

interface Logged {
  level: string;
  msg: string;
}
function recordingLogger(into: Logged[]) {
  const at = (level: string) => (_obj: object, msg?: string) => into.push({ level, msg: msg ?? '' });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

describe('memory cache', () => {
  it('returns what was set, counts hits and misses, and evicts the least recently used', async () => {
    const c = new MemoryCache({ maxEntries: 2, defaultTtlSeconds: 300 });
    await c.set('a', '1');
    await c.set('b', '2');
    expect(await c.get('a')).toBe('1');
    await c.set('c', '3'); // evicts b, the least recently used
    expect(await c.get('b')).toBeNull();
    expect(c.stats()).toMatchObject({
      active: 'memory',
      hits: 1,
      misses: 1,
      sets: 3,
      hitRate: 50,
      memoryEntries: 2,
    });
  });

  it('expires entries after their TTL', async () => {
    let now = 1_000;
    const c = new MemoryCache({ maxEntries: 10, defaultTtlSeconds: 300, now: () => now });
    await c.set('short', 'x', 5);
    await c.set('default', 'y');
    now += 6_000;
    expect(await c.get('short')).toBeNull();
    expect(await c.get('default')).toBe('y');
    now += 300_000;
    expect(await c.get('default')).toBeNull();
  });

  it('is what openCache gives without a Redis URL; JSON values are compact', async () => {
    const c = await openCache({
      redis_url: null,
      default_timeout: 300,
      threshold: 500,
      key_prefix: 'options_engine:',
    });
    await setJson(c, 'k', { a: [1, 2], b: 'x' }, 60);
    expect(await c.get('k')).toBe('{"a":[1,2],"b":"x"}');
    expect(await getJson(c, 'k')).toEqual({ a: [1, 2], b: 'x' });
    expect(c.stats().configured).toBe('memory');
    await c.close();
  });
});

describe('Redis cache when Redis cannot be reached', () => {
  it('serves from memory with a warning and a fallback count, never failing a call', async () => {
    const logged: Logged[] = [];
    const changes: CacheBackend[] = [];
    const c = await openCache(
      {
        redis_url: `redis://127.0.0.1:${await closedPort()}`,
        default_timeout: 300,
        threshold: 100,
        key_prefix: runPrefix,
      },
      { logger: recordingLogger(logged), onBackendChange: (b) => changes.push(b), connectTimeoutMs: 300 },
    );
    try {
      await c.set('chain:AAPL', 'v1');
      expect(await c.get('chain:AAPL')).toBe('v1');
      expect(await c.get('missing')).toBeNull();
      expect(c.stats()).toMatchObject({
        configured: 'redis',
        active: 'memory',
        fallbacks: 1,
        hits: 1,
        misses: 1,
        hitRate: 50,
      });
      expect(changes).toEqual(['memory']);
      expect(logged.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
        'Redis unavailable: caching in memory until it is back',
      ]);
    } finally {
      await c.close();
    }
  });

  it('keeps passwords out of its log lines', async () => {
    const logged: { obj: object; msg?: string }[] = [];
    const log = (obj: object, msg?: string) => logged.push({ obj, msg });
    const c = await openCache(
      {
        redis_url: `redis://:s3cretpass@127.0.0.1:${await closedPort()}`,
        default_timeout: 300,
        threshold: 10,
        key_prefix: runPrefix,
      },
      { logger: { info: log, warn: log, error: log }, connectTimeoutMs: 200 },
    );
    await c.get('x');
    await c.close();
    expect(JSON.stringify(logged)).not.toContain('s3cretpass');
  });
});

/** A TCP proxy in front of the real Redis that can be stopped and started again on the same port. */
class RedisProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private pairs: [Socket, Socket][] = [];
  private stalled = false;
  port = 0;
  constructor(private readonly target: URL) {}

  /** Connections stay up but nothing is forwarded: Redis "stalls" (no replies, no reset). */
  stall(): void {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
    }
  }

  resume(): void {
    this.stalled = false;
    for (const [client, upstream] of this.pairs) client.pipe(upstream).pipe(client);
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(this.target.port || 6379), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => this.sockets.delete(s));
      }
      this.pairs.push([client, upstream]);
      if (!this.stalled) client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
    this.server = null;
  }
}

describe.skipIf(!REDIS_URL)('Redis cache on the real Redis', () => {
  const direct = REDIS_URL ? new Redis(REDIS_URL) : null;
  const opened: EngineCache[] = [];
  afterAll(async () => {
    for (const c of opened) {
      await c.clear().catch(() => {});
      await c.close();
    }
    const left = await direct!.keys(`${runPrefix}*`);
    if (left.length) await direct!.del(...left);
    direct?.disconnect();
  });

  const settings = (url: string, prefix = runPrefix) => ({
    redis_url: url,
    default_timeout: 300,
    threshold: 100,
    key_prefix: prefix,
  });

  it('stores compact values under the options_engine: prefix with the default TTL', async () => {
    const c = await openCache(settings(REDIS_URL!));
    opened.push(c);
    await setJson(c, 'quote:AAPL', { last: 190.5 }, 300);
    await c.set('plain', 'v');
    expect(await direct!.get(`${runPrefix}quote:AAPL`)).toBe('{"last":190.5}');
    const ttl = await direct!.ttl(`${runPrefix}plain`);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(await c.get('plain')).toBe('v');
    expect(await c.get('nope')).toBeNull();
    expect(c.stats()).toMatchObject({
      configured: 'redis',
      active: 'redis',
      hits: 1,
      misses: 1,
      fallbacks: 0,
    });
    await c.delete('plain');
    expect(await direct!.exists(`${runPrefix}plain`)).toBe(0);
  });

  it('clears only its own prefix', async () => {
    const other = `${runPrefix}other:`;
    await direct!.set(`${other}keep`, 'x', 'EX', 60);
    const c = await openCache(settings(REDIS_URL!, `${runPrefix}mine:`));
    opened.push(c);
    await c.set('a', '1');
    await c.set('b', '2');
    expect(await c.clear()).toBe(2);
    expect(await direct!.get(`${other}keep`)).toBe('x');
  });

  it('after a stall (connected, no replies) stays on memory for a while: one warning, not a timeout per call', async () => {
    const proxy = new RedisProxy(new URL(REDIS_URL!));
    await proxy.start();
    const url = new URL(REDIS_URL!);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const lines: Logged[] = [];
    const changes: CacheBackend[] = [];
    const c = await openCache(settings(url.toString()), {
      logger: recordingLogger(lines),
      onBackendChange: (b) => changes.push(b),
      stallRetryMs: 1500,
    });
    opened.push(c);
    await c.set('s1', 'before');
    proxy.stall();
    await c.set('s2', 'during'); // waits out the command timeout once, then memory
    for (let i = 0; i < 20; i++) expect(await c.get('s2')).toBe('during');
    // one failed command, one warning; it went back to the stalled Redis on every call (21 timeouts, 42 lines)
    expect(c.stats()).toMatchObject({ active: 'memory', errors: 1, fallbacks: 1 });
    expect(lines.filter((l) => l.msg.startsWith('Redis unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg.startsWith('Redis is back'))).toHaveLength(0);
    proxy.resume();
    await new Promise((r) => setTimeout(r, 1600));
    let v: string | null = null;
    for (let i = 0; i < 50 && c.stats().active !== 'redis'; i++) v = await c.get('s1');
    expect(c.stats().active).toBe('redis');
    expect(v ?? (await c.get('s1'))).toBe('before');
    expect(changes).toEqual(['memory', 'redis']);
    await c.close();
    await proxy.stop();
  });

  it('falls back to memory when Redis stops mid-run and returns to Redis when it is back', async () => {
    const proxy = new RedisProxy(new URL(REDIS_URL!));
    await proxy.start();
    const changes: CacheBackend[] = [];
    const url = new URL(REDIS_URL!);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const c = await openCache(settings(url.toString()), { onBackendChange: (b) => changes.push(b) });
    opened.push(c);
    await c.set('k1', 'before');
    expect(c.stats().active).toBe('redis');

    await proxy.stop(); // "Redis" goes away
    // A scan keeps running: every call succeeds.
    await c.set('k2', 'during');
    expect(await c.get('k2')).toBe('during');
    expect(await c.get('k1')).toBeNull(); // was in Redis only
    expect(c.stats()).toMatchObject({ active: 'memory', fallbacks: 1 });

    await proxy.start(); // back on the same port; the client reconnects by itself
    let active = c.stats().active;
    for (let i = 0; i < 100 && active !== 'redis'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await c.get('k1');
      active = c.stats().active;
    }
    expect(active).toBe('redis');
    expect(await c.get('k1')).toBe('before');
    await c.set('k3', 'after');
    expect(await direct!.get(`${runPrefix}k3`)).toBe('after');
    expect(changes).toEqual(['memory', 'redis']);
    await c.close();
    await proxy.stop();
  });
});
