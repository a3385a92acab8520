/**
 * `ops db-maintenance`: the guide's weekly `ANALYZE; VACUUM ANALYZE; REINDEX DATABASE`, scoped to
 * this application's schema (REINDEX SCHEMA: REINDEX DATABASE needs the database owner and
 * touches other applications' tables), with table sizes and `pg_stat_user_tables` before and
 * after, and the top queries of `pg_stat_statements` when that extension is installed (its
 * columns are `total_exec_time`/`mean_exec_time` since PostgreSQL 13 — the guide's `total_time`
 * no longer exists). `--full` runs VACUUM FULL, which locks each table while it rewrites it: only
 * in a maintenance window with the service stopped.
 *
 * The steps run on one dedicated connection without the service's statement_timeout (VACUUM FULL or
 * REINDEX of a big table takes minutes; VACUUM and REINDEX SCHEMA cannot run in a transaction, so
 * `SET statement_timeout = 0` on that session); a failure names its step.
 */
import type { Database, Queryable } from '../store/db.js';
import { quoteIdent } from '../store/db.js';
import { type TableStats, tableStats, vacuumAnalyze } from '../store/maintenance.js';
import { opsStep, withoutStatementTimeout } from './opsContext.js';
import { fmtBytes, fmtNum, section, textTable } from './text.js';

export type MaintenanceStep = 'analyze' | 'vacuum' | 'vacuum_full' | 'reindex';

export interface StepResult {
  step: MaintenanceStep;
  sql: string;
  ms: number;
}

export interface TopQuery {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export interface DbMaintenanceReport {
  engine: string;
  schema: string;
  steps: StepResult[];
  before: TableStats[];
  after: TableStats[];
  /** null when pg_stat_statements is not installed. */
  topQueries: TopQuery[] | null;
}

/** Top queries by total time, when pg_stat_statements is installed in this database. */
export async function topStatements(q: Queryable, limit = 10): Promise<TopQuery[] | null> {
  const ext = await q.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements'`,
  );
  if (ext.rows.length === 0) return null;
  try {
    const r = await q.query<{ query: string; calls: number; total: number; mean: number; rows: number }>(
      `SELECT query, calls, total_exec_time AS total, mean_exec_time AS mean, rows
         FROM ${quoteIdent(ext.rows[0].schema)}.pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return r.rows.map((x) => ({
      query: x.query.replace(/\s+/g, ' ').slice(0, 200),
      calls: x.calls,
      totalMs: x.total,
      meanMs: x.mean,
      rows: x.rows,
    }));
  } catch {
    // Installed but not preloaded (shared_preload_libraries): the view errors. Say nothing rather than fail.
    return null;
  }
}

export async function dbMaintenance(
  db: Database,
  opts: { steps?: readonly MaintenanceStep[] } = {},
): Promise<DbMaintenanceReport> {
  const steps = opts.steps ?? ['analyze', 'vacuum', 'reindex'];
  const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
  const results: StepResult[] = [];
  // the table statistics too run on the dedicated connection: sizes of a big schema right after VACUUM FULL /
  // REINDEX could pass the pool's statement timeout and fail the whole maintenance run after its work was done
  return withoutStatementTimeout(db, async (q) => {
    const before = await tableStats(q);
    const run = async (step: MaintenanceStep, sql: string, fn: () => Promise<void>) => {
      const t0 = performance.now();
      await opsStep('db-maintenance', `${step} (${sql})`, fn);
      results.push({ step, sql, ms: Math.round(performance.now() - t0) });
    };
    for (const step of steps) {
      if (step === 'analyze') await run(step, 'ANALYZE', () => q.exec('ANALYZE'));
      else if (step === 'vacuum') await run(step, 'VACUUM (ANALYZE)', () => vacuumAnalyze(q));
      else if (step === 'vacuum_full')
        await run(step, 'VACUUM (FULL, ANALYZE)', () => q.exec('VACUUM (FULL, ANALYZE)'));
      else {
        const sql = `REINDEX SCHEMA ${quoteIdent(schema)}`;
        await run(step, sql, () => q.exec(sql));
      }
    }
    const after = await tableStats(q);
    return { engine: db.engine, schema, steps: results, before, after, topQueries: await topStatements(q) };
  });
}

export function renderDbMaintenance(r: DbMaintenanceReport): string {
  const beforeBy = new Map(r.before.map((t) => [t.table, t]));
  return [
    `Database maintenance (${r.engine}, schema ${r.schema})\n`,
    section(
      'Steps',
      textTable(
        ['Step', 'SQL', 'ms'],
        r.steps.map((s) => [s.step, s.sql, s.ms]),
      ),
    ),
    section(
      'Tables (before → after)',
      textTable(
        [
          'Table',
          'Size before',
          'Size after',
          'Live rows',
          'Dead before',
          'Dead after',
          'Seq scans',
          'Idx scans',
        ],
        r.after.map((t) => {
          const b = beforeBy.get(t.table);
          return [
            t.table,
            fmtBytes(b?.totalBytes),
            fmtBytes(t.totalBytes),
            t.liveRows,
            b?.deadRows ?? Number.NaN,
            t.deadRows,
            t.seqScan,
            t.idxScan ?? Number.NaN,
          ];
        }),
      ),
    ),
    section(
      'Top queries (pg_stat_statements)',
      r.topQueries === null
        ? 'pg_stat_statements is not installed (CREATE EXTENSION pg_stat_statements; needs shared_preload_libraries)'
        : textTable(
            ['Calls', 'Total ms', 'Mean ms', 'Rows', 'Query'],
            r.topQueries.map((x) => [
              x.calls,
              fmtNum(x.totalMs),
              fmtNum(x.meanMs),
              x.rows,
              x.query.slice(0, 80),
            ]),
          ),
    ),
  ].join('\n');
}
