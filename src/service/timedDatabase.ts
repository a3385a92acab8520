/**
 * A Database that times every call into telemetry (`options_engine_db_query_duration_seconds`, the
 * `database` part of /metrics), transactions and the statements inside them included, and logs
 * failed calls at ERROR ("database query failed", so that the guide's grep for database errors
 * finds them). The SQL text is never logged (it may carry values).
 */
import { isConnectionError } from '../store/connectionError.js';
import type { CopyFormat, Database, Queryable, QueryResult, SqlParam, StoreLogger } from '../store/db.js';

/** `error`: null when the call succeeded. */
type Recorder = (operation: string, ms: number, error: unknown) => void;

async function timed<T>(record: Recorder, operation: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    const r = await fn();
    record(operation, performance.now() - t0, null);
    return r;
  } catch (e) {
    record(operation, performance.now() - t0, e);
    throw e;
  }
}

class TimedQueryable implements Queryable {
  constructor(
    protected readonly inner: Queryable,
    protected readonly record: Recorder,
  ) {}
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<QueryResult<R>> {
    return timed(this.record, 'query', () => this.inner.query<R>(sql, params));
  }
  exec(sql: string): Promise<void> {
    return timed(this.record, 'exec', () => this.inner.exec(sql));
  }
  copyFrom(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array>,
    format?: CopyFormat,
  ): Promise<number> {
    return timed(this.record, 'copy', () => this.inner.copyFrom(table, columns, chunks, format));
  }
}

class TimedDatabase extends TimedQueryable implements Database {
  constructor(
    private readonly db: Database,
    record: Recorder,
  ) {
    super(db, record);
  }
  get engine() {
    return this.db.engine;
  }
  get location() {
    return this.db.location;
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return timed(this.record, 'transaction', () =>
      this.db.transaction((tx) => fn(new TimedQueryable(tx, this.record))),
    );
  }
  close(): Promise<void> {
    return this.db.close();
  }
}

/**
 * Receives each call's duration and outcome (Telemetry.recordDbQuery, or a message to the main thread);
 * `connection`: the call failed because the database could not be reached (see isConnectionError).
 */
export type DbQueryRecorder = (operation: string, ms: number, ok: boolean, connection: boolean) => void;

/** Wraps `db`; the original stays usable (the embedded wire-protocol server needs it). */
export function timedDatabase(db: Database, recordQuery: DbQueryRecorder, logger?: StoreLogger): Database {
  const record: Recorder = (operation, ms, error) => {
    recordQuery(operation, ms, error === null, error !== null && isConnectionError(error));
    // A failed transaction is logged by the statement that failed inside it (or by its caller).
    if (error !== null && operation !== 'transaction') {
      const err = error instanceof Error ? error.message : String(error);
      logger?.error({ operation, ms: Math.round(ms), db: db.location, err }, 'database query failed');
    }
  };
  return new TimedDatabase(db, record);
}
