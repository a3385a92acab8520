/** Firing alerts as the `alerts:firing` health check: warning → warn, critical → fail (HTTP 503). */
import type { ActiveAlert } from '../ops/alerts/evaluator.js';
import { formatDuration } from '../ops/alerts/message.js';
import type { HealthCheck } from './healthChecks.js';

export function alertHealthChecks(active: readonly ActiveAlert[], now: number): HealthCheck[] {
  const firing = active.filter((a) => a.state === 'firing');
  if (firing.length === 0)
    return [
      {
        componentType: 'component',
        observedValue: 0,
        observedUnit: 'alerts',
        status: 'pass',
        time: new Date(now).toISOString(),
        output: '',
      },
    ];
  return firing.map((a) => ({
    componentId: a.rule.name,
    componentType: 'component',
    observedValue: a.value,
    observedUnit: a.rule.unit,
    status: a.rule.severity === 'critical' ? 'fail' : 'warn',
    time: new Date(a.firedAt ?? now).toISOString(),
    output: `${a.rule.severity}: ${a.rule.metric} ${a.rule.comparison === 'above' ? '≥' : '≤'} ${a.rule.threshold} ${a.rule.unit} (${a.rule.kind === 'count' ? 'within' : 'for'} ${formatDuration(a.rule.durationMs)})`,
  }));
}
