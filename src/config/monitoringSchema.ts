/** Schema of `monitoring.yaml` (the operations guide's alert format) and the metrics a rule may watch. */
import { z } from 'zod';

/** A duration like `500ms`, `30s`, `5m`, `1h`. */
export const durationString = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'must be a duration like "30s", "5m" or "1h"');

/** Duration string → milliseconds. */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/**
 * The metrics an alert rule can watch. `gauge`: the condition must hold at every evaluation for the
 * rule's whole duration. `count`: events counted within the trailing duration (the duration is the
 * counting window, so "5 connection errors in 1m" fires as soon as the fifth arrives).
 */
export const ALERT_METRICS = {
  cpu_usage: { kind: 'gauge', unit: '%', description: 'host CPU busy since the previous evaluation' },
  memory_usage: { kind: 'gauge', unit: '%', description: 'host memory in use' },
  disk_usage: { kind: 'gauge', unit: '%', description: 'volume of the data directory (or logs) in use' },
  error_rate: {
    kind: 'gauge',
    unit: '%',
    description: 'HTTP 5xx responses + failed provider calls over the metrics window',
  },
  response_time: { kind: 'gauge', unit: 's', description: 'mean HTTP response time over the metrics window' },
  query_time: { kind: 'gauge', unit: 's', description: 'p95 database call time (last 2,000 calls)' },
  connection_errors: {
    kind: 'count',
    unit: 'errors',
    description: 'database calls that could not reach the database',
  },
  scan_failures: { kind: 'gauge', unit: 'scans', description: 'consecutive scans that failed or timed out' },
  missed_scans: {
    kind: 'gauge',
    unit: 'intervals',
    description: 'scan intervals without a successful scan (0 while scans are not expected)',
  },
  circuit_open: { kind: 'gauge', unit: 'providers', description: 'provider circuit breakers open' },
  data_rejection_rate: {
    kind: 'gauge',
    unit: '%',
    description: 'option quotes rejected by the data-quality filters in the last scan',
  },
  stale_data: {
    kind: 'gauge',
    unit: '%',
    description: 'option quotes older than constraints.max_quote_age_seconds in the last scan',
  },
} as const satisfies Record<string, { kind: 'gauge' | 'count'; unit: string; description: string }>;
export type AlertMetric = keyof typeof ALERT_METRICS;
export const ALERT_METRIC_NAMES = Object.keys(ALERT_METRICS) as AlertMetric[];

export const alertRuleSchema = z.strictObject({
  threshold: z.number(),
  duration: durationString,
  severity: z.enum(['warning', 'critical']),
  /** The metric watched; defaults to the rule's key (the guide's format: `cpu_usage: {…}`). */
  metric: z.enum(ALERT_METRIC_NAMES as [AlertMetric, ...AlertMetric[]]).optional(),
  /** `above`: breached when value ≥ threshold (the guide's rules); `below`: when value ≤ threshold. */
  comparison: z.enum(['above', 'below']).optional(),
  /** `false` switches off a rule shipped in the defaults. */
  enabled: z.boolean().optional(),
  description: z.string().optional(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const monitoringSchema = z
  .strictObject({
    evaluation_interval: durationString,
    alerts: z.record(
      z.string().regex(/^[a-z][a-z0-9_]*$/),
      z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), alertRuleSchema),
    ),
  })
  .superRefine((m, ctx) => {
    // zod runs this refinement even when a field failed: only a well-formed duration is compared
    const interval = durationString.safeParse(m.evaluation_interval);
    if (interval.success && durationMs(interval.data) < 1000)
      ctx.addIssue({ code: 'custom', path: ['evaluation_interval'], message: 'must be at least 1s' });
    for (const [group, rules] of Object.entries(m.alerts)) {
      for (const [key, rule] of Object.entries(rules)) {
        if (rule.metric === undefined && !(key in ALERT_METRICS)) {
          ctx.addIssue({
            code: 'custom',
            path: ['alerts', group, key],
            message: `unknown metric "${key}": name one of ${ALERT_METRIC_NAMES.join(', ')} (or set metric:)`,
          });
        }
      }
    }
  });
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
