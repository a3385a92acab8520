/**
 * The `alerts` table: fired/resolved history. At most one open (unresolved) row per rule and service
 * instance: firing a rule that is already open bumps its `occurrences` and `last_seen_at` instead of
 * adding a row. Instances sharing one database keep their own alerts (each watches its own host).
 */
import type { JsonObject, Queryable } from './db.js';
import { requireDate, requireOneOf, requireText } from './validate.js';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertFiring {
  rule: string;
  severity: AlertSeverity;
  message: string;
  value?: number | null;
  threshold?: number | null;
  labels?: JsonObject;
  at: Date;
  /** When the condition began to hold (default `at`). */
  startedAt?: Date;
  /** The worst value seen since `startedAt` (default `value`). */
  peak?: number | null;
  /** `host:port` of the evaluating service (default ''). */
  instance?: string;
}

export interface StoredAlert {
  id: number;
  rule: string;
  severity: AlertSeverity;
  message: string;
  value: number | null;
  threshold: number | null;
  labels: JsonObject;
  firedAt: Date;
  lastSeenAt: Date;
  occurrences: number;
  resolvedAt: Date | null;
  notifiedChannels: string[];
  startedAt: Date;
  peakValue: number | null;
  lastNotifiedAt: Date | null;
  notifications: number;
  instance: string;
}

/** Records a firing. `isNew` is true when the rule was not already open (notify then). */
export async function fireAlert(
  q: Queryable,
  a: AlertFiring,
): Promise<{ id: number; isNew: boolean; occurrences: number }> {
  requireText('alert.rule', a.rule);
  requireOneOf('alert.severity', a.severity, ALERT_SEVERITIES);
  requireText('alert.message', a.message);
  requireDate('alert.at', a.at);
  const r = await q.query<{ id: number; occurrences: number }>(
    `INSERT INTO alerts (rule, severity, message, value, threshold, labels, fired_at, last_seen_at,
                         started_at, peak_value, instance)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7, $8, $9, $10)
     ON CONFLICT (rule, instance) WHERE resolved_at IS NULL DO UPDATE SET
       severity = EXCLUDED.severity, message = EXCLUDED.message, value = EXCLUDED.value,
       threshold = EXCLUDED.threshold, labels = EXCLUDED.labels, last_seen_at = EXCLUDED.last_seen_at,
       peak_value = EXCLUDED.peak_value, occurrences = alerts.occurrences + 1
     RETURNING id, occurrences`,
    [
      a.rule,
      a.severity,
      a.message,
      a.value ?? null,
      a.threshold ?? null,
      JSON.stringify(a.labels ?? {}),
      a.at,
      a.startedAt ?? a.at,
      a.peak ?? a.value ?? null,
      a.instance ?? '',
    ],
  );
  const row = r.rows[0];
  return { id: row.id, isNew: row.occurrences === 1, occurrences: row.occurrences };
}

/** Resolves the open alert of `rule` (of `instance`); returns its id, or null when none was open. */
export async function resolveAlert(
  q: Queryable,
  rule: string,
  at: Date,
  instance = '',
): Promise<number | null> {
  const r = await q.query<{ id: number }>(
    'UPDATE alerts SET resolved_at = $2 WHERE rule = $1 AND instance = $3 AND resolved_at IS NULL RETURNING id',
    [rule, at, instance],
  );
  return r.rows[0]?.id ?? null;
}

/** The latest value and the peak of a firing alert, seen at `at`. */
export async function touchAlert(
  q: Queryable,
  id: number,
  seen: { value: number | null; peak: number | null; at: Date },
): Promise<void> {
  await q.query('UPDATE alerts SET value = $2, peak_value = $3, last_seen_at = $4 WHERE id = $1', [
    id,
    seen.value,
    seen.peak,
    seen.at,
  ]);
}

/** What `markAlertNotified` records: any of the three. */
export interface AlertNotifiedUpdate {
  /** Channels (email, slack…) that delivered a message, added to `notified_channels`. */
  channels?: readonly string[];
  /** When a message was sent off: `last_notified_at`, the start of the repeat cooldown. */
  at?: Date;
  /** A message reached its first channel: `notifications` + 1 (it counts delivered messages). */
  countMessage?: boolean;
}

/** Records a notification of the alert: see `AlertNotifiedUpdate`. */
export async function markAlertNotified(
  q: Queryable,
  id: number,
  update: AlertNotifiedUpdate,
): Promise<void> {
  await q.query(
    `UPDATE alerts SET notified_channels = (
       SELECT COALESCE(jsonb_agg(DISTINCT c), '[]'::jsonb)
         FROM (SELECT jsonb_array_elements_text(notified_channels) AS c UNION SELECT unnest($2::text[])) s
     ),
     last_notified_at = COALESCE($3, last_notified_at),
     notifications = notifications + CASE WHEN $4 THEN 1 ELSE 0 END
     WHERE id = $1`,
    [id, update.channels ?? [], update.at ?? null, update.countMessage === true],
  );
}

interface AlertRow {
  id: number;
  rule: string;
  severity: AlertSeverity;
  message: string;
  value: number | null;
  threshold: number | null;
  labels: JsonObject;
  fired_at: Date;
  last_seen_at: Date;
  occurrences: number;
  resolved_at: Date | null;
  notified_channels: string[];
  started_at: Date | null;
  peak_value: number | null;
  last_notified_at: Date | null;
  notifications: number;
  instance: string;
}

function fromRow(r: AlertRow): StoredAlert {
  return {
    id: r.id,
    rule: r.rule,
    severity: r.severity,
    message: r.message,
    value: r.value,
    threshold: r.threshold,
    labels: r.labels,
    firedAt: r.fired_at,
    lastSeenAt: r.last_seen_at,
    occurrences: r.occurrences,
    resolvedAt: r.resolved_at,
    notifiedChannels: r.notified_channels,
    startedAt: r.started_at ?? r.fired_at,
    peakValue: r.peak_value,
    lastNotifiedAt: r.last_notified_at,
    notifications: r.notifications,
    instance: r.instance,
  };
}

/** Open alerts, oldest first: all of them, or those of one instance. */
export async function openAlerts(q: Queryable, instance?: string): Promise<StoredAlert[]> {
  const r =
    instance === undefined
      ? await q.query<AlertRow>('SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY fired_at')
      : await q.query<AlertRow>(
          'SELECT * FROM alerts WHERE resolved_at IS NULL AND instance = $1 ORDER BY fired_at',
          [instance],
        );
  return r.rows.map(fromRow);
}

/** Alerts fired in `[from, to)`, newest first. */
export async function alertHistory(q: Queryable, from: Date, to: Date, limit = 500): Promise<StoredAlert[]> {
  const r = await q.query<AlertRow>(
    'SELECT * FROM alerts WHERE fired_at >= $1 AND fired_at < $2 ORDER BY fired_at DESC, id DESC LIMIT $3',
    [from, to, limit],
  );
  return r.rows.map(fromRow);
}

export type AlertListState = 'firing' | 'resolved' | 'all';

/**
 * Alerts newest first: open ones (`firing`), closed ones (`resolved`), or both. `since` filters on
 * `fired_at` and they come newest fired first; with `by: 'resolved_at'` (closed alerts) `since`
 * filters on `resolved_at` and they come newest resolved first: an alert fired long ago and resolved
 * yesterday was resolved in the last days.
 */
export async function listAlerts(
  q: Queryable,
  opts: { state: AlertListState; since?: Date; limit?: number; by?: 'fired_at' | 'resolved_at' },
): Promise<StoredAlert[]> {
  const where = { firing: 'resolved_at IS NULL', resolved: 'resolved_at IS NOT NULL', all: 'true' }[
    opts.state
  ];
  const by = opts.by === 'resolved_at' ? 'resolved_at' : 'fired_at';
  const r = await q.query<AlertRow>(
    `SELECT * FROM alerts WHERE ${where} AND ${by} >= $1 ORDER BY ${by} DESC, id DESC LIMIT $2`,
    [opts.since ?? new Date(0), opts.limit ?? 100],
  );
  return r.rows.map(fromRow);
}
