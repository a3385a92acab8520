/**
 * Schema migrations: numbered plain SQL files (`NNN_name.sql` in ./migrations), each applied in
 * its own transaction together with its row in `schema_migrations` (version, name, sha-256 of the
 * file, when, how long). Concurrent migrators (several service instances starting at once)
 * serialise on a transaction-level advisory lock; each re-checks before applying.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable, StoreLogger } from './db.js';
import { silentLogger } from './db.js';
import { MigrationError } from './errors.js';

export interface Migration {
  version: number;
  name: string;
  /** File content, line endings normalised to `\n`. */
  sql: string;
  /** sha-256 of `sql`, hex. */
  checksum: string;
}

export type MigrationState = 'applied' | 'pending' | 'changed' | 'unknown';

export interface MigrationStatusEntry {
  version: number;
  name: string;
  /**
   * `applied`; `pending` (file not yet applied); `changed` (applied, but the file differs since);
   * `unknown` (applied by a newer release: no file here).
   */
  state: MigrationState;
  appliedAt: Date | null;
  durationMs: number | null;
}

export interface MigrationStatus {
  /** Highest applied version, null on an empty database. */
  current: number | null;
  /** Highest version among the files. */
  latest: number | null;
  pending: number;
  entries: MigrationStatusEntry[];
}

export interface MigrateResult {
  applied: { version: number; name: string; durationMs: number }[];
  current: number | null;
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/**
 * The migrations folder. From src/ (tsx, vitest) it sits beside this file; tsc does not copy
 * .sql files, so from dist/store/ it falls back to the package's src/store/migrations.
 */
export function defaultMigrationsDir(): string {
  const candidates = [
    fileURLToPath(new URL('./migrations/', import.meta.url)),
    fileURLToPath(new URL('../../src/store/migrations/', import.meta.url)),
  ];
  const found = candidates.find((d) => existsSync(d));
  if (!found)
    throw new MigrationError(null, `no migrations folder found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Reads and checks the migration files of `dir`, ascending by version. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_NAME.exec(file);
    if (!m)
      throw new MigrationError(null, `${join(dir, file)}: file name must look like 001_create_things.sql`);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) {
      throw new MigrationError(version, `${join(dir, file)}: version ${version} is used by two files`);
    }
    const sql = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    out.push({ version, name: m[2], sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out.sort((a, b) => a.version - b.version);
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version      integer PRIMARY KEY,
  name         text NOT NULL,
  checksum     text NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT now(),
  duration_ms  double precision
)`;

/** Serialises migrators of one schema for the rest of the transaction. */
async function lockMigrations(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.schema_migrations'))`);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
  duration_ms: number | null;
}

async function appliedRows(q: Queryable): Promise<AppliedRow[] | null> {
  const exists = await q.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (exists.rows[0].t === null) return null;
  const r = await q.query<AppliedRow>(
    'SELECT version, name, checksum, applied_at, duration_ms FROM schema_migrations ORDER BY version',
  );
  return r.rows;
}

/** What is applied and what is pending, without changing anything. */
export async function migrationStatus(
  db: Queryable,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationStatus> {
  const applied = (await appliedRows(db)) ?? [];
  const byVersion = new Map(applied.map((r) => [r.version, r]));
  const entries: MigrationStatusEntry[] = migrations.map((m) => {
    const row = byVersion.get(m.version);
    return {
      version: m.version,
      name: m.name,
      state: !row ? 'pending' : row.checksum === m.checksum ? 'applied' : 'changed',
      appliedAt: row?.applied_at ?? null,
      durationMs: row?.duration_ms ?? null,
    };
  });
  const known = new Set(migrations.map((m) => m.version));
  for (const row of applied) {
    if (!known.has(row.version)) {
      entries.push({
        version: row.version,
        name: row.name,
        state: 'unknown',
        appliedAt: row.applied_at,
        durationMs: row.duration_ms,
      });
    }
  }
  entries.sort((a, b) => a.version - b.version);
  return {
    current: applied.length ? applied[applied.length - 1].version : null,
    latest: migrations.length ? migrations[migrations.length - 1].version : null,
    pending: entries.filter((e) => e.state === 'pending').length,
    entries,
  };
}

export interface MigrateOptions {
  migrations?: readonly Migration[];
  logger?: StoreLogger;
}

/**
 * Applies every pending migration, in order, each in its own transaction.
 * @throws MigrationError when an applied migration's file has changed since (nothing is applied
 *   then), or when a migration fails (that one is rolled back; earlier ones stay applied).
 */
export async function migrate(db: Database, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = opts.migrations ?? loadMigrations();
  const logger = opts.logger ?? silentLogger;
  await db.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.exec(CREATE_TABLE);
  });
  const before = await migrationStatus(db, migrations);
  const changed = before.entries.filter((e) => e.state === 'changed');
  if (changed.length > 0) {
    throw new MigrationError(
      changed[0].version,
      `migration ${changed.map((e) => `${e.version}_${e.name}`).join(', ')} changed after being applied; ` +
        'restore the original file and add a new migration instead',
    );
  }
  for (const e of before.entries.filter((x) => x.state === 'unknown')) {
    logger.warn({ version: e.version, name: e.name }, 'database has a migration this release does not know');
  }
  const applied: MigrateResult['applied'] = [];
  for (const m of migrations) {
    if (before.entries.find((e) => e.version === m.version)?.state !== 'pending') continue;
    const t0 = performance.now();
    const done = await db
      .transaction(async (tx) => {
        await lockMigrations(tx);
        const again = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
        if (again.rowCount > 0) return false; // applied meanwhile by another instance
        await tx.exec('SET LOCAL statement_timeout = 0');
        await tx.exec(m.sql);
        const durationMs = performance.now() - t0;
        await tx.query(
          'INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)',
          [m.version, m.name, m.checksum, durationMs],
        );
        return true;
      })
      .catch((e: unknown) => {
        throw new MigrationError(
          m.version,
          `migration ${m.version}_${m.name} failed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      });
    if (done) {
      const durationMs = performance.now() - t0;
      applied.push({ version: m.version, name: m.name, durationMs });
      logger.info(
        { version: m.version, name: m.name, durationMs: Math.round(durationMs) },
        'migration applied',
      );
    }
  }
  const after = await migrationStatus(db, migrations);
  return { applied, current: after.current };
}
