/**
 * Words of an alert notification: the guide's subject `Options Engine Alert: <name>` with the severity
 * (`… <name> [CRITICAL]`, `… <name> [WARNING] (still firing)`, `… <name> resolved`) and a few detail lines.
 */
import type { AlertEvent } from './evaluator.js';
import type { AlertNotification } from './notification.js';
import type { AlertRuleDef } from './rules.js';

const PREFIX = 'Options Engine Alert: ';

/** 300000 → `5m`, 90000 → `90s`, 0 → `0s`. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function formatValue(v: number, unit: string): string {
  const n = Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
  return unit === '%' ? `${n} %` : `${n} ${unit}`;
}

function condition(rule: AlertRuleDef): string {
  const op = rule.comparison === 'above' ? '≥' : '≤';
  const t = formatValue(rule.threshold, rule.unit);
  return rule.kind === 'count'
    ? `${op} ${t} within ${formatDuration(rule.durationMs)}`
    : `${op} ${t} for ${formatDuration(rule.durationMs)}`;
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** The notification of a fired, repeated or resolved alert (not of an `updated` event). */
export function alertNotification(event: AlertEvent, instance: string): AlertNotification {
  const a = event.alert;
  const rule = a.rule;
  const state = event.type === 'resolved' ? 'RESOLVED' : event.type === 'repeat' ? 'STILL FIRING' : 'FIRING';
  // the severity in the subject: a pager or inbox rule can route on it, and on-call sees it before opening
  const level = ` [${rule.severity.toUpperCase()}]`;
  const subject =
    PREFIX +
    rule.name +
    (event.type === 'resolved' ? ' resolved' : event.type === 'repeat' ? `${level} (still firing)` : level);
  const lines = [
    `${state} [${rule.severity}] ${rule.name} on ${instance}`,
    `value ${formatValue(a.value, rule.unit)} (rule: ${rule.metric} ${condition(rule)}), peak ${formatValue(a.peak, rule.unit)}`,
    `breach began ${iso(a.since)}, fired ${iso(a.firedAt)}${event.type === 'resolved' ? `, resolved ${iso(event.at)}` : ''}`,
    rule.description,
  ];
  return {
    kind: event.type === 'resolved' || event.type === 'repeat' ? event.type : 'firing',
    rule: rule.name,
    severity: rule.severity,
    subject,
    details: lines.join('\n'),
    alertId: a.alertId,
  };
}

/** The message of `options-engine ops alerts --test`. */
export function testNotification(instance: string, at: number): AlertNotification {
  return {
    kind: 'test',
    rule: 'test',
    severity: 'info',
    subject: `${PREFIX}test`,
    details: `Test notification from ${instance} at ${iso(at)}: this channel works.`,
    alertId: null,
  };
}

/** An operator's message (`ops alerts --send <name> --message <text>`), as the guide's script words it. */
export function manualNotification(name: string, body: string): AlertNotification {
  return {
    kind: 'test',
    rule: name,
    severity: 'info',
    subject: `${PREFIX}${name}`,
    details: body,
    alertId: null,
  };
}
