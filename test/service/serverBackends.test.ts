/**
 * The real service on PostgreSQL (a fresh schema, dropped afterwards) and Redis (a unique key
 * prefix), when DATABASE_URL / REDIS_URL are set; and the scan lock of several instances.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanGateFor } from '../../src/service/scanGate.js';
import { PgDatabase } from '../../src/store/pgDatabase.js';
import { type ServiceProcess, sh, startServiceProcess } from './helpers/serviceProcess.js';

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
if (!DATABASE_URL)
  console.info('DATABASE_URL is not set: the service tests on a PostgreSQL server are skipped');
if (DATABASE_URL && !REDIS_URL)
  console.info('REDIS_URL is not set: the service runs on PostgreSQL with the memory cache');

const schema = `oe_svc_${randomBytes(5).toString('hex')}`;
const prefix = `options_engine:${schema}:`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** DATABASE_URL with this test's schema alone on the search_path. */
function schemaUrl(): string {
  const u = new URL(DATABASE_URL!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

describe.skipIf(!DATABASE_URL)('on PostgreSQL and Redis', () => {
  let svc: ServiceProcess;

  beforeAll(async () => {
    await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
    svc = await startServiceProcess({
      env: { DATABASE_URL: schemaUrl(), ...(REDIS_URL ? { REDIS_URL } : {}) },
      settings: `cache:\n  key_prefix: '${prefix}'\n`,
    });
  });
  afterAll(async () => {
    await svc?.dispose();
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    if (REDIS_URL) {
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
    }
  });

  it("reports the server's response times in /health", async () => {
    const doc = JSON.parse(await sh(`curl -s http://localhost:${svc.port}/health | jq '.'`)) as {
      status: string;
      checks: Record<string, { status: string; observedValue: unknown; componentId?: string }[]>;
    };
    const pgCheck = doc.checks['postgres:responseTime'][0];
    expect(pgCheck.status).toBe('pass');
    expect(pgCheck.componentId).toMatch(/^postgres:\/\/[^@]+$/);
    if (REDIS_URL) {
      expect(doc.checks['redis:responseTime'][0]).toMatchObject({ status: 'pass' });
      expect(typeof doc.checks['redis:responseTime'][0].observedValue).toBe('number');
    }
  });

  it('stores the scan, its trades and option snapshots on the server, under the scan lock', async () => {
    const status = JSON.parse(await sh(`curl -s http://localhost:${svc.port}/status`)) as {
      lastScan: { id: string; status: string; tradeCount: number; saved: boolean };
      database: { engine: string };
      nextScan: { scanLock: string };
      cache: { active: string; entries: number | null; redisKeys: string | null };
    };
    expect(status.database.engine).toBe('postgres');
    expect(status.nextScan.scanLock).toMatch(/advisory lock/);
    expect(status.lastScan).toMatchObject({ status: 'completed', saved: true });
    // Redis holds the entries: not the memory LRU's 0, but null and the pattern to count them by
    if (REDIS_URL)
      expect(status.cache).toMatchObject({ active: 'redis', entries: null, redisKeys: `${prefix}*` });
    const counts = await admin(async (c) => {
      const r = await c.query(
        `SELECT (SELECT count(*)::int FROM ${schema}.trades WHERE scan_id = $1) AS trades,
                (SELECT count(*)::int FROM ${schema}.options WHERE scan_id = $1) AS options`,
        [status.lastScan.id],
      );
      return r.rows[0] as { trades: number; options: number };
    });
    expect(counts.trades).toBe(status.lastScan.tradeCount);
    // The test service stores every collected chain (snapshot_scope: all, see helpers/serviceProcess.ts).
    expect(counts.options).toBeGreaterThan(0);
    const kpi = await sh(
      `curl -s http://localhost:${svc.port}/metrics | jq -r '"\\(.cache_hit_rate) \\(.active_connections)"'`,
    );
    expect(kpi.trim()).toMatch(/^\d+(\.\d+)? [1-9]\d*$/);
  });

  it('keys the scan lock by schema: a deployment in another schema of the same database is not skipped', async () => {
    const other = `${schema}_b`;
    await admin((c) => c.query(`CREATE SCHEMA IF NOT EXISTS ${other}`));
    const open = (s: string) =>
      PgDatabase.open({
        url: DATABASE_URL!,
        poolSize: 2,
        poolOverflow: 1,
        statementTimeoutMs: 10_000,
        connectRetries: 0,
        schema: s,
      });
    const [a, b] = await Promise.all([open(schema), open(other)]);
    let release: () => void = () => {};
    try {
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = scanGateFor(a).exclusive(async () => {
        await held;
        return 'a';
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(await scanGateFor(b).exclusive(async () => 'b')).toEqual({ acquired: true, value: 'b' });
      expect(await scanGateFor(a).exclusive(async () => 'a2')).toEqual({ acquired: false });
      release();
      await first;
    } finally {
      release(); // a failed expectation must not leave the lock's transaction open
      await Promise.all([a.close(), b.close()]);
      await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${other} CASCADE`));
    }
  });

  it("asks the server for TCP keepalives and keeps the URL's own startup options", async () => {
    // a crashed or partitioned client's session held the scan lock for the kernel's default 2 hours
    const db = await PgDatabase.open({
      url: schemaUrl(),
      poolSize: 1,
      poolOverflow: 0,
      statementTimeoutMs: 10_000,
      connectRetries: 0,
      keepalives: true,
    });
    try {
      const r = await db.query<{ idle: string; path: string }>(
        `SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('search_path') AS path`,
      );
      expect(r.rows[0]).toEqual({ idle: '60', path: schema });
    } finally {
      await db.close();
    }
  });

  it('lets only one instance hold the scan lock at a time', async () => {
    const db = await PgDatabase.open({
      url: DATABASE_URL!,
      poolSize: 2,
      poolOverflow: 1,
      statementTimeoutMs: 10_000,
      connectRetries: 0,
      schema,
    });
    try {
      const gate = scanGateFor(db);
      expect(gate.shared).toBe(true);
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = gate.exclusive(async () => {
        await held;
        return 'first';
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(await gate.exclusive(async () => 'second')).toEqual({ acquired: false });
      release();
      expect(await first).toEqual({ acquired: true, value: 'first' });
      expect(await gate.exclusive(async () => 'third')).toEqual({ acquired: true, value: 'third' });
    } finally {
      await db.close();
    }
  });
});
