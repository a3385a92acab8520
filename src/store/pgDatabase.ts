/**
 * The database interface over a PostgreSQL server (`pg` Pool; bulk loads through pg-copy-streams).
 *
 * Pool sizing follows the SQLAlchemy-style settings of the operations guide: `pool_size`
 * connections are kept open once made, and up to `pool_overflow` more are opened under load.
 * pg has a single `max`, so: `max = pool_size + pool_overflow`, `min = pool_size` (connections
 * at or below `min` are never closed for idleness), and the extra "overflow" connections close
 * after `OVERFLOW_IDLE_MS` idle.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { errorCode } from './connectionError.js';
import { chunkLines } from './copyText.js';
import {
  type AdvisoryLock,
  type CopyFormat,
  copyStatement,
  type Database,
  type Queryable,
  type QueryResult,
  type SqlParam,
  type StoreLogger,
  silentLogger,
} from './db.js';
import { StoreError } from './errors.js';
import { redactUrl } from './redactUrl.js';
import { RESULT_PARSERS } from './valueParsers.js';

export interface PgDatabaseOptions {
  url: string;
  /** Connections kept open (the guide's DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Extra connections allowed under load, closed again when idle (DATABASE_POOL_OVERFLOW). */
  poolOverflow: number;
  /** Server-side `statement_timeout` of every connection, ms. */
  statementTimeoutMs: number;
  /** Attempts after the first when the server is not reachable at start-up. */
  connectRetries: number;
  /** Schema placed alone on the search_path (tests use a fresh schema per run). */
  schema?: string;
  /** Shown in pg_stat_activity; default `options-engine`. */
  applicationName?: string;
  /** First retry delay, ms; doubles per attempt up to 5 s. */
  retryDelayMs?: number;
  /** Timeout to open one connection, ms. */
  connectTimeoutMs?: number;
  /**
   * TCP keepalives on both ends (a real server, not the embedded one over loopback): without them a client lost
   * to a crash or a network partition left its session — and the scan lock it held — on the server for the
   * kernel's default 2 hours.
   */
  keepalives?: boolean;
  logger?: StoreLogger;
}

/** Server-side keepalive settings sent at connection start: a dead client is found within ~2 minutes. */
const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=6';

/**
 * The connection string and startup `options` of a connection: the URL's own `?options=` first, then ours. pg lets
 * a connection string's parameters override the config's, so the URL's options are taken out of it and merged:
 * otherwise a URL with `?options=-c search_path=…` silently dropped ours (the keepalives, the schema).
 */
function connectionSettings(
  url: string,
  schema: string | undefined,
  keepalives: boolean,
): { connectionString: string; options: string | undefined } {
  let connectionString = url;
  let fromUrl: string | null = null;
  try {
    const u = new URL(url);
    fromUrl = u.searchParams.get('options');
    if (fromUrl !== null) {
      u.searchParams.delete('options');
      connectionString = u.toString();
    }
  } catch {
    // not a URL: nothing of its own to keep
  }
  const parts = [fromUrl, schema ? `-c search_path=${schema}` : null, keepalives ? SERVER_KEEPALIVES : null];
  const joined = parts.filter((p) => p).join(' ');
  return { connectionString, options: joined || undefined };
}

/** Idle time after which a connection above `pool_size` is closed, ms. */
export const OVERFLOW_IDLE_MS = 10_000;

const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    RESULT_PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATEs and socket errors worth retrying at start-up (server starting, not yet listening…). */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P03', // cannot_connect_now: the server is starting up
  '53300', // too_many_connections
]);

function isTransient(e: unknown): boolean {
  const code = errorCode(e);
  if (code && TRANSIENT.has(code)) return true;
  return e instanceof Error && /timeout|terminat/i.test(e.message);
}

/** `postgres://host:port/db`: no user, no password. */
function locationOf(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return redactUrl(url);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function* asBuffers(chunks: Iterable<string | Uint8Array>): Generator<Buffer> {
  for (const c of chunks)
    yield typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

async function copyOn(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string | Uint8Array>,
  format: CopyFormat,
): Promise<number> {
  const stream = client.query(copyFromStdin(copyStatement(table, columns, 'STDIN', format)));
  // Few large writes: pg-copy-streams sends each chunk as its own CopyData message.
  const source = format === 'text' ? chunkLines(chunks as Iterable<string>) : chunks;
  await pipeline(Readable.from(asBuffers(source)), stream);
  return stream.rowCount;
}

function toResult<R>(r: pg.QueryResult): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
}

/** A transaction's (or dedicated session's) view: every call runs on the one client holding it. */
class PgTransaction implements Queryable {
  constructor(private readonly client: pg.PoolClient) {}
  async query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<R>> {
    return toResult<R>(await this.client.query(sql, params as unknown[]));
  }
  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
  copyFrom(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array>,
    format: CopyFormat = 'text',
  ): Promise<number> {
    return copyOn(this.client, table, columns, chunks, format);
  }
}

export class PgDatabase implements Database {
  readonly engine = 'postgres' as const;
  readonly location: string;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
    private readonly logger: StoreLogger,
  ) {
    this.location = locationOf(url);
  }

  /** Opens the pool and waits until one connection succeeds (retrying transient failures). */
  static async open(opts: PgDatabaseOptions): Promise<PgDatabase> {
    const logger = opts.logger ?? silentLogger;
    const conn = connectionSettings(opts.url, opts.schema, opts.keepalives === true);
    const pool = new pg.Pool({
      connectionString: conn.connectionString,
      max: opts.poolSize + opts.poolOverflow,
      min: opts.poolSize,
      idleTimeoutMillis: OVERFLOW_IDLE_MS,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      statement_timeout: opts.statementTimeoutMs,
      application_name: opts.applicationName ?? 'options-engine',
      options: conn.options,
      keepAlive: opts.keepalives === true,
      keepAliveInitialDelayMillis: 30_000,
      types: typeParsers,
    });
    // An idle connection dropped by the server (restart, pg_terminate_backend) must not crash the
    // process; the pool replaces it on next use.
    pool.on('error', (err) => logger.warn({ err: err.message }, 'database connection lost (idle)'));
    const db = new PgDatabase(pool, opts.url, logger);
    const baseDelay = opts.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await pool.connect();
        client.release();
        return db;
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        if (!isTransient(e) || attempt >= opts.connectRetries) {
          await pool.end().catch(() => {});
          throw new StoreError(
            `cannot connect to ${db.location}: ${reason} (after ${attempt + 1} attempt${attempt ? 's' : ''})`,
            { cause: e },
          );
        }
        const delayMs = Math.min(baseDelay * 2 ** attempt, 5000);
        logger.warn(
          { attempt: attempt + 1, of: opts.connectRetries + 1, delayMs, err: reason, db: db.location },
          'database not reachable yet, retrying',
        );
        await sleep(delayMs);
      }
    }
  }

  async query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<R>> {
    return toResult<R>(await this.pool.query(sql, params as unknown[]));
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async copyFrom(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array>,
    format: CopyFormat = 'text',
  ): Promise<number> {
    const { client, release } = await this.checkout();
    try {
      const n = await copyOn(client, table, columns, chunks, format);
      release();
      return n;
    } catch (e) {
      release(e);
      throw e;
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgTransaction(client));
      await client.query('COMMIT');
      release();
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
        release();
      } catch (rollbackError) {
        release(rollbackError);
      }
      throw e;
    }
  }

  /**
   * Runs `fn` on one dedicated connection, for what cannot run inside a transaction (VACUUM,
   * REINDEX SCHEMA) yet needs session settings (`SET statement_timeout = 0`). The connection is
   * closed afterwards instead of going back to the pool, so no setting made in `fn` reaches the
   * service's other queries.
   */
  async session<T>(fn: (s: Queryable) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout();
    try {
      const result = await fn(new PgTransaction(client));
      release(new Error('dedicated session closed'));
      return result;
    } catch (e) {
      release(e);
      throw e;
    }
  }

  /**
   * A client taken out of the pool. pg-pool listens for connection errors only while a client is
   * idle; a checked-out client whose connection dies (server restart, pg_terminate_backend) emits
   * 'error' that would crash the process, so one is listened for here until release. The failing
   * query itself rejects with the same error.
   */
  private async checkout(): Promise<{ client: pg.PoolClient; release: (err?: unknown) => void }> {
    const client = await this.pool.connect();
    let broken: Error | null = null;
    const onError = (err: Error) => {
      broken = err;
      this.logger.warn({ err: err.message }, 'database connection lost');
    };
    client.on('error', onError);
    return {
      client,
      release: (err?: unknown) => {
        client.removeListener('error', onError);
        const bad = err ?? broken;
        client.release(bad ? (bad instanceof Error ? bad : new Error(String(bad))) : undefined);
      },
    };
  }

  async tryAdvisoryLock(name: string): Promise<AdvisoryLock | null> {
    const { client, release } = await this.checkout();
    let held = false;
    try {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
        name,
      ]);
      held = r.rows[0].ok;
    } catch (e) {
      release(e);
      throw e;
    }
    if (!held) {
      release();
      return null;
    }
    // a session lost while held: the lock is gone, and the dead client must still go back (destroyed), or the
    // pool kept it checked out for ever and, at its size limit, the next query never returned
    let lostWith: unknown = null;
    let returned = false;
    const lost = (e: unknown) => {
      held = false;
      lostWith = e ?? new Error('advisory lock session lost');
    };
    client.on('error', lost);
    return {
      name,
      get held() {
        return held;
      },
      async release() {
        if (returned) return;
        returned = true;
        held = false;
        client.removeListener('error', lost);
        if (lostWith !== null) {
          release(lostWith);
          return;
        }
        try {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
          release();
        } catch (e) {
          release(e);
        }
      },
    };
  }

  /** Connections open / idle / callers waiting, for telemetry. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      max: this.pool.options.max,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
