/** Schema of `monitoring.yaml` (the operations guide's alert format). */
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

export const alertRuleSchema = z.strictObject({
  threshold: z.number(),
  duration: durationString,
  severity: z.enum(['warning', 'critical']),
  /** Comparison of the metric with the threshold; the guide's rules all fire above. */
  comparison: z.enum(['above', 'below']).optional(),
  description: z.string().optional(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const monitoringSchema = z.strictObject({
  evaluation_interval: durationString,
  alerts: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/),
    z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), alertRuleSchema),
  ),
});
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
