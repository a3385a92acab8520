/**
 * `ops resource-utilization-report --days N`: CPU, memory, disk, database size and the log/data/
 * backup directory sizes over time from `metrics_samples`: min/avg/max, growth per day (least
 * squares), and for metrics with an alert threshold (monitoring.yaml) the days left until the
 * trend reaches it. Each instance (`host:port` of a service, `ops` for readings stored by
 * `ops capacity-planning --record`) is fitted and reported on its own: hosts sharing a database
 * have their own disks and loads, and one trend across them is no host's trend.
 */
import type { Queryable } from '../store/db.js';
import { metricsSamplesBetween } from '../store/metricsSamplesRepo.js';
import { RESOURCE_KEYS } from './resourceSample.js';
import { DAY_MS, slope, summarize } from './stats.js';
import { fmtBytes, fmtNum, textTable } from './text.js';

export interface ResourceTrend {
  /** The `instance` the samples came from. */
  instance: string;
  metric: string;
  samples: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  last: number | null;
  /** Change per day (least squares); null with fewer than two samples. */
  growthPerDay: number | null;
  /** The alert threshold the trend reaches first (of the enabled rules on this metric). */
  threshold: number | null;
  /** The rule of that threshold (`system.disk_usage`), or null for a bare threshold. */
  rule: string | null;
  /** Days until the trend reaches the threshold; 0 when already beyond; null when not heading there. */
  daysToThreshold: number | null;
}

/** An alert rule on a metric (ops/alerts/rules.ts `AlertRuleDef` fits). */
export interface ThresholdRule {
  name: string;
  metric: string;
  threshold: number;
  comparison: 'above' | 'below';
}

export interface ResourceReport {
  from: string;
  to: string;
  samples: number;
  /** The instances that stored samples, in name order. */
  instances: string[];
  /** Per instance (in name order), per metric. */
  metrics: ResourceTrend[];
  /** `metric@instance` projected to cross its threshold within `warnDays`. */
  atRisk: string[];
}

/** Days until `last + growth·d` reaches `threshold` (from below; `below`: from above). */
export function daysUntil(
  last: number,
  growthPerDay: number | null,
  threshold: number,
  comparison: 'above' | 'below' = 'above',
): number | null {
  if (comparison === 'below')
    return daysUntil(-last, growthPerDay === null ? null : -growthPerDay, -threshold);
  if (last >= threshold) return 0;
  if (growthPerDay === null || growthPerDay <= 0) return null;
  return (threshold - last) / growthPerDay;
}

export async function resourceUtilizationReport(
  q: Queryable,
  opts: {
    days: number;
    /** Metric → threshold (reached from below). */
    thresholds?: Record<string, number>;
    /** The enabled alert rules (`alertRules()`); each applies to its `metric` with its comparison. */
    rules?: readonly ThresholdRule[];
    warnDays?: number;
    now?: number;
  },
): Promise<ResourceReport> {
  const to = new Date(opts.now ?? Date.now());
  const from = new Date(to.getTime() - opts.days * DAY_MS);
  const samples = await metricsSamplesBetween(q, from, to);
  const rules: ThresholdRule[] = [
    ...Object.entries(opts.thresholds ?? {}).map(([metric, threshold]) => ({
      name: '',
      metric,
      threshold,
      comparison: 'above' as const,
    })),
    ...(opts.rules ?? []),
  ];
  const byInstance = new Map<string, typeof samples>();
  for (const s of samples) {
    const list = byInstance.get(s.instance);
    if (list) list.push(s);
    else byInstance.set(s.instance, [s]);
  }
  const instances = [...byInstance.keys()].sort();
  const metrics: ResourceTrend[] = [];
  for (const instance of instances) {
    const mine = byInstance.get(instance) ?? [];
    const names = new Set<string>(RESOURCE_KEYS);
    for (const s of mine)
      for (const k of Object.keys(s.metrics)) if (/_(usage|bytes|mb)$/.test(k)) names.add(k);
    for (const metric of names) {
      const pts = mine
        .map((s) => ({ x: s.sampledAt.getTime() / DAY_MS, y: s.metrics[metric] }))
        .filter((p): p is { x: number; y: number } => typeof p.y === 'number' && Number.isFinite(p.y));
      if (pts.length === 0) continue;
      const sum = summarize(pts.map((p) => p.y));
      const growth = slope(pts);
      const last = pts[pts.length - 1].y;
      // Of the rules on this metric, the one the trend reaches first (the first alert to fire).
      const first = rules
        .filter((r) => r.metric === metric)
        .map((rule) => ({ rule, days: daysUntil(last, growth, rule.threshold, rule.comparison) }))
        .sort(
          (a, b) =>
            (a.days ?? Number.POSITIVE_INFINITY) - (b.days ?? Number.POSITIVE_INFINITY) ||
            Math.abs(a.rule.threshold - last) - Math.abs(b.rule.threshold - last),
        )[0];
      metrics.push({
        instance,
        metric,
        samples: pts.length,
        min: sum.min,
        avg: sum.avg,
        max: sum.max,
        last,
        growthPerDay: growth,
        threshold: first ? first.rule.threshold : null,
        rule: first?.rule.name || null,
        daysToThreshold: first ? first.days : null,
      });
    }
  }
  const warnDays = opts.warnDays ?? 30;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    samples: samples.length,
    instances,
    metrics,
    atRisk: metrics
      .filter((m) => m.daysToThreshold !== null && m.daysToThreshold <= warnDays)
      .map((m) => `${m.metric}@${m.instance}`),
  };
}

const show = (metric: string, v: number | null) => (metric.endsWith('_bytes') ? fmtBytes(v) : fmtNum(v));

export function renderResourceReport(r: ResourceReport): string {
  if (r.metrics.length === 0)
    return `No resource samples between ${r.from.slice(0, 10)} and ${r.to.slice(0, 10)} (the service stores one per minute; \`ops capacity-planning --record\` adds one).\n`;
  const table = textTable(
    ['Instance', 'Metric', 'Samples', 'Min', 'Avg', 'Max', 'Last', 'Growth/day', 'Threshold', 'Days left'],
    r.metrics.map((m) => [
      m.instance,
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
  return `Resource utilization ${r.from.slice(0, 10)} .. ${r.to.slice(0, 10)} (${r.samples} samples, ${r.instances.length} instance(s), each fitted on its own)\n${table}\n${risk}\n`;
}
