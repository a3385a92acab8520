/** The latest stored option chain of a symbol (read side of the `options` table), for `GET /api/chains/:symbol`. */
import type { Queryable } from './db.js';

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
 * The latest stored live snapshot of `underlying`'s chain (optionally one expiration `YYYY-MM-DD`), strikes
 * ascending; null when none is stored. One copy, that of the newest scan that stored it: a chain served from the
 * cache keeps its snapshot time, so every scan within its lifetime stores it again (each contract came back once
 * per scan). A replay's chain (a scan with a fixed as_of) is not live: one dated 2099 hid the live chains.
 */
export async function latestChain(
  q: Queryable,
  underlying: string,
  expiration: string | null,
): Promise<StoredChain | null> {
  const latest = await q.query<{ at: Date; scan_id: string | null }>(
    `SELECT o.snapshot_at AS at, o.scan_id
       FROM options o LEFT JOIN scans s ON s.id = o.scan_id
      WHERE o.underlying = $1 AND ($2::date IS NULL OR o.expiration = $2::date) AND s.as_of IS NULL
      ORDER BY o.snapshot_at DESC, s.started_at DESC NULLS LAST, o.scan_id
      LIMIT 1`,
    [underlying, expiration],
  );
  const pick = latest.rows[0];
  if (!pick) return null;
  const r = await q.query<OptionRow>(
    `SELECT snapshot_at, scan_id, symbol, option_type, expiration, strike, bid, ask, last, volume,
            open_interest, iv, delta, gamma, theta, vega, quote_time, source
       FROM options
      WHERE underlying = $1 AND snapshot_at = $2 AND scan_id IS NOT DISTINCT FROM $4::uuid
        AND ($3::date IS NULL OR expiration = $3::date)
      ORDER BY expiration, strike, option_type`,
    [underlying, pick.at, expiration, pick.scan_id],
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
