/**
 * The `iv_history` table: each ticker's 30-day IV per New York trading day, recorded by live scans, read back as
 * the IV history of providers that serve none (Tradier, Yahoo).
 */
import type { IvObservation, IvPoint } from '../market/types.js';
import type { Queryable } from './db.js';
import { StoreInputError } from './errors.js';
import { requireDay, requireText } from './validate.js';

export type { IvObservation };

function checkObservation(o: IvObservation, i: number): void {
  requireText(`ivObservations[${i}].symbol`, o.symbol);
  requireDay(`ivObservations[${i}].day`, o.day);
  requireText(`ivObservations[${i}].source`, o.source);
  if (!(o.iv30 > 0 && o.iv30 < Number.POSITIVE_INFINITY))
    throw new StoreInputError(`ivObservations[${i}].iv30`, `must be a finite number > 0, got ${o.iv30}`);
}

/** Checks every observation before anything is written (a StoreInputError naming the field). */
export function validateIvObservations(obs: readonly IvObservation[]): void {
  obs.forEach(checkObservation);
}

/** Writes the observations of a scan: a later scan of the same day and source replaces its value. */
export async function upsertIvHistory(
  q: Queryable,
  scanId: string | null,
  observations: readonly IvObservation[],
): Promise<number> {
  let obs = observations;
  if (obs.length === 0) return 0;
  validateIvObservations(obs);
  // one row per key and statement (ON CONFLICT cannot update a row twice, which aborted the scan's save): the last
  const byKey = new Map(obs.map((o) => [`${o.symbol}\u0000${o.day}\u0000${o.source}`, o]));
  obs = [...byKey.values()];
  const r = await q.query(
    `INSERT INTO iv_history (symbol, day, source, iv30, scan_id)
     SELECT s, d::date, src, v, $5::uuid FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS u(s, d, src, v)
     ON CONFLICT (symbol, day, source) DO UPDATE
       SET iv30 = EXCLUDED.iv30, scan_id = EXCLUDED.scan_id, updated_at = now()`,
    [
      obs.map((o) => o.symbol),
      obs.map((o) => o.day),
      obs.map((o) => o.source),
      obs.map((o) => o.iv30),
      scanId,
    ],
  );
  return r.rowCount ?? obs.length;
}

/**
 * The stored history of `symbols` from `sources` on days in [from, to], oldest first, one value a day: where two
 * sources measured a day, the first of `sources` (the primary: one basis for its IVs, Tradier's mid IV or the
 * engine's own from Yahoo's prices).
 */
export async function readIvHistory(
  q: Queryable,
  symbols: readonly string[],
  sources: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, IvPoint[]>> {
  const out = new Map<string, IvPoint[]>();
  if (symbols.length === 0 || sources.length === 0) return out;
  requireDay('from', from);
  requireDay('to', to);
  const r = await q.query<{ symbol: string; day: string; iv30: number }>(
    `SELECT DISTINCT ON (symbol, day) symbol, to_char(day, 'YYYY-MM-DD') AS day, iv30
       FROM iv_history
      WHERE symbol = ANY($1::text[]) AND source = ANY($2::text[]) AND day BETWEEN $3::date AND $4::date
      ORDER BY symbol, day, array_position($2::text[], source)`,
    [[...symbols], [...sources], from, to],
  );
  for (const row of r.rows) {
    const list = out.get(row.symbol) ?? [];
    if (list.length === 0) out.set(row.symbol, list);
    list.push({ date: row.day, iv30: Number(row.iv30) });
  }
  return out;
}
