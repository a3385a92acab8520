/**
 * Row count and content checksum of every table of the current schema, so that a backup can be
 * verified after a restore: same counts and same checksums ⇒ same data. Row order on disk does not matter.
 *
 * Method `sum128` (CHECKSUM_METHOD, backups since 2026-12-07): each row's md5 read as two signed 64-bit
 * integers, each summed over the table (sum(bigint) is numeric: no overflow), the checksum the md5 of the two
 * sums — a streaming aggregate in constant memory. Method `sorted-md5` (older manifests, which carry no
 * `checksumMethod`): the md5 of the sorted md5s, one string of 32 bytes per row, which PostgreSQL cannot build
 * beyond 1 GB: a table past 33.5 million rows (`options` with `snapshot_scope: all` within days) made every
 * backup fail at its checksum step. It is kept only to verify restores of those older backups.
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

/** How the checksums are computed; recorded in the backup manifest as `checksumMethod`. */
export type ChecksumMethod = 'sum128' | 'sorted-md5';
export const CHECKSUM_METHOD: ChecksumMethod = 'sum128';

const CHECKSUM_SQL: Record<ChecksumMethod, (table: string) => string> = {
  sum128: (table) =>
    `SELECT count(*)::bigint::text AS n,
            md5(coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text || ':' ||
                coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text) AS sum
       FROM (SELECT md5(t::text) AS h FROM ${table} t) x`,
  'sorted-md5': (table) =>
    `SELECT count(*)::bigint::text AS n, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS sum
       FROM (SELECT md5(t::text) AS h FROM ${table} t) x`,
};

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
export async function tableChecksums(
  q: Queryable,
  method: ChecksumMethod = CHECKSUM_METHOD,
): Promise<Record<string, TableSum>> {
  if (isDatabase(q))
    return q.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return tableChecksums(tx, method);
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
      const r = await q.query<{ n: string; sum: string }>(CHECKSUM_SQL[method](quoteIdent(name)));
      out[name] = { rows: Number(r.rows[0].n), md5: r.rows[0].sum };
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
