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

/**
 * Records the scans `instance` left `running` as failed, interrupted, finished `at` (when it was found out); their
 * ids and start times, oldest first. Call it when the instance starts, before it runs a scan.
 */
export async function interruptRunningScans(
  q: Queryable,
  instance: string,
  at: Date,
): Promise<{ id: string; startedAt: Date }[]> {
  requireText('instance', instance);
  requireDate('at', at);
  const r = await q.query<{ id: string; started_at: Date }>(
    `UPDATE scans SET status = 'failed', finished_at = greatest($2::timestamptz, started_at),
            errors = jsonb_build_array(jsonb_build_object('stage', 'unknown', 'message', $3::text))
      WHERE status = 'running' AND params->>'instance' = $1
      RETURNING id, started_at`,
    [instance, at, INTERRUPTED_MESSAGE],
  );
  return r.rows
    .map((x) => ({ id: x.id, startedAt: new Date(x.started_at) }))
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}
