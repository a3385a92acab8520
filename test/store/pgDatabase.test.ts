import { createServer, type Server, Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { openDatabase } from '../../src/store/openDatabase.js';
import { PgDatabase } from '../../src/store/pgDatabase.js';
import { DATABASE_URL, engineUnavailable } from './helpers/testDatabase.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

function collectingLogger() {
  const warnings: object[] = [];
  return { warnings, logger: { info() {}, error() {}, warn: (o: object) => warnings.push(o) } };
}

const base = { poolSize: 2, poolOverflow: 3, statementTimeoutMs: 30_000, retryDelayMs: 10 };

describe('PostgreSQL start-up', () => {
  it('retries an unreachable server, then fails with a message naming it but not the password', async () => {
    const port = await closedPort();
    const { warnings, logger } = collectingLogger();
    const err = await PgDatabase.open({
      ...base,
      url: `postgres://app:hunter22@127.0.0.1:${port}/options_engine`,
      connectRetries: 2,
      logger,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(
      new RegExp(`^cannot connect to postgres://127.0.0.1:${port}/options_engine: .*after 3 attempts`),
    );
    expect((err as Error).message).not.toContain('hunter22');
    expect(warnings).toHaveLength(2);
    expect(JSON.stringify(warnings)).not.toContain('hunter22');
  });
});

describe.skipIf(engineUnavailable('postgres'))('PostgreSQL pool on the real server', () => {
  const target = new URL(DATABASE_URL ?? 'postgres://x');
  let proxy: Server | null = null;
  const sockets = new Set<Socket>();
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
  });

  it('connects once the server comes up during the start-up retries', async () => {
    const port = await closedPort();
    const url = new URL(DATABASE_URL!);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const { warnings, logger } = collectingLogger();
    const opening = PgDatabase.open({
      ...base,
      url: url.toString(),
      connectRetries: 8,
      retryDelayMs: 100,
      logger,
    });
    await new Promise((r) => setTimeout(r, 150));
    proxy = createServer((client) => {
      const up = new Socket();
      up.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, up]) {
        sockets.add(s);
        s.on('error', () => {});
      }
      client.pipe(up).pipe(client);
    });
    await new Promise<void>((r) => proxy!.listen(port, '127.0.0.1', r));
    const db = await opening;
    try {
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('sizes the pool as pool_size + pool_overflow and never opens more', async () => {
    const db = await openDatabase({
      url: DATABASE_URL,
      data_dir: '/nonexistent',
      pool_size: 2,
      pool_overflow: 3,
      statement_timeout_ms: 30_000,
      connect_retries: 0,
    });
    try {
      expect(db.engine).toBe('postgres');
      const pool = db as PgDatabase;
      let peak = 0;
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          await db.query('SELECT pg_sleep(0.05)');
          peak = Math.max(peak, pool.poolStats().total);
        }),
      );
      expect(pool.poolStats().max).toBe(5);
      expect(peak).toBeLessThanOrEqual(5);
    } finally {
      await db.close();
    }
  });

  it('applies statement_timeout to every connection', async () => {
    const db = await PgDatabase.open({
      ...base,
      url: DATABASE_URL!,
      statementTimeoutMs: 100,
      connectRetries: 0,
    });
    try {
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
      const r = await db.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(r.rows[0].statement_timeout).toBe('100ms');
    } finally {
      await db.close();
    }
  });

  it("gives an advisory lock's connection back to the pool when its session was killed (it leaked: the pool hung)", async () => {
    const app = `oe-lock-${process.pid}`;
    const db = await PgDatabase.open({
      ...base,
      poolSize: 1,
      poolOverflow: 0,
      url: DATABASE_URL!,
      connectRetries: 0,
      applicationName: app,
    });
    const admin = await PgDatabase.open({ ...base, url: DATABASE_URL!, connectRetries: 0 });
    try {
      const lock = await db.tryAdvisoryLock(`lost-${process.pid}`);
      expect(lock?.held).toBe(true);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      for (let i = 0; i < 200 && lock?.held; i++) await new Promise((r) => setTimeout(r, 10));
      expect(lock?.held).toBe(false);
      await lock?.release();
      // the pool's only connection is free again: this query would wait for ever
      const r = await Promise.race([
        db.query<{ ok: number }>('SELECT 1 AS ok').then((x) => x.rows),
        new Promise((res) => setTimeout(() => res('pool exhausted'), 10_000)),
      ]);
      expect(r).toEqual([{ ok: 1 }]);
    } finally {
      await admin.close();
      await db.close();
    }
  });

  it('survives a connection killed by the server and keeps serving', async () => {
    const db = await PgDatabase.open({
      ...base,
      url: DATABASE_URL!,
      connectRetries: 0,
      applicationName: `oe-kill-${process.pid}`,
    });
    try {
      // its outcome is read at once: it fails while the admin connection is still closing, and a rejection with
      // no handler yet is an unhandled one (a CI run failed on it with every test green)
      const victim = db
        .transaction(async (tx) => {
          await tx.query('SELECT pg_sleep(5)');
        })
        .then(
          () => 'committed',
          (e: Error) => e.message,
        );
      const admin = await PgDatabase.open({ ...base, url: DATABASE_URL!, connectRetries: 0 });
      try {
        for (let i = 0; i < 100; i++) {
          const r = await admin.query(
            `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'SELECT pg_sleep(5)%'`,
            [`oe-kill-${process.pid}`],
          );
          if (r.rowCount > 0) break;
          await new Promise((res) => setTimeout(res, 20));
        }
      } finally {
        await admin.close();
      }
      expect(await victim).toMatch(/terminat/);
      expect((await db.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await db.close();
    }
  });
});
