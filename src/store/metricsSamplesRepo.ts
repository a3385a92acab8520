/** The `metrics_samples` table: periodic telemetry snapshots for the weekly and monthly reports. */
import type { Queryable } from './db.js';
import { StoreInputError } from './errors.js';
import { requireInstant, requireText } from './validate.js';

export interface MetricsSample {
  sampledAt: Date | number;
  /** Which instance emitted it, e.g. `host:8080`. */
  instance: string;
  /** Metric name → value (null when unknown), e.g. `{ cache_hit_rate: 93.1 }`. */
  metrics: Record<string, number | null>;
}

export interface StoredMetricsSample {
  id: number;
  sampledAt: Date;
  instance: string;
  metrics: Record<string, number | null>;
}

export async function insertMetricsSample(q: Queryable, s: MetricsSample): Promise<number> {
  const at = requireInstant('sample.sampledAt', s.sampledAt);
  requireText('sample.instance', s.instance);
  const clean: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(s.metrics)) {
    if (v !== null && typeof v !== 'number')
      throw new StoreInputError(`sample.metrics.${k}`, 'must be a number or null');
    clean[k] = v !== null && Number.isFinite(v) ? v : null;
  }
  const r = await q.query<{ id: number }>(
    'INSERT INTO metrics_samples (sampled_at, instance, metrics) VALUES ($1, $2, $3::jsonb) RETURNING id',
    [at, s.instance, JSON.stringify(clean)],
  );
  return r.rows[0].id;
}

/** Samples in `[from, to)`, oldest first, optionally of one instance. */
export async function metricsSamplesBetween(
  q: Queryable,
  from: Date,
  to: Date,
  opts: { instance?: string } = {},
): Promise<StoredMetricsSample[]> {
  const r = await q.query<{
    id: number;
    sampled_at: Date;
    instance: string;
    metrics: Record<string, number | null>;
  }>(
    `SELECT id, sampled_at, instance, metrics FROM metrics_samples
      WHERE sampled_at >= $1 AND sampled_at < $2 AND ($3::text IS NULL OR instance = $3)
      ORDER BY sampled_at`,
    [from, to, opts.instance ?? null],
  );
  return r.rows.map((x) => ({ id: x.id, sampledAt: x.sampled_at, instance: x.instance, metrics: x.metrics }));
}

/** Deletes samples older than `cutoff`; returns how many. */
export async function deleteMetricsSamplesBefore(q: Queryable, cutoff: Date): Promise<number> {
  return (await q.query('DELETE FROM metrics_samples WHERE sampled_at < $1', [cutoff])).rowCount;
}
