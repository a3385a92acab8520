/**
 * `ops business-metrics`: what the engine recommended and how it turned out. Per day: scans,
 * recommendations, scans that ended "Fewer than N trades"; averages of POP, credit and max loss;
 * strategy and sector mix; and, for recommendations whose expiration has passed and whose
 * underlying has a stored daily bar on that day (the bar of that UTC date, whatever the session
 * TimeZone), the realized outcome against the predicted POP, the entry priced at the natural fill
 * like the trade's netCredit.
 */
import type { JsonValue, Queryable } from '../store/db.js';
import { DAY_MS } from './stats.js';
import { fmtNum, fmtPct, section, textTable } from './text.js';

export interface DayMetrics {
  day: string;
  scans: number;
  /** Scans that ended with fewer trades than requested ("Fewer than N trades…"). */
  insufficientScans: number;
  recommendations: number;
}

export interface MixEntry {
  name: string;
  trades: number;
  share: number;
}

export interface OutcomeMetrics {
  /** Recommendations whose (single) expiration is before `asOf`. */
  expired: number;
  /** Of those, with a closing price of the underlying on the expiration day. */
  evaluated: number;
  winners: number;
  /** winners / evaluated; null when none evaluated. */
  realizedWinRate: number | null;
  /** Mean predicted POP of the evaluated trades. */
  predictedPop: number | null;
  /**
   * Realized P/L of the evaluated trades, $ for the positions (× 100 × contracts), entered at the
   * natural fill like the trade's netCredit (SELL at bid, BUY at ask; mid only for a leg stored
   * without that side of the quote).
   */
  realizedPnl: number;
  /** Expired but not evaluable: no stored close, or legs with several expirations (calendars). */
  pending: number;
}

export interface BusinessMetricsReport {
  from: string;
  to: string;
  days: DayMetrics[];
  totals: { scans: number; insufficientScans: number; recommendations: number };
  averages: { pop: number | null; netPremium: number | null; maxLoss: number | null; score: number | null };
  strategies: MixEntry[];
  sectors: MixEntry[];
  outcomes: OutcomeMetrics;
}

interface OutcomeRow {
  strategy: string;
  net_premium: number | null;
  pop: number | null;
  legs: JsonValue[];
  contracts: number | null;
  close: number | null;
}

interface LegJson {
  action?: string;
  type?: string;
  strike?: number;
  expiration?: string;
  quantity?: number;
  mid?: number | null;
  bid?: number | null;
  ask?: number | null;
}

const price = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

/**
 * The entry price of a leg: the natural fill the trade's `netCredit`, max profit, breakevens and POP
 * are computed with (README "Units"): SELL at the bid, BUY at the ask. Only when that side of the
 * quote was not stored does it fall back to the mid (the stored `mid`, else (bid + ask) / 2).
 * `heldStock`: the stock leg of a covered call on shares already held, whose basis is today's mid
 * (as the engine prices it, strategies/payoff.ts).
 */
export function entryPrice(l: LegJson, heldStock = false): number | null {
  const natural = heldStock ? null : l.action === 'SELL' ? price(l.bid) : price(l.ask);
  if (natural !== null) return natural;
  const bid = price(l.bid);
  const ask = price(l.ask);
  return price(l.mid) ?? (bid !== null && ask !== null ? (bid + ask) / 2 : null);
}

/**
 * P/L per share of a position held to expiry at underlying price `s`, entered at the natural fill
 * (`entryPrice`); null when a leg lacks a price. `opts.heldStock`: a covered call on held shares
 * (the stock leg at mid).
 */
export function pnlAtExpiry(
  legs: readonly LegJson[],
  s: number,
  opts: { heldStock?: boolean } = {},
): number | null {
  let pnl = 0;
  for (const l of legs) {
    const entry = entryPrice(l, opts.heldStock === true && l.type === 'stock');
    if (entry === null || l.strike === undefined) return null;
    const value =
      l.type === 'call' ? Math.max(s - l.strike, 0) : l.type === 'put' ? Math.max(l.strike - s, 0) : s;
    const sign = l.action === 'SELL' ? -1 : 1;
    pnl += sign * (l.quantity ?? 1) * (value - entry);
  }
  return pnl;
}

function mix(rows: { name: string | null; n: number }[]): MixEntry[] {
  const total = rows.reduce((a, r) => a + r.n, 0);
  return rows.map((r) => ({ name: r.name ?? '(unknown)', trades: r.n, share: total ? r.n / total : 0 }));
}

export async function businessMetrics(
  q: Queryable,
  opts: { days?: number; now?: number } = {},
): Promise<BusinessMetricsReport> {
  const now = opts.now ?? Date.now();
  const from = new Date(now - (opts.days ?? 30) * DAY_MS);
  const to = new Date(now);
  const perDay = await q.query<{ day: string; scans: number; insufficient: number; trades: number }>(
    `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS scans,
            count(*) FILTER (WHERE counts->>'result' = 'insufficient')::int AS insufficient,
            coalesce(sum(trade_count), 0)::int AS trades
       FROM scans WHERE started_at >= $1 AND started_at < $2 AND status = 'completed'
      GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  const window = `FROM trades t JOIN scans s ON s.id = t.scan_id WHERE s.started_at >= $1 AND s.started_at < $2`;
  const avg = await q.query<{
    pop: number | null;
    prem: number | null;
    loss: number | null;
    score: number | null;
  }>(
    `SELECT avg(t.pop) AS pop, avg(t.net_premium) AS prem, avg(t.max_loss) AS loss, avg(t.score) AS score ${window}`,
    [from, to],
  );
  const strategies = await q.query<{ name: string; n: number }>(
    `SELECT t.strategy AS name, count(*)::int AS n ${window} GROUP BY 1 ORDER BY 2 DESC, 1`,
    [from, to],
  );
  const sectors = await q.query<{ name: string | null; n: number }>(
    `SELECT t.metrics->>'sector' AS name, count(*)::int AS n ${window} GROUP BY 1 ORDER BY 2 DESC, 1`,
    [from, to],
  );
  const expired = await q.query<OutcomeRow>(
    // Bars are stored at 00:00 UTC of their session date: the expiration day is matched as a UTC
    // range (`m.ts::date` would follow the session TimeZone and pick a neighbouring day's close).
    `SELECT t.strategy, t.net_premium, t.pop, t.legs,
            CASE WHEN jsonb_typeof(t.metrics->'contracts') = 'number' THEN (t.metrics->>'contracts')::float8 END AS contracts,
            (SELECT coalesce(m.close, m.last) FROM market_data m
              WHERE m.symbol = t.ticker AND m.kind = 'bar'
                AND m.ts >= (t.expiration::timestamp AT TIME ZONE 'UTC')
                AND m.ts < ((t.expiration + 1)::timestamp AT TIME ZONE 'UTC')
              ORDER BY m.ts DESC LIMIT 1) AS close
       ${window} AND t.expiration < ($2::timestamptz AT TIME ZONE 'UTC')::date`,
    [from, to],
  );
  const outcomes: OutcomeMetrics = {
    expired: expired.rows.length,
    evaluated: 0,
    winners: 0,
    realizedWinRate: null,
    predictedPop: null,
    realizedPnl: 0,
    pending: 0,
  };
  let popSum = 0;
  for (const row of expired.rows) {
    const legs = row.legs as LegJson[];
    const single = new Set(legs.map((l) => l.expiration)).size === 1;
    // A covered call with a credit is one on shares already held (`isCredit`): stock basis at mid.
    const heldStock = row.strategy.toLowerCase() === 'covered_call' && (row.net_premium ?? 0) > 0;
    const pnl = row.close !== null && single ? pnlAtExpiry(legs, row.close, { heldStock }) : null;
    if (pnl === null) {
      outcomes.pending++;
      continue;
    }
    outcomes.evaluated++;
    if (pnl > 0) outcomes.winners++;
    popSum += row.pop ?? 0;
    outcomes.realizedPnl += pnl * 100 * (row.contracts ?? 1);
  }
  if (outcomes.evaluated > 0) {
    outcomes.realizedWinRate = outcomes.winners / outcomes.evaluated;
    outcomes.predictedPop = popSum / outcomes.evaluated;
  }
  const days = perDay.rows.map((d) => ({
    day: d.day,
    scans: d.scans,
    insufficientScans: d.insufficient,
    recommendations: d.trades,
  }));
  const a = avg.rows[0];
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    days,
    totals: {
      scans: days.reduce((x, d) => x + d.scans, 0),
      insufficientScans: days.reduce((x, d) => x + d.insufficientScans, 0),
      recommendations: days.reduce((x, d) => x + d.recommendations, 0),
    },
    averages: {
      pop: a?.pop ?? null,
      netPremium: a?.prem ?? null,
      maxLoss: a?.loss ?? null,
      score: a?.score ?? null,
    },
    strategies: mix(strategies.rows),
    sectors: mix(sectors.rows),
    outcomes,
  };
}

export function renderBusinessMetrics(r: BusinessMetricsReport): string {
  const o = r.outcomes;
  const mixTable = (m: MixEntry[]) =>
    m.length
      ? textTable(
          ['Name', 'Trades', 'Share'],
          m.map((x) => [x.name, x.trades, fmtPct(x.share)]),
        )
      : '(none)';
  return [
    `Business metrics ${r.from.slice(0, 10)} .. ${r.to.slice(0, 10)}\n`,
    section(
      'Per day',
      r.days.length
        ? textTable(
            ['Day', 'Scans', 'Fewer than N', 'Recommendations'],
            r.days.map((d) => [d.day, d.scans, d.insufficientScans, d.recommendations]),
          )
        : '(no completed scans in the window)',
    ),
    section(
      'Recommended trades',
      [
        `Total: ${r.totals.recommendations} in ${r.totals.scans} scans (${r.totals.insufficientScans} ended "Fewer than N trades")`,
        `Average POP: ${fmtPct(r.averages.pop)}   credit: $${fmtNum(r.averages.netPremium)}/share   max loss: $${fmtNum(r.averages.maxLoss)}   score: ${fmtNum(r.averages.score)}`,
      ].join('\n'),
    ),
    section('Strategy mix', mixTable(r.strategies)),
    section('Sector mix', mixTable(r.sectors)),
    section(
      'Outcomes of expired recommendations',
      o.expired === 0
        ? 'No recommendation has expired yet.'
        : [
            `Expired: ${o.expired}, evaluated: ${o.evaluated}, pending (no close or multi-expiry): ${o.pending}`,
            `Realized win rate: ${fmtPct(o.realizedWinRate)} vs predicted POP ${fmtPct(o.predictedPop)}; realized P/L $${fmtNum(o.realizedPnl)}`,
          ].join('\n'),
    ),
  ].join('\n');
}
