/** Alert rules as the evaluator uses them, from `monitoring.yaml` (validated by config/monitoringSchema.ts). */
import {
  ALERT_METRICS,
  type AlertMetric,
  durationMs,
  type MonitoringConfig,
} from '../../config/monitoringSchema.js';

export interface AlertRuleDef {
  /** `group.key`, e.g. `system.cpu_usage`: the alert's name in the table, the API and the messages. */
  name: string;
  group: string;
  metric: AlertMetric;
  kind: 'gauge' | 'count';
  /** In the metric's unit (see `unit`). */
  threshold: number;
  comparison: 'above' | 'below';
  /** How long the breach must hold (gauge) or the counting window (count), ms. */
  durationMs: number;
  severity: 'warning' | 'critical';
  unit: string;
  description: string;
}

/** The enabled rules of a monitoring configuration, in file order. */
export function alertRules(m: MonitoringConfig): AlertRuleDef[] {
  const out: AlertRuleDef[] = [];
  for (const [group, rules] of Object.entries(m.alerts)) {
    for (const [key, r] of Object.entries(rules)) {
      if (r.enabled === false) continue;
      const metric = r.metric ?? (key as AlertMetric);
      const spec = ALERT_METRICS[metric];
      out.push({
        name: `${group}.${key}`,
        group,
        metric,
        kind: spec.kind,
        threshold: r.threshold,
        comparison: r.comparison ?? 'above',
        durationMs: durationMs(r.duration),
        severity: r.severity,
        unit: spec.unit,
        description: r.description ?? spec.description,
      });
    }
  }
  return out;
}

/** Whether `value` breaches the rule (at or beyond the threshold). */
export function breaches(rule: AlertRuleDef, value: number): boolean {
  return rule.comparison === 'above' ? value >= rule.threshold : value <= rule.threshold;
}

/** The worse of two values for the rule (higher for `above`, lower for `below`). */
export function worse(rule: AlertRuleDef, a: number, b: number): number {
  return rule.comparison === 'above' ? Math.max(a, b) : Math.min(a, b);
}

/**
 * The lowest threshold of the enabled `above` rules watching `metric` (the level at which it first alerts), or
 * null when no enabled rule watches it. `/health` warns from it: it read `alerts.system.<metric>.threshold`
 * directly, so a rule switched off (`enabled: false`) or a second rule on the metric (`metric:`) was ignored.
 */
export function lowestThreshold(rules: readonly AlertRuleDef[], metric: AlertMetric): number | null {
  let low: number | null = null;
  for (const r of rules)
    if (r.metric === metric && r.comparison === 'above' && (low === null || r.threshold < low))
      low = r.threshold;
  return low;
}
