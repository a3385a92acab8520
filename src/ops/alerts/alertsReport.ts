/**
 * `options-engine ops alerts`: the configured rules and channels, the alerts firing now and the
 * recent history from the alerts table; `--test` sends a test notification through every channel.
 */
import type { MonitoringConfig } from '../../config/monitoringSchema.js';
import type { Settings } from '../../config/schema.js';
import { listAlerts, type StoredAlert } from '../../store/alertsRepo.js';
import type { Queryable } from '../../store/db.js';
import { textTable } from '../text.js';
import { formatDuration, manualNotification, testNotification } from './message.js';
import type { AlertChannel, Notifier } from './notification.js';
import { buildNotifiers } from './notifiers/buildNotifiers.js';
import { NotificationDispatcher, type SendResult } from './notifiers/dispatcher.js';
import { type AlertRuleDef, alertRules } from './rules.js';

export interface AlertsReport {
  rules: AlertRuleDef[];
  evaluationInterval: string;
  channels: AlertChannel[];
  cooldownMinutes: number;
  firing: StoredAlert[];
  /** Resolved within the last `days` (whenever they fired), newest resolution first. */
  resolved: StoredAlert[];
  days: number;
}

export async function alertsReport(
  db: Queryable,
  cfg: { settings: Settings; monitoring: MonitoringConfig },
  opts: { days: number; limit: number; now?: Date },
): Promise<AlertsReport> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - opts.days * 86_400_000);
  const [firing, resolved] = await Promise.all([
    listAlerts(db, { state: 'firing', limit: opts.limit }),
    listAlerts(db, { state: 'resolved', by: 'resolved_at', since, limit: opts.limit }),
  ]);
  return {
    rules: alertRules(cfg.monitoring),
    evaluationInterval: cfg.monitoring.evaluation_interval,
    channels: configuredChannels(cfg.settings.alerts),
    cooldownMinutes: cfg.settings.alerts.cooldown_minutes,
    firing,
    resolved,
    days: opts.days,
  };
}

/** The channels the settings configure (email when enabled, Slack when a webhook URL is set). */
export function configuredChannels(alerts: Settings['alerts']): AlertChannel[] {
  return [
    ...(alerts.email.enabled ? (['email'] as const) : []),
    ...(alerts.slack.webhook_url ? (['slack'] as const) : []),
  ];
}

const when = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : '-');

function alertRows(alerts: readonly StoredAlert[]): (string | number)[][] {
  return alerts.map((a) => [
    a.rule,
    a.instance || '-',
    a.severity,
    a.value ?? '-',
    a.peakValue ?? '-',
    a.threshold ?? '-',
    when(a.startedAt),
    when(a.firedAt),
    when(a.resolvedAt),
    a.notifiedChannels.join(',') || '-',
  ]);
}

const HEAD = [
  'rule',
  'instance',
  'severity',
  'value',
  'peak',
  'threshold',
  'since',
  'fired',
  'resolved',
  'notified',
];

export function renderAlerts(r: AlertsReport): string {
  const out = [
    `Alert rules (${r.rules.length}, evaluated every ${r.evaluationInterval}; repeat every ${r.cooldownMinutes} min while firing)`,
    textTable(
      ['rule', 'metric', 'condition', 'severity'],
      r.rules.map((x) => [
        x.name,
        x.metric,
        `${x.comparison === 'above' ? '≥' : '≤'} ${x.threshold} ${x.unit} ${x.kind === 'count' ? 'within' : 'for'} ${formatDuration(x.durationMs)}`,
        x.severity,
      ]),
    ),
    '',
    `Notification channels: ${r.channels.length ? r.channels.join(', ') : 'none configured (set ALERT_EMAIL_ENABLED and ALERT_SMTP_* or SLACK_WEBHOOK_URL)'}`,
    '',
    `Firing now: ${r.firing.length}`,
    ...(r.firing.length ? [textTable(HEAD, alertRows(r.firing))] : []),
    '',
    `Resolved in the last ${r.days} day(s): ${r.resolved.length}`,
    ...(r.resolved.length ? [textTable(HEAD, alertRows(r.resolved))] : []),
  ];
  return `${out.join('\n')}\n`;
}

export interface TestNotificationReport {
  channels: SendResult[];
  ok: boolean;
}

/**
 * Sends one message through every configured channel, once each (no retry), and reports each: the
 * test message, or with `manual` an operator's own (the guide's notification script:
 * subject `Options Engine Alert: <name>`, the body as given).
 */
export async function sendTestNotifications(
  alerts: Settings['alerts'],
  instance: string,
  opts: { notifiers?: Notifier[]; now?: number; manual?: { name: string; body: string } } = {},
): Promise<TestNotificationReport> {
  const notifiers = opts.notifiers ?? buildNotifiers(alerts);
  const silent = { info() {}, warn() {}, error() {} };
  const dispatcher = new NotificationDispatcher({ notifiers, logger: silent });
  const n = opts.manual
    ? manualNotification(opts.manual.name, opts.manual.body)
    : testNotification(instance, opts.now ?? Date.now());
  try {
    const channels = await dispatcher.sendNow(n);
    return { channels, ok: channels.length > 0 && channels.every((c) => c.ok) };
  } finally {
    await dispatcher.close();
  }
}

export function renderTestNotifications(r: TestNotificationReport): string {
  if (r.channels.length === 0)
    return 'No notification channel configured: set ALERT_EMAIL_ENABLED=true with ALERT_SMTP_SERVER, ALERT_EMAIL_FROM, ALERT_EMAIL_TO, and/or SLACK_WEBHOOK_URL.\n';
  const rows = r.channels.map((c) => [c.channel, c.ok ? 'sent' : 'FAILED', Math.round(c.ms), c.error ?? '']);
  return `${textTable(['channel', 'result', 'ms', 'error'], rows)}\n`;
}
