/** The `api_calls` table: one row per provider request, for latency and error-rate reports. */
import type { Queryable } from './db.js';
import { scrubSecrets } from './scrubSecrets.js';
import { requireInstant, requireText, requireUuid } from './validate.js';

export interface ApiCallRecord {
  /** When the call started: Date or epoch ms. */
  calledAt: Date | number;
  provider: string;
  /** Path or logical name; any query string is dropped (it may carry a key). */
  endpoint: string;
  /** HTTP status of the last attempt; null when none came back (timeout, network). */
  status: number | null;
  ok: boolean;
  /** Wall time including retries, ms. */
  latencyMs: number;
  retries: number;
  error?: string | null;
  scanId?: string | null;
}

/** Inserts a batch of calls in one statement; returns how many. */
export async function recordApiCalls(q: Queryable, calls: readonly ApiCallRecord[]): Promise<number> {
  if (calls.length === 0) return 0;
  const at = calls.map((c, i) => requireInstant(`calls[${i}].calledAt`, c.calledAt).toISOString());
  calls.forEach((c, i) => {
    requireText(`calls[${i}].provider`, c.provider);
    requireText(`calls[${i}].endpoint`, c.endpoint);
    if (c.scanId != null) requireUuid(`calls[${i}].scanId`, c.scanId);
  });
  const r = await q.query(
    `INSERT INTO api_calls (called_at, provider, endpoint, status, ok, latency_ms, retries, error, scan_id)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::bool[], $6::float8[],
                          $7::int[], $8::text[], $9::uuid[])`,
    [
      at,
      calls.map((c) => c.provider),
      calls.map((c) => scrubSecrets(c.endpoint.split('?')[0])),
      calls.map((c) => c.status),
      calls.map((c) => c.ok),
      calls.map((c) => (Number.isFinite(c.latencyMs) ? c.latencyMs : 0)),
      calls.map((c) => Math.max(0, Math.round(c.retries))),
      calls.map((c) => (c.error ? scrubSecrets(c.error) : null)),
      calls.map((c) => c.scanId ?? null),
    ],
  );
  return r.rowCount;
}

export interface ApiCallSummary {
  provider: string;
  endpoint: string;
  calls: number;
  errors: number;
  /** errors / calls, fraction. */
  errorRate: number;
  avgLatencyMs: number;
  p95LatencyMs: number;
  maxLatencyMs: number;
  retries: number;
}

/** Per provider and endpoint over `[from, to)`, busiest first. */
export async function apiCallSummary(q: Queryable, from: Date, to: Date): Promise<ApiCallSummary[]> {
  const r = await q.query<{
    provider: string;
    endpoint: string;
    calls: number;
    errors: number;
    avg_ms: number;
    p95_ms: number;
    max_ms: number;
    retries: number;
  }>(
    `SELECT provider, endpoint, count(*)::int AS calls, count(*) FILTER (WHERE NOT ok)::int AS errors,
            avg(latency_ms) AS avg_ms,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_ms,
            max(latency_ms) AS max_ms, sum(retries)::int AS retries
       FROM api_calls WHERE called_at >= $1 AND called_at < $2
      GROUP BY provider, endpoint ORDER BY calls DESC, provider, endpoint`,
    [from, to],
  );
  return r.rows.map((x) => ({
    provider: x.provider,
    endpoint: x.endpoint,
    calls: x.calls,
    errors: x.errors,
    errorRate: x.calls ? x.errors / x.calls : 0,
    avgLatencyMs: x.avg_ms,
    p95LatencyMs: x.p95_ms,
    maxLatencyMs: x.max_ms,
    retries: x.retries,
  }));
}

/** Deletes calls older than `cutoff`; returns how many. */
export async function deleteApiCallsBefore(q: Queryable, cutoff: Date): Promise<number> {
  return (await q.query('DELETE FROM api_calls WHERE called_at < $1', [cutoff])).rowCount;
}
