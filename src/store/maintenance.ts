/**
 * What a DBA runs on a schedule, for ops/ to call: table statistics (the guide's
 * pg_stat_user_tables and size queries) and ANALYZE / VACUUM (retention: ops/dataRetention.ts).
 */

import type { Database, DatabaseEngine, Queryable } from './db.js';

export interface DatabaseInfo {
  engine: DatabaseEngine;
  /** Safe to print: no credentials. */
  location: string;
  /** e.g. `PostgreSQL 15.20` or `PostgreSQL 18.6 (PGlite 0.5.14)`. */
  serverVersion: string;
  database: string;
  schema: string;
  sizeBytes: number;
}

/** What `db status` shows about the connection. */
export async function databaseInfo(db: Database): Promise<DatabaseInfo> {
  const r = await db.query<{ version: string; database: string; schema: string; size: number }>(
    `SELECT version() AS version, current_database() AS database, current_schema() AS schema,
            pg_database_size(current_database()) AS size`,
  );
  const x = r.rows[0];
  return {
    engine: db.engine,
    location: db.location,
    serverVersion: x.version.replace(/ on .*$/, ''),
    database: x.database,
    schema: x.schema,
    sizeBytes: x.size,
  };
}

export interface TableStats {
  table: string;
  /** Estimated live rows (statistics collector). */
  liveRows: number;
  deadRows: number;
  seqScan: number;
  seqTupRead: number;
  idxScan: number | null;
  /** Table + indexes + TOAST, bytes. */
  totalBytes: number;
  lastVacuum: Date | null;
  lastAnalyze: Date | null;
}

/** Tables of the current schema, largest first. */
export async function tableStats(q: Queryable): Promise<TableStats[]> {
  const r = await q.query<{
    table: string;
    live: number;
    dead: number;
    seq_scan: number;
    seq_tup_read: number;
    idx_scan: number | null;
    bytes: number;
    last_vacuum: Date | null;
    last_analyze: Date | null;
  }>(
    `SELECT relname AS table, n_live_tup AS live, n_dead_tup AS dead, seq_scan, seq_tup_read, idx_scan,
            pg_total_relation_size(relid) AS bytes,
            greatest(last_vacuum, last_autovacuum) AS last_vacuum,
            greatest(last_analyze, last_autoanalyze) AS last_analyze
       FROM pg_stat_user_tables WHERE schemaname = current_schema()
      ORDER BY pg_total_relation_size(relid) DESC, relname`,
  );
  return r.rows.map((x) => ({
    table: x.table,
    liveRows: x.live,
    deadRows: x.dead,
    seqScan: x.seq_scan,
    seqTupRead: x.seq_tup_read,
    idxScan: x.idx_scan,
    totalBytes: x.bytes,
    lastVacuum: x.last_vacuum,
    lastAnalyze: x.last_analyze,
  }));
}

/** `VACUUM (ANALYZE)` of the whole database (outside any transaction). */
export async function vacuumAnalyze(q: Queryable): Promise<void> {
  await q.exec('VACUUM (ANALYZE)');
}
