/**
 * Row count and content checksum of every table of the current schema, so that a backup can be
 * verified after a restore: same counts and same checksums ⇒ same data. The checksum is the md5 of
 * the sorted md5s of the rows' text forms, so row order on disk does not matter.
 */
import type { Queryable } from '../store/db.js';
import { quoteIdent } from '../store/db.js';

export interface TableSum {
  rows: number;
  md5: string;
}

/** Table name → count and checksum; partitions are counted through their parent. */
export async function tableChecksums(q: Queryable): Promise<Record<string, TableSum>> {
  const tables = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  const out: Record<string, TableSum> = {};
  for (const { name } of tables.rows) {
    const r = await q.query<{ n: number; sum: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS sum
         FROM (SELECT md5(t::text) AS h FROM ${quoteIdent(name)} t) x`,
    );
    out[name] = { rows: r.rows[0].n, md5: r.rows[0].sum };
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
