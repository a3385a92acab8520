/**
 * The one database interface. Repositories take a `Queryable` (the database or an open
 * transaction) and never learn whether PostgreSQL (`pg`) or embedded PGlite runs underneath.
 *
 * Values coming back are normalised the same way on both engines: `bigint`/`int8` and `numeric`
 * → number, `date` → `YYYY-MM-DD` string, `timestamptz` → Date, `jsonb` → parsed JSON.
 */

/** A JSON value as stored in a JSONB column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A bind parameter. Objects are deliberately absent: pass JSON as text (`JSON.stringify(v)`) with a
 * `$n::jsonb` cast — `pg` would turn a JS array into a PostgreSQL array literal, not JSON.
 */
export type SqlParam =
  | string
  | number
  | boolean
  | null
  | Date
  | readonly (string | null)[]
  | readonly (number | null)[]
  | readonly (boolean | null)[];

export interface QueryResult<R> {
  rows: R[];
  /** Rows returned, or affected by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

/** What a repository needs: the database itself or a transaction on it. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<QueryResult<R>>;
  /** Runs one or more `;`-separated statements without parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load: `COPY table (columns) FROM STDIN`. In `text` format (default) `chunks` are encoded
   * lines (copyText.ts), each ending in `\n`; in `binary` format they are the byte stream of
   * copyBinary.ts, cut anywhere. Returns the number of rows copied.
   */
  copyFrom(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array>,
    format?: CopyFormat,
  ): Promise<number>;
}

export type CopyFormat = 'text' | 'binary';

/** The COPY statement both engines run (`source`: STDIN or PGlite's '/dev/blob'). */
export function copyStatement(
  table: string,
  columns: readonly string[],
  source: string,
  format: CopyFormat,
): string {
  const cols = columns.map(quoteIdent).join(', ');
  return `COPY ${quoteQualified(table)} (${cols}) FROM ${source}${format === 'binary' ? ' WITH (FORMAT binary)' : ''}`;
}

export type DatabaseEngine = 'postgres' | 'pglite';

export interface Database extends Queryable {
  readonly engine: DatabaseEngine;
  /** Where the data lives, safe to print: `postgres://host:port/db` (no credentials) or `pglite:<dir>`. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * rethrown). Inside `fn` use only `tx`: on PGlite a call on the outer database would wait for
   * the transaction to end, i.e. forever.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A session-level advisory lock (see advisoryLock.ts). */
export interface AdvisoryLock {
  readonly name: string;
  /** False once released or once the connection holding it was lost. */
  readonly held: boolean;
  release(): Promise<void>;
}

/** Minimal logger the store writes to (a pino Logger fits). */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLogger: StoreLogger = { info() {}, warn() {}, error() {} };

/** Double-quotes an SQL identifier (table or column name). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A `schema.table` or `table` name, each part quoted. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}
