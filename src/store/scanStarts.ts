/**
 * A scan's row while it runs: written `running` when the scan starts, replaced whole by its outcome (`saveScan`
 * upserts by id). Why: a service killed mid-scan (OOM, kill -9, power loss) left no trace of the scan in the
 * database; now its row is found at the next start of the same instance and recorded as failed, interrupted.
 */
import type { Queryable } from './db.js';
import { upsertScan } from './scansRepo.js';
import { requireDate, requireText } from './validate.js';

export interface ScanStart {
  id: string;
  startedAt: Date;
  /** What ran it (`service`, `api`, …). */
  source: string;
  asOf: Date | null;
  tickers: readonly string[];
  /** The service instance running it (`host:port`): only that instance's next start may call it interrupted. */
  instance: string;
}

/** The message of a scan found `running` by the next start of its instance. */
export const INTERRUPTED_MESSAGE =
  'interrupted: the service stopped during the scan; nothing of its result was stored';

/** Writes the `running` row of a scan that starts. */
export async function recordScanStart(q: Queryable, s: ScanStart): Promise<void> {
  requireText('scan.instance', s.instance);
  await upsertScan(q, {
    id: s.id,
    startedAt: s.startedAt,
    finishedAt: null,
    status: 'running',
    source: s.source,
    asOf: s.asOf,
    params: { requestedTickers: [...s.tickers], instance: s.instance },
    timings: {},
    counts: {},
    errors: [],
  });
}

/** Which `running` rows `interruptRunningScans` takes: an instance's, and/or any started before an instant. */
export interface InterruptScope {
  /** Every `running` row of this instance (it is starting again: none of its scans can still be running). */
  instance?: string;
  /**
   * Every `running` row started before this, whatever its instance: past the longest a scan may run (the scan
   * timeout and its grace, after which the service kills its engine), no process is running it any more — the
   * instance that was renamed (a new container, another port) or never came back.
   */
  startedBefore?: Date;
}

/**
 * Records the `running` scans of `scope` as failed, interrupted, finished `at` (when it was found out); their ids
 * and start times, oldest first. An empty scope takes every `running` row (the embedded database has one owner).
 */
export async function interruptRunningScans(
  q: Queryable,
  scope: InterruptScope,
  at: Date,
): Promise<{ id: string; startedAt: Date }[]> {
  if (scope.instance !== undefined) requireText('instance', scope.instance);
  if (scope.startedBefore !== undefined) requireDate('startedBefore', scope.startedBefore);
  requireDate('at', at);
  const all = scope.instance === undefined && scope.startedBefore === undefined;
  const r = await q.query<{ id: string; started_at: Date }>(
    `UPDATE scans SET status = 'failed', finished_at = greatest($4::timestamptz, started_at),
            errors = jsonb_build_array(jsonb_build_object('stage', 'unknown', 'message', $5::text))
      WHERE status = 'running'
        AND ($1::boolean OR params->>'instance' = $2::text OR started_at < $3::timestamptz)
      RETURNING id, started_at`,
    [all, scope.instance ?? null, scope.startedBefore ?? null, at, INTERRUPTED_MESSAGE],
  );
  return r.rows
    .map((x) => ({ id: x.id, startedAt: new Date(x.started_at) }))
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}
