/**
 * `ops resource-utilization-report --days N`: CPU, memory, disk, database size and the log/data/
 * backup directory sizes over time from `metrics_samples`: min/avg/max, growth per day (least
 * squares), and for metrics with an alert threshold (monitoring.yaml) the days left until the
 * trend reaches it.
 */
import type { Queryable } from '../store/db.js';
import { metricsSamplesBetween } from '../store/metricsSamplesRepo.js';
import { RESOURCE_KEYS } from './resourceSample.js';
import { DAY_MS, slope, summarize } from './stats.js';
import { fmtBytes, fmtNum, textTable } from './text.js';

export interface ResourceTrend {
  metric: string;
  samples: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  last: number | null;
  /** Change per day (least squares); null with fewer than two samples. */
  growthPerDay: number | null;
  threshold: number | null;
  /** Days until the trend reaches the threshold; 0 when already above; null when not growing. */
  daysToThreshold: number | null;
}

export interface ResourceReport {
  from: string;
  to: string;
  samples: number;
  metrics: ResourceTrend[];
  /** Metrics projected to cross their threshold within `warnDays`. */
  atRisk: string[];
}

/** Days until `last + growth·d` reaches `threshold`. */
export function daysUntil(last: number, growthPerDay: number | null, threshold: number): number | null {
  if (last >= threshold) return 0;
  if (growthPerDay === null || growthPerDay <= 0) return null;
  return (threshold - last) / growthPerDay;
}

export async function resourceUtilizationReport(
  q: Queryable,
  opts: { days: number; thresholds?: Record<string, number>; warnDays?: number; now?: number },
): Promise<ResourceReport> {
  const to = new Date(opts.now ?? Date.now());
  const from = new Date(to.getTime() - opts.days * DAY_MS);
  const samples = await metricsSamplesBetween(q, from, to);
  const names = new Set<string>(RESOURCE_KEYS);
  for (const s of samples)
    for (const k of Object.keys(s.metrics)) if (/_(usage|bytes|mb)$/.test(k)) names.add(k);
  const metrics: ResourceTrend[] = [];
  for (const metric of names) {
    const pts = samples
      .map((s) => ({ x: s.sampledAt.getTime() / DAY_MS, y: s.metrics[metric] }))
      .filter((p): p is { x: number; y: number } => typeof p.y === 'number' && Number.isFinite(p.y));
    if (pts.length === 0) continue;
    const sum = summarize(pts.map((p) => p.y));
    const growth = slope(pts);
    const last = pts[pts.length - 1].y;
    const threshold = opts.thresholds?.[metric] ?? null;
    metrics.push({
      metric,
      samples: pts.length,
      min: sum.min,
      avg: sum.avg,
      max: sum.max,
      last,
      growthPerDay: growth,
      threshold,
      daysToThreshold: threshold === null ? null : daysUntil(last, growth, threshold),
    });
  }
  const warnDays = opts.warnDays ?? 30;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    samples: samples.length,
    metrics,
    atRisk: metrics
      .filter((m) => m.daysToThreshold !== null && m.daysToThreshold <= warnDays)
      .map((m) => m.metric),
  };
}

const show = (metric: string, v: number | null) => (metric.endsWith('_bytes') ? fmtBytes(v) : fmtNum(v));

export function renderResourceReport(r: ResourceReport): string {
  if (r.metrics.length === 0)
    return `No resource samples between ${r.from.slice(0, 10)} and ${r.to.slice(0, 10)} (the service stores one per minute; \`ops capacity-planning --record\` adds one).\n`;
  const table = textTable(
    ['Metric', 'Samples', 'Min', 'Avg', 'Max', 'Last', 'Growth/day', 'Threshold', 'Days left'],
    r.metrics.map((m) => [
      m.metric,
      m.samples,
      show(m.metric, m.min),
      show(m.metric, m.avg),
      show(m.metric, m.max),
      show(m.metric, m.last),
      show(m.metric, m.growthPerDay),
      m.threshold === null ? '-' : fmtNum(m.threshold),
      m.daysToThreshold === null ? '-' : fmtNum(m.daysToThreshold, 1),
    ]),
  );
  const risk = r.atRisk.length
    ? `At risk: ${r.atRisk.join(', ')}`
    : 'No metric projected to reach its threshold soon';
  return `Resource utilization ${r.from.slice(0, 10)} .. ${r.to.slice(0, 10)} (${r.samples} samples)\n${table}\n${risk}\n`;
}
