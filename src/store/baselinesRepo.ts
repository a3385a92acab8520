/** The `performance_baselines` table: a history of baselines per metric; the latest is in force. */
import type { JsonObject, Queryable } from './db.js';
import { StoreInputError } from './errors.js';
import { requireText } from './validate.js';

export interface Baseline {
  metric: string;
  value: number;
  /** p50, p95, min, max, samples… */
  stats?: JsonObject;
  windowStart?: Date | null;
  windowEnd?: Date | null;
  /** Defaults to the time of the write. */
  computedAt?: Date;
  note?: string | null;
}

export interface StoredBaseline extends Required<Baseline> {
  id: number;
}

export async function saveBaseline(q: Queryable, b: Baseline): Promise<number> {
  requireText('baseline.metric', b.metric);
  if (!Number.isFinite(b.value))
    throw new StoreInputError('baseline.value', `must be a finite number (got ${b.value})`);
  const r = await q.query<{ id: number }>(
    `INSERT INTO performance_baselines (metric, value, stats, window_start, window_end, computed_at, note)
     VALUES ($1, $2, $3::jsonb, $4, $5, COALESCE($6::timestamptz, now()), $7) RETURNING id`,
    [
      b.metric,
      b.value,
      JSON.stringify(b.stats ?? {}),
      b.windowStart ?? null,
      b.windowEnd ?? null,
      b.computedAt ?? null,
      b.note ?? null,
    ],
  );
  return r.rows[0].id;
}

interface BaselineRow {
  id: number;
  metric: string;
  value: number;
  stats: JsonObject;
  window_start: Date | null;
  window_end: Date | null;
  computed_at: Date;
  note: string | null;
}

function fromRow(r: BaselineRow): StoredBaseline {
  return {
    id: r.id,
    metric: r.metric,
    value: r.value,
    stats: r.stats,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    computedAt: r.computed_at,
    note: r.note,
  };
}

/** The baseline in force for each metric. */
export async function latestBaselines(q: Queryable): Promise<Map<string, StoredBaseline>> {
  const r = await q.query<BaselineRow>(
    `SELECT DISTINCT ON (metric) id, metric, value, stats, window_start, window_end, computed_at, note
       FROM performance_baselines ORDER BY metric, computed_at DESC, id DESC`,
  );
  return new Map(r.rows.map((x) => [x.metric, fromRow(x)]));
}

/** Past baselines of one metric, newest first. */
export async function baselineHistory(q: Queryable, metric: string, limit = 20): Promise<StoredBaseline[]> {
  const r = await q.query<BaselineRow>(
    `SELECT id, metric, value, stats, window_start, window_end, computed_at, note
       FROM performance_baselines WHERE metric = $1 ORDER BY computed_at DESC, id DESC LIMIT $2`,
    [metric, limit],
  );
  return r.rows.map(fromRow);
}
