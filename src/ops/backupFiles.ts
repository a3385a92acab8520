/**
 * Naming and bookkeeping of the backup directory:
 *   db_backup_<stamp>.dump            pg_dump -Fc (custom format: `pg_restore --list` reads it)
 *   db_backup_<stamp>.pglite.tar.gz   embedded PGlite: dumpDataDir() of the whole data directory
 *   config_backup_<stamp>.tar.gz      the configuration directory
 *   backup_<stamp>.manifest.json      what was written: files, sizes, sha256, per-table rows and checksums
 * `<stamp>` is `YYYYMMDD_HHMMSS` in UTC, so names sort by time. Every file is mode 0600: the
 * configuration tarball can hold secrets, and the dump holds everything.
 */

import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { runTool } from './processRunner.js';
import type { ChecksumMethod, TableSum } from './tableChecksums.js';

export const STAMP_RE = /^\d{8}_\d{6}$/;
/**
 * Every file name a backup run may create, `scripts/disaster_recovery.sh backup`'s application and log tarballs
 * included (retention kept those for ever).
 */
export const BACKUP_FILE_RE =
  /^(?:db_backup|config_backup|backup|config_before_restore|app_backup|log_backup)_(\d{8}_\d{6})\.(?:dump|pglite\.tar\.gz|tar\.gz|manifest\.json)$/;

export function backupStamp(ms: number): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}_${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}`;
}

export interface BackupFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  stamp: string;
  createdAt: string;
  engine: 'postgres' | 'pglite';
  /** Safe to print: no credentials. */
  location: string;
  database: BackupFile | null;
  config: (BackupFile & { sourceDir: string }) | null;
  tables: Record<string, TableSum>;
  /**
   * The session settings the checksums were computed under (tableChecksums.ts); absent in backups
   * made before they were pinned, whose checksums of timestamp columns follow the server's TimeZone.
   */
  checksumSettings?: string;
  /** How `tables` checksums were computed (tableChecksums.ts); absent = `sorted-md5`, the method before it. */
  checksumMethod?: ChecksumMethod;
  /** Server backups: the schema dumped (ours, the connection's current schema); absent in older whole-database dumps. */
  schema?: string;
}

export const manifestName = (stamp: string) => `backup_${stamp}.manifest.json`;

/** Size and sha256 of a backup file, read as a stream (a dump can be larger than the memory at hand). */
export async function describeFile(dir: string, name: string): Promise<BackupFile> {
  const path = join(dir, name);
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { name, bytes: statSync(path).size, sha256: hash.digest('hex') };
}

/**
 * Creates `file` empty with mode 0600 (whatever the umask), so that what a tool then writes into it
 * (pg_dump -f, tar -f keep an existing file's mode) is never readable by others.
 */
export function createPrivateFile(file: string): void {
  writeFileSync(file, '', { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode through writeFileSync
}

/** `tar -czf file -C dir .` into a mode-0600 file: paths relative to `dir`, so it restores anywhere. */
export async function archiveDir(dir: string, file: string): Promise<void> {
  createPrivateFile(file);
  await runTool('tar', ['-czf', file, '-C', dir, '.']);
  chmodSync(file, 0o600);
}

/** The manifests in `dir`, oldest first. */
export function listManifests(dir: string): BackupManifest[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^backup_\d{8}_\d{6}\.manifest\.json$/.test(n))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as BackupManifest);
}
