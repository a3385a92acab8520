/**
 * `ops resource-utilization-report --days N`: CPU, memory, disk, database size and the log/data/
 * backup directory sizes over time from `metrics_samples`: min/avg/max, growth per day (least
 * squares), and for metrics with an alert threshold (monitoring.yaml) the days left until the
 * trend reaches it. Each instance (`host:port` of a service, `ops` for readings stored by
 * `ops capacity-planning --record`) is fitted and reported on its own: hosts sharing a database
 * have their own disks and loads, and one trend across them is no host's trend.
 *
 * A trend is fitted only from samples spanning at least `minTrendSpanDays` (a tenth of the window,
 * and at least a day): a few minutes of per-minute samples turned 22.2 → 22.3 % disk into "+30 %
 * a day, 2 days left". With less history the growth and the days left are unknown (`-`) and
 * nothing is flagged at risk, not even a reading already beyond its threshold (one CPU reading of
 * 100 % is no trend; the alerts and health-check watch the present).
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
  /** Days between the first and the last sample. */
  spanDays: number;
  /** Change per day (least squares); null with fewer than two samples or a span below `minSpanDays`. */
  growthPerDay: number | null;
  /** The alert threshold the trend reaches first (of the enabled rules on this metric). */
  threshold: number | null;
  /** The rule of that threshold (`system.disk_usage`), or null for a bare threshold. */
  rule: string | null;
  /**
   * Days until the trend reaches the threshold; 0 when already beyond; null when not heading there or
   * with too little history (`minSpanDays`).
   */
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
  /** The span of samples a trend needs (`minTrendSpanDays`). */
  minSpanDays: number;
  /** `metric@instance` projected to cross its threshold within `warnDays` (or already beyond it). */
  atRisk: string[];
}

/** The history a growth trend needs: a tenth of the `days` window, and at least one day. */
export function minTrendSpanDays(days: number): number {
  return Math.max(1, days / 10);
}

/** `metric@instance` of the trends at or projected to reach their threshold within `warnDays`. */
export function trendsAtRisk(trends: readonly ResourceTrend[], warnDays: number): string[] {
  return trends
    .filter((m) => m.daysToThreshold !== null && m.daysToThreshold <= warnDays)
    .map((m) => `${m.metric}@${m.instance}`);
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
  const minSpanDays = minTrendSpanDays(opts.days);
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
      const spanDays = pts[pts.length - 1].x - pts[0].x;
      const enough = spanDays >= minSpanDays;
      const growth = enough ? slope(pts) : null;
      const last = pts[pts.length - 1].y;
      // Of the rules on this metric, the one the trend reaches first (the first alert to fire).
      const first = rules
        .filter((r) => r.metric === metric)
        .map((rule) => ({
          rule,
          days: enough ? daysUntil(last, growth, rule.threshold, rule.comparison) : null,
        }))
        .sort(
          (a, b) =>
            (a.days ?? Number.POSITIVE_INFINITY) - (b.days ?? Number.POSITIVE_INFINITY) ||
            Math.abs(a.rule.threshold - last) - Math.abs(b.rule.threshold - last),
        )[0];
      metrics.push({
        instance,
        metric,
        samples: pts.length,
        spanDays,
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
    minSpanDays,
    atRisk: trendsAtRisk(metrics, warnDays),
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
  return `Resource utilization ${r.from.slice(0, 10)} .. ${r.to.slice(0, 10)} (${r.samples} samples, ${r.instances.length} instance(s), each fitted on its own)\n${table}\n${shortHistoryNote(r.metrics, r.minSpanDays)}${risk}\n`;
}

/** Says why a growth is `-`: its samples span less than the history a trend needs. */
export function shortHistoryNote(trends: readonly ResourceTrend[], minSpanDays: number): string {
  const short = trends.filter((m) => m.growthPerDay === null);
  if (short.length === 0) return '';
  const longest = Math.max(...short.map((m) => m.spanDays));
  const span = longest < 1 ? `${fmtNum(longest * 24, 1)} h` : `${fmtNum(longest, 1)} days`;
  return `Growth/day -: not enough history (samples span ${span}; a trend needs ${fmtNum(minSpanDays, 1)} day(s))\n`;
}
