/**
 * Runs the alert rules inside the service: every `intervalMs` it reads the metrics, steps the
 * evaluator, stores each transition in the `alerts` table and hands notifications to the dispatcher.
 * Nothing here waits for a notification, and a database or reading failure costs one evaluation,
 * never the service. Open alerts survive a restart: they are read back and resolved here when they
 * clear. Time is injectable, so tests drive it with `tick()`.
 */
import {
  fireAlert,
  markAlertNotified,
  openAlerts,
  resolveAlert,
  touchAlert,
} from '../../store/alertsRepo.js';
import type { Queryable, StoreLogger } from '../../store/db.js';
import { type ActiveAlert, AlertEvaluator, type AlertEvent, type AlertReadings } from './evaluator.js';
import { alertNotification } from './message.js';
import type { AlertNotification } from './notification.js';
import type { AlertRuleDef } from './rules.js';

export interface AlertManagerOptions {
  db: Queryable;
  /** The metric readings now (count metrics as running totals). */
  read: (now: number) => AlertReadings | Promise<AlertReadings>;
  rules: readonly AlertRuleDef[];
  /** Evaluation period (monitoring.yaml `evaluation_interval`), ms. */
  intervalMs: number;
  /** Minimum time between two notifications of one firing alert (`alerts.cooldown_minutes`), ms; 0: no repeats. */
  cooldownMs: number;
  /** Queues a notification (never blocks: the dispatcher retries in the background). */
  notify: (n: AlertNotification) => void;
  /** `host:port`, named in the messages. */
  instance: string;
  logger: StoreLogger;
  /** Called after each evaluation with the pending and firing alerts (health, metrics). */
  onChange?: (active: readonly ActiveAlert[]) => void;
  now?: () => number;
}

/** Snake case: this is the `alerts` object of the /metrics JSON (with the dispatcher's `notifications`). */
export interface AlertCounts {
  firing: { warning: number; critical: number };
  pending: number;
  evaluations: number;
  evaluation_errors: number;
  /** Transitions since start, by type. */
  events: { fired: number; resolved: number; repeat: number };
}

export class AlertManager {
  private readonly evaluator: AlertEvaluator;
  private readonly now: () => number;
  private intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<AlertEvent[]> | null = null;
  private stopped = false;
  private evaluations = 0;
  private evaluationErrors = 0;
  private readonly events = { fired: 0, resolved: 0, repeat: 0 };

  constructor(private readonly opts: AlertManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs;
    this.evaluator = new AlertEvaluator(opts.rules, opts.cooldownMs);
  }

  /** Reads back the open alerts of a previous run, then evaluates every interval (unless `timer` is false). */
  async start(timer = true): Promise<void> {
    try {
      const open = await openAlerts(this.opts.db, this.opts.instance);
      this.evaluator.restore(
        open.map((a) => ({
          rule: a.rule,
          since: a.startedAt.getTime(),
          firedAt: a.firedAt.getTime(),
          value: a.value,
          peak: a.peakValue,
          lastNotifiedAt: a.lastNotifiedAt?.getTime() ?? null,
          alertId: a.id,
        })),
      );
      const at = new Date(this.now());
      for (const rule of this.evaluator.unknownRules(open)) {
        await resolveAlert(this.opts.db, rule, at, this.opts.instance);
        this.opts.logger.info({ rule }, 'alert resolved: its rule is no longer configured');
      }
    } catch (e) {
      this.opts.logger.warn({ err: (e as Error).message }, 'open alerts not read back');
    }
    this.opts.onChange?.(this.evaluator.activeAlerts());
    if (timer) this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** New rules, period or cooldown (SIGHUP). Alerts of removed rules resolve now. */
  async reconfigure(rules: readonly AlertRuleDef[], intervalMs: number, cooldownMs: number): Promise<void> {
    const events = this.evaluator.configure(rules, cooldownMs, this.now());
    await this.apply(events);
    this.opts.onChange?.(this.evaluator.activeAlerts());
    if (intervalMs !== this.intervalMs) {
      this.intervalMs = intervalMs;
      if (this.timer) {
        clearTimeout(this.timer);
        this.schedule();
      }
    }
  }

  /** One evaluation; overlapping calls share the one in flight. Returns its transitions. */
  tick(): Promise<AlertEvent[]> {
    this.running ??= this.evaluate().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async evaluate(): Promise<AlertEvent[]> {
    const now = this.now();
    let readings: AlertReadings;
    try {
      readings = await this.opts.read(now);
    } catch (e) {
      this.evaluationErrors++;
      this.opts.logger.warn({ err: (e as Error).message }, 'alert metrics not read; evaluation skipped');
      return [];
    }
    this.evaluations++;
    const events = this.evaluator.evaluate(now, readings);
    await this.apply(events);
    this.opts.onChange?.(this.evaluator.activeAlerts());
    return events;
  }

  /** Stores each transition, logs it and queues its notification. */
  private async apply(events: readonly AlertEvent[]): Promise<void> {
    const db = this.opts.db;
    for (const e of events) {
      const a = e.alert;
      const at = new Date(e.at);
      try {
        if (e.type === 'fired') {
          const n = alertNotification(e, this.opts.instance);
          const stored = await fireAlert(db, {
            rule: a.rule.name,
            severity: a.rule.severity,
            message: n.details.split('\n')[1],
            value: a.value,
            threshold: a.rule.threshold,
            labels: {
              metric: a.rule.metric,
              group: a.rule.group,
              unit: a.rule.unit,
              instance: this.opts.instance,
            },
            at,
            startedAt: new Date(a.since),
            peak: a.peak,
            instance: this.opts.instance,
          });
          a.alertId = stored.id;
        } else if (a.alertId !== null) {
          await touchAlert(db, a.alertId, { value: a.value, peak: a.peak, at });
          if (e.type === 'resolved') await resolveAlert(db, a.rule.name, at, this.opts.instance);
        }
        if ((e.type === 'fired' || e.type === 'repeat') && a.alertId !== null)
          await markAlertNotified(db, a.alertId, [], at);
      } catch (err) {
        this.opts.logger.warn({ rule: a.rule.name, err: (err as Error).message }, 'alert state not stored');
      }
      if (e.type === 'updated') continue;
      this.events[e.type]++;
      const n = alertNotification(e, this.opts.instance);
      const fields = { rule: a.rule.name, severity: a.rule.severity, value: a.value, peak: a.peak };
      if (e.type === 'resolved') this.opts.logger.info(fields, n.subject);
      else if (a.rule.severity === 'critical') this.opts.logger.error(fields, n.subject);
      else this.opts.logger.warn(fields, n.subject);
      this.opts.notify({ ...n, alertId: a.alertId });
    }
  }

  /** Pending and firing alerts. */
  active(): ActiveAlert[] {
    return this.evaluator.activeAlerts();
  }

  counts(): AlertCounts {
    const firing = { warning: 0, critical: 0 };
    let pending = 0;
    for (const a of this.evaluator.activeAlerts()) {
      if (a.state === 'firing') firing[a.rule.severity]++;
      else pending++;
    }
    return {
      firing,
      pending,
      evaluations: this.evaluations,
      evaluation_errors: this.evaluationErrors,
      events: { ...this.events },
    };
  }

  /** Stops evaluating; waits for the evaluation in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
