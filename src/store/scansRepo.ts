/** The `scans` table: one row per scan, with its parameters, timings, counts and errors as JSON. */
import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue, Queryable } from './db.js';
import { StoreInputError } from './errors.js';
import { requireDate, requireOneOf, requireText, requireUuid } from './validate.js';

export const SCAN_STATUSES = ['running', 'completed', 'failed', 'timeout', 'cancelled'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** A scan as the pipeline reports it. Structures that may evolve are plain JSON. */
export interface ScanRecord {
  /** UUID; see newScanId(). */
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: ScanStatus;
  /** What ran it: `cli`, `service`, … */
  source: string;
  /** The scan's notion of now (`--as-of`), null when it was the wall clock. */
  asOf: Date | null;
  /** Effective parameters (universe, constraints, strategies…). */
  params: JsonObject;
  /** Milliseconds per pipeline stage, e.g. `{ collect: 812.4, score: 35.1 }`. */
  timings: Record<string, number>;
  /** Counts per stage and per rejection reason (may nest). */
  counts: JsonObject;
  /** Problems met, e.g. `{ stage: 'collect', ticker: 'XYZ', message: '…' }`. */
  errors: JsonValue[];
}

/** A scan as read back. */
export interface StoredScan extends ScanRecord {
  tradeCount: number;
  createdAt: Date;
}

/** A fresh scan id. */
export function newScanId(): string {
  return randomUUID();
}

/** Checks a scan record before it is written. */
export function validateScan(scan: ScanRecord): void {
  requireUuid('scan.id', scan.id);
  requireDate('scan.startedAt', scan.startedAt);
  if (scan.finishedAt !== null) requireDate('scan.finishedAt', scan.finishedAt);
  if (scan.asOf !== null) requireDate('scan.asOf', scan.asOf);
  requireOneOf('scan.status', scan.status, SCAN_STATUSES);
  requireText('scan.source', scan.source);
  for (const [stage, ms] of Object.entries(scan.timings)) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new StoreInputError(`scan.timings.${stage}`, `must be a non-negative number of ms (got ${ms})`);
    }
  }
  if (!Array.isArray(scan.errors)) throw new StoreInputError('scan.errors', 'must be an array');
}

/** Inserts the scan, or replaces it when its id exists (a re-run of the same scan). */
export async function upsertScan(q: Queryable, scan: ScanRecord, tradeCount = 0): Promise<void> {
  validateScan(scan);
  await q.query(
    `INSERT INTO scans (id, started_at, finished_at, status, source, as_of, params, timings, counts, errors, trade_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11)
     ON CONFLICT (id) DO UPDATE SET
       started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, status = EXCLUDED.status,
       source = EXCLUDED.source, as_of = EXCLUDED.as_of, params = EXCLUDED.params,
       timings = EXCLUDED.timings, counts = EXCLUDED.counts, errors = EXCLUDED.errors,
       trade_count = EXCLUDED.trade_count`,
    [
      scan.id,
      scan.startedAt,
      scan.finishedAt,
      scan.status,
      scan.source,
      scan.asOf,
      JSON.stringify(scan.params),
      JSON.stringify(scan.timings),
      JSON.stringify(scan.counts),
      JSON.stringify(scan.errors),
      tradeCount,
    ],
  );
}

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

const COLUMNS =
  'id, started_at, finished_at, status, source, as_of, params, timings, counts, errors, trade_count, created_at';

function fromRow(r: ScanRow): StoredScan {
  return {
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
  };
}

export async function getScan(q: Queryable, id: string): Promise<StoredScan | null> {
  requireUuid('id', id);
  const r = await q.query<ScanRow>(`SELECT ${COLUMNS} FROM scans WHERE id = $1`, [id]);
  return r.rows.length ? fromRow(r.rows[0]) : null;
}

/** Most recent scans first. */
export async function listScans(
  q: Queryable,
  opts: { since?: Date; status?: ScanStatus; limit?: number; live?: boolean } = {},
): Promise<StoredScan[]> {
  const r = await q.query<ScanRow>(
    `SELECT ${COLUMNS} FROM scans
      WHERE ($1::timestamptz IS NULL OR started_at >= $1) AND ($2::text IS NULL OR status = $2)
        AND (NOT $4::boolean OR as_of IS NULL)
      ORDER BY started_at DESC LIMIT $3`,
    [opts.since ?? null, opts.status ?? null, opts.limit ?? 50, opts.live === true],
  );
  return r.rows.map(fromRow);
}

/** The nil UUID, below every other: with it, `(started_at, id) < (t, nil)` is `started_at < t`. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * One page of scans, newest first (`started_at DESC, id DESC`). Keyset paging: with `beforeId`, the
 * scans after the one at (`before`, `beforeId`) in that order, so scans sharing a `started_at` are
 * neither lost nor repeated across pages; with `before` alone, the scans started strictly before it;
 * with neither, the newest.
 */
export async function scansBefore(
  q: Queryable,
  before: Date | null,
  limit: number,
  beforeId: string | null = null,
): Promise<StoredScan[]> {
  if (before !== null) requireDate('before', before);
  if (beforeId !== null) {
    requireUuid('before_id', beforeId);
    if (before === null) throw new StoreInputError('before_id', 'needs before (the startedAt of that scan)');
  }
  const r = await q.query<ScanRow>(
    `SELECT ${COLUMNS}
       FROM scans WHERE ($1::timestamptz IS NULL OR (started_at, id) < ($1, COALESCE($2::uuid, $4::uuid)))
      ORDER BY started_at DESC, id DESC LIMIT $3`,
    [before, beforeId, limit, NIL_UUID],
  );
  return r.rows.map(fromRow);
}

/** When the newest completed live scan finished (any instance; a replay with a fixed as_of is not one), or null. */
export async function lastCompletedScanAt(q: Queryable): Promise<Date | null> {
  const r = await q.query<{ at: Date | null }>(
    `SELECT max(finished_at) AS at FROM scans WHERE status = 'completed' AND as_of IS NULL`,
  );
  return r.rows[0]?.at ?? null;
}

/**
 * When the newest scan of `source` started (any status but `running`), or null (the scheduler's freshness check).
 * Why not `running`: the checker holds the scan lock, so a row still `running` is a dead instance's scan, and it
 * must not pass for a fresh one (a live scan holds the lock for its whole run).
 */
export async function lastScanStartOf(q: Queryable, source: string): Promise<Date | null> {
  const r = await q.query<{ at: Date | null }>(
    `SELECT max(started_at) AS at FROM scans WHERE source = $1 AND status <> 'running'`,
    [source],
  );
  return r.rows[0]?.at ?? null;
}
