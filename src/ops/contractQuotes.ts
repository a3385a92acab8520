/** Option quotes flattened to one row per contract, for comparing sources and checking sanity. */
import type { OptionChain, OptionColumns } from '../market/types.js';
import type { Queryable } from '../store/db.js';

export interface ContractQuote {
  /** `call|2026-12-18|95` */
  key: string;
  type: 'call' | 'put';
  expiration: string;
  strike: number;
  bid: number;
  ask: number;
  /** Fraction; NaN when absent. */
  iv: number;
  /** Market units (per share); NaN when absent. */
  delta: number;
  /** Per $1 of the underlying, per share; NaN when absent. */
  gamma: number;
  /** $ per share per calendar day; NaN when absent. */
  theta: number;
  /** Epoch ms; NaN when absent. */
  quoteTime: number;
}

export const contractKey = (type: string, expiration: string, strike: number) =>
  `${type}|${expiration}|${Math.round(strike * 1000) / 1000}`;

export function chainContracts(chain: OptionChain): ContractQuote[] {
  const out: ContractQuote[] = [];
  for (const e of chain.expirations) {
    const side = (type: 'call' | 'put', c: OptionColumns) => {
      for (let i = 0; i < e.strikes.length; i++) {
        out.push({
          key: contractKey(type, e.expiration, e.strikes[i]),
          type,
          expiration: e.expiration,
          strike: e.strikes[i],
          bid: c.bid[i],
          ask: c.ask[i],
          iv: c.iv[i],
          delta: c.delta[i],
          gamma: c.gamma[i],
          theta: c.theta[i],
          quoteTime: c.quoteTime[i],
        });
      }
    };
    side('call', e.calls);
    side('put', e.puts);
  }
  return out;
}

/**
 * The underlying of the newest stored option snapshot, or null when none is stored. With the default
 * `snapshot_scope: traded` only traded tickers are stored, so a fixed default (the runbook's SPY) often had none.
 */
export async function latestStoredUnderlying(q: Queryable): Promise<string | null> {
  const r = await q.query<{ underlying: string }>(
    'SELECT underlying FROM options ORDER BY snapshot_at DESC, underlying LIMIT 1',
  );
  return r.rows[0]?.underlying ?? null;
}

/** The newest stored snapshot of `underlying` (all its contracts), or null when none is stored. */
export async function latestStoredContracts(
  q: Queryable,
  underlying: string,
): Promise<{ snapshotAt: Date; source: string; contracts: ContractQuote[] } | null> {
  const r = await q.query<{
    snapshot_at: Date;
    source: string;
    option_type: 'call' | 'put';
    expiration: string;
    strike: number;
    bid: number | null;
    ask: number | null;
    iv: number | null;
    delta: number | null;
    gamma: number | null;
    theta: number | null;
    quote_time: Date | null;
  }>(
    `SELECT snapshot_at, source, option_type, expiration, strike, bid, ask, iv, delta, gamma, theta, quote_time
       FROM options
      WHERE underlying = $1 AND snapshot_at = (SELECT max(snapshot_at) FROM options WHERE underlying = $1)`,
    [underlying],
  );
  if (r.rows.length === 0) return null;
  const n = (x: number | null) => (x === null ? Number.NaN : x);
  return {
    snapshotAt: r.rows[0].snapshot_at,
    source: r.rows[0].source,
    contracts: r.rows.map((x) => ({
      key: contractKey(x.option_type, x.expiration, x.strike),
      type: x.option_type,
      expiration: x.expiration,
      strike: x.strike,
      bid: n(x.bid),
      ask: n(x.ask),
      iv: n(x.iv),
      delta: n(x.delta),
      gamma: n(x.gamma),
      theta: n(x.theta),
      quoteTime: x.quote_time ? x.quote_time.getTime() : Number.NaN,
    })),
  };
}
