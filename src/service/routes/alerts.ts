/**
 * GET /api/alerts: alerts by state — `firing` (default) and `resolved` from the alerts table,
 * `pending` (breached, not yet for the rule's duration) from the running evaluator, `all` = the three.
 * Newest first; `since` (ISO 8601) filters on the firing time, `limit` caps the stored rows.
 */
import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import type { ActiveAlert } from '../../ops/alerts/evaluator.js';
import { formatDuration } from '../../ops/alerts/message.js';
import { listAlerts, type StoredAlert } from '../../store/alertsRepo.js';
import { isConnectionError } from '../../store/connectionError.js';
import type { Queryable } from '../../store/db.js';
import { parseInstant } from './fieldError.js';

export interface AlertRouteDeps {
  db: Queryable;
  /** This service's `host:port` (its pending alerts are listed under it). */
  instance?: string;
  /** Pending and firing alerts of the evaluator. */
  active: () => readonly ActiveAlert[];
  readGuard: preParsingHookHandler;
}

type AlertQueryState = 'firing' | 'resolved' | 'pending' | 'all';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function storedView(a: StoredAlert, live: ReadonlyMap<string, ActiveAlert>) {
  const rule = live.get(a.rule)?.rule;
  return {
    id: a.id,
    rule: a.rule,
    instance: a.instance,
    state: a.resolvedAt ? 'resolved' : 'firing',
    severity: a.severity,
    value: a.value,
    peak: a.peakValue,
    threshold: a.threshold,
    unit: (a.labels as { unit?: string }).unit ?? rule?.unit ?? null,
    metric: (a.labels as { metric?: string }).metric ?? rule?.metric ?? null,
    message: a.message,
    started_at: a.startedAt.toISOString(),
    fired_at: a.firedAt.toISOString(),
    resolved_at: a.resolvedAt?.toISOString() ?? null,
    last_seen_at: a.lastSeenAt.toISOString(),
    notifications: a.notifications,
    notified_channels: a.notifiedChannels,
  };
}

/** A pending alert of the evaluator, or (database unreachable) a firing one as this instance holds it. */
function liveView(a: ActiveAlert, instance: string) {
  const cmp = `${a.rule.metric} ${a.rule.comparison === 'above' ? '≥' : '≤'} ${a.rule.threshold} since ${iso(a.since)}`;
  return {
    id: a.alertId,
    rule: a.rule.name,
    instance,
    state: a.state,
    severity: a.rule.severity,
    value: a.value,
    peak: a.peak,
    threshold: a.rule.threshold,
    unit: a.rule.unit,
    metric: a.rule.metric,
    message: a.state === 'pending' ? `${cmp}; fires after ${formatDuration(a.rule.durationMs)}` : cmp,
    started_at: iso(a.since),
    fired_at: iso(a.firedAt),
    resolved_at: null,
    last_seen_at: null,
    notifications: a.notifications,
    notified_channels: [...a.notifiedChannels],
  };
}

export function alertRoutes(app: FastifyInstance, deps: AlertRouteDeps): void {
  app.get<{ Querystring: { state: AlertQueryState; limit: number; since?: string } }>(
    '/api/alerts',
    {
      preParsing: deps.readGuard,
      schema: {
        summary: 'Alerts: firing (default), resolved, pending or all; newest first',
        tags: ['api'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['firing', 'resolved', 'pending', 'all'], default: 'firing' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            since: { type: 'string', format: 'date-time' },
          },
        },
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (req, reply) => {
      const { state, limit } = req.query;
      const since = req.query.since
        ? new Date(parseInstant('querystring', 'since', req.query.since))
        : undefined;
      const active = deps.active();
      const live = new Map(active.map((a) => [a.rule.name, a]));
      const pending =
        state === 'pending' || state === 'all'
          ? active
              .filter((a) => a.state === 'pending' && (!since || a.since >= since.getTime()))
              .map((a) => liveView(a, deps.instance ?? ''))
          : [];
      let stored: object[] = [];
      let degraded: string | undefined;
      try {
        stored =
          state === 'pending'
            ? []
            : // resolved alerts by their resolution time (an alert fired in November and resolved yesterday was
              // resolved since yesterday; as `ops alerts` lists them), the others by their fire time
              (
                await listAlerts(deps.db, {
                  state: state === 'all' ? 'all' : state,
                  since,
                  limit,
                  by: state === 'resolved' ? 'resolved_at' : 'fired_at',
                })
              ).map((a) => storedView(a, live));
      } catch (e) {
        // "What fires now" is the first question of a database outage: answer it from this instance's evaluator
        // (it was a 500); resolved alerts live only in the database (503 from the error handler)
        if (!isConnectionError(e) || state === 'resolved') throw e;
        degraded = "database unreachable: firing alerts from this instance's evaluator only";
        stored = active
          .filter((a) => a.state === 'firing' && (!since || (a.firedAt ?? a.since) >= since.getTime()))
          .map((a) => liveView(a, deps.instance ?? ''));
      }
      const alerts = [...pending, ...stored];
      reply
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ state, count: alerts.length, ...(degraded ? { degraded } : {}), alerts }));
      return reply;
    },
  );
}
