/**
 * `ops backup`: database, configuration, retention, verification — the guide's backup procedures,
 * corrected: the database is dumped with `pg_dump -Fc` (custom format, so that `pg_restore --list`
 * can read it; the guide's plain `.sql` cannot be listed), and every run writes a manifest with
 * per-table row counts and checksums that `ops restore` verifies against. On embedded PGlite the
 * equivalent is a gzipped tarball of the data directory (PGlite's dumpDataDir).
 *
 * On a server the checksums and the dump read the same data: a REPEATABLE READ READ ONLY transaction
 * exports its snapshot (`pg_export_snapshot()`), computes the checksums in it, and stays open while
 * `pg_dump --snapshot=<id>` runs — rows the service writes meanwhile are in neither. The transaction
 * runs without the service's statement_timeout (and idle-in-transaction timeout). Every file written
 * is mode 0600 (the configuration tarball may hold secrets). A failure names its step.
 */
import {
  chmodSync,
  createWriteStream,
  existsSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Database, Queryable } from '../store/db.js';
import { ensureDir } from '../store/ensureDir.js';
import { PgliteDatabase } from '../store/pgliteDatabase.js';
import {
  archiveDir,
  BACKUP_FILE_RE,
  type BackupManifest,
  backupStamp,
  createPrivateFile,
  describeFile,
  manifestName,
} from './backupFiles.js';
import { opsStep } from './opsContext.js';
import { pgConnection, runTool } from './processRunner.js';
import { CHECKSUM_METHOD, CHECKSUM_SETTINGS_ID, tableChecksums } from './tableChecksums.js';
import { fmtBytes, textTable } from './text.js';

export interface BackupOptions {
  /** Backup directory (settings `backup.dir`, `--dir`). Created when missing. */
  dir: string;
  /** PostgreSQL URL of `db` (settings `database.url`); null on embedded PGlite. */
  url: string | null;
  /**
   * Server only: the schema dumped (`pg_dump -n`); default the connection's current schema, where the engine's
   * tables are. The whole database was dumped before, and a restore then rewound other applications' schemas.
   */
  schema?: string | null;
  /** Configuration directory to archive; null skips it. */
  configDir: string | null;
  /**
   * Delete backup files older than this many days (settings `backup.retention_days`), and the data directories
   * an embedded restore kept under `dataDir`.
   */
  retentionDays: number;
  /** Embedded data directory (settings `database.data_dir`) whose `pglite.before-restore-*` copies age out too. */
  dataDir?: string | null;
  /** Skip the database (config only) or the config (database only). */
  only?: 'database' | 'config';
  now?: number;
}

export interface BackupVerification {
  ok: boolean;
  /** `pg_restore --list` TOC entries, or tar members of a PGlite dump. */
  entries: number;
  problems: string[];
}

export interface BackupReport {
  stamp: string;
  dir: string;
  manifest: BackupManifest;
  verification: BackupVerification;
  /** Files removed by retention, and the data directories a restore kept that aged out with them. */
  deleted: string[];
  /** What `--only` limited the backup to, if anything. */
  only?: 'database' | 'config';
}

/** The connection's current schema (where the engine's tables live). */
export async function currentSchema(q: Queryable): Promise<string> {
  return (await q.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
}

async function dumpPostgres(url: string, schema: string, file: string, snapshot: string): Promise<void> {
  const c = pgConnection(url);
  const args = ['-Fc', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, '-f', file];
  args.push('-n', schema, '--dbname', c.url);
  createPrivateFile(file);
  await runTool('pg_dump', args, { env: c.env, secrets: c.secrets });
  chmodSync(file, 0o600);
}

/**
 * Opens the backup's transaction on `db`: REPEATABLE READ READ ONLY, no statement or idle timeout,
 * its snapshot exported; `fn` gets the transaction and the snapshot id, and pg_dump may use the
 * snapshot for as long as `fn` runs.
 */
async function inExportedSnapshot<T>(
  db: Database,
  fn: (tx: Queryable, snapshot: string) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec(
      'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; ' +
        'SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0',
    );
    const r = await tx.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    return fn(tx, r.rows[0].id);
  });
}

/** Every table with rows must have a data entry (a partitioned table's data sits in its partitions). */
async function verifyPostgresDump(
  file: string,
  tables: Record<string, { rows: number }>,
): Promise<BackupVerification> {
  const { stdout } = await runTool('pg_restore', ['--list', file]);
  const toc = stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
  const data = new Set(
    toc.flatMap((l) => {
      const m = /TABLE DATA \S+ (\S+)/.exec(l);
      return m ? [m[1]] : [];
    }),
  );
  const problems = Object.entries(tables)
    .filter(([t, x]) => x.rows > 0 && !data.has(t) && ![...data].some((d) => d.startsWith(`${t}_p`)))
    .map(([t]) => `table ${t} has no data entry in the dump`);
  return { ok: problems.length === 0 && toc.length > 0, entries: toc.length, problems };
}

async function verifyTarball(file: string, mustContain: string | null): Promise<BackupVerification> {
  const { stdout } = await runTool('tar', ['-tzf', file]);
  const members = stdout.split('\n').filter((l) => l.trim() !== '');
  const problems: string[] = [];
  if (members.length === 0) problems.push(`${file} is empty`);
  if (mustContain && !members.some((m) => m.replace(/^\.?\//, '') === mustContain))
    problems.push(`${file} lacks ${mustContain}`);
  return { ok: problems.length === 0, entries: members.length, problems };
}

/** Deletes backup files of ours older than `days` (by mtime); returns their names. */
export function applyBackupRetention(dir: string, days: number, now: number = Date.now()): string[] {
  const cutoff = now - days * 86_400_000;
  const deleted: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!BACKUP_FILE_RE.test(name)) continue;
    const path = join(dir, name);
    if (statSync(path).mtimeMs < cutoff) {
      rmSync(path, { force: true });
      deleted.push(name);
    }
  }
  return deleted.sort();
}

const KEPT_DATA_DIR_RE = /^pglite\.before-restore-(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/;

/**
 * Deletes the embedded data directories an `ops restore` kept (`<dataDir>/pglite.before-restore-<stamp>`) whose
 * stamp is older than `days`, like the backups; returns their names. Each is a whole database, and nothing else
 * ever removed them. Aged by the stamp in the name: a renamed directory keeps the mtime of its last change.
 */
export function pruneKeptDataDirs(dataDir: string, days: number, now: number = Date.now()): string[] {
  const cutoff = now - days * 86_400_000;
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  const deleted: string[] = [];
  for (const name of names) {
    const m = KEPT_DATA_DIR_RE.exec(name);
    if (!m) continue;
    const [, y, mo, d, h, mi, se] = m;
    if (Date.UTC(+y, +mo - 1, +d, +h, +mi, +se) < cutoff) {
      rmSync(join(dataDir, name), { recursive: true, force: true });
      deleted.push(name);
    }
  }
  return deleted.sort();
}

export async function backup(db: Database, opts: BackupOptions): Promise<BackupReport> {
  const now = opts.now ?? Date.now();
  const stamp = backupStamp(now);
  const dir = resolve(opts.dir);
  ensureDir(dir, 0o700);
  const engine = db.engine;
  const manifest: BackupManifest = {
    stamp,
    createdAt: new Date(now).toISOString(),
    engine,
    location: db.location,
    database: null,
    config: null,
    tables: {},
  };
  const checks: BackupVerification[] = [];

  const step = <T>(name: string, fn: () => Promise<T>) => opsStep('backup', name, fn);
  const checksums = (q: Queryable) => step('table checksums', () => tableChecksums(q));

  if (opts.only !== 'config') {
    if (db instanceof PgliteDatabase) {
      // one process owns the embedded database: nothing writes between the checksums and the dump
      manifest.tables = await checksums(db);
      const name = `db_backup_${stamp}.pglite.tar.gz`;
      const blob = await step('PGlite dumpDataDir', () => db.pglite.dumpDataDir('gzip'));
      // streamed to the file: a copy of the whole tarball as one Buffer doubled the memory a backup took
      createPrivateFile(join(dir, name));
      await pipeline(
        Readable.fromWeb(blob.stream() as WebReadableStream),
        createWriteStream(join(dir, name)),
      );
      manifest.database = await describeFile(dir, name);
      checks.push(await step('dump verification', () => verifyTarball(join(dir, name), 'PG_VERSION')));
    } else {
      const url = opts.url;
      if (!url) throw new Error('backup: database.url is required to dump a PostgreSQL server');
      const name = `db_backup_${stamp}.dump`;
      const schema = opts.schema ?? (await currentSchema(db));
      manifest.schema = schema;
      await step('snapshot', () =>
        inExportedSnapshot(db, async (tx, snapshot) => {
          manifest.tables = await checksums(tx);
          await step('database dump', () => dumpPostgres(url, schema, join(dir, name), snapshot));
        }),
      );
      manifest.database = await describeFile(dir, name);
      checks.push(
        await step('dump verification', () => verifyPostgresDump(join(dir, name), manifest.tables)),
      );
    }
    manifest.checksumSettings = CHECKSUM_SETTINGS_ID;
    manifest.checksumMethod = CHECKSUM_METHOD;
  }

  if (opts.only !== 'database' && opts.configDir) {
    const source = resolve(opts.configDir);
    if (!existsSync(source)) throw new Error(`backup: configuration directory ${source} does not exist`);
    const name = `config_backup_${stamp}.tar.gz`;
    // -C dir . : the archive holds paths relative to the config dir, so it restores anywhere.
    await step('configuration archive', () => archiveDir(source, join(dir, name)));
    manifest.config = { ...(await describeFile(dir, name)), sourceDir: source };
    checks.push(await step('configuration verification', () => verifyTarball(join(dir, name), null)));
  }

  const manifestPath = join(dir, manifestName(stamp));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  chmodSync(manifestPath, 0o600);
  const deleted = [
    ...applyBackupRetention(dir, opts.retentionDays, now),
    ...(opts.dataDir ? pruneKeptDataDirs(resolve(opts.dataDir), opts.retentionDays, now) : []),
  ];
  const problems = checks.flatMap((c) => c.problems);
  return {
    stamp,
    dir,
    manifest,
    verification: {
      ok: checks.every((c) => c.ok),
      entries: checks.reduce((a, c) => a + c.entries, 0),
      problems,
    },
    deleted,
    ...(opts.only ? { only: opts.only } : {}),
  };
}

export function renderBackup(r: BackupReport): string {
  const m = r.manifest;
  const files = [m.database, m.config, { name: manifestName(r.stamp), bytes: Number.NaN, sha256: '' }]
    .filter((f) => f !== null)
    .map((f) => [f.name, fmtBytes(f.bytes), f.sha256.slice(0, 16)]);
  const tables = Object.entries(m.tables).map(([t, s]) => [t, s.rows, s.md5.slice(0, 12)]);
  return [
    `Backup ${r.stamp} (${m.engine}, ${m.location}) in ${r.dir}`,
    textTable(['File', 'Size', 'sha256'], files),
    '',
    tables.length ? textTable(['Table', 'Rows', 'Checksum'], tables) : '(database not backed up)',
    '',
    m.config
      ? `Configuration: ${m.config.sourceDir}`
      : r.only === 'database'
        ? 'Configuration: not backed up (--only database)'
        : 'Configuration: not backed up (no --config-dir / OPTIONS_ENGINE_CONFIG_DIR: only shipped defaults in use)',
    `Verification: ${r.verification.ok ? 'OK' : 'FAILED'} (${r.verification.entries} entries)`,
    ...r.verification.problems.map((p) => `  ${p}`),
    `Retention: ${r.deleted.length ? `deleted ${r.deleted.join(', ')}` : 'nothing older to delete'}`,
    '',
  ].join('\n');
}
