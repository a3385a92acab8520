/**
 * `ops performance-report --days N`: scans run and their success rate, duration p50/p95 per stage
 * (from `scans.timings`), provider latency and error rate (`api_calls`), cache hit rate and HTTP
 * latency (`metrics_samples`), each compared with the stored baseline.
 */
import { API_CALL_NOT_FAILURES } from '../market/http/apiCall.js';
import { latestBaselines } from '../store/baselinesRepo.js';
import type { Queryable } from '../store/db.js';
import { DAY_MS, type Summary, summarize } from './stats.js';
import { fmtNum, fmtPct, section, textTable } from './text.js';

/** Metrics where a higher value is better (for the trend verdict); all others: lower is better. */
const HIGHER_IS_BETTER = /(success_rate|hit_rate)/;

/** A change beyond this fraction in the bad direction is flagged as a regression. */
export const REGRESSION_THRESHOLD = 0.2;

export interface StageTiming extends Summary {
  stage: string;
}

export interface ProviderPerformance {
  provider: string;
  calls: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  retries: number;
}

export interface BaselineComparison {
  metric: string;
  current: number;
  baseline: number | null;
  /** (current − baseline) / baseline; null without a baseline (or a zero one). */
  change: number | null;
  verdict: 'better' | 'same' | 'worse' | 'no baseline';
}

export interface PerformanceReport {
  from: string;
  to: string;
  scans: { total: number; byStatus: Record<string, number>; successRate: number | null };
  stages: StageTiming[];
  providers: ProviderPerformance[];
  samples: { count: number; cacheHitRate: Summary; httpResponseMs: Summary; errorRate: Summary };
  /** Flat metric name → value: what baselines are made of. */
  metrics: Record<string, number>;
  trend: BaselineComparison[];
  regressions: number;
}

/** Everything the report measures over [from, to), without the baseline comparison. */
export async function measurePerformance(
  q: Queryable,
  from: Date,
  to: Date,
): Promise<Omit<PerformanceReport, 'trend' | 'regressions'>> {
  const statuses = await q.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM scans WHERE started_at >= $1 AND started_at < $2 GROUP BY status',
    [from, to],
  );
  const byStatus = Object.fromEntries(statuses.rows.map((r) => [r.status, r.n]));
  const total = statuses.rows.reduce((a, r) => a + r.n, 0);
  const finished = total - (byStatus.running ?? 0);
  const successRate = finished > 0 ? (byStatus.completed ?? 0) / finished : null;

  const timings = await q.query<{ stage: string; ms: number }>(
    `SELECT e.key AS stage, e.value::float8 AS ms FROM scans s CROSS JOIN LATERAL jsonb_each_text(s.timings) e
      WHERE s.started_at >= $1 AND s.started_at < $2 AND s.status = 'completed'`,
    [from, to],
  );
  const byStage = new Map<string, number[]>();
  for (const r of timings.rows) byStage.set(r.stage, [...(byStage.get(r.stage) ?? []), r.ms]);
  const stages = [...byStage].map(([stage, ms]) => ({ stage, ...summarize(ms) }));
  stages.sort((a, b) => (a.stage === 'total' ? 1 : b.stage === 'total' ? -1 : (b.p95 ?? 0) - (a.p95 ?? 0)));

  const prov = await q.query<{
    provider: string;
    calls: number;
    errors: number;
    p50: number | null;
    p95: number | null;
    retries: number;
  }>(
    // A failed call as telemetry and /metrics count it: rows stored before `ok` followed that
    // definition have ok = false for `not_found` / `aborted` too; their `error` holds the outcome.
    `SELECT provider, count(*)::int AS calls,
            count(*) FILTER (WHERE NOT ok AND coalesce(error, '') <> ALL($3::text[]))::int AS errors,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95, sum(retries)::int AS retries
       FROM api_calls WHERE called_at >= $1 AND called_at < $2 GROUP BY provider ORDER BY provider`,
    [from, to, [...API_CALL_NOT_FAILURES]],
  );
  const providers = prov.rows.map((r) => ({
    provider: r.provider,
    calls: r.calls,
    errors: r.errors,
    errorRate: r.calls ? r.errors / r.calls : 0,
    p50Ms: r.p50,
    p95Ms: r.p95,
    retries: r.retries,
  }));

  const samples = await q.query<{ hit: number | null; http: number | null; err: number | null }>(
    `SELECT (metrics->>'cache_hit_rate')::float8 AS hit, (metrics->>'avg_response_time')::float8 AS http,
            (metrics->>'error_rate')::float8 AS err
       FROM metrics_samples WHERE sampled_at >= $1 AND sampled_at < $2`,
    [from, to],
  );
  const sampleSummary = {
    count: samples.rows.length,
    cacheHitRate: summarize(samples.rows.map((r) => r.hit)),
    httpResponseMs: summarize(samples.rows.map((r) => r.http)),
    errorRate: summarize(samples.rows.map((r) => r.err)),
  };

  const metrics: Record<string, number> = {};
  const put = (k: string, v: number | null) => {
    if (v !== null && Number.isFinite(v)) metrics[k] = v;
  };
  put('scans.success_rate', successRate);
  for (const s of stages) {
    put(`scan.${s.stage}.p50_ms`, s.p50);
    put(`scan.${s.stage}.p95_ms`, s.p95);
  }
  for (const p of providers) {
    put(`provider.${p.provider}.p95_ms`, p.p95Ms);
    put(`provider.${p.provider}.error_rate`, p.errorRate);
  }
  put('cache_hit_rate.avg', sampleSummary.cacheHitRate.avg);
  put('http.avg_response_time_ms.p95', sampleSummary.httpResponseMs.p95);
  put('error_rate.avg', sampleSummary.errorRate.avg);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    scans: { total, byStatus, successRate },
    stages,
    providers,
    samples: sampleSummary,
    metrics,
  };
}

/**
 * Each metric against its baseline; a change of more than 20 % in the bad direction is "worse". A
 * zero baseline has no relative change (`change` null): any move away from it is judged by its
 * direction alone (up is better for success/hit rates, worse for the others).
 */
export function compareWithBaselines(
  metrics: Record<string, number>,
  baselines: ReadonlyMap<string, { value: number }>,
): BaselineComparison[] {
  return Object.entries(metrics).map(([metric, current]) => {
    const b = baselines.get(metric)?.value ?? null;
    if (b === null) return { metric, current, baseline: null, change: null, verdict: 'no baseline' as const };
    const direction = HIGHER_IS_BETTER.test(metric) ? -1 : 1;
    if (b === 0) {
      const bad = direction * Math.sign(current);
      const verdict = bad > 0 ? 'worse' : bad < 0 ? 'better' : 'same';
      return { metric, current, baseline: b, change: current === 0 ? 0 : null, verdict };
    }
    const change = (current - b) / Math.abs(b);
    const bad = direction * change;
    const verdict = bad > REGRESSION_THRESHOLD ? 'worse' : bad < -REGRESSION_THRESHOLD ? 'better' : 'same';
    return { metric, current, baseline: b, change, verdict };
  });
}

export async function performanceReport(
  q: Queryable,
  opts: { days: number; now?: number },
): Promise<PerformanceReport> {
  const to = new Date(opts.now ?? Date.now());
  const from = new Date(to.getTime() - opts.days * DAY_MS);
  const m = await measurePerformance(q, from, to);
  const trend = compareWithBaselines(m.metrics, await latestBaselines(q));
  return { ...m, trend, regressions: trend.filter((t) => t.verdict === 'worse').length };
}

export function renderPerformanceReport(r: PerformanceReport): string {
  const s = r.scans;
  const status = Object.entries(s.byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Performance report ${r.from.slice(0, 16)} .. ${r.to.slice(0, 16)} (UTC)\n`,
    section('Scans', `Run: ${s.total} (${status || 'none'}); success rate ${fmtPct(s.successRate)}`),
    section(
      'Scan duration by stage (ms, completed scans)',
      r.stages.length
        ? textTable(
            ['Stage', 'n', 'p50', 'p95', 'max'],
            r.stages.map((x) => [
              x.stage,
              x.n,
              x.p50 ?? Number.NaN,
              x.p95 ?? Number.NaN,
              x.max ?? Number.NaN,
            ]),
          )
        : '(no completed scans)',
    ),
    section(
      'Providers',
      r.providers.length
        ? textTable(
            ['Provider', 'Calls', 'Errors', 'Error rate', 'p50 ms', 'p95 ms', 'Retries'],
            r.providers.map((p) => [
              p.provider,
              p.calls,
              p.errors,
              fmtPct(p.errorRate),
              p.p50Ms ?? Number.NaN,
              p.p95Ms ?? Number.NaN,
              p.retries,
            ]),
          )
        : '(no provider calls recorded)',
    ),
    section(
      'Service samples',
      r.samples.count
        ? [
            `Samples: ${r.samples.count}`,
            `Cache hit rate: avg ${fmtNum(r.samples.cacheHitRate.avg)} %, min ${fmtNum(r.samples.cacheHitRate.min)} %`,
            `HTTP avg response time: p50 ${fmtNum(r.samples.httpResponseMs.p50)} ms, p95 ${fmtNum(r.samples.httpResponseMs.p95)} ms`,
            `Error rate: avg ${fmtNum(r.samples.errorRate.avg)} %, max ${fmtNum(r.samples.errorRate.max)} %`,
          ].join('\n')
        : '(no metrics samples: is the service running?)',
    ),
    section(
      'Trend vs baseline',
      r.trend.length
        ? textTable(
            ['Metric', 'Current', 'Baseline', 'Change', 'Verdict'],
            r.trend.map((t) => [
              t.metric,
              t.current,
              t.baseline ?? Number.NaN,
              t.change === null ? '-' : `${(t.change * 100).toFixed(1)} %`,
              t.verdict,
            ]),
          )
        : '(nothing measured)',
    ),
    r.regressions
      ? `${r.regressions} metric(s) more than ${REGRESSION_THRESHOLD * 100} % worse than baseline\n`
      : 'No regression against the baseline\n',
  ].join('\n');
}
