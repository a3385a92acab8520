/**
 * Data retention, run by `ops db-maintenance`: daily `options` partitions older than
 * `database.options_retention_days` are dropped (the README's promise; nothing else drops them, and with
 * `snapshot_scope: all` the table grows by ~250 000 rows a scan), and provider-call and metrics-sample rows
 * older than `database.telemetry_retention_days` are deleted (one row per provider request, one sample a
 * minute per instance: without this they grew for ever). Scans, trades and alerts are the record and are kept.
 */
import { deleteApiCallsBefore } from '../store/apiCallsRepo.js';
import type { Queryable } from '../store/db.js';
import { deleteMetricsSamplesBefore } from '../store/metricsSamplesRepo.js';
import { dropExpiredOptionPartitions } from '../store/optionsRepo.js';

export interface DataRetentionReport {
  retentionDays: number;
  /** First day kept, `YYYY-MM-DD` (UTC). */
  keptFrom: string;
  droppedPartitions: string[];
  telemetryRetentionDays: number;
  /** Rows older than this (ISO time) were deleted from api_calls and metrics_samples. */
  telemetryKeptFrom: string;
  apiCallsDeleted: number;
  metricsSamplesDeleted: number;
}

export async function dataRetention(
  q: Queryable,
  opts: { optionsRetentionDays: number; telemetryRetentionDays: number; now?: number },
): Promise<DataRetentionReport> {
  const now = opts.now ?? Date.now();
  const droppedPartitions = await dropExpiredOptionPartitions(q, opts.optionsRetentionDays, now);
  const keptFrom = new Date(now - opts.optionsRetentionDays * 86_400_000).toISOString().slice(0, 10);
  const cutoff = new Date(now - opts.telemetryRetentionDays * 86_400_000);
  return {
    retentionDays: opts.optionsRetentionDays,
    keptFrom,
    droppedPartitions,
    telemetryRetentionDays: opts.telemetryRetentionDays,
    telemetryKeptFrom: cutoff.toISOString(),
    apiCallsDeleted: await deleteApiCallsBefore(q, cutoff),
    metricsSamplesDeleted: await deleteMetricsSamplesBefore(q, cutoff),
  };
}

export function renderDataRetention(r: DataRetentionReport): string {
  const what =
    r.droppedPartitions.length === 0
      ? 'no option partition older than that'
      : `dropped ${r.droppedPartitions.length} option partition(s): ${r.droppedPartitions.join(', ')}`;
  return (
    `Retention (${r.retentionDays} days, keeping ${r.keptFrom} on): ${what}\n` +
    `Telemetry retention (${r.telemetryRetentionDays} days, keeping ${r.telemetryKeptFrom} on): deleted ` +
    `${r.apiCallsDeleted} provider call(s), ${r.metricsSamplesDeleted} metrics sample(s)\n\n`
  );
}
