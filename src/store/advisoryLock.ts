/**
 * Named session-level advisory locks, e.g. so that exactly one service instance runs the
 * scheduler. On a server the lock lives on a dedicated pool connection until released (or until
 * that connection dies: `held` turns false); on PGlite there is one session, so the names held
 * are also bookkept in-process (PostgreSQL's own lock is re-entrant per session).
 */
import type { AdvisoryLock, Database } from './db.js';
import { StoreError } from './errors.js';
import { PgDatabase } from './pgDatabase.js';
import { PgliteDatabase } from './pgliteDatabase.js';

/**
 * Takes lock `name` if free; null when another holder has it. `db` must be the database
 * openDatabase returned (a wrapper cannot reach a dedicated connection).
 */
export function tryAdvisoryLock(db: Database, name: string): Promise<AdvisoryLock | null> {
  if (db instanceof PgDatabase || db instanceof PgliteDatabase) return db.tryAdvisoryLock(name);
  throw new StoreError(
    `advisory locks need the database returned by openDatabase (got a wrapper of ${db.location})`,
  );
}
