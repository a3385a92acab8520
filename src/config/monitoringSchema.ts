/** Schema of `monitoring.yaml` (the operations guide's alert format) and the metrics a rule may watch. */
import { z } from 'zod';

/** A duration like `500ms`, `30s`, `5m`, `1h`. */
export const durationString = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'must be a duration like "30s", "5m" or "1h"');

/**
 * The longest evaluation interval or rule duration: a day. Node timers hold at most 2^31−1 ms (~24.8 days); a
 * longer delay fires after 1 ms (`evaluation_interval: 600h` evaluated the rules every millisecond).
 */
export const MAX_DURATION = '24h';

/** A duration from `min` to `max` (duration strings); a malformed one gets the format message only. */
function durationBetween(min: string | null, max: string) {
  return durationString.superRefine((text, ctx) => {
    if (!durationString.safeParse(text).success) return;
    const ms = durationMs(text);
    const problem =
      min !== null && ms < durationMs(min)
        ? `must be at least ${min}`
        : ms > durationMs(max)
          ? `must be at most ${max}`
          : null;
    if (problem) ctx.addIssue({ code: 'invalid_format', format: 'duration', message: problem, input: text });
  });
}

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
  duration: durationBetween(null, MAX_DURATION),
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

/** A rule group or rule name. */
const ruleKey = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*$/,
    'must be lower-case letters, digits and _, starting with a letter (like cpu_usage)',
  );

export const monitoringSchema = z
  .strictObject({
    evaluation_interval: durationBetween('1s', MAX_DURATION),
    alerts: z.record(ruleKey, z.record(ruleKey, alertRuleSchema)),
  })
  .superRefine((m, ctx) => {
    for (const [group, rules] of Object.entries(m.alerts)) {
      for (const [key, rule] of Object.entries(rules)) {
        if (rule.metric === undefined && !(key in ALERT_METRICS)) {
          ctx.addIssue({
            code: 'custom',
            path: ['alerts', group, key],
            message: `unknown metric "${key}": name one of ${ALERT_METRIC_NAMES.join(', ')} (or set metric:)`,
          });
          continue;
        }
        // a percentage outside 0–100, or a negative count or duration, is a rule that can never fire or never stop
        const unit = ALERT_METRICS[rule.metric ?? (key as AlertMetric)].unit;
        const max = unit === '%' ? 100 : Number.POSITIVE_INFINITY;
        if (!(rule.threshold >= 0 && rule.threshold <= max)) {
          ctx.addIssue({
            code: 'custom',
            path: ['alerts', group, key, 'threshold'],
            message: `${unit === '%' ? 'must be a percentage from 0 to 100' : `must be ≥ 0 (${unit})`}, got ${rule.threshold}`,
          });
        }
      }
    }
  });
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
