/**
 * `ops restore full|database|config <stamp|latest>`: the guide's recovery procedure. Refuses to
 * overwrite anything without `--yes`. Before touching the configuration it archives the current one
 * (`config_before_restore_<now>.tar.gz`); before replacing an embedded data directory it keeps the
 * old one beside it (`pglite.before-restore-<now>`). After a database restore every table's row
 * count and checksum is compared with the backup's manifest.
 *
 * The guide's `psql options_engine < db_backup.sql` becomes a restore of the engine's schema alone from the
 * custom-format dump (restoreSchema.ts): its objects dropped and the dump's loaded in one transaction, so a
 * failed restore leaves the database as it was and other schemas are never touched.
 *
 * The configuration is replaced, not overlaid: the archive is extracted into a staging directory
 * first, then the target is emptied and the staged files moved in — a file created after the backup
 * (say a new monitoring.yaml) does not stay in force; it is in the `config_before_restore_` archive.
 * The verification checksums run without the service's statement_timeout, with pinned session
 * settings (tableChecksums.ts).
 */
import { cpSync, existsSync, openAsBlob, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock } from '../store/dataDirLock.js';
import { giveBackToOwner } from '../store/dataDirOwner.js';
import type { Queryable } from '../store/db.js';
import { ensureDir } from '../store/ensureDir.js';
import { pgliteDir } from '../store/openDatabase.js';
import { currentSchema } from './backup.js';
import {
  archiveDir,
  type BackupFile,
  type BackupManifest,
  backupStamp,
  describeFile,
  listManifests,
  STAMP_RE,
} from './backupFiles.js';
import { opsStep } from './opsContext.js';
import { runTool } from './processRunner.js';
import { restoreSchema } from './restoreSchema.js';
import { checksumDifferences, tableChecksums } from './tableChecksums.js';

export type RestoreKind = 'full' | 'database' | 'config';

/** Restore asked to overwrite without --yes, or named a backup that is not there (exit 2). */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

export interface RestoreOptions {
  dir: string;
  /** `latest` or a `YYYYMMDD_HHMMSS` stamp. */
  stamp: string;
  yes: boolean;
  /** Server URL (settings `database.url`); null = embedded PGlite under `dataDir`. */
  url: string | null;
  /** Server: the schema replaced; default the backup's (`manifest.schema`), else the connection's current one. */
  schema?: string | null;
  dataDir: string;
  /** Where the configuration goes back to. */
  configDir: string | null;
  /** Opens the restored database to verify it (closed by the caller's function). */
  verify?: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;
  now?: number;
}

export interface RestoreReport {
  kind: RestoreKind;
  stamp: string;
  restored: string[];
  /** Where the previous state was kept, if anywhere. */
  keptPrevious: string[];
  /** Table differences against the manifest after the restore (empty = identical). */
  differences: string[];
  verified: boolean;
  /** Why differences may be spurious (a backup from before the checksum settings were pinned). */
  note?: string;
}

/** The manifest for `stamp` (`latest` = newest holding what `kind` needs). */
export function findBackup(dir: string, stamp: string, kind: RestoreKind): BackupManifest {
  if (stamp !== 'latest' && !STAMP_RE.test(stamp))
    throw new RestoreRefusedError(
      `backup stamp: expected "latest" or YYYYMMDD_HHMMSS, got ${JSON.stringify(stamp)}`,
    );
  const usable = listManifests(dir).filter(
    (m) => (kind === 'config' || m.database !== null) && (kind === 'database' || m.config !== null),
  );
  const m = stamp === 'latest' ? usable.at(-1) : usable.find((x) => x.stamp === stamp);
  if (!m) {
    const hint =
      kind === 'full' ? ' (a full backup holds both the database and the configuration; try `database`)' : '';
    throw new RestoreRefusedError(`no ${kind} backup ${stamp} in ${resolve(dir)}${hint}`);
  }
  return m;
}

/** The schema a server restore replaces: the backup's, else (older backups) the target connection's current one. */
async function restoreTarget(m: BackupManifest, o: RestoreOptions): Promise<string> {
  if (o.schema) return o.schema;
  if (m.schema) return m.schema;
  return o.verify ? o.verify(currentSchema) : 'public';
}

/**
 * Replaces the embedded data directory with the dump; the old one is kept beside it. The dump is loaded into a
 * staging directory first and swapped in only once it opens, so a dump that fails to load leaves the live database
 * where it was.
 */
async function restorePglite(file: string, o: RestoreOptions, suffix: string): Promise<string> {
  const lock = acquireDataDirLock(o.dataDir); // throws naming the pid when the service holds it
  try {
    const dir = pgliteDir(o.dataDir);
    const staging = `${dir}.restoring-${suffix}`;
    rmSync(staging, { recursive: true, force: true });
    try {
      // a Blob backed by the file: no copy of the whole tarball in our memory beside PGlite's
      const pg = await PGlite.create(staging, { loadDataDir: await openAsBlob(file) });
      await pg.query('SELECT 1');
      await pg.close();
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(
        `restore: ${basename(file)} did not load (${e instanceof Error ? e.message : String(e)}); the database is unchanged`,
      );
    }
    const kept = `${dir}.before-restore-${suffix}`;
    if (existsSync(dir)) renameSync(dir, kept);
    renameSync(staging, dir);
    giveBackToOwner(o.dataDir); // a root restore: the service (its own user) must be able to open it
    return existsSync(kept) ? kept : '';
  } finally {
    lock.release();
  }
}

/** Moves `from` to `to` (a rename; a copy then delete across file systems). */
function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/**
 * Replaces the content of `target` with the archive: extracted into `staging` first (a damaged
 * archive leaves the target untouched), then the target emptied and the staged entries moved in.
 */
async function replaceConfig(archive: string, target: string, staging: string, kept: string): Promise<void> {
  rmSync(staging, { recursive: true, force: true });
  ensureDir(staging, 0o700);
  try {
    await opsStep('restore', 'configuration extraction', () =>
      runTool('tar', ['-xzf', archive, '-C', staging]),
    );
    const swap = kept
      ? `configuration swap (the previous configuration is in ${kept})`
      : 'configuration swap';
    await opsStep('restore', swap, async () => {
      for (const e of readdirSync(target)) rmSync(join(target, e), { recursive: true, force: true });
      for (const e of readdirSync(staging)) move(join(staging, e), join(target, e));
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** A backup file whose bytes are not the ones its manifest recorded (exit 1; nothing was restored). */
export class BackupDamagedError extends Error {
  override name = 'BackupDamagedError';
}

/** Checks a backup file against its manifest entry (size and sha256) before anything is overwritten. */
async function checkBackupFile(dir: string, f: BackupFile): Promise<void> {
  if (!existsSync(join(dir, f.name)))
    throw new BackupDamagedError(`backup file ${f.name} is missing from ${dir}; nothing was restored`);
  const got = await describeFile(dir, f.name);
  if (got.bytes !== f.bytes || got.sha256 !== f.sha256)
    throw new BackupDamagedError(
      `backup file ${f.name} is damaged (${got.bytes} bytes, sha256 ${got.sha256.slice(0, 16)}…; the manifest ` +
        `recorded ${f.bytes} bytes, sha256 ${f.sha256.slice(0, 16)}…); nothing was restored`,
    );
}

export async function restore(kind: RestoreKind, o: RestoreOptions): Promise<RestoreReport> {
  const dir = resolve(o.dir);
  const m = findBackup(dir, o.stamp, kind);
  const now = o.now ?? Date.now();
  const suffix = backupStamp(now);
  const overwrite = [
    ...(kind !== 'config'
      ? [`the database (${m.engine === 'pglite' ? pgliteDir(o.dataDir) : 'server'})`]
      : []),
    ...(kind !== 'database' && o.configDir ? [`the configuration in ${resolve(o.configDir)}`] : []),
  ];
  if (!o.yes)
    throw new RestoreRefusedError(
      `restore ${kind} ${m.stamp} would overwrite ${overwrite.join(' and ')}; run again with --yes (stop the service first)`,
    );
  // every file this restore reads must be the one the backup wrote, before anything is overwritten
  if (kind !== 'config' && m.database) await checkBackupFile(dir, m.database);
  if (kind !== 'database' && m.config && o.configDir) await checkBackupFile(dir, m.config);
  const report: RestoreReport = {
    kind,
    stamp: m.stamp,
    restored: [],
    keptPrevious: [],
    differences: [],
    verified: false,
  };

  if (kind !== 'config' && m.database) {
    const file = join(dir, m.database.name);
    if (m.engine === 'pglite') {
      if (o.url)
        throw new RestoreRefusedError('this backup is of the embedded database; database.url is set');
      const kept = await restorePglite(file, o, suffix);
      if (kept) report.keptPrevious.push(kept);
    } else {
      if (!o.url)
        throw new RestoreRefusedError('this backup is of a PostgreSQL server; database.url is not set');
      const url = o.url;
      const schema = await restoreTarget(m, o);
      await opsStep('restore', `schema ${schema}`, () => restoreSchema(file, url, schema, dir));
    }
    report.restored.push(m.database.name);
    if (o.verify) {
      const verify = o.verify;
      const after = await opsStep('restore', 'verification checksums', () =>
        verify((q) => tableChecksums(q, m.checksumMethod ?? 'sorted-md5')),
      );
      report.differences = checksumDifferences(m.tables, after);
      if (report.differences.length && !m.checksumSettings)
        report.note =
          'this backup predates pinned checksum settings: a table with timestamps also differs when the ' +
          "server's TimeZone is not the one the backup was taken under";
      report.verified = report.differences.length === 0;
    }
  }

  if (kind !== 'database' && m.config && o.configDir) {
    const target = resolve(o.configDir);
    let keep = '';
    if (existsSync(target)) {
      keep = join(dir, `config_before_restore_${suffix}.tar.gz`);
      await opsStep('restore', 'archive of the current configuration', () => archiveDir(target, keep));
      report.keptPrevious.push(keep);
    } else ensureDir(target, 0o700);
    await replaceConfig(join(dir, m.config.name), target, join(dir, `config_restoring_${suffix}`), keep);
    report.restored.push(m.config.name);
  }
  return report;
}

export function renderRestore(r: RestoreReport): string {
  return [
    `Restore ${r.kind} from ${r.stamp}: ${r.restored.join(', ') || 'nothing'}`,
    ...r.keptPrevious.map((k) => `Previous state kept in ${k}`),
    r.restored.some((f) => f.startsWith('db_backup'))
      ? r.verified
        ? 'Verification: every table has the row count and checksum of the backup'
        : `Verification: ${r.differences.length ? 'DIFFERENCES' : 'not run'}`
      : '',
    ...r.differences.map((d) => `  ${d}`),
    r.note ? `Note: ${r.note}` : '',
    '',
  ]
    .filter((l, i, a) => l !== '' || i === a.length - 1)
    .join('\n');
}
