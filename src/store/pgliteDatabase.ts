/**
 * The database interface over embedded PGlite (PostgreSQL 18 in WASM), file-backed or in memory.
 * Bulk loads use `COPY … FROM '/dev/blob'` with the encoded rows as one Blob — the fastest path
 * PGlite offers (single-row INSERTs are ~50× slower). `statement_timeout` does not apply: the
 * WASM backend runs on this thread and cannot be interrupted.
 */
import { dirname, resolve } from 'node:path';
import { type ParserOptions, PGlite, type Transaction } from '@electric-sql/pglite';
import type { DataDirLock } from './dataDirLock.js';
import { giveBackToOwner } from './dataDirOwner.js';
import {
  type AdvisoryLock,
  type CopyFormat,
  copyStatement,
  type Database,
  type Queryable,
  type QueryResult,
  type SqlParam,
} from './db.js';
import { ConnectionGate } from './gate.js';
import { RESULT_PARSERS } from './valueParsers.js';

export interface PgliteDatabaseOptions {
  /** Directory of the database files (created on first open); null keeps everything in memory. */
  dir: string | null;
  /** The data dir lock the caller took; released on close. */
  lock?: DataDirLock;
}

interface PgliteResultLike {
  rows: unknown[];
  rowCount?: number;
  affectedRows?: number;
}

function toResult<R>(r: PgliteResultLike): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length };
}

/** Runs a COPY through `run` with the chunks as one Blob; returns rows copied. */
async function copyBlob(
  run: (sql: string, blob: Blob) => Promise<PgliteResultLike>,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string | Uint8Array>,
  format: CopyFormat,
): Promise<number> {
  const parts = [...chunks];
  if (parts.length === 0) return 0;
  const r = await run(copyStatement(table, columns, `'/dev/blob'`, format), new Blob(parts));
  return r.affectedRows ?? r.rowCount ?? 0;
}

class PgliteTransaction implements Queryable {
  constructor(private readonly tx: Transaction) {}
  async query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<R>> {
    return toResult<R>(await this.tx.query(sql, params as unknown[]));
  }
  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }
  copyFrom(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array>,
    format: CopyFormat = 'text',
  ): Promise<number> {
    return copyBlob((sql, blob) => this.tx.query(sql, [], { blob }), table, columns, chunks, format);
  }
}

export class PgliteDatabase implements Database {
  readonly engine = 'pglite' as const;
  readonly location: string;
  /** Shared with the wire-protocol server (pgliteSocket.ts). */
  readonly gate: ConnectionGate;
  private readonly advisoryLocks = new Set<string>();

  private constructor(
    /** The PGlite instance; store-internal (pgliteSocket.ts serves it). */
    readonly pglite: PGlite,
    private readonly dir: string | null,
    readonly lock: DataDirLock | undefined,
  ) {
    this.location = `pglite:${dir ?? 'memory'}`;
    this.gate = new ConnectionGate(() => pglite.isInTransaction());
  }

  static async open(opts: PgliteDatabaseOptions): Promise<PgliteDatabase> {
    try {
      const pglite = await PGlite.create(opts.dir ?? 'memory://', {
        parsers: RESULT_PARSERS as ParserOptions,
      });
      return new PgliteDatabase(pglite, opts.dir, opts.lock);
    } catch (e) {
      opts.lock?.release();
      throw e;
    }
  }

  query<R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<R>> {
    return this.gate.runLocal(async () => toResult<R>(await this.pglite.query(sql, params as unknown[])));
  }

  exec(sql: string): Promise<void> {
    return this.gate.runLocal(async () => {
      await this.pglite.exec(sql);
    });
  }

  copyFrom(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array>,
    format: CopyFormat = 'text',
  ): Promise<number> {
    return this.gate.runLocal(() =>
      copyBlob((sql, blob) => this.pglite.query(sql, [], { blob }), table, columns, chunks, format),
    );
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.gate.runLocal(() => this.pglite.transaction((tx) => fn(new PgliteTransaction(tx))));
  }

  /** One session only: the lock is bookkept here (PostgreSQL's own is re-entrant per session). */
  async tryAdvisoryLock(name: string): Promise<AdvisoryLock | null> {
    if (this.advisoryLocks.has(name)) return null;
    const r = await this.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name]);
    if (!r.rows[0].ok) return null;
    this.advisoryLocks.add(name);
    let held = true;
    return {
      name,
      get held() {
        return held;
      },
      release: async () => {
        if (!held) return;
        held = false;
        this.advisoryLocks.delete(name);
        if (!this.pglite.closed) await this.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
      },
    };
  }

  async close(): Promise<void> {
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      this.lock?.release();
      // run as root on the service's data dir: hand what it wrote back to the data dir's owner
      if (this.dir !== null) giveBackToOwner(dirname(resolve(this.dir)));
    }
  }
}
