/**
 * Chooses the database from settings: a PostgreSQL server when `database.url` (DATABASE_URL) is
 * set, otherwise embedded PGlite, file-backed under `<data_dir>/pglite`, owned by this process
 * through `<data_dir>/pglite.lock`.
 */
import { join, resolve } from 'node:path';
import { acquireDataDirLock } from './dataDirLock.js';
import type { Database, StoreLogger } from './db.js';
import { DataDirLockedError } from './errors.js';
import { PgDatabase } from './pgDatabase.js';
import { PgliteDatabase } from './pgliteDatabase.js';

/** The `database` section of the settings (config/ is not imported below cli/ and service/). */
export interface DatabaseSettings {
  url: string | null;
  data_dir: string;
  pool_size: number;
  pool_overflow: number;
  statement_timeout_ms: number;
  connect_retries: number;
}

export interface OpenDatabaseOptions {
  logger?: StoreLogger;
  /**
   * When the embedded data dir is owned by another live process: `error` (default) throws
   * DataDirLockedError naming its pid; `connect` joins it through the wire-protocol port it
   * serves (and still throws when it serves none) — for CLI commands run beside the service.
   */
  ifLocked?: 'error' | 'connect';
  /** Server only: schema alone on the search_path (tests). */
  schema?: string;
}

/** Where PGlite keeps its files inside the data dir. */
export function pgliteDir(dataDir: string): string {
  return join(resolve(dataDir), 'pglite');
}

export async function openDatabase(
  settings: DatabaseSettings,
  opts: OpenDatabaseOptions = {},
): Promise<Database> {
  if (settings.url) {
    return PgDatabase.open({
      url: settings.url,
      poolSize: settings.pool_size,
      poolOverflow: settings.pool_overflow,
      statementTimeoutMs: settings.statement_timeout_ms,
      connectRetries: settings.connect_retries,
      schema: opts.schema,
      keepalives: true,
      logger: opts.logger,
    });
  }
  let lock: ReturnType<typeof acquireDataDirLock>;
  try {
    lock = acquireDataDirLock(settings.data_dir);
  } catch (e) {
    if (opts.ifLocked === 'connect' && e instanceof DataDirLockedError && e.holder.socket) {
      const { host, port } = e.holder.socket;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      return PgDatabase.open({
        url: `postgres://postgres@${urlHost}:${port}/postgres`,
        poolSize: 1,
        poolOverflow: 1,
        statementTimeoutMs: settings.statement_timeout_ms,
        connectRetries: 0,
        logger: opts.logger,
      });
    }
    throw e;
  }
  opts.logger?.info({ dir: pgliteDir(settings.data_dir) }, 'opening embedded PGlite database');
  return PgliteDatabase.open({ dir: pgliteDir(settings.data_dir), lock });
}
