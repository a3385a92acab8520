/**
 * Who may run a scheduled scan now. With several instances on one PostgreSQL server (the template
 * unit behind nginx), each instance's scheduler ticks on its own, and the instance that takes the
 * PostgreSQL advisory lock runs the scan; the others skip that tick. The lock is transaction-scoped
 * (`pg_try_advisory_xact_lock`) on a connection held for the scan, so it is released when the scan
 * ends or the process dies — no stale lock to clean up. The embedded PGlite database has one owner
 * process by construction: the gate is always open there.
 */
import type { Database, Queryable } from '../store/db.js';

/**
 * Key of the advisory lock: `hashtext('options_engine:scheduler:<schema>')`, computed by the server. Advisory locks
 * are per database; two deployments in two schemas of one database (which backups and restores support) skipped
 * each other's scheduled scans while the key left the schema out.
 */
const LOCK_SQL = `SELECT pg_try_advisory_xact_lock(hashtext('options_engine:scheduler:' || coalesce(current_schema(), ''))) AS ok`;

export type GateResult<T> = { acquired: true; value: T } | { acquired: false };

export interface ScanGate {
  /** True when other instances may share the database (and so the schedule). */
  readonly shared: boolean;
  /** Runs `fn` while holding the scan lock; `acquired: false` when another instance holds it. */
  exclusive<T>(fn: (q: Queryable) => Promise<T>): Promise<GateResult<T>>;
}

/**
 * `shared`: whether other instances may use the same database (a server named by DATABASE_URL).
 * The embedded database is reached over a loopback PostgreSQL connection too, but has one owner.
 */
export function scanGateFor(db: Database, shared: boolean = db.engine === 'postgres'): ScanGate {
  if (!shared) {
    return {
      shared: false,
      exclusive: async (fn) => ({ acquired: true, value: await fn(db) }),
    };
  }
  return {
    shared: true,
    exclusive: <T>(fn: (q: Queryable) => Promise<T>) =>
      db.transaction(async (tx): Promise<GateResult<T>> => {
        const r = await tx.query<{ ok: boolean }>(LOCK_SQL);
        if (!r.rows[0]?.ok) return { acquired: false };
        // Queries of fn go to the pool (`db`), not this transaction: it only holds the lock.
        return { acquired: true, value: await fn(db) };
      }),
  };
}
