/**
 * Row count and content checksum of every table of the current schema, so that a backup can be
 * verified after a restore: same counts and same checksums ⇒ same data. The checksum is the md5 of
 * the sorted md5s of the rows' text forms, so row order on disk does not matter.
 *
 * The text form of a row depends on session settings (a timestamptz on TimeZone, a date on
 * DateStyle, an interval on IntervalStyle, a float8 on extra_float_digits, a bytea on
 * bytea_output): they are pinned for the checksum transaction, so that a database whose sessions
 * default to another TimeZone still gives the same checksums. The service's statement_timeout is
 * lifted too: reading every row of a big table takes as long as it takes.
 */
import type { Database, Queryable } from '../store/db.js';
import { quoteIdent } from '../store/db.js';

export interface TableSum {
  rows: number;
  md5: string;
}

/** `SET LOCAL`s of the checksum transaction (both engines). */
export const CHECKSUM_SETTINGS = [
  'SET LOCAL statement_timeout = 0',
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  'SET LOCAL extra_float_digits = 1',
  "SET LOCAL bytea_output = 'hex'",
].join('; ');

/** Recorded in the backup manifest: the checksums were computed under CHECKSUM_SETTINGS. */
export const CHECKSUM_SETTINGS_ID =
  'TimeZone=UTC DateStyle=ISO,YMD IntervalStyle=postgres extra_float_digits=1 bytea_output=hex';

function isDatabase(q: Queryable): q is Database {
  return typeof (q as Partial<Database>).transaction === 'function';
}

/**
 * Table name → count and checksum; partitions are counted through their parent. Given the database,
 * reads every table in one REPEATABLE READ READ ONLY transaction (one snapshot); given a Queryable that
 * is not a database, it must be an open transaction (e.g. the backup's, whose snapshot pg_dump shares):
 * the settings are pinned with SET LOCAL in it. A failure names the table.
 */
export async function tableChecksums(q: Queryable): Promise<Record<string, TableSum>> {
  if (isDatabase(q))
    return q.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return tableChecksums(tx);
    });
  await q.exec(CHECKSUM_SETTINGS);
  const tables = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  const out: Record<string, TableSum> = {};
  for (const { name } of tables.rows) {
    try {
      const r = await q.query<{ n: number; sum: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS sum
           FROM (SELECT md5(t::text) AS h FROM ${quoteIdent(name)} t) x`,
      );
      out[name] = { rows: r.rows[0].n, md5: r.rows[0].sum };
    } catch (e) {
      throw new Error(`table ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return out;
}

/** Tables whose count or checksum differ between two readings (missing tables included). */
export function checksumDifferences(
  expected: Record<string, TableSum>,
  actual: Record<string, TableSum>,
): string[] {
  const diffs: string[] = [];
  for (const [table, e] of Object.entries(expected)) {
    const a = actual[table];
    if (!a) diffs.push(`${table}: missing after restore`);
    else if (a.rows !== e.rows) diffs.push(`${table}: ${a.rows} rows, expected ${e.rows}`);
    else if (a.md5 !== e.md5) diffs.push(`${table}: same row count, different content`);
  }
  return diffs;
}
