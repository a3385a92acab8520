/**
 * Backup / restore / maintenance under the conditions a production database brings: the service's
 * statement_timeout on every pooled connection, writes during the backup, a restore target whose
 * sessions default to another TimeZone/DateStyle/…, configuration files added after the backup,
 * and file modes of what a backup writes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../src/ops/backup.js';
import { dbMaintenance } from '../../src/ops/dbMaintenance.js';
import { runTool } from '../../src/ops/processRunner.js';
import { restore } from '../../src/ops/restore.js';
import { tableChecksums } from '../../src/ops/tableChecksums.js';
import type { Database, Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { type DatabaseSettings, openDatabase } from '../../src/store/openDatabase.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';
import { tempDir } from '../helpers/tmp.js';

const DATABASE_URL = process.env.DATABASE_URL ?? null;
if (!DATABASE_URL) console.info('DATABASE_URL is not set: the PostgreSQL server variants are skipped');

const settingsFor = (url: string | null, statementTimeoutMs: number): DatabaseSettings => ({
  url,
  data_dir: '/nonexistent',
  pool_size: 1,
  pool_overflow: 1,
  statement_timeout_ms: statementTimeoutMs,
  connect_retries: 0,
});

async function withDb<T>(s: DatabaseSettings, fn: (q: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(s);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Rows whose text form depends on TimeZone, DateStyle, IntervalStyle, extra_float_digits, bytea_output. */
const TYPED_TABLE = `
  CREATE TABLE typed_values (id int PRIMARY KEY, ts timestamptz, d date, f float8, i interval, b bytea);
  INSERT INTO typed_values VALUES
    (1, '2026-11-16 15:30:00+00', '2026-11-16', 1.0 / 3, '1 day 02:03:04', '\\x0102ff'),
    (2, '2026-03-08 06:59:59.123456+00', '2026-03-08', 0.1, '-3 hours', '\\x00');`;

/** Session settings unlike the server defaults the backup was taken with. */
const ODD_SESSION = {
  TimeZone: 'America/New_York',
  DateStyle: 'SQL, DMY',
  IntervalStyle: 'sql_standard',
  extra_float_digits: '0',
  bytea_output: 'escape',
};

const fileModes = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, (statSync(join(dir, f)).mode & 0o777).toString(8)]));

/** A database whose exec/query fail (as a statement timeout would) when `failOn` matches the SQL. */
function failingDb(db: Database, failOn: RegExp): Database {
  const fail = (sql: string) => {
    if (failOn.test(sql)) throw new Error('canceling statement due to statement timeout');
  };
  const wrapQ = (q: Queryable): Queryable => ({
    query: async (sql, params) => {
      fail(sql);
      return q.query(sql, params);
    },
    exec: async (sql) => {
      fail(sql);
      return q.exec(sql);
    },
    copyFrom: (...a) => q.copyFrom(...a),
  });
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query' || prop === 'exec') return wrapQ(target)[prop];
      if (prop === 'transaction')
        return <T>(fn: (tx: Queryable) => Promise<T>) => target.transaction((tx) => fn(wrapQ(tx)));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('backup and checksums on embedded PGlite', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open({ dir: null });
    await migrate(db);
    await db.exec(TYPED_TABLE);
  });
  afterAll(() => db.close());

  it('table checksums do not depend on the session TimeZone, DateStyle, IntervalStyle, extra_float_digits, bytea_output', async () => {
    const before = await tableChecksums(db);
    expect(before.typed_values.rows).toBe(2);
    // inside a caller's transaction with other settings
    const inTx = await db.transaction(async (tx) => {
      for (const [k, v] of Object.entries(ODD_SESSION)) await tx.exec(`SET LOCAL ${k} = '${v}'`);
      return tableChecksums(tx);
    });
    expect(inTx).toEqual(before);
    // a whole session with other settings (PGlite has one session)
    for (const [k, v] of Object.entries(ODD_SESSION)) await db.exec(`SET ${k} = '${v}'`);
    try {
      expect(
        (await db.query<{ d: string }>(`SELECT d::text AS d FROM typed_values WHERE id = 1`)).rows[0].d,
      ).toBe('16/11/2026');
      expect(await tableChecksums(db)).toEqual(before);
    } finally {
      await db.exec('RESET ALL');
    }
  });

  it('every backup file is written with mode 0600 whatever the umask', async () => {
    const tmp = tempDir('oe-backup-mode-');
    const configDir = join(tmp.dir, 'config');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'settings.yaml'), 'alerts:\n  slack:\n    webhook_url: https://secret\n');
    const dir = join(tmp.dir, 'backups');
    const old = process.umask(0o022);
    try {
      const r = await backup(db, { dir, url: null, configDir, retentionDays: 30 });
      expect(r.verification.ok).toBe(true);
      const modes = fileModes(dir);
      expect(Object.keys(modes)).toHaveLength(3);
      expect(Object.values(modes)).toEqual(['600', '600', '600']);
      // the configuration archived before a restore holds the same secrets
      await restore('config', {
        dir,
        stamp: 'latest',
        yes: true,
        url: null,
        dataDir: tmp.dir,
        configDir,
      });
      const after = fileModes(dir);
      expect(Object.keys(after).filter((f) => f.startsWith('config_before_restore_'))).toHaveLength(1);
      expect(Object.values(after).every((m) => m === '600')).toBe(true);
    } finally {
      process.umask(old);
    }
  });

  it('restore config replaces the configuration: files added after the backup are gone (and archived)', async () => {
    const tmp = tempDir('oe-restore-config-');
    const configDir = join(tmp.dir, 'config');
    mkdirSync(join(configDir, 'providers'), { recursive: true });
    writeFileSync(join(configDir, 'settings.yaml'), 'trading:\n  nav: 250000\n');
    writeFileSync(join(configDir, 'providers', 'tradier.yaml'), 'sandbox: true\n');
    const dir = join(tmp.dir, 'backups');
    await backup(db, {
      dir,
      url: null,
      configDir,
      retentionDays: 30,
      only: 'config',
      now: Date.now() - 5000,
    });

    writeFileSync(join(configDir, 'settings.yaml'), 'trading:\n  nav: 1\n');
    writeFileSync(join(configDir, 'monitoring.yaml'), 'rules: []\n');
    writeFileSync(join(configDir, 'providers', 'polygon.yaml'), 'key: x\n');
    const r = await restore('config', {
      dir,
      stamp: 'latest',
      yes: true,
      url: null,
      dataDir: tmp.dir,
      configDir,
    });
    expect(readFileSync(join(configDir, 'settings.yaml'), 'utf8')).toContain('nav: 250000');
    expect(existsSync(join(configDir, 'providers', 'tradier.yaml'))).toBe(true);
    expect(existsSync(join(configDir, 'monitoring.yaml'))).toBe(false);
    expect(existsSync(join(configDir, 'providers', 'polygon.yaml'))).toBe(false);
    const kept = r.keptPrevious.find((k) => k.includes('config_before_restore_')) ?? '';
    const { stdout } = await runTool('tar', ['-tzf', kept]);
    expect(stdout).toContain('monitoring.yaml');
    expect(readdirSync(tmp.dir).sort()).toEqual(['backups', 'config']);
  });

  it('a failing step is named: backup checksums and db-maintenance', async () => {
    const tmp = tempDir('oe-backup-fail-');
    await expect(
      backup(failingDb(db, /FROM "options"/), {
        dir: tmp.dir,
        url: null,
        configDir: null,
        retentionDays: 30,
      }),
    ).rejects.toThrow(
      /^backup: table checksums failed: table options: canceling statement due to statement timeout/,
    );
    await expect(dbMaintenance(failingDb(db, /^REINDEX/))).rejects.toThrow(
      /^db-maintenance: reindex \(REINDEX SCHEMA "public"\) failed: canceling statement due to statement timeout/,
    );
  });
});

describe.skipIf(!DATABASE_URL)('backup, restore and maintenance on a PostgreSQL server', () => {
  const name = `oe_ops_snap_${randomBytes(5).toString('hex')}`;
  const url = (() => {
    if (!DATABASE_URL) return '';
    const u = new URL(DATABASE_URL);
    u.pathname = `/${name}`;
    return u.toString();
  })();
  const client = async (database: string | null) => {
    const c = new pg.Client({ connectionString: database ? url : (DATABASE_URL as string) });
    await c.connect();
    return c;
  };
  const run = async (database: string | null, sql: string) => {
    const c = await client(database);
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  /** The service's settings but a statement_timeout far below what any of this takes. */
  const tight = settingsFor(url, 20);
  const tmp = tempDir('oe-backup-pg-');
  let n = 0;
  const restoreOpts = () => ({
    dir: join(tmp.dir, `b${n}`),
    stamp: 'latest',
    yes: true,
    url,
    dataDir: '/nonexistent',
    configDir: null,
    verify: <T>(fn: (q: Queryable) => Promise<T>) => withDb(tight, fn),
  });

  beforeAll(async () => {
    await run(null, `CREATE DATABASE ${name}`);
    await withDb(settingsFor(url, 60_000), (db) => migrate(db));
    // big enough that a checksum, VACUUM FULL or REINDEX takes far more than 20 ms
    await run(
      name,
      `CREATE TABLE bulk_rows AS SELECT g AS id, md5(g::text) AS t FROM generate_series(1, 300000) g;
       CREATE INDEX bulk_rows_t ON bulk_rows (t);
       CREATE TABLE aaa_writes (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
       ${TYPED_TABLE}`,
    );
  });
  afterAll(() => run(null, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('backup and restore verification run without the statement timeout of the pool (20 ms here)', async () => {
    // the premise: under the pool's timeout a checksum of the big table is cancelled
    await expect(
      withDb(tight, (db) => db.query(`SELECT md5(string_agg(md5(t::text), '' ORDER BY 1)) FROM bulk_rows t`)),
    ).rejects.toThrow(/statement timeout/);
    n++;
    const r = await withDb(tight, (db) =>
      backup(db, { dir: restoreOpts().dir, url, configDir: null, retentionDays: 30, only: 'database' }),
    );
    expect(r.verification).toMatchObject({ ok: true, problems: [] });
    expect(r.manifest.tables.bulk_rows.rows).toBe(300000);
    expect(Object.values(fileModes(restoreOpts().dir))).toEqual(['600', '600']);
    const rr = await restore('database', restoreOpts());
    expect(rr.differences).toEqual([]);
    expect(rr.verified).toBe(true);
  });

  it('db-maintenance: ANALYZE, VACUUM FULL and REINDEX run without the statement timeout of the pool', async () => {
    const r = await withDb(tight, (db) =>
      dbMaintenance(db, { steps: ['analyze', 'vacuum', 'vacuum_full', 'reindex'] }),
    );
    expect(r.steps.map((s) => s.step)).toEqual(['analyze', 'vacuum', 'vacuum_full', 'reindex']);
    // the pool's connections still have the service's timeout
    await withDb(tight, async (db) => {
      for (let i = 0; i < 3; i++)
        expect((await db.query('SHOW statement_timeout')).rows[0]).toEqual({ statement_timeout: '20ms' });
    });
  });

  it('checksums and pg_dump read one snapshot: rows inserted during the backup do not fail verification', async () => {
    const writer = await client(name);
    let stop = false;
    let inserted = 0;
    const writing = (async () => {
      while (!stop) {
        await writer.query('INSERT INTO aaa_writes DEFAULT VALUES');
        inserted++;
      }
    })();
    n++;
    try {
      while (inserted < 5) await new Promise((r) => setTimeout(r, 5));
      const r = await withDb(tight, (db) =>
        backup(db, { dir: restoreOpts().dir, url, configDir: null, retentionDays: 30, only: 'database' }),
      );
      expect(r.verification.ok).toBe(true);
      const during = inserted;
      while (inserted < during + 5) await new Promise((res) => setTimeout(res, 5));
    } finally {
      stop = true;
      await writing;
      await writer.end();
    }
    const rr = await restore('database', restoreOpts());
    expect(rr.differences).toEqual([]);
    expect(rr.verified).toBe(true);
  });

  it('restore verification does not depend on the TimeZone/DateStyle/… the restored database defaults to', async () => {
    n++;
    const r = await withDb(tight, (db) =>
      backup(db, { dir: restoreOpts().dir, url, configDir: null, retentionDays: 30, only: 'database' }),
    );
    expect(r.manifest.tables.typed_values.rows).toBe(2);
    for (const [k, v] of Object.entries(ODD_SESSION))
      await run(null, `ALTER DATABASE ${name} SET ${k} = '${v}'`);
    try {
      const rr = await restore('database', restoreOpts());
      expect(rr.differences).toEqual([]);
      expect(rr.verified).toBe(true);
      expect(await withDb(tight, (db) => tableChecksums(db))).toEqual(r.manifest.tables);
    } finally {
      await run(null, `ALTER DATABASE ${name} RESET ALL`);
    }
  });
});
