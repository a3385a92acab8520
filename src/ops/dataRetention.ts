/**
 * Data retention, run by `ops db-maintenance`: daily `options` partitions older than
 * `database.options_retention_days` are dropped (the README's promise; nothing else drops them, and with
 * `snapshot_scope: all` the table grows by ~250 000 rows a scan).
 */
import type { Queryable } from '../store/db.js';
import { dropExpiredOptionPartitions } from '../store/optionsRepo.js';

export interface DataRetentionReport {
  retentionDays: number;
  /** First day kept, `YYYY-MM-DD` (UTC). */
  keptFrom: string;
  droppedPartitions: string[];
}

export async function dataRetention(
  q: Queryable,
  opts: { optionsRetentionDays: number; now?: number },
): Promise<DataRetentionReport> {
  const now = opts.now ?? Date.now();
  const droppedPartitions = await dropExpiredOptionPartitions(q, opts.optionsRetentionDays, now);
  const keptFrom = new Date(now - opts.optionsRetentionDays * 86_400_000).toISOString().slice(0, 10);
  return { retentionDays: opts.optionsRetentionDays, keptFrom, droppedPartitions };
}

export function renderDataRetention(r: DataRetentionReport): string {
  const what =
    r.droppedPartitions.length === 0
      ? 'no option partition older than that'
      : `dropped ${r.droppedPartitions.length} option partition(s): ${r.droppedPartitions.join(', ')}`;
  return `Retention (${r.retentionDays} days, keeping ${r.keptFrom} on): ${what}\n\n`;
}
