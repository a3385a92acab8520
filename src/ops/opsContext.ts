/**
 * What every ops command needs from the settings: the database (opened beside a running service
 * when it owns the embedded data dir), an exit-code convention, and output in text or JSON.
 * Settings are passed in as values; nothing here reads env or config files.
 */
import type { Settings } from '../config/schema.js';
import type { Database, Queryable } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/openDatabase.js';
import { PgDatabase } from '../store/pgDatabase.js';

/** Opens the configured database, brings its schema up to date, runs `fn`, closes it. */
export async function withDatabase<T>(
  settings: Pick<Settings, 'database'>,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(settings.database, { ifLocked: 'connect' });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Runs `fn` on one connection without the service's `statement_timeout` (settings
 * `database.statement_timeout_ms`, set on every pooled connection): checksums of every row, VACUUM
 * FULL or REINDEX of a big table take minutes by nature. Server: a dedicated connection with
 * `SET statement_timeout = 0`, closed afterwards (the pool keeps its timeout). PGlite: `db` itself
 * (statement_timeout does not apply there). Inside a transaction use `SET LOCAL statement_timeout = 0`.
 */
export async function withoutStatementTimeout<T>(db: Database, fn: (q: Queryable) => Promise<T>): Promise<T> {
  if (!(db instanceof PgDatabase)) return fn(db);
  return db.session(async (s) => {
    await s.exec('SET statement_timeout = 0');
    return fn(s);
  });
}

/** A step of an ops command failed; the message names the command and the step. */
export class OpsStepError extends Error {
  override name = 'OpsStepError';
  constructor(
    readonly command: string,
    readonly step: string,
    cause: unknown,
  ) {
    super(`${command}: ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Runs one step of `command`; a failure is rethrown as OpsStepError naming the step (once). */
export async function opsStep<T>(command: string, step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof OpsStepError ? e : new OpsStepError(command, step, e);
  }
}

/**
 * Whether `db` is the embedded PGlite of a running service reached through its wire-protocol port
 * (no DATABASE_URL, yet a server connection): file-level backup and restore are impossible then.
 */
export function isServedEmbedded(settings: Pick<Settings, 'database'>, db: Database): boolean {
  return settings.database.url === null && db.engine === 'postgres';
}

/** The URL `ops health-check` probes: the service's own /health on loopback when bound to all interfaces. */
export function healthUrl(monitoring: Pick<Settings['monitoring'], 'host' | 'port'>): string {
  const host = monitoring.host === '0.0.0.0' || monitoring.host === '::' ? '127.0.0.1' : monitoring.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${monitoring.port}/health`;
}
