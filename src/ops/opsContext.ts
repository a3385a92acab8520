/**
 * What every ops command needs from the settings: the database (opened beside a running service
 * when it owns the embedded data dir), an exit-code convention, and output in text or JSON.
 * Settings are passed in as values; nothing here reads env or config files.
 */
import type { Settings } from '../config/schema.js';
import type { Database } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/openDatabase.js';

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
