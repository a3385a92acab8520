/**
 * Read queries of the REST API that store/ does not offer (yet): scans before a time (paging) and
 * the latest stored option chain of a symbol. They belong in store/ (scansRepo, optionsRepo) and
 * can move there unchanged; they use only the Queryable interface.
 */
import type { JsonObject, JsonValue, Queryable } from '../store/db.js';
import type { ScanStatus, StoredScan } from '../store/scansRepo.js';

interface ScanRow {
  id: string;
  started_at: Date;
  finished_at: Date | null;
  status: ScanStatus;
  source: string;
  as_of: Date | null;
  params: JsonObject;
  timings: Record<string, number>;
  counts: JsonObject;
  errors: JsonValue[];
  trade_count: number;
  created_at: Date;
}

const toScan = (r: ScanRow): StoredScan => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  source: r.source,
  asOf: r.as_of,
  params: r.params,
  timings: r.timings,
  counts: r.counts,
  errors: r.errors,
  tradeCount: r.trade_count,
  createdAt: r.created_at,
});

/** Scans started strictly before `before` (all when null), newest first. */
export async function scansBefore(q: Queryable, before: Date | null, limit: number): Promise<StoredScan[]> {
  const r = await q.query<ScanRow>(
    `SELECT id, started_at, finished_at, status, source, as_of, params, timings, counts, errors, trade_count, created_at
       FROM scans WHERE ($1::timestamptz IS NULL OR started_at < $1)
      ORDER BY started_at DESC, id LIMIT $2`,
    [before, limit],
  );
  return r.rows.map(toScan);
}

/** When the newest completed scan finished (any instance), or null. */
export async function lastCompletedScanAt(q: Queryable): Promise<Date | null> {
  const r = await q.query<{ at: Date | null }>(
    `SELECT max(finished_at) AS at FROM scans WHERE status = 'completed'`,
  );
  return r.rows[0]?.at ?? null;
}

/** When the newest scan of `source` started (any status), or null (the scheduler's freshness check). */
export async function lastScanStartOf(q: Queryable, source: string): Promise<Date | null> {
  const r = await q.query<{ at: Date | null }>('SELECT max(started_at) AS at FROM scans WHERE source = $1', [
    source,
  ]);
  return r.rows[0]?.at ?? null;
}

/** One contract of a stored chain. Units as stored: $ per share, IV fraction, market-unit greeks. */
export interface StoredContract {
  symbol: string;
  type: 'call' | 'put';
  strike: number;
  bid: number | null;
  ask: number | null;
  last: number | null;
  volume: number | null;
  openInterest: number | null;
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  quoteTime: Date | null;
}

export interface StoredChain {
  underlying: string;
  snapshotAt: Date;
  scanId: string | null;
  source: string;
  expirations: { expiration: string; calls: StoredContract[]; puts: StoredContract[] }[];
}

interface OptionRow {
  snapshot_at: Date;
  scan_id: string | null;
  symbol: string;
  option_type: 'call' | 'put';
  expiration: string;
  strike: number;
  bid: number | null;
  ask: number | null;
  last: number | null;
  volume: number | null;
  open_interest: number | null;
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  quote_time: Date | null;
  source: string;
}

/** NaN is stored for "no value" by some providers; JSON has no NaN. */
const num = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

/**
 * The latest stored snapshot of `underlying`'s chain (optionally one expiration `YYYY-MM-DD`),
 * strikes ascending; null when none is stored.
 */
export async function latestChain(
  q: Queryable,
  underlying: string,
  expiration: string | null,
): Promise<StoredChain | null> {
  const latest = await q.query<{ at: Date | null }>(
    `SELECT max(snapshot_at) AS at FROM options
      WHERE underlying = $1 AND ($2::date IS NULL OR expiration = $2::date)`,
    [underlying, expiration],
  );
  const at = latest.rows[0]?.at ?? null;
  if (at === null) return null;
  const r = await q.query<OptionRow>(
    `SELECT snapshot_at, scan_id, symbol, option_type, expiration, strike, bid, ask, last, volume,
            open_interest, iv, delta, gamma, theta, vega, quote_time, source
       FROM options
      WHERE underlying = $1 AND snapshot_at = $2 AND ($3::date IS NULL OR expiration = $3::date)
      ORDER BY expiration, strike, option_type`,
    [underlying, at, expiration],
  );
  if (r.rows.length === 0) return null;
  const byExpiration = new Map<
    string,
    { expiration: string; calls: StoredContract[]; puts: StoredContract[] }
  >();
  for (const row of r.rows) {
    let e = byExpiration.get(row.expiration);
    if (!e) {
      e = { expiration: row.expiration, calls: [], puts: [] };
      byExpiration.set(row.expiration, e);
    }
    const c: StoredContract = {
      symbol: row.symbol,
      type: row.option_type,
      strike: row.strike,
      bid: num(row.bid),
      ask: num(row.ask),
      last: num(row.last),
      volume: row.volume,
      openInterest: row.open_interest,
      iv: num(row.iv),
      delta: num(row.delta),
      gamma: num(row.gamma),
      theta: num(row.theta),
      vega: num(row.vega),
      quoteTime: row.quote_time,
    };
    (row.option_type === 'call' ? e.calls : e.puts).push(c);
  }
  const first = r.rows[0];
  return {
    underlying,
    snapshotAt: first.snapshot_at,
    scanId: first.scan_id,
    source: first.source,
    expirations: [...byExpiration.values()],
  };
}
