/**
 * The `trades` table: a scan's recommendations. Headline figures have their own columns for SQL
 * reports; every metric and every score component is also kept as JSON.
 */
import type { JsonObject, JsonValue, Queryable, SqlParam } from './db.js';
import { StoreInputError } from './errors.js';
import { finiteOrNull, requireDay, requireInt, requireText, requireUuid } from './validate.js';

/** A recommended trade as the pipeline reports it. Units as in DESIGN.md (market units). */
export interface TradeRecord {
  /** 1 = best. Unique within a scan. */
  rank: number;
  ticker: string;
  strategy: string;
  /** Legs as JSON objects: side, type, strike, expiration, quantity, price, … */
  legs: JsonValue[];
  /** Nearest expiration among the legs, `YYYY-MM-DD`. */
  expiration?: string | null;
  /** Probability of profit, fraction. */
  pop?: number | null;
  score?: number | null;
  /** $ per share: + credit received, − debit paid. */
  netPremium?: number | null;
  /** $ for the position. */
  maxProfit?: number | null;
  /** $ for the position. */
  maxLoss?: number | null;
  capitalRequired?: number | null;
  /** Signed sum of the legs per contract set, per share, market units. */
  delta?: number | null;
  gamma?: number | null;
  theta?: number | null;
  vega?: number | null;
  /** Every metric of the trade. */
  metrics?: JsonObject;
  /** Score parts, e.g. `{ pop: 0.8, iv_rank: 0.6 }`. */
  scoreComponents?: JsonObject;
  /** ≤ 30 words. */
  thesis: string;
  /** Defaults to the time of the write. */
  createdAt?: Date;
}

export interface StoredTrade extends TradeRecord {
  id: number;
  scanId: string;
  createdAt: Date;
}

const NUMERIC_FIELDS = [
  ['pop', 'pop'],
  ['score', 'score'],
  ['netPremium', 'net_premium'],
  ['maxProfit', 'max_profit'],
  ['maxLoss', 'max_loss'],
  ['capitalRequired', 'capital_required'],
  ['delta', 'delta'],
  ['gamma', 'gamma'],
  ['theta', 'theta'],
  ['vega', 'vega'],
] as const;

const INSERT_COLUMNS = [
  'scan_id',
  'rank',
  'ticker',
  'strategy',
  'legs',
  'expiration',
  ...NUMERIC_FIELDS.map(([, c]) => c),
  'metrics',
  'score_components',
  'thesis',
  'created_at',
];

/** Checks trades before they are written (ranks unique, required fields present). */
export function validateTrades(trades: readonly TradeRecord[]): void {
  const ranks = new Set<number>();
  trades.forEach((t, i) => {
    const at = `trades[${i}]`;
    requireInt(`${at}.rank`, t.rank, 1);
    if (ranks.has(t.rank))
      throw new StoreInputError(`${at}.rank`, `rank ${t.rank} appears twice in the scan`);
    ranks.add(t.rank);
    requireText(`${at}.ticker`, t.ticker);
    requireText(`${at}.strategy`, t.strategy);
    if (!Array.isArray(t.legs) || t.legs.length === 0)
      throw new StoreInputError(`${at}.legs`, 'must be a non-empty array');
    if (typeof t.thesis !== 'string') throw new StoreInputError(`${at}.thesis`, 'must be a string');
    if (t.expiration != null) requireDay(`${at}.expiration`, t.expiration);
  });
}

/** Inserts the trades of a scan in one statement; returns how many. */
export async function insertTrades(
  q: Queryable,
  scanId: string,
  trades: readonly TradeRecord[],
): Promise<number> {
  requireUuid('scanId', scanId);
  validateTrades(trades);
  if (trades.length === 0) return 0;
  const params: SqlParam[] = [];
  const tuples = trades.map((t) => {
    const values: SqlParam[] = [
      scanId,
      t.rank,
      t.ticker,
      t.strategy,
      JSON.stringify(t.legs),
      t.expiration ?? null,
      ...NUMERIC_FIELDS.map(([k]) => finiteOrNull(t[k])),
      JSON.stringify(t.metrics ?? {}),
      JSON.stringify(t.scoreComponents ?? {}),
      t.thesis,
      t.createdAt ?? null,
    ];
    const base = params.length;
    params.push(...values);
    const ph = values.map((_, j) => {
      const col = INSERT_COLUMNS[j];
      const n = `$${base + j + 1}`;
      if (col === 'legs' || col === 'metrics' || col === 'score_components') return `${n}::jsonb`;
      if (col === 'created_at') return `COALESCE(${n}::timestamptz, now())`;
      return n;
    });
    return `(${ph.join(', ')})`;
  });
  const r = await q.query(
    `INSERT INTO trades (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
    params,
  );
  return r.rowCount;
}

export async function deleteTradesOfScan(q: Queryable, scanId: string): Promise<number> {
  requireUuid('scanId', scanId);
  return (await q.query('DELETE FROM trades WHERE scan_id = $1', [scanId])).rowCount;
}

interface TradeRow {
  id: number;
  scan_id: string;
  rank: number;
  ticker: string;
  strategy: string;
  legs: JsonValue[];
  expiration: string | null;
  pop: number | null;
  score: number | null;
  net_premium: number | null;
  max_profit: number | null;
  max_loss: number | null;
  capital_required: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  metrics: JsonObject;
  score_components: JsonObject;
  thesis: string;
  created_at: Date;
}

function fromRow(r: TradeRow): StoredTrade {
  return {
    id: r.id,
    scanId: r.scan_id,
    rank: r.rank,
    ticker: r.ticker,
    strategy: r.strategy,
    legs: r.legs,
    expiration: r.expiration,
    pop: r.pop,
    score: r.score,
    netPremium: r.net_premium,
    maxProfit: r.max_profit,
    maxLoss: r.max_loss,
    capitalRequired: r.capital_required,
    delta: r.delta,
    gamma: r.gamma,
    theta: r.theta,
    vega: r.vega,
    metrics: r.metrics,
    scoreComponents: r.score_components,
    thesis: r.thesis,
    createdAt: r.created_at,
  };
}

/** The trades of a scan, best first. */
export async function tradesOfScan(q: Queryable, scanId: string): Promise<StoredTrade[]> {
  requireUuid('scanId', scanId);
  const r = await q.query<TradeRow>('SELECT * FROM trades WHERE scan_id = $1 ORDER BY rank', [scanId]);
  return r.rows.map(fromRow);
}

/** Trades written since `since` (newest first), optionally of one ticker. */
export async function recentTrades(
  q: Queryable,
  opts: { since?: Date; ticker?: string; limit?: number } = {},
): Promise<StoredTrade[]> {
  const r = await q.query<TradeRow>(
    `SELECT * FROM trades
      WHERE ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::text IS NULL OR ticker = $2)
      ORDER BY created_at DESC, rank LIMIT $3`,
    [opts.since ?? null, opts.ticker ?? null, opts.limit ?? 100],
  );
  return r.rows.map(fromRow);
}
