/**
 * `ops capacity-planning`: the guide's monthly `du -sh` of the log/data/backup directories and the
 * table-size query, plus the growth trend of those sizes from `metrics_samples` and the days until
 * the disk alert threshold. `record` stores today's reading as a sample, so that monthly runs
 * build the trend even without the service's per-minute samples. Trends need history as in the
 * resource report (`minTrendSpanDays`), and the exit rule is the same: a metric at or projected to
 * reach its threshold within `warnDays` (default 30) is at risk.
 */
import type { Database } from '../store/db.js';
import { databaseInfo, tableStats } from '../store/maintenance.js';
import { insertMetricsSample } from '../store/metricsSamplesRepo.js';
import { type ResourceDirs, type ResourceSample, resourceSample } from './resourceSample.js';
import {
  type ResourceTrend,
  resourceUtilizationReport,
  shortHistoryNote,
  trendsAtRisk,
} from './resourceUtilizationReport.js';
import { fmtBytes, fmtNum, section, textTable } from './text.js';

export interface CapacityReport {
  measuredAt: string;
  dirs: { name: string; path: string; bytes: number | null }[];
  database: { engine: string; sizeBytes: number };
  tables: { table: string; rows: number; bytes: number }[];
  now: ResourceSample;
  trends: ResourceTrend[];
  /** The span of samples a trend needs (`minTrendSpanDays`). */
  minSpanDays: number;
  /** `metric@instance` at or projected to reach the disk threshold within `warnDays`. */
  atRisk: string[];
  recorded: boolean;
}

export async function capacityPlanning(
  db: Database,
  o: ResourceDirs & {
    days?: number;
    diskThreshold?: number;
    warnDays?: number;
    record?: boolean;
    now?: number;
  },
): Promise<CapacityReport> {
  const now = o.now ?? Date.now();
  const info = await databaseInfo(db);
  const sample = resourceSample(o, info.sizeBytes);
  if (o.record) await insertMetricsSample(db, { sampledAt: now, instance: 'ops', metrics: sample });
  const tables = (await tableStats(db)).map((t) => ({
    table: t.table,
    rows: t.liveRows,
    bytes: t.totalBytes,
  }));
  const trend = await resourceUtilizationReport(db, {
    days: o.days ?? 90,
    thresholds: o.diskThreshold === undefined ? {} : { disk_usage: o.diskThreshold },
    now: now + 1,
  });
  const trends = trend.metrics.filter((m) => m.metric.endsWith('_bytes') || m.metric === 'disk_usage');
  return {
    measuredAt: new Date(now).toISOString(),
    dirs: [
      { name: 'logs', path: o.logDir, bytes: sample.log_dir_bytes },
      { name: 'data', path: o.dataDir, bytes: sample.data_dir_bytes },
      { name: 'backups', path: o.backupDir, bytes: sample.backup_dir_bytes },
    ],
    database: { engine: info.engine, sizeBytes: info.sizeBytes },
    tables,
    now: sample,
    trends,
    minSpanDays: trend.minSpanDays,
    atRisk: trendsAtRisk(trends, o.warnDays ?? 30),
    recorded: o.record ?? false,
  };
}

export function renderCapacity(r: CapacityReport): string {
  return [
    `Capacity planning ${r.measuredAt.slice(0, 16)} UTC\n`,
    section(
      'Storage',
      `${textTable(
        ['Directory', 'Path', 'Size'],
        [
          ...r.dirs.map((d) => [d.name, d.path, d.bytes === null ? 'missing' : fmtBytes(d.bytes)]),
          ['database', r.database.engine, fmtBytes(r.database.sizeBytes)],
        ],
      )}\nDisk used: ${fmtNum(r.now.disk_usage)} %`,
    ),
    section(
      'Tables (largest first)',
      textTable(
        ['Table', 'Rows (est.)', 'Size'],
        r.tables.map((t) => [t.table, t.rows, fmtBytes(t.bytes)]),
      ),
    ),
    section(
      'Growth',
      r.trends.length
        ? `${textTable(
            ['Metric', 'Instance', 'Samples', 'Last', 'Growth/day', 'Days to threshold'],
            r.trends.map((t) => [
              t.metric,
              t.instance,
              t.samples,
              t.metric.endsWith('_bytes') ? fmtBytes(t.last) : fmtNum(t.last),
              t.metric.endsWith('_bytes') ? fmtBytes(t.growthPerDay) : fmtNum(t.growthPerDay),
              t.daysToThreshold === null ? '-' : fmtNum(t.daysToThreshold, 1),
            ]),
          )}\n${shortHistoryNote(r.trends, r.minSpanDays)}${r.atRisk.length ? `At risk: ${r.atRisk.join(', ')}\n` : ''}`
        : '(no samples yet: run with --record monthly, or let the service sample)',
    ),
    r.recorded ? 'Recorded this reading in metrics_samples.\n' : '',
  ].join('\n');
}
