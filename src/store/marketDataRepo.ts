/** The `market_data` table: underlying quotes and daily bars, upserted by (symbol, kind, time). */
import type { DailyBar, UnderlyingQuote } from '../market/types.js';
import type { Queryable } from './db.js';
import { finiteOrNull, requireDay, requireText } from './validate.js';

/** Rounded count, null when missing. */
function count(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v) : null;
}

/** Inserts quotes (one statement); a quote of the same symbol and time replaces the stored one. */
export async function upsertQuotes(
  q: Queryable,
  quotes: readonly UnderlyingQuote[],
  source: string,
): Promise<number> {
  requireText('source', source);
  const byKey = new Map<string, UnderlyingQuote>();
  quotes.forEach((x, i) => {
    requireText(`quotes[${i}].symbol`, x.symbol);
    byKey.set(`${x.symbol}\u0000${x.time}`, x); // last wins: one statement cannot update a row twice
  });
  const list = [...byKey.values()];
  if (list.length === 0) return 0;
  const r = await q.query(
    `INSERT INTO market_data (symbol, kind, ts, last, bid, ask, prev_close, volume, dividend_yield, source)
     SELECT s, 'quote', t, l, b, a, pc, v, dy, $9
       FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int8[], $8::float8[])
         AS u(s, t, l, b, a, pc, v, dy)
     ON CONFLICT (symbol, kind, ts) DO UPDATE SET
       last = EXCLUDED.last, bid = EXCLUDED.bid, ask = EXCLUDED.ask, prev_close = EXCLUDED.prev_close,
       volume = EXCLUDED.volume, dividend_yield = EXCLUDED.dividend_yield, source = EXCLUDED.source`,
    [
      list.map((x) => x.symbol),
      list.map((x) => new Date(x.time).toISOString()),
      list.map((x) => finiteOrNull(x.last)),
      list.map((x) => finiteOrNull(x.bid)),
      list.map((x) => finiteOrNull(x.ask)),
      list.map((x) => finiteOrNull(x.prevClose)),
      list.map((x) => count(x.volume)),
      list.map((x) => finiteOrNull(x.dividendYield)),
      source,
    ],
  );
  return r.rowCount;
}

/** Inserts daily bars of one symbol; a bar of the same date replaces the stored one. */
export async function upsertBars(
  q: Queryable,
  symbol: string,
  bars: readonly DailyBar[],
  source: string,
): Promise<number> {
  requireText('symbol', symbol);
  requireText('source', source);
  const byDate = new Map<string, DailyBar>();
  bars.forEach((b, i) => {
    byDate.set(requireDay(`bars[${i}].date`, b.date), b);
  });
  const list = [...byDate.values()];
  if (list.length === 0) return 0;
  const r = await q.query(
    `INSERT INTO market_data (symbol, kind, ts, open, high, low, close, volume, source)
     SELECT $1, 'bar', (d::date)::timestamp AT TIME ZONE 'UTC', o, h, l, c, v, $8
       FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int8[]) AS u(d, o, h, l, c, v)
     ON CONFLICT (symbol, kind, ts) DO UPDATE SET
       open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
       volume = EXCLUDED.volume, source = EXCLUDED.source`,
    [
      symbol,
      list.map((b) => b.date),
      list.map((b) => finiteOrNull(b.open)),
      list.map((b) => finiteOrNull(b.high)),
      list.map((b) => finiteOrNull(b.low)),
      list.map((b) => finiteOrNull(b.close)),
      list.map((b) => count(b.volume)),
      source,
    ],
  );
  return r.rowCount;
}

/** Daily bars from `from` to `to` inclusive (`YYYY-MM-DD`), ascending; missing values are NaN. */
export async function barsBetween(
  q: Queryable,
  symbol: string,
  from: string,
  to: string,
): Promise<DailyBar[]> {
  requireDay('from', from);
  requireDay('to', to);
  const r = await q.query<{
    date: string;
    open: number | null;
    high: number | null;
    low: number | null;
    close: number | null;
    volume: number | null;
  }>(
    `SELECT (ts AT TIME ZONE 'UTC')::date AS date, open, high, low, close, volume FROM market_data
      WHERE symbol = $1 AND kind = 'bar'
        AND ts >= ($2::date)::timestamp AT TIME ZONE 'UTC' AND ts < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
      ORDER BY ts`,
    [symbol, from, to],
  );
  return r.rows.map((x) => ({
    date: x.date,
    open: x.open ?? Number.NaN,
    high: x.high ?? Number.NaN,
    low: x.low ?? Number.NaN,
    close: x.close ?? Number.NaN,
    volume: x.volume ?? Number.NaN,
  }));
}

/** The most recent stored quote of a symbol, or null. Missing values are NaN (0 for yield). */
export async function latestQuote(q: Queryable, symbol: string): Promise<UnderlyingQuote | null> {
  const r = await q.query<{
    ts: Date;
    last: number | null;
    bid: number | null;
    ask: number | null;
    prev_close: number | null;
    volume: number | null;
    dividend_yield: number | null;
  }>(
    `SELECT ts, last, bid, ask, prev_close, volume, dividend_yield FROM market_data
      WHERE symbol = $1 AND kind = 'quote' ORDER BY ts DESC LIMIT 1`,
    [symbol],
  );
  if (r.rows.length === 0) return null;
  const x = r.rows[0];
  return {
    symbol,
    last: x.last ?? Number.NaN,
    bid: x.bid ?? Number.NaN,
    ask: x.ask ?? Number.NaN,
    prevClose: x.prev_close ?? Number.NaN,
    volume: x.volume ?? Number.NaN,
    time: x.ts.getTime(),
    dividendYield: x.dividend_yield ?? 0,
  };
}
