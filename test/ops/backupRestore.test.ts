import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { backup, renderBackup } from '../../src/ops/backup.js';
import { describeFile, listManifests } from '../../src/ops/backupFiles.js';
import { runTool } from '../../src/ops/processRunner.js';
import { BackupDamagedError, RestoreRefusedError, renderRestore, restore } from '../../src/ops/restore.js';
import { tableChecksums } from '../../src/ops/tableChecksums.js';
import type { Database, Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { type DatabaseSettings, openDatabase } from '../../src/store/openDatabase.js';
import { PgliteDatabase } from '../../src/store/pgliteDatabase.js';
import { tempDir } from '../helpers/tmp.js';
import { adminQuery } from '../store/helpers/testDatabase.js';
import { fillWithScans } from './helpers/scannedDatabase.js';

const DATABASE_URL = process.env.DATABASE_URL ?? null;
if (!DATABASE_URL)
  console.info('DATABASE_URL is not set: the pg_dump/pg_restore variant of the backup test is skipped');

const settingsFor = (url: string | null, dataDir: string): DatabaseSettings => ({
  url,
  data_dir: dataDir,
  pool_size: 2,
  pool_overflow: 1,
  statement_timeout_ms: 60_000,
  connect_retries: 0,
});

async function withDb<T>(s: DatabaseSettings, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const db = await openDatabase(s);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Fills, backs up, damages, refuses without --yes, restores, and compares every table. */
async function roundTrip(
  s: DatabaseSettings,
  damage: (db: Database) => Promise<void>,
  openSource: () => Promise<Database> = () => openDatabase(s),
) {
  const tmp = tempDir('oe-backup-');
  const dir = join(tmp.dir, 'backups');
  const configDir = join(tmp.dir, 'config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'settings.yaml'), 'trading:\n  nav: 250000\n', { mode: 0o600 });
  // An old backup of ours and a stranger's file: retention removes only the first.
  mkdirSync(dir);
  const old = join(dir, 'db_backup_20200101_000000.dump');
  writeFileSync(old, 'old');
  writeFileSync(join(dir, 'notes.txt'), 'keep me');
  const longAgo = new Date(Date.now() - 40 * 86_400_000);
  utimesSync(old, longAgo, longAgo);

  const db = await openSource();
  let before: Awaited<ReturnType<typeof tableChecksums>>;
  let report: Awaited<ReturnType<typeof backup>>;
  try {
    await migrate(db);
    await fillWithScans(db);
    before = await tableChecksums(db);
    report = await backup(db, { dir, url: s.url, configDir, retentionDays: 30 });
    await damage(db);
    if (!db.location.endsWith('memory')) expect(await tableChecksums(db)).not.toEqual(before);
  } finally {
    await db.close();
  }
  expect(report.verification).toMatchObject({ ok: true, problems: [] });
  expect(report.deleted).toEqual(['db_backup_20200101_000000.dump']);
  expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  expect(before.trades.rows).toBeGreaterThan(0);
  expect(before.options.rows).toBeGreaterThan(0);
  expect(report.manifest.tables).toEqual(before);
  expect(renderBackup(report)).toContain('Verification: OK');

  writeFileSync(join(configDir, 'settings.yaml'), 'broken: [\n');
  const opts = {
    dir,
    url: s.url,
    dataDir: s.data_dir,
    configDir,
    yes: false,
    verify: <T>(fn: (q: Queryable) => Promise<T>) => withDb(s, fn),
  };
  await expect(restore('full', { ...opts, stamp: 'latest' })).rejects.toThrow(RestoreRefusedError);
  await expect(restore('full', { ...opts, stamp: '20200101_000000', yes: true })).rejects.toThrow(
    /no full backup/,
  );
  const r = await restore('full', { ...opts, stamp: 'latest', yes: true });
  expect(r.differences).toEqual([]);
  expect(r.verified).toBe(true);
  expect(await withDb(s, (q) => tableChecksums(q))).toEqual(before);
  expect(readFileSync(join(configDir, 'settings.yaml'), 'utf8')).toContain('nav: 250000');
  expect(r.keptPrevious.some((k) => k.includes('config_before_restore_'))).toBe(true);
  expect(renderRestore(r)).toContain('every table has the row count and checksum of the backup');

  // A damaged backup file is refused before anything is overwritten.
  const dbFile = join(dir, report.manifest.database?.name ?? '');
  const good = readFileSync(dbFile);
  const bad = Buffer.from(good);
  for (let i = 100; i < 200 && i < bad.length; i++) bad[i] ^= 0xff;
  writeFileSync(dbFile, bad);
  writeFileSync(join(configDir, 'settings.yaml'), 'trading:\n  nav: 300000\n');
  await expect(restore('full', { ...opts, stamp: 'latest', yes: true })).rejects.toThrow(BackupDamagedError);
  await expect(restore('database', { ...opts, stamp: 'latest', yes: true })).rejects.toThrow(
    /is damaged \(\d+ bytes, sha256 [0-9a-f]{16}…; the manifest recorded \d+ bytes, sha256 [0-9a-f]{16}…\); nothing was restored/,
  );
  expect(await withDb(s, (q) => tableChecksums(q))).toEqual(before);
  expect(readFileSync(join(configDir, 'settings.yaml'), 'utf8')).toContain('nav: 300000');
  writeFileSync(dbFile, good);
  return { dir, report, restored: r, manifests: listManifests(dir), before, opts };
}

describe('backup and restore on embedded PGlite', () => {
  it('dumps the data dir; after the database is gone a restore brings back identical tables; a dump that fails to load leaves the live database in place', async () => {
    // The source lives in memory (a file-backed first start costs an initdb: ~10 s here); closing it
    // loses everything, and the restore recreates it as the configured data dir.
    const data = tempDir('oe-data-');
    const s = settingsFor(null, data.dir);
    const { dir, report, restored, manifests, before, opts } = await roundTrip(
      s,
      async (db) => {
        await db.exec('DELETE FROM trades; DROP TABLE metrics_samples;');
      },
      async () => PgliteDatabase.open({ dir: null }),
    );
    expect(report.manifest.database?.name).toMatch(/^db_backup_\d{8}_\d{6}\.pglite\.tar\.gz$/);
    expect(manifests.map((m) => m.stamp)).toEqual([report.stamp]);
    expect(existsSync(join(data.dir, 'pglite', 'PG_VERSION'))).toBe(true);
    expect(restored.restored).toEqual([report.manifest.database?.name, report.manifest.config?.name]);

    // a gzip whose content is not a data dir (say, a dump of another PGlite version), recorded as such
    const name = report.manifest.database?.name ?? '';
    writeFileSync(join(dir, name), gzipSync(randomBytes(4096)));
    const manifestPath = join(dir, `backup_${report.stamp}.manifest.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.database = await describeFile(dir, name);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expect(restore('database', { ...opts, stamp: 'latest', yes: true })).rejects.toThrow(
      /did not load .*; the database is unchanged/,
    );
    expect(await withDb(s, (q) => tableChecksums(q))).toEqual(before);
    expect(readdirSync(data.dir).filter((f) => f.includes('restoring'))).toEqual([]);
  });
});

describe.skipIf(!DATABASE_URL)('backup and restore on PostgreSQL (pg_dump -Fc / pg_restore)', () => {
  const name = `oe_ops_${randomBytes(5).toString('hex')}`;
  const admin = adminQuery;
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('writes a custom-format dump that pg_restore --list reads, and restores it after the tables were dropped', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(DATABASE_URL as string);
    url.pathname = `/${name}`;
    const { report, dir } = await roundTrip(settingsFor(url.toString(), '/nonexistent'), async (db) => {
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    });
    const file = join(dir, report.manifest.database?.name ?? '');
    expect(file).toMatch(/\.dump$/);
    const { stdout } = await runTool('pg_restore', ['--list', file]);
    expect(stdout).toMatch(/TABLE DATA public trades/);
  });

  it("restores the engine's schema alone: another schema keeps its changes, a table added after the backup goes", async () => {
    const url = new URL(DATABASE_URL as string);
    url.pathname = `/${name}`;
    const s = settingsFor(url.toString(), '/nonexistent');
    // another application's schema in the same database, there before the backup
    await withDb(s, (q) =>
      q.exec(
        'CREATE SCHEMA otherapp; CREATE TABLE otherapp.orders (id int PRIMARY KEY, qty int);' +
          'INSERT INTO otherapp.orders VALUES (1, 10);',
      ),
    );
    const { dir, before, opts } = await roundTrip(s, (db) => db.exec('DELETE FROM trades'));
    const manifest = listManifests(dir).at(-1)!;
    expect(manifest.schema).toBe('public');
    const { stdout } = await runTool('pg_restore', ['--list', join(dir, manifest.database!.name)]);
    expect(stdout).not.toMatch(/otherapp/); // the dump holds our schema only
    // after the backup: the other application changes its row; a later migration adds a table with a foreign key
    await withDb(s, (q) =>
      q.exec(
        'UPDATE otherapp.orders SET qty = 99 WHERE id = 1;' +
          'CREATE TABLE public.added_later (scan_id uuid REFERENCES scans (id), note text);' +
          "DELETE FROM trades; UPDATE scans SET status = 'failed';",
      ),
    );
    const r = await restore('database', { ...opts, stamp: 'latest', yes: true });
    expect(r).toMatchObject({ verified: true, differences: [] });
    const after = await withDb(s, async (q) => ({
      sums: await tableChecksums(q),
      qty: (await q.query<{ qty: number }>('SELECT qty FROM otherapp.orders WHERE id = 1')).rows[0].qty,
      added: (await q.query<{ t: string | null }>("SELECT to_regclass('public.added_later')::text AS t"))
        .rows[0].t,
    }));
    expect(after.sums).toEqual(before);
    expect(after.qty).toBe(99); // was rewound to 10 when the whole database was dumped and restored
    expect(after.added).toBeNull(); // was left behind (or, with its foreign key, failed the restore)
    expect(readdirSync(dir).filter((f) => f.endsWith('.sql'))).toEqual([]); // the intermediate SQL is gone

    // a backup from before checksumMethod (sorted-md5 checksums) is verified with its own method
    const path = join(dir, `backup_${manifest.stamp}.manifest.json`);
    const older = JSON.parse(readFileSync(path, 'utf8'));
    expect(older.checksumMethod).toBe('sum128');
    older.tables = await withDb(s, (q) => tableChecksums(q, 'sorted-md5'));
    delete older.checksumMethod;
    writeFileSync(path, JSON.stringify(older));
    await withDb(s, (q) => q.exec('DELETE FROM trades'));
    const again = await restore('database', { ...opts, stamp: 'latest', yes: true });
    expect(again).toMatchObject({ verified: true, differences: [] });
  });
});
