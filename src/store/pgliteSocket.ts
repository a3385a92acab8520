/**
 * Serves the embedded database over the PostgreSQL wire protocol on loopback while this process
 * owns the data dir, so that `psql`, the CLI's `db …`/`ops …` commands and `pg` clients reach the
 * same data instead of opening a second (write-losing) copy. No authentication is done (any user
 * and database name are accepted), hence loopback only.
 *
 * pg_dump refuses a server newer than itself: PGlite reports PostgreSQL 18, so it takes a
 * pg_dump ≥ 18 (a 15.x client aborts with "server version mismatch").
 */
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Database, StoreLogger } from './db.js';
import { silentLogger } from './db.js';
import { StoreError, StoreInputError } from './errors.js';
import { PgliteDatabase } from './pgliteDatabase.js';

export interface EmbeddedServerOptions {
  /** TCP port (settings `database.embedded_socket_port`); 0 picks a free one. */
  port: number;
  /** Loopback address to bind: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** Concurrent client connections (queries are still run one at a time). */
  maxConnections?: number;
  logger?: StoreLogger;
}

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  /** `postgres://postgres@host:port/postgres`, for psql or a `pg` client. */
  readonly url: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The subset of PGlite the socket server calls, routed through the database's gate so that a
 * client's statement never lands inside this process's open transaction (nor the reverse).
 */
function gatedFacade(db: PgliteDatabase): PGlite {
  const { pglite, gate } = db;
  const facade = {
    get waitReady() {
      return pglite.waitReady;
    },
    isInTransaction: () => pglite.isInTransaction(),
    runExclusive: <T>(fn: () => Promise<T>) => gate.runRemote(() => pglite.runExclusive(fn)),
    execProtocolRawStream: (message: Uint8Array, options: { onRawData: (d: Uint8Array) => void }) =>
      pglite.execProtocolRawStream(message, options),
    exec: (sql: string) => gate.runRemote(() => pglite.exec(sql)),
  };
  return facade as unknown as PGlite;
}

/**
 * Starts serving `db` (which must be the embedded PGlite database) on loopback and records the
 * port in the data dir's lock file (so that a second opener can name it). Stop it before closing
 * the database.
 */
export async function serveEmbeddedDatabase(
  db: Database,
  opts: EmbeddedServerOptions,
): Promise<EmbeddedServer> {
  if (!(db instanceof PgliteDatabase)) {
    throw new StoreError(
      `only the embedded database can be served over a socket (this one is ${db.location})`,
    );
  }
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new StoreInputError(
      'database.embedded_socket_host',
      `must be a loopback address (got "${host}"): the embedded server has no authentication`,
    );
  }
  const logger = opts.logger ?? silentLogger;
  const server = new PGLiteSocketServer({
    db: gatedFacade(db),
    host,
    port: opts.port,
    maxConnections: opts.maxConnections ?? 8,
  });
  server.addEventListener('error', (ev) => {
    const detail = (ev as CustomEvent<unknown>).detail;
    logger.warn(
      { err: detail instanceof Error ? detail.message : String(detail) },
      'embedded database server error',
    );
  });
  try {
    await server.start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StoreError(
      code === 'EADDRINUSE'
        ? `cannot serve the embedded database on ${host}:${opts.port}: the port is in use (settings database.embedded_socket_port)`
        : `cannot serve the embedded database on ${host}:${opts.port}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const port = Number(server.getServerConn().split(':').pop());
  db.lock?.setSocket({ host, port });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.info({ host, port }, 'embedded database served over the PostgreSQL wire protocol');
  let stopped = false;
  return {
    host,
    port,
    url: `postgres://postgres@${urlHost}:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      db.lock?.setSocket(null);
      await server.stop();
    },
  };
}
