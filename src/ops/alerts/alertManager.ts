/**
 * Runs the alert rules inside the service: every `intervalMs` it reads the metrics, steps the
 * evaluator, stores each transition in the `alerts` table and hands notifications to the dispatcher.
 * Nothing here waits for a notification, and a reading failure costs one evaluation, never the service.
 * A write to the table that fails is kept and retried at the next evaluations, in order per rule and
 * without notifying again, so one transient database error cannot leave an alert open forever or
 * unrecorded. Open alerts survive a restart: they are read back (retried too when that fails) and
 * resolved here when they clear. Time is injectable, so tests drive it with `tick()`.
 */
import {
  type AlertFiring,
  fireAlert,
  markAlertNotified,
  openAlerts,
  resolveAlert,
  type StoredAlert,
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
  /**
   * Queues a notification (never blocks: the dispatcher retries in the background). Its deliveries come back
   * through `delivered`, which counts them in the alert's `notifications`.
   */
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

/**
 * One write to the `alerts` table. A failed one stays queued and is retried at later evaluations; the
 * writes of one rule run in order (a rule's later writes wait behind its failed one).
 */
type StoreOp = { rule: string; failures: number } & (
  | { kind: 'fire'; alert: ActiveAlert; firing: AlertFiring }
  | { kind: 'touch'; alert: ActiveAlert; value: number; peak: number; at: Date }
  | { kind: 'resolve'; at: Date }
  /** A message was sent off at `at`: the start of the repeat cooldown. */
  | { kind: 'notified'; alert: ActiveAlert; at: Date }
  /** A channel delivered a message; `first`: the message's first channel (counted in `notifications`). */
  | { kind: 'delivered'; alert: ActiveAlert; alertId: number | null; channel: string; first: boolean }
);

export class AlertManager {
  private readonly evaluator: AlertEvaluator;
  private readonly now: () => number;
  private intervalMs: number;
  /** The wait before the next evaluation; null while a timer-driven evaluation runs, and when not scheduled. */
  private timer: NodeJS.Timeout | null = null;
  /** The current timer chain: an evaluation of an older one (superseded or stopped) does not schedule another. */
  private chain = 0;
  private running: Promise<AlertEvent[]> | null = null;
  private stopped = false;
  private evaluations = 0;
  private evaluationErrors = 0;
  private readonly events = { fired: 0, resolved: 0, repeat: 0 };
  /** Writes not stored yet, oldest first. */
  private readonly pending: StoreOp[] = [];
  /** Serialises the runs of the queue (an evaluation and a reload may overlap). */
  private storing: Promise<void> = Promise.resolve();
  /** Whether the open alerts of a previous run were read back. */
  private readBackDone = false;
  /** Open alerts read back whose message no channel delivered before the restart (sent at the next evaluation). */
  private readonly owed = new Set<ActiveAlert>();
  /** Alerts this process has sent a message of. */
  private readonly announced = new WeakSet<ActiveAlert>();
  /** The alert of each message handed to `notify`, for `delivered`. */
  private readonly messages = new WeakMap<AlertNotification, ActiveAlert>();

  constructor(private readonly opts: AlertManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs;
    this.evaluator = new AlertEvaluator(opts.rules, opts.cooldownMs);
  }

  /** Reads back the open alerts of a previous run, then evaluates every interval (unless `timer` is false). */
  async start(timer = true): Promise<void> {
    await this.readBack();
    this.opts.onChange?.(this.evaluator.activeAlerts());
    if (timer) this.schedule();
  }

  /**
   * Continues the open alerts of this instance as firing; those it cannot continue (rule removed, or
   * the rule already pending here because the read-back was late) are resolved now. On failure it is
   * tried again at the next evaluation.
   */
  private async readBack(): Promise<void> {
    let open: StoredAlert[];
    try {
      open = await openAlerts(this.opts.db, this.opts.instance);
    } catch (e) {
      this.opts.logger.warn(
        { err: (e as Error).message },
        'open alerts not read back; trying again at the next evaluation',
      );
      return;
    }
    this.readBackDone = true;
    this.evaluator.restore(
      open.map((a) => ({
        rule: a.rule,
        since: a.startedAt.getTime(),
        firedAt: a.firedAt.getTime(),
        value: a.value,
        peak: a.peakValue,
        lastNotifiedAt: a.lastNotifiedAt?.getTime() ?? null,
        alertId: a.id,
        notifications: a.notifications,
        notifiedChannels: a.notifiedChannels,
      })),
    );
    const unknown = new Set(this.evaluator.unknownRules(open));
    const active = new Map(this.evaluator.activeAlerts().map((a) => [a.rule.name, a]));
    const at = new Date(this.now());
    for (const o of open) {
      const a = active.get(o.rule);
      // a firing alert not stored yet will store into this open row (one open row per rule)
      if (a?.state === 'firing' && (a.alertId === o.id || a.alertId === null)) continue;
      if (unknown.has(o.rule))
        this.opts.logger.info({ rule: o.rule }, 'alert resolved: its rule is no longer configured');
      else this.opts.logger.info({ rule: o.rule }, 'alert resolved: not firing any more');
      this.enqueue({ kind: 'resolve', rule: o.rule, at, failures: 0 });
    }
    await this.flush();
    // Retries live in memory: an alert whose message no channel had delivered when the last run stopped (every
    // channel down, then a restart) would stay unannounced until its repeat. It is owed a message: at the next
    // evaluation, "firing" if it still is (a resolution there announces itself).
    // (not one this process has sent a message of already: a read-back delayed by a database outage finds the
    // alert firing in memory, its message out, and the row not updated yet)
    for (const o of open) {
      const a = active.get(o.rule);
      if (a?.state === 'firing' && a.alertId === o.id && o.notifications === 0 && !this.announced.has(a))
        this.owed.add(a);
    }
  }

  /**
   * Sends the firing message of each owed alert (see `readBack`) that this evaluation found still breaching. One
   * that resolved, or whose rule a reload removed, is owed nothing (its "resolved" went out); one without a reading
   * yet waits; one due for its repeat is announced by the repeat.
   */
  private async payOwed(events: readonly AlertEvent[]): Promise<void> {
    if (this.owed.size === 0) return;
    const active = new Set(this.evaluator.activeAlerts());
    for (const a of [...this.owed]) {
      const e = events.find((x) => x.alert === a);
      if (active.has(a) && e === undefined) continue;
      this.owed.delete(a);
      if (!active.has(a) || e?.type !== 'updated') continue;
      this.opts.logger.warn(
        { rule: a.rule.name, severity: a.rule.severity },
        'alert message not delivered before the restart; sending it again',
      );
      const now = this.now();
      a.lastNotifiedAt = now; // the evaluator's repeat cooldown starts with this message, as with its own
      await this.send({ type: 'fired', at: now, alert: a });
    }
  }

  /** Starts a new chain: one wait, one evaluation, then the next wait (at the interval current by then). */
  private schedule(): void {
    if (this.stopped) return;
    const chain = ++this.chain;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().finally(() => {
        if (chain === this.chain) this.schedule();
      });
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
      // a pending wait restarts with the new period; during an evaluation the wait after it takes it
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
    if (!this.readBackDone) await this.readBack();
    else await this.flush();
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
    await this.payOwed(events);
    this.opts.onChange?.(this.evaluator.activeAlerts());
    return events;
  }

  /** Stores each transition (or queues it for retry), logs it and queues its notification. */
  private async apply(events: readonly AlertEvent[]): Promise<void> {
    for (const e of events) {
      const a = e.alert;
      const rule = a.rule.name;
      const at = new Date(e.at);
      const n = alertNotification(e, this.opts.instance);
      if (e.type === 'fired') {
        this.enqueue({
          kind: 'fire',
          rule,
          alert: a,
          failures: 0,
          firing: {
            rule,
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
          },
        });
      } else {
        this.enqueue({ kind: 'touch', rule, alert: a, value: a.value, peak: a.peak, at, failures: 0 });
        if (e.type === 'resolved') this.enqueue({ kind: 'resolve', rule, at, failures: 0 });
      }
      await this.flushRule(rule);
      if (e.type === 'updated') continue;
      this.events[e.type]++;
      const fields = { rule, severity: a.rule.severity, value: a.value, peak: a.peak };
      if (e.type === 'resolved') this.opts.logger.info(fields, n.subject);
      else if (a.rule.severity === 'critical') this.opts.logger.error(fields, n.subject);
      else this.opts.logger.warn(fields, n.subject);
      await this.send(e, n);
    }
  }

  /**
   * Sends the message of `e` (fired, repeat or resolved) after the write that gave the alert its id; counted in the
   * alert's `notifications` when a channel delivers it (`delivered`). The cooldown starts now.
   */
  private async send(e: AlertEvent, n = alertNotification(e, this.opts.instance)): Promise<void> {
    const a = e.alert;
    const rule = a.rule.name;
    const message = { ...n, alertId: a.alertId };
    this.messages.set(message, a);
    this.announced.add(a);
    this.opts.notify(message);
    this.enqueue({ kind: 'notified', rule, alert: a, at: new Date(e.at), failures: 0 });
    await this.flushRule(rule);
  }

  /**
   * A channel delivered a message of `notify` (maybe long after it was sent off, after retries): stored in
   * the alert's `notified_channels`, and its first channel counts it in `notifications`. Through the same
   * queue as the transitions, so a database blip delays the record instead of losing it.
   */
  delivered(message: AlertNotification, channel: string, first: boolean): Promise<void> {
    const alert = this.messages.get(message);
    if (!alert) return Promise.resolve();
    // the object is this breach's (a new breach is a new object): its counts stand while the database is away
    if (first) alert.notifications++;
    if (!alert.notifiedChannels.includes(channel)) alert.notifiedChannels.push(channel);
    // the message's own id: the alert object may have fired again (a new row) by the time a late delivery lands
    const { alertId } = message;
    this.enqueue({ kind: 'delivered', rule: alert.rule.name, alert, alertId, channel, first, failures: 0 });
    return this.flushRule(alert.rule.name);
  }

  /** Stores the rule's queued writes, unless an earlier one failed: that rule waits for the next evaluation. */
  private async flushRule(rule: string): Promise<void> {
    if (!this.pending.some((p) => p.rule === rule && p.failures > 0)) await this.flush(rule);
  }

  /** Queues a write; a newer value/peak of an alert replaces its older one still queued. */
  private enqueue(op: StoreOp): void {
    if (op.kind === 'touch') {
      const i = this.pending.findIndex((p) => p.kind === 'touch' && p.alert === op.alert);
      if (i >= 0) {
        // the newer value keeps the older one's failures: "alert state not stored" is logged once per outage, not at
        // every evaluation of a firing alert
        op.failures = this.pending[i].failures;
        this.pending.splice(i, 1);
      }
    }
    this.pending.push(op);
  }

  /** Runs the queued writes (of one rule, or all) in order; a failed one and its rule's later ones stay queued. */
  private flush(only?: string): Promise<void> {
    const run = this.storing.then(async () => {
      const blocked = new Set<string>();
      for (const op of [...this.pending]) {
        if ((only !== undefined && op.rule !== only) || blocked.has(op.rule)) continue;
        try {
          await this.store(op);
        } catch (err) {
          blocked.add(op.rule);
          if (op.failures++ === 0)
            this.opts.logger.warn(
              { rule: op.rule, op: op.kind, err: (err as Error).message, retry: 'at the next evaluation' },
              'alert state not stored',
            );
          continue;
        }
        const i = this.pending.indexOf(op);
        if (i >= 0) this.pending.splice(i, 1);
        if (op.failures > 0)
          this.opts.logger.info(
            { rule: op.rule, op: op.kind, failures: op.failures },
            'alert state stored after a retry',
          );
      }
    });
    this.storing = run.catch(() => {});
    return run;
  }

  private async store(op: StoreOp): Promise<void> {
    const db = this.opts.db;
    switch (op.kind) {
      case 'fire':
        op.alert.alertId = (await fireAlert(db, op.firing)).id;
        return;
      case 'touch':
        if (op.alert.alertId !== null)
          await touchAlert(db, op.alert.alertId, { value: op.value, peak: op.peak, at: op.at });
        return;
      case 'resolve':
        await resolveAlert(db, op.rule, op.at, this.opts.instance);
        return;
      case 'notified':
        if (op.alert.alertId !== null) await markAlertNotified(db, op.alert.alertId, { at: op.at });
        return;
      case 'delivered': {
        const id = op.alertId ?? op.alert.alertId; // null: the firing was not stored when the message went out
        if (id !== null) await markAlertNotified(db, id, { channels: [op.channel], countMessage: op.first });
        return;
      }
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

  /** Writes to the `alerts` table still queued for a retry. */
  unstored(): number {
    return this.pending.length;
  }

  /** Stops evaluating; waits for the evaluation in flight and tries the queued writes once more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.chain++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    if (this.pending.length) await this.flush();
    if (this.pending.length)
      this.opts.logger.warn(
        { writes: this.pending.length },
        'alert state not stored before stopping; the next start resolves what is no longer firing',
      );
  }
}
